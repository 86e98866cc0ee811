"""Tree labels: one `Text` line a node, built from data and never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.nodes import Node
from jobevents.core.render import duration_text
from jobevents.core.status import STATUSES

from .theme import MESSAGE_GLYPH, MESSAGE_NAME, PART_STYLE, STATUS_GLYPH, STATUS_STYLE

_NAME_LIMIT = 160
_DETAIL_LIMIT = 120


def counts_label(counts: dict[str, int] | None) -> Text:
    """`✔ 97 ~ 2 ✘ 1 ● 3`: host runs by status, in the status colours."""
    text = Text()
    if not counts:
        return text
    for status in reversed(STATUSES):
        n = counts.get(status)
        if n:
            if text:
                text.append(" ")
            text.append(f"{STATUS_GLYPH[status]} {n}", style=STATUS_STYLE[status])
    return text


def node_label(node: Node) -> Text:
    """The label of a tree line: glyph, name, marks, counts, duration, one line of why."""
    kind = node.kind
    if kind == "message":
        glyph, style = MESSAGE_GLYPH.get(node.name, ("·", "dim"))
        text = Text.assemble((glyph, style), " ", (MESSAGE_NAME.get(node.name, node.name), style))
        if node.detail:
            text.append(": ")
            text.append(safe_line(node.detail, _DETAIL_LIMIT), style="dim")
        return text
    status = node.status
    text = Text.assemble((STATUS_GLYPH.get(status, "?"), STATUS_STYLE.get(status, "")), " ")
    if kind == "play":
        text.append("PLAY ", style="bold")
        text.append(safe_line(node.name, _NAME_LIMIT) or "(unnamed play)", style="bold")
        if node.batches > 1:
            text.append(f" [{node.batches} batches]", style="dim")
    elif kind == "task":
        if node.handler:
            text.append("HANDLER ", style=PART_STYLE["handler"])
        if node.role:
            text.append(safe_line(node.role, 60), style=PART_STYLE["role"])
            text.append(" : ", style="dim")
        text.append(safe_line(node.name, _NAME_LIMIT) or "(unnamed task)")
    elif kind == "playbook":
        text.append(safe_line(node.name, _NAME_LIMIT) or "(playbook)", style="bold")
    elif kind == "host":
        text.append(safe_line(node.name, _NAME_LIMIT), style=STATUS_STYLE.get(status, ""))
    else:
        prefix = {"item": "item ", "retry": "", "async": ""}.get(kind, "")
        text.append(prefix, style="dim")
        text.append(safe_line(node.name, _NAME_LIMIT))
    counts = counts_label(node.counts)
    if counts and kind != "host":
        text.append("  ")
        text.append_text(counts)
    duration = duration_text(node.elapsed) if status != "running" else ""
    if duration:
        text.append(f"  {duration}", style="dim")
    if node.detail and kind in ("host", "item", "retry", "async"):
        text.append("  ")
        text.append(safe_line(node.detail, _DETAIL_LIMIT), style=STATUS_STYLE.get(status, "dim"))
    return text
