"""What a hostile run looks like: markup and odd Unicode shown as written, bad files counted."""

from __future__ import annotations

from pathlib import Path

from ..fixtures.hostile import build_hostile_run
from .test_screens import SIZE, SnapCompare, after, app_on


def test_hostile_names_and_unreadable_files(snap_compare: SnapCompare, tmp_path: Path) -> None:
    run = build_hostile_run(tmp_path, big_event_mb=0)
    app = app_on(run.ident_dir)
    # The screen holds the unreadable files' toasts: on a loaded machine the run's load and
    # the waits can outlast their 5 s, and the screen would show none.
    app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]
    assert snap_compare(app, terminal_size=SIZE, run_before=after("e", header="unreadable"))
