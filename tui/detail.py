"""What the detail pane shows for the selected node, as Rich renderables.

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

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from jobevents.core.ansi import strip_ansi
from jobevents.core.nodes import Node
from jobevents.core.render import counts_text, duration_text
from jobevents.core.status import STATUSES

from .columns import Column, Columns
from .detail_blocks import MAX_LINES, block, grid, note, rule, tail
from .detail_styles import SECONDARY
from .theme import STATUS_GLYPH, STATUS_STYLE
from .value_text import (
    LINE_CHARS,
    MAX_CHARS,
    capped_line,
    cmd_text,
    compact,
    exception_line,
    json_text,
    one_line,
    one_line_str,
    time_text,
    to_text,
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

#: Rows of one table (hosts of a task, tasks of a play, loop items) shown at most.
MAX_ROWS: Final = 60

#: Lines of a message / stderr shown inside the "why" box (the full text is below it).
_WHY_LINES: Final = 20
#: Characters of a message / stderr shown inside the "why" box.
_WHY_CHARS: Final = 4_000
#: Host runs and below: the kinds `host_detail` is for.
_RUN_KINDS: Final = frozenset({"host", "item", "retry", "async"})
#: Statuses whose detail opens with why the run failed (ignored and rescued failures too).
_PROBLEMS: Final = frozenset({"failed", "unreachable", "ignored", "rescued"})
_STATUS_RANK: Final = {status: rank for rank, status in enumerate(STATUSES)}


# ------------------------------------------------------------------ public API


def status_text(status: str) -> Text:
    """`✘ failed` in the status's colour; an unknown status is shown as plain text."""
    status = status if isinstance(status, str) else str(status)
    glyph = STATUS_GLYPH.get(status, "?")
    return Text(f"{glyph} {capped_line(status, 40)}", style=STATUS_STYLE.get(status, ""))


def host_detail(
    node: Node,
    event: Mapping[str, Any] | None,
    *,
    raw: Sequence[RenderableType] | None = None,
    source: Sequence[RenderableType] = (),
) -> list[RenderableType]:
    """The detail of a host run, loop item, retry or async step.

    `event` is the node's payload (the runner event of `node.ref`), or None while it is
    loading or when it cannot be read.  With `raw` (the event as JSON or YAML, see
    `detail_raw`) the header is followed by it instead of the why box and the sections;
    else `source` (the playbook around the task) follows the why box.
    """
    if not isinstance(event, Mapping):
        event = None
    data = _mapping(event.get("event_data")) if event is not None else None
    res = _mapping(data.get("res")) if data is not None else None
    out: list[RenderableType] = [_run_header(node, event, data)]
    if event is None:
        out.append(note("The event is not loaded (still reading it, or its file is unreadable)."))
        if node.status in _PROBLEMS and node.detail:
            out.append(_why_box(node, None))
        return out
    if raw is not None:
        out.extend(raw)
        return out
    if node.status in _PROBLEMS:
        out.append(_why_box(node, res))
    out.extend(source)
    if res is not None:
        out.extend(_res_sections(node, res))
    elif data is not None and "res" in data and data.get("res") is not None:
        out.append(rule("res"))
        out.extend(block(to_text(data.get("res"))))
    stdout = event.get("stdout")
    if isinstance(stdout, str) and stdout.strip():
        out.append(rule("output"))
        out.extend(block(stdout, ansi=True))
    return out


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
    data = _mapping(event.get("event_data")) if event is not None else None
    kind = _field(event.get("event")) if event is not None else None
    title = Text(capped_line(kind or node.name or "message", 200), style="bold")
    if node.status == "failed":
        title.stylize(STATUS_STYLE["failed"])
    rows: list[tuple[str, Text]] = []
    if node.detail:
        rows.append(("detail", one_line(node.detail)))
    if data is not None:
        for key in ("host", "handler", "included_file", "task", "play", "playbook"):
            value = _field(data.get(key))
            if value:
                rows.append((key.replace("_", " "), one_line(value)))
    if event is not None:
        created = _field(event.get("created"))
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


# ------------------------------------------------------------------- host runs


