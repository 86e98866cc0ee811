"""A comparison's marks as text: beside a tree line, a timeline row, and in the header.

Built from data as `Text` (statuses and host names come from events), never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.render import duration_text

from .theme import PART_STYLE

if TYPE_CHECKING:
    from jobevents.core.comparison import Mark
    from jobevents.core.diff_marks import DiffMarks, TaskTally

#: a mark's kind -> its part of the theme's styles (`PART_STYLE`)
_MARK_PART: dict[str, str] = {
    "new_failure": "new_failure",
    "fixed": "fixed",
    "changed": "differs",
    "slower": "slower",
    "faster": "faster",
    "added": "added",
}


def mark_style(kind: str) -> str:
    """A mark's style in the active theme ("" for a kind without one)."""
    part = _MARK_PART.get(kind)
    return PART_STYLE[part] if part is not None else ""


def delta_text(seconds: float) -> str:
    """`+2.30s`, `−1m05s`: a signed difference of wall times."""
    sign = "+" if seconds >= 0 else "−"
    return sign + duration_text(abs(seconds))


def mark_text(mark: Mark) -> Text:
    """`✘ new ok→failed`, `✔ fixed failed→ok`, `≠ ok→changed`, `▲ +2.30s`, `+ new task`."""
    style = mark_style(mark.kind)
    if mark.kind in ("slower", "faster"):
        glyph = "▲" if mark.kind == "slower" else "▼"
        return Text(f"{glyph} {delta_text(mark.delta_s or 0.0)}", style=style)
    if mark.kind == "added":
        return Text("+ new task", style=style)
    head = {"new_failure": "✘ new ", "fixed": "✔ fixed ", "changed": "≠ "}.get(mark.kind, "")
    text = Text(head, style=style)
    text.append(f"{safe_line(mark.a or '', 20)}→{safe_line(mark.b or '', 20)}", style=style)
    return text


def tally_text(tally: TaskTally) -> Text:
    """`Δ 1 new failure, 2 changed`: what a task's hosts did differently."""
    text = Text("Δ ", style="bold")
    parts: list[tuple[str, str]] = []
    if tally.new_failures:
        parts.append(
            (f"{tally.new_failures} new failure{_s(tally.new_failures)}", PART_STYLE["new_failure"])
        )
    if tally.fixed:
        parts.append((f"{tally.fixed} fixed", PART_STYLE["fixed"]))
    if tally.changed:
        parts.append((f"{tally.changed} changed", PART_STYLE["differs"]))
    for i, (part, style) in enumerate(parts):
        if i:
            text.append(", ", style="dim")
        text.append(part, style=style)
    return text


def node_marks(marks: DiffMarks | None, node_id: int) -> Text | None:
    """Everything a comparison says of one node, or None."""
    if not marks:
        return None
    own = marks.nodes.get(node_id)
    tally = marks.tasks.get(node_id)
    if own is None and not tally:
        return None
    text = Text()
    if own is not None:
        text.append_text(mark_text(own))
    if tally:
        if text:
            text.append("  ")
        text.append_text(tally_text(tally))
    return text


def compact_marks(marks: DiffMarks | None, node_id: int) -> Text | None:
    """What a comparison says of a node in a few cells (a timeline row's mark column):
    `▲ +2.30s`, `✘ new`, `✔ fixed`, `≠ changed`, `+ new`, and `Δ3` for a task's host changes."""
    if not marks:
        return None
    own = marks.nodes.get(node_id)
    tally = marks.tasks.get(node_id)
    if own is None and not tally:
        return None
    text = Text()
    if own is not None:
        style = mark_style(own.kind)
        if own.kind in ("slower", "faster"):
            text.append_text(mark_text(own))
        elif own.kind == "added":
            text.append("+ new", style=style)
        elif own.kind == "changed":
            text.append(f"≠ {safe_line(own.b or '', 12)}", style=style)
        else:
            text.append("✘ new" if own.kind == "new_failure" else "✔ fixed", style=style)
    if tally:
        if text:
            text.append(" ")
        worst = (
            PART_STYLE["new_failure"]
            if tally.new_failures
            else PART_STYLE["fixed"]
            if tally.fixed
            else PART_STYLE["differs"]
        )
        text.append(f"Δ{tally.new_failures + tally.fixed + tally.changed}", style=worst)
    return text


def compare_header(against: str, marks: DiffMarks | None, *, loading: bool) -> Text:
    """`vs drift_a: 1 new failure, 1 fixed, 21 changed, 1 slower, tasks +2 −2`, the most
    pressing first (a narrow header cuts the end)."""
    text = Text("vs ", style=PART_STYLE["compare"])
    text.append(safe_line(against, 40), style=PART_STYLE["compare"])
    if loading:
        text.append(": loading…", style=PART_STYLE["added"])
        return text
    counts = marks.counts if marks is not None else {}
    parts: list[tuple[str, str]] = []
    for key, label, style in (
        ("new_failures", "new failure", PART_STYLE["new_failure"]),
        ("fixed", "fixed", PART_STYLE["fixed"]),
        ("changed", "changed", PART_STYLE["differs"]),
        ("slower", "slower", PART_STYLE["slower"]),
        ("faster", "faster", PART_STYLE["faster"]),
    ):
        n = counts.get(key, 0)
        if n:
            plural = _s(n) if key == "new_failures" else ""
            parts.append((f"{n:,} {label}{plural}", style))
    added, removed = counts.get("added", 0), counts.get("removed", 0)
    if added or removed:
        parts.append((f"tasks +{added:,} −{removed:,}", PART_STYLE["added"]))
    text.append(": ", style=PART_STYLE["added"])
    if not parts:
        text.append("no differences", style=PART_STYLE["added"])
    for i, (part, style) in enumerate(parts):
        if i:
            text.append(", ", style="dim")
        text.append(part, style=style)
    return text


def _s(n: int) -> str:
    return "" if n == 1 else "s"
