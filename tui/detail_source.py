"""The playbook lines around a task, as the detail pane shows them beside a task or host run.

`core.task_file` finds the file and reads the lines (on the pane's worker); this draws
them: YAML highlighted by Rich's `Syntax` (the file is text to a lexer, never markup), the
task's line marked, or one line saying where the file was looked for.
"""

from __future__ import annotations

from typing import Final

from rich.console import Group, RenderableType
from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.task_file import SourceExcerpt, SourceMissing, TaskSource

from .detail_blocks import note, rule
from .detail_styles import SECONDARY

#: Pygments style names the terminal's own palette, so the theme's colours apply.
SYNTAX_THEME: Final = "ansi_dark"
#: Characters of a path in the block's title.
_PATH_CHARS: Final = 300


def source_block(source: TaskSource | None) -> list[RenderableType]:
    """The source section of the detail pane; nothing when the node names no file."""
    if source is None:
        return []
    if isinstance(source, SourceMissing):
        return [rule("source"), note(safe_line(source.looked, 2_000))]
    return [rule("source"), _where(source), *_excerpt(source)]


def source_loading(task_path: str) -> list[RenderableType]:
    """What the section says while the file is looked for and read."""
    return [rule("source"), note(f"loading {safe_line(task_path, _PATH_CHARS)} …")]


def _where(source: SourceExcerpt) -> Text:
    """The file shown (where it was found, which may not be the path as written) and line."""
    line = source.task.line
    where = Text(safe_line(str(source.found.path), _PATH_CHARS), style=SECONDARY.key)
    if line is not None:
        where.append(f":{line}", style=SECONDARY.key)
    if source.found.how != "as written":
        where.append(f"  (found via {source.found.how})", style=SECONDARY.note)
    return where


def _excerpt(source: SourceExcerpt) -> list[RenderableType]:
    out: list[RenderableType] = []
    if source.lines:
        from rich.syntax import Syntax  # Pygments: imported when a source is first shown

        marked = source.task.line
        syntax = Syntax(
            "\n".join(source.lines),
            "yaml",
            theme=SYNTAX_THEME,
            line_numbers=True,
            start_line=source.first,
            highlight_lines={marked} if marked is not None else None,
            word_wrap=True,
            tab_size=2,
        )
        if marked is not None and source.first <= marked < source.first + len(source.lines):
            row = marked - source.first + 1
            syntax.stylize_range("bold", (row, 0), (row, len(source.lines[row - 1])))
        out.append(syntax)
    if source.problem:
        out.append(note(safe_line(f"{source.found.path}: {source.problem}", 2_000)))
    return [Group(*out)] if out else [Text("")]
