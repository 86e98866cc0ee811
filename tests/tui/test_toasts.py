"""Toasts show run data as text: a run, host or file named like markup is not styled."""

from __future__ import annotations

from pathlib import Path

from textual.notifications import Notification
from textual.widgets._toast import Toast

from jobevents.tui.app import JobEventsApp

from .helpers import copy_run, running, settle, wait_for

#: a run folder name (no "/" in it) that Rich markup would style and hide
HOSTILE = "[bold red]x[reverse]y"


def _toasted(app: JobEventsApp) -> list[str]:
    """What a toast shows of each notification: Textual's Toast.render, whose message is
    markup unless the notification says `markup=False` (the title left out: styling it
    needs a mounted toast, and our titles are fixed words)."""
    return [
        str(Toast(Notification(n.message, "", n.severity, markup=n.markup)).render())
        for n in app._notifications
    ]


async def test_a_new_run_named_like_markup_is_toasted_literally(tmp_path: Path) -> None:
    copy_run("adhoc", tmp_path)
    app = JobEventsApp(tmp_path, watch=True)
    # A toast lasts 5 s: on a loaded machine the one said could be gone before it is seen
    app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]
    async with running(app) as pilot:
        await settle(pilot)
        # A run that is there when the first one opens is known, not new: copy it after.
        await wait_for(pilot, lambda: app.feed is not None, timeout=30, what="the first run")
        copy_run("adhoc", tmp_path, ident=HOSTILE)

        def toasted() -> bool:
            app._check_runs()  # as the app's 1 s check does, without waiting for it
            return any("new run" in str(n.message) for n in app._notifications)

        try:
            await wait_for(pilot, toasted, timeout=30, what="a toast")
        except AssertionError:
            listing = app.runs
            raise AssertionError(
                f"no toast: ident={app.ident!r} watch={app.watch_folder} "
                f"runs={[r.ident for r in listing.runs()]} known={app.run_switching._known_idents} "
                f"feed={app.feed is not None} view={app.view} "
                f"said={[str(n.message) for n in app._notifications]}"
            ) from None
        shown = " ".join(_toasted(app))
        assert f"new run {HOSTILE}" in shown, shown
