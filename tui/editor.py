"""`E`: the selected task's file opened in the user's editor, $VISUAL or $EDITOR, no shell.

The variable is split as a shell would split it (`code -w`, `emacsclient -t`), and the
line (`+LINE`, which vi, vim, nano, emacs and micro read) and the file follow as
arguments of their own: nothing from a path ever reaches a shell. The app lends the
terminal to the editor (Textual's suspend) and says in a toast what went wrong.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.notifications import SeverityLevel

from jobevents.core.task_file import locate, parse_task_path, task_path_of, where_looked

if TYPE_CHECKING:
    from .app import JobEventsApp


class EditorError(Exception):
    """Why no editor can be started, in a sentence for a toast."""


def editor_command(env: Mapping[str, str], path: Path, line: int | None) -> list[str]:
    """The argv that opens `path` at `line` in $VISUAL, else $EDITOR. Raises EditorError."""
    name = "VISUAL" if (env.get("VISUAL") or "").strip() else "EDITOR"
    value = (env.get(name) or "").strip()
    if not value:
        raise EditorError("Neither $VISUAL nor $EDITOR is set: set one to open files.")
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise EditorError(f"${name} cannot be split into a command: {exc}.") from None
    if not words:
        raise EditorError(f"${name} names no command.")
    # Absolute, so a file named like an option ("-c.yml") is never read as one.
    target = str(path if path.is_absolute() else Path.cwd() / path)
    return [*words, *((f"+{line}",) if line else ()), target]


def edit_source(app: JobEventsApp) -> None:
    """Open the selected task's file in $VISUAL or $EDITOR at the task's line."""
    view, feed = app.view, app.feed
    if view is None or feed is None:
        return
    with feed.lock:
        task = parse_task_path(task_path_of(view.selected_node()))
    if task is None:
        _says(app, "Pick a task or a host run: this node names no file.")
        return
    roots = app.detail.roots
    found = locate(task, roots)
    if found is None:
        _says(app, where_looked(task, roots), "warning")
        return
    try:
        command = editor_command(os.environ, found.path, task.line)
    except EditorError as exc:
        _says(app, str(exc), "warning")
        return
    failed: OSError | None = None
    code = 0
    try:
        with app.suspend():
            # Caught inside: an exception through suspend() would leave the app suspended.
            try:
                code = subprocess.call(command)
            except OSError as exc:
                failed = exc
    except SuspendNotSupported:
        _says(app, "This terminal cannot be lent to an editor.")
        return
    if failed is not None:
        _says(app, f"Cannot start {command[0]}: {failed.strerror or failed}", "error")
    elif code:
        _says(app, f"{command[0]} exited with {code}.", "warning")


def _says(app: JobEventsApp, message: str, severity: SeverityLevel = "information") -> None:
    """A toast about `E`: it names paths from events."""
    app.say(message, title="Edit", severity=severity)
