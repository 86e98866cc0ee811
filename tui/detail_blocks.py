"""The detail pane's building blocks: capped text with a note of what was cut, the last
lines of a long text, a section's rule, a key-value grid, a secondary note, a status and a
task's title. Every part of
the pane (a node's summary, its raw JSON and YAML, its source, a host) is made of these,
so they look alike and cost no more than what they show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rich.console import RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from jobevents.core.ansi import sanitize_ansi, strip_ansi
from jobevents.core.nodes import Node

from .detail_styles import SECONDARY
from .theme import STATUS_GLYPH, STATUS_STYLE
from .value_text import MAX_CHARS, capped_line

#: Lines of one text block shown at most.
MAX_LINES: Final = 500
#: Rows of one table (hosts of a task, tasks of a play, loop items) shown at most.
MAX_ROWS: Final = 60
#: Statuses whose detail says why the run failed (ignored and rescued failures too).
PROBLEMS: Final = frozenset({"failed", "unreachable", "ignored", "rescued"})


def clip(text: str, max_chars: int, max_lines: int) -> tuple[str, int, int]:
    """Cut `text` at `max_chars` characters or `max_lines` lines, whichever comes first.

    Returns the kept text, and how many lines and characters were cut off.
    """
    cut = min(len(text), max_chars)
    pos = -1
    for _ in range(max_lines):
        pos = text.find("\n", pos + 1, cut)
        if pos < 0:
            break
    else:
        cut = pos
    if cut >= len(text):
        return text, 0, 0
    kept = text[:cut]
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    shown = kept.count("\n") + 1
    return kept, max(0, total - shown), len(text) - cut


def block(
    text: str | None,
    *,
    ansi: bool = False,
    max_chars: int = MAX_CHARS,
    max_lines: int = MAX_LINES,
    style: str = "",
) -> list[RenderableType]:
    """A capped block of text, with a note of what was cut.

    The cut happens before `sanitize_ansi` / `strip_ansi`, so their cost stays bounded and
    an escape sequence cut in half is dropped like any broken one.
    """
    if not text:
        return []
    kept, more_lines, more_chars = clip(text, max_chars, max_lines)
    kept = kept.rstrip("\n")
    if ansi:
        body = Text.from_ansi(sanitize_ansi(kept), style=style)
    else:
        body = Text(strip_ansi(kept), style=style)
    out: list[RenderableType] = [body]
    if more_chars:
        out.append(cut_note(more_lines, more_chars))
    return out


def tail(text: str, lines: int, max_chars: int) -> list[RenderableType]:
    """The last `lines` lines of `text`, of its last `max_chars` characters at most."""
    text = text.rstrip("\n")
    window = max(0, len(text) - max_chars)
    cut = window
    pos = len(text)
    for _ in range(lines):
        newline = text.rfind("\n", window, pos)
        if newline < 0:
            break
        pos = newline
    else:
        cut = pos + 1
    out: list[RenderableType] = []
    if cut:
        earlier = text.count("\n", 0, cut)
        what = f"{earlier:,} earlier lines" if earlier else f"{cut:,} earlier characters"
        out.append(note(f"… {what} (see stderr below)"))
    out.append(Text(strip_ansi(text[cut:])))
    return out


def cut_note(more_lines: int, more_chars: int) -> Text:
    """Says what a capped block left out, so a cut is never silent."""
    if more_lines:
        what = f"{more_lines:,} more lines ({more_chars:,} characters) truncated"
    else:
        what = f"{more_chars:,} more characters truncated"
    return note(f"… {what}")


def note(text: str) -> Text:
    """A line about the content (cut, loading, missing), in the theme's secondary style."""
    return Text(text, style=SECONDARY.note)


def rule(title: str) -> Rule:
    """A section's title across the pane."""
    return Rule(Text(title, style="bold"), align="left", style=SECONDARY.rule)


def grid(rows: Iterable[tuple[str, Text]]) -> Table:
    """Keys and values in two columns; long values fold rather than widen the pane."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style=SECONDARY.key)
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(Text(key), value)
    return table


def status_text(status: str) -> Text:
    """`✘ failed` in the status's colour; an unknown status is shown as plain text."""
    status = status if isinstance(status, str) else str(status)
    glyph = STATUS_GLYPH.get(status, "?")
    return Text(f"{glyph} {capped_line(status, 40)}", style=STATUS_STYLE.get(status, ""))


def task_title(task: Node) -> Text:
    """A task's name with its role and handler mark, as its rows and headers show it."""
    text = Text()
    if task.handler:
        text.append("handler ", style=SECONDARY.key)
    if task.role:
        text.append(capped_line(task.role, 80), style="italic")
        text.append(" : ", style=SECONDARY.key)
    text.append(capped_line(task.name, 200) if task.name else "(unnamed)")
    return text
