"""The end of a run: saying when the run we started (`run`, `demo`) or a worker stream has
ended, and leaving the app, asking first whether to cancel or detach from a run still going.

The shell (`app.py`) calls `check()` every second and `quit()` on `q`; what to say and
how to leave is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from .app import JobEventsApp
    from .launch import PlaybookProcess
    from .widgets.quit_dialog import QuitChoice


class RunEnd:
    """Watches for the end of the run the app started or was piped, and leaves the app."""

    def __init__(self, app: JobEventsApp, process: PlaybookProcess | None) -> None:
        self.app = app
        #: the run this app started (`run`, `demo`), if any
        self.process = process
        #: how the user left a run still going: "detach" or "cancel"
        self.left_run: QuitChoice | None = None
        self._said = False

    def check(self) -> None:
        """Say when our run ended (call it after the first run is opened: a run that ended
        before it was opened has its events all the same) and when a worker stream ended."""
        self._check_process()
        if self.app.given_feed is not None:
            self._check_stream()

    def _check_process(self) -> None:
        """Say when the run we started ends; show why if it never wrote an event."""
        app, process = self.app, self.process
        if process is None or self._said or process.running:
            return
        self._said = True
        rc = process.rc()
        if app.feed is None:
            output = process.failure_output().strip() or "(no output)"
            app.header.show_waiting(f"The run ended (rc {rc}) before any event.")
            if app.waiting is not None:
                app.waiting.update(Text(f"ansible-runner said:\n\n{output}"))
            return
        # The feed reads the status file on its clock: it may not have seen the last write.
        status = app.feed.source.status()
        if status in (None, "starting", "running"):
            status = "successful" if rc == 0 else "failed"
        severity = "information" if rc == 0 else "error"
        app.say(f"{status}, rc {rc}. q quits.", title="Run finished", severity=severity)

    def _check_stream(self) -> None:
        """Say once when a worker stream has ended: how, and where it was saved."""
        feed = self.app.feed
        note = feed.take_end_note() if feed is not None else None
        if note is not None:
            title, message, severity = note
            self.app.say(message, title=title, severity=severity)

    # ------------------------------------------------------------- leaving

    def quit(self) -> None:
        """Stop watching and leave (asks first when our run is still going)."""
        if self.process is not None and self.process.running:
            from .widgets.quit_dialog import QuitDialog  # asked only on leaving a live run

            self.app.push_screen(QuitDialog(), self._quit_chosen)
            return
        self._leave()

    def _quit_chosen(self, choice: QuitChoice | None) -> None:
        app = self.app
        if choice == "cancel" and self.process is not None:
            self.process.cancel()
            self.left_run = "cancel"
            app.notify("Canceling the run…", title="Cancel")
            app.set_interval(0.2, self._leave_when_ended)
        elif choice == "detach":
            self.left_run = "detach"
            self._leave()

    def _leave_when_ended(self) -> None:
        if self.process is None or not self.process.running:
            self._leave()

    def _leave(self) -> None:
        app, process = self.app, self.process
        if app.feed is not None:
            app.feed.stop()
        if process is not None and self.left_run != "detach" and not process.running:
            rc = process.rc()
            app.exit(rc, return_code=rc)
        else:
            app.exit(0)