def _run_header(
    node: Node, event: Mapping[str, Any] | None, data: Mapping[str, Any] | None
) -> RenderableType:
    host = node.name if node.kind == "host" else (node.host or "")
    if not host and data is not None:
        host = _field(data.get("host")) or ""
    title = Text.assemble(status_text(node.status), "  ")
    if node.kind == "host":
        title.append(capped_line(host or "(no host)", 200), style="bold")
    else:
        label = f"item {node.name}" if node.kind == "item" else node.name
        title.append(capped_line(label, 200), style="bold")
        if host:
            title.append(" on ", style=SECONDARY.key)
            title.append(capped_line(host, 200), style="bold")

    task = _ancestor(node, "task")
    rows: list[tuple[str, Text]] = []
    if task is not None:
        rows.append(("task", _task_title(task)))
    elif data is not None and _field(data.get("task")):
        rows.append(("task", one_line(_field(data.get("task")) or "")))
    play = _ancestor(node, "play")
    if play is not None and play.name:
        rows.append(("play", one_line(play.name)))
    action = node.action or (task.action if task is not None else None)
    if action is None and data is not None:
        action = _field(data.get("task_action"))
    if action:
        rows.append(("action", one_line(action)))
    path = task.path if task is not None else None
    if path is None and data is not None:
        path = _field(data.get("task_path"))
    if path:
        rows.append(("path", one_line(path)))

    start, end, duration = node.start, node.end, node.elapsed
    if data is not None:
        start = start or _field(data.get("start"))
        end = end or _field(data.get("end"))
        if duration is None:
            duration = _number(data.get("duration"))
    if start:
        rows.append(("start", Text(time_text(start))))
    if end:
        rows.append(("end", Text(time_text(end))))
    if duration is not None:
        rows.append(("duration", Text(duration_text(duration))))
    if event is not None:
        kind = _field(event.get("event"))
        created = _field(event.get("created"))
        if created and not start:
            rows.append(("at", Text(time_text(created))))
        if kind:
            ref = f" #{node.ref[0]}" if node.ref is not None else ""
            rows.append(("event", Text(capped_line(kind, 80) + ref, style=SECONDARY.key)))
    return Group(title, grid(rows))


def _why_box(node: Node, res: Mapping[str, Any] | None) -> RenderableType:
    """A bordered box saying why a run failed: message, rc, stderr, exception, items."""
    style = STATUS_STYLE.get(node.status) or STATUS_STYLE["failed"]
    parts: list[RenderableType] = []
    if res is not None and res.get("censored") is not None:
        parts.append(Text("The result is censored (no_log: true).", style=SECONDARY.note))
    msg = to_text(res.get("msg")) if res is not None else None
    if msg and msg.strip():
        parts.extend(block(msg, max_chars=_WHY_CHARS, max_lines=_WHY_LINES, style="bold"))
    elif node.detail:
        parts.append(Text(strip_ansi(node.detail), style="bold"))
    if res is not None:
        rc = res.get("rc")
        if rc is not None:
            parts.append(Text.assemble(("rc ", SECONDARY.key), (one_line_str(rc), _rc_style(rc))))
        stderr = to_text(res.get("stderr"))
        if stderr and stderr.strip():
            parts.append(Text("stderr (last lines):", style=SECONDARY.key))
            parts.extend(tail(stderr, _WHY_LINES, _WHY_CHARS))
        exception = exception_line(res.get("exception"))
        if exception:
            parts.append(Text.assemble(("exception ", SECONDARY.key), exception))
        failed_items = _failed_items(res.get("results"))
        if failed_items:
            parts.append(Text.assemble(("failed items ", SECONDARY.key), failed_items))
    if not parts:
        parts.append(Text("The result gives no reason.", style=SECONDARY.note))
    word = {
        "failed": "failed",
        "unreachable": "unreachable",
        "ignored": "failed (ignored)",
        "rescued": "failed (rescued)",
    }
    said = capped_line(word.get(node.status, node.status), 40)
    title = Text(f"{STATUS_GLYPH.get(node.status, '?')} {said}", style=style)
    return Panel(Group(*parts), title=title, title_align="left", border_style=style, expand=True)


