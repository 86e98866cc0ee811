"""What the detail pane shows for a host run, loop item, retry or async step: a header,
why it failed (a box), then the result's fields, its loop items and its output.

Pure functions, under the rules of `detail`: everything from the event is data, made into
`Text` directly, capped, with fields of the wrong type shown, not trusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from jobevents.core.ansi import strip_ansi
from jobevents.core.nodes import Node
from jobevents.core.render import duration_text

from .detail_blocks import (
    MAX_ROWS,
    PROBLEMS,
    block,
    grid,
    note,
    rule,
    status_text,
    tail,
    task_title,
)
from .detail_styles import SECONDARY
from .theme import STATUS_GLYPH, STATUS_STYLE
from .value_text import (
    LINE_CHARS,
    as_mapping,
    capped_line,
    cmd_text,
    compact,
    exception_line,
    one_line,
    one_line_str,
    str_field,
    time_text,
    to_text,
)

#: Lines of a message / stderr shown inside the "why" box (the full text is below it).
_WHY_LINES: Final = 20
#: Characters of a message / stderr shown inside the "why" box.
_WHY_CHARS: Final = 4_000


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
    data = as_mapping(event.get("event_data")) if event is not None else None
    res = as_mapping(data.get("res")) if data is not None else None
    out: list[RenderableType] = [_run_header(node, event, data)]
    if event is None:
        out.append(note("The event is not loaded (still reading it, or its file is unreadable)."))
        if node.status in PROBLEMS and node.detail:
            out.append(_why_box(node, None))
        return out
    if raw is not None:
        out.extend(raw)
        return out
    if node.status in PROBLEMS:
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


def _run_header(
    node: Node, event: Mapping[str, Any] | None, data: Mapping[str, Any] | None
) -> RenderableType:
    host = node.name if node.kind == "host" else (node.host or "")
    if not host and data is not None:
        host = str_field(data.get("host")) or ""
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
        rows.append(("task", task_title(task)))
    elif data is not None and str_field(data.get("task")):
        rows.append(("task", one_line(str_field(data.get("task")) or "")))
    play = _ancestor(node, "play")
    if play is not None and play.name:
        rows.append(("play", one_line(play.name)))
    action = node.action or (task.action if task is not None else None)
    if action is None and data is not None:
        action = str_field(data.get("task_action"))
    if action:
        rows.append(("action", one_line(action)))
    path = task.path if task is not None else None
    if path is None and data is not None:
        path = str_field(data.get("task_path"))
    if path:
        rows.append(("path", one_line(path)))

    start, end, duration = node.start, node.end, node.elapsed
    if data is not None:
        start = start or str_field(data.get("start"))
        end = end or str_field(data.get("end"))
        if duration is None:
            duration = _number(data.get("duration"))
    if start:
        rows.append(("start", Text(time_text(start))))
    if end:
        rows.append(("end", Text(time_text(end))))
    if duration is not None:
        rows.append(("duration", Text(duration_text(duration))))
    if event is not None:
        kind = str_field(event.get("event"))
        created = str_field(event.get("created"))
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
    if msg and msg.strip() and not (node.status in PROBLEMS and _fits_why(msg)):
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
        r = as_mapping(result)
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
        msg_style = "" if status in PROBLEMS else SECONDARY.key
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
        r = as_mapping(result)
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


def _ancestor(node: Node, kind: str) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.kind == kind:
            return parent
        parent = parent.parent
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _truthy(value: Any) -> bool:
    """Ansible's loose booleans."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return isinstance(value, bool | int | float) and bool(value)


def _rc_style(rc: Any) -> str:
    if isinstance(rc, bool):
        return ""
    if isinstance(rc, int):
        return "" if rc == 0 else STATUS_STYLE["failed"]
    return ""


def _fits_why(msg: str) -> bool:
    """Whether the why box shows `msg` whole (so the msg section would repeat it)."""
    return msg.count("\n") < _WHY_LINES and len(msg) <= _WHY_CHARS
