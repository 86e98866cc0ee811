"""Toasts show run data as text: a run, host or file named like markup is not styled."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast

from jobevents.tui.app import JobEventsApp

from .helpers import SIZE, copy_run, halt, settle, wait_for

#: a run folder name (no "/" in it) that Rich markup would style and hide
HOSTILE = "[bold red]x[reverse]y"


def _toasts(app: JobEventsApp) -> list[str]:
    """The text each toast on screen shows."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def test_a_new_run_named_like_markup_is_toasted_literally(tmp_path: Path) -> None:
    copy_run("adhoc", tmp_path)
    app = JobEventsApp(tmp_path, watch=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts are shown
        try:
            await settle(pilot)
            copy_run("adhoc", tmp_path, ident=HOSTILE)
            app._check_runs()
            # generous: the new run is opened (followed) first, slow on a loaded machine
            await wait_for(pilot, lambda: bool(_toasts(app)), timeout=30, what="a toast")
            shown = " ".join(_toasts(app))
            assert f"new run {HOSTILE}" in shown, shown
        finally:
            halt(app)