def _res_sections(node: Node, res: Mapping[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    censored = res.get("censored")
    if censored is not None:
        out.append(rule("no_log"))
        censored_text = to_text(censored) or ""
        out.append(
            Text.assemble(
                ("Censored: ", "bold"),
                (one_line_str(censored_text, 1_000), SECONDARY.note),
            )
        )
    msg = to_text(res.get("msg"))
    if msg and msg.strip() and not (node.status in _PROBLEMS and _fits_why(msg)):
        out.append(rule("msg"))
        out.extend(block(msg))
    cmd = cmd_text(res.get("cmd"))
    if cmd:
        out.append(rule("cmd"))
        out.extend(block(cmd))
    rc = res.get("rc")
    if rc is not None:
        out.append(rule("rc"))
        out.append(Text(one_line_str(rc), style=_rc_style(rc)))
    for key in ("stdout", "stderr"):
        text = to_text(res.get(key))
        if text and text.strip():
            out.append(rule(key))
            out.extend(block(text))
    results = res.get("results")
    if isinstance(results, list) and results:
        out.append(rule(f"results ({len(results):,} items)"))
        out.append(_results_table(results))
        if len(results) > MAX_ROWS:
            out.append(note(f"… {len(results) - MAX_ROWS:,} more items not shown"))
    elif results is not None and not isinstance(results, list):
        out.append(rule("results"))
        out.extend(block(to_text(results)))
    return out


def _results_table(results: list[Any]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column(Text("item"), ratio=2, overflow="fold")
    table.add_column(Text("status"), no_wrap=True)
    table.add_column(Text("msg"), ratio=3, no_wrap=True, overflow="ellipsis")
    for result in results[:MAX_ROWS]:
        r = _mapping(result)
        if r is None:
            table.add_row(one_line(compact(result)), Text("?"), Text(""))
            continue
        label = r.get("_ansible_item_label")
        if label is None:
            label = r.get("item")
        status = _item_status(r)
        msg = to_text(r.get("msg")) or ""
        if r.get("censored") is not None:
            msg = "censored (no_log)"
        msg_style = "" if status in _PROBLEMS else SECONDARY.key
        table.add_row(
            one_line(label if isinstance(label, str) else compact(label)),
            status_text(status),
            Text(capped_line(msg, LINE_CHARS) if msg else "", style=msg_style),
        )
    return table


def _item_status(result: Mapping[str, Any]) -> str:
    if _truthy(result.get("unreachable")):
        return "unreachable"
    if _truthy(result.get("failed")):
        return "failed"
    if _truthy(result.get("skipped")):
        return "skipped"
    if _truthy(result.get("changed")):
        return "changed"
    return "ok"


def _failed_items(results: Any) -> Text | None:
    if not isinstance(results, list):
        return None
    labels: list[str] = []
    count = 0
    for result in results:
        r = _mapping(result)
        if r is None or _item_status(r) not in ("failed", "unreachable"):
            continue
        count += 1
        if len(labels) < 10:
            label = r.get("_ansible_item_label")
            if label is None:
                label = r.get("item")
            labels.append(capped_line(label if isinstance(label, str) else compact(label), 60))
    if not count:
        return None
    more = f" … and {count - len(labels):,} more" if count > len(labels) else ""
    return Text(", ".join(labels) + more)


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
        name = _task_title(child)
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
        if child.status in _PROBLEMS:
            summary.stylize(STATUS_STYLE.get(child.status, ""))
        elif child.children:
            summary = Text(f"{len(child.children):,} steps", style=SECONDARY.key)
    return name, status_text(child.status), duration, summary


def _task_title(task: Node) -> Text:
    text = Text()
    if task.handler:
        text.append("handler ", style=SECONDARY.key)
    if task.role:
        text.append(capped_line(task.role, 80), style="italic")
        text.append(" : ", style=SECONDARY.key)
    text.append(capped_line(task.name, 200) if task.name else "(unnamed)")
    return text


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


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _field(value: Any) -> str | None:
    """A string field, or None when it is missing or not a string."""
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _truthy(value: Any) -> bool:
    """Ansible's loose booleans."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return isinstance(value, bool | int | float) and bool(value)


def _ancestor(node: Node, kind: str) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.kind == kind:
            return parent
        parent = parent.parent
    return None


def _rc_style(rc: Any) -> str:
    if isinstance(rc, bool):
        return ""
    if isinstance(rc, int):
        return "" if rc == 0 else STATUS_STYLE["failed"]
    return ""


def _fits_why(msg: str) -> bool:
    """Whether the why box shows `msg` whole (so the msg section would repeat it)."""
    return msg.count("\n") < _WHY_LINES and len(msg) <= _WHY_CHARS


def _timestamp(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value).timestamp()
    except (ValueError, TypeError, OverflowError, OSError):
        return None
