"""The command that opens a task's file in the user's editor: $VISUAL or $EDITOR, no shell.

The variable is split as a shell would split it (`code -w`, `emacsclient -t`), and the
line (`+LINE`, which vi, vim, nano, emacs and micro read) and the file follow as
arguments of their own: nothing from a path ever reaches a shell.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path


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
