"""What the detail pane shows for the selected node, as Rich renderables: the playbook, a
play or a task (here), a message, a host run and below (`detail_run`).

Pure functions: no widgets, no I/O.  The caller reads the node's payload (the whole
runner event of `node.ref`) and passes it in; `None` means it is not loaded (yet).

Everything from an event is untrusted data.  It is never parsed as Rich markup: every
string becomes a `Text` built directly, and table cells, titles and headers are `Text`
too (a plain `str` there would be parsed as markup).  Only the event's own `stdout` keeps
its colours, through `sanitize_ansi` and `Text.from_ansi`; every other string goes through
`strip_ansi` (blocks) or `safe_line` (one-line fields), so no escape sequence or control
character reaches the terminal.  Every block is capped (`MAX_CHARS`, `MAX_LINES`,
`MAX_ROWS`) with a visible note, and fields of the wrong type are shown, not trusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from rich.console import Group, RenderableType
from rich.text import Text

from jobevents.core.nodes import Node
from jobevents.core.render import counts_text, duration_text
from jobevents.core.status import STATUSES

from .columns import Column, Columns
from .detail_blocks import (
    MAX_LINES,
    MAX_ROWS,
    PROBLEMS,
    block,
    grid,
    note,
    rule,
    status_text,
    task_title,
)
from .detail_run import host_detail
from .detail_styles import SECONDARY
from .theme import STATUS_GLYPH, STATUS_STYLE
from .value_text import (
    LINE_CHARS,
    MAX_CHARS,
    as_mapping,
    capped_line,
    json_text,
    one_line,
    str_field,
    time_text,
)

__all__ = [
    "MAX_CHARS",
    "MAX_LINES",
    "MAX_ROWS",
    "STATUS_GLYPH",
    "STATUS_STYLE",
    "event_json",
    "host_detail",
    "message_detail",
    "status_text",
    "structural_detail",
]

_STATUS_RANK: Final = {status: rank for rank, status in enumerate(STATUSES)}


# ------------------------------------------------------------------ public API


def structural_detail(
    node: Node,
    *,
    now: float | None = None,
    raw: Sequence[RenderableType] | None = None,
    source: Sequence[RenderableType] = (),
) -> list[RenderableType]:
    """The detail of the playbook, a play or a task: header, counts and a table of children.

    `now` (seconds since the epoch) lets a node still running show how long it has run.
    `raw` (its start event as JSON or YAML) replaces the counts and the table; `source`
    (the playbook around a task) comes before the table.
    """
    out: list[RenderableType] = [_structural_header(node, now)]
    if raw is not None:
        out.extend(raw)
        return out
    counts = _counts_line(node.counts)
    if counts is not None:
        out.append(counts)
    out.extend(source)
    out.extend(_children_table(node, now))
    return out


def message_detail(
    node: Node,
    event: Mapping[str, Any] | None,
    *,
    raw: Sequence[RenderableType] | None = None,
) -> list[RenderableType]:
    """The detail of a message (warning, verbose, include, notify, …); `raw` as in `host_detail`."""
    if not isinstance(event, Mapping):
        event = None
    data = as_mapping(event.get("event_data")) if event is not None else None
    kind = str_field(event.get("event")) if event is not None else None
    title = Text(capped_line(kind or node.name or "message", 200), style="bold")
    if node.status == "failed":
        title.stylize(STATUS_STYLE["failed"])
    rows: list[tuple[str, Text]] = []
    if node.detail:
        rows.append(("detail", one_line(node.detail)))
    if data is not None:
        for key in ("host", "handler", "included_file", "task", "play", "playbook"):
            value = str_field(data.get(key))
            if value:
                rows.append((key.replace("_", " "), one_line(value)))
    if event is not None:
        created = str_field(event.get("created"))
        if created:
            rows.append(("at", Text(time_text(created))))
    if node.ref is not None:
        rows.append(("event", Text(f"#{node.ref[0]}", style=SECONDARY.key)))
    out: list[RenderableType] = [Group(title, grid(rows))]
    if event is None:
        out.append(note("The event is not loaded (still reading it, or its file is unreadable)."))
        return out
    if raw is not None:
        out.extend(raw)
        return out
    stdout = event.get("stdout")
    if isinstance(stdout, str) and stdout.strip():
        out.append(rule("output"))
        out.extend(block(stdout, ansi=True))
    return out


def event_json(event: Any) -> list[RenderableType]:
    """The whole event as indented JSON: plain text, capped, controls stripped."""
    text, complete = json_text(event, MAX_CHARS)
    out = block(text)
    if not complete:
        out.append(note(f"… the JSON is cut at {MAX_CHARS:,} characters"))
    return out


# ------------------------------------------------------------------ structural


def _structural_header(node: Node, now: float | None) -> RenderableType:
    kind = "handler" if node.kind == "task" and node.handler else node.kind
    title = Text.assemble((kind, SECONDARY.key), " ")
    title.append(capped_line(node.name, 200) if node.name else "(unnamed)", style="bold")
    title.append("  ")
    title.append_text(status_text(node.status))
    rows: list[tuple[str, Text]] = []
    if node.kind == "task":
        if node.role:
            rows.append(("role", one_line(node.role)))
        if node.handler:
            rows.append(("handler", Text("yes")))
        if node.action:
            rows.append(("action", one_line(node.action)))
        if node.path:
            rows.append(("path", one_line(node.path)))
    if node.kind == "play":
        if node.detail:
            rows.append(("hosts", one_line(node.detail)))
        if node.batches > 1:
            rows.append(("batches", Text(f"{node.batches} (serial)")))
    if node.placeholder:
        rows.append(("note", Text("its start event has not arrived yet", style=SECONDARY.note)))
    if node.start or node.end:
        span = Text(time_text(node.start) if node.start else "?")
        span.append(" → ", style=SECONDARY.key)
        span.append(time_text(node.end) if node.end else "…")
        rows.append(("span", span))
    duration = _duration(node, now)
    if duration:
        rows.append(("duration", duration))
    return Group(title, grid(rows))


def _counts_line(counts: dict[str, int] | None) -> Text | None:
    if not counts:
        return None
    line = Text("host runs ", style=SECONDARY.key)
    total = 0
    first = True
    for status in reversed(STATUSES):
        n = counts.get(status)
        if not isinstance(n, int) or n <= 0:
            continue
        total += n
        if not first:
            line.append("  ")
        first = False
        line.append(f"{STATUS_GLYPH.get(status, '?')} {n:,} {status}", style=STATUS_STYLE[status])
    line.append(f"   ({total:,} in all)", style=SECONDARY.key)
    return line


def _children_table(node: Node, now: float | None) -> list[RenderableType]:
    children = list(node.children)
    if not children:
        return [note("Nothing below it yet.")]
    heading = {"task": "host", "play": "task", "playbook": "play"}.get(node.kind, "name")
    sorted_by_status = len(children) > MAX_ROWS
    if sorted_by_status:
        # Keep the rows people look for: the worst first, in tree order within a status.
        children.sort(key=lambda child: _STATUS_RANK.get(child.status, len(STATUSES)))
    shown = children[:MAX_ROWS]
    table = Columns(
        Column(heading, ratio=3),
        Column("status"),
        Column("duration", justify_right=True),
        Column("why" if node.kind == "task" else "hosts", ratio=4),
    )
    for child in shown:
        table.add_row(*_child_row(child, now))
    if len(children) > MAX_ROWS:
        hidden: dict[str, int] = {}
        for child in children[MAX_ROWS:]:
            key = "message" if child.kind == "message" else child.status
            hidden[key] = hidden.get(key, 0) + 1
        table.add_row(
            Text(f"… {len(children) - MAX_ROWS:,} more", style=SECONDARY.note),
            Text(""),
            Text(""),
            Text(
                ", ".join(f"{n:,} {capped_line(key, 40)}" for key, n in hidden.items()),
                style=SECONDARY.note,
            ),
        )
    out: list[RenderableType] = [table]
    if sorted_by_status:
        out.insert(
            0,
            note(f"{len(children):,} rows below: the first {MAX_ROWS:,} by status, worst first."),
        )
    return out


def _child_row(child: Node, now: float | None) -> tuple[Text, Text, Text, Text]:
    if child.kind == "message":
        name = Text(capped_line(child.name, 120), style=SECONDARY.key)
        status = (
            Text("✘ error", style=STATUS_STYLE["failed"]) if child.status == "failed" else Text("")
        )
        detail = Text(capped_line(child.detail or "", LINE_CHARS), style=SECONDARY.key)
        return name, status, Text(""), detail
    if child.kind == "task":
        name = task_title(child)
    elif child.kind == "play":
        name = Text(capped_line(child.name, 200) if child.name else "(unnamed)")
        if child.batches > 1:
            name.append(f" ({child.batches} batches)", style=SECONDARY.key)
    else:
        name = Text(capped_line(child.name, 200) if child.name else "(unnamed)")
        if child.kind != "host":
            name = Text.assemble((f"{child.kind} ", SECONDARY.key), name)
    duration = _duration(child, now) or Text("")
    if child.is_structural:
        summary = Text(counts_text(child.counts))
    else:
        summary = Text(capped_line(child.detail or "", LINE_CHARS))
        if child.status in PROBLEMS:
            summary.stylize(STATUS_STYLE.get(child.status, ""))
        elif child.children:
            summary = Text(f"{len(child.children):,} steps", style=SECONDARY.key)
    return name, status_text(child.status), duration, summary


def _duration(node: Node, now: float | None) -> Text | None:
    elapsed = node.elapsed
    if elapsed is not None:
        return Text(duration_text(elapsed))
    if now is not None and node.status == "running" and node.start:
        started = _timestamp(node.start)
        if started is not None and now >= started:
            return Text(f"{duration_text(now - started)} so far", style=STATUS_STYLE["running"])
    return None


# --------------------------------------------------------------------- helpers


def _timestamp(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value).timestamp()
    except (ValueError, TypeError, OverflowError, OSError):
        return None
