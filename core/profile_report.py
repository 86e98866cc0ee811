"""`jobevents-tui profile`: where a run's time went, as text a person reads or as JSON.

The numbers are `timing.py`'s; this only chooses, orders and words them.
"""

from __future__ import annotations

from typing import Any

from .ansi import safe_line
from .loading import LoadedRun
from .nodes import Node
from .render import duration_text
from .timing import HostTime, RunTimes, TaskTime

#: how much of a name a text column shows
_NAME_WIDTH = 40


def task_play(node: Node) -> str:
    """The name of the play a task belongs to ("" outside any play)."""
    parent = node.parent
    while parent is not None and parent.kind != "play":
        parent = parent.parent
    return parent.name if parent is not None else ""


def task_label(play: str, task: str, role: str | None) -> str:
    """`deploy / common : install`, as a person finds it in ansible's output."""
    name = f"{role} : {task}" if role else task
    return f"{play} / {name}" if play else name


def profile_document(loaded: LoadedRun, times: RunTimes, top: int | None) -> dict[str, Any]:
    """`{"run": ..., "tasks": [...], "hosts": [...]}`, each list slowest first, `top` long."""
    span = times.span_seconds()
    tasks = [_task_entry(row, span) for row in times.tasks()[:top]]
    hosts = [_host_entry(row, span) for row in times.hosts()[:top]]
    root = loaded.tree.root
    return {
        "run": {
            "ident": loaded.ident,
            "playbook": root.name,
            "status": loaded.status,
            "events": loaded.events,
            "start": root.start,
            "end": root.end,
            "span_s": _seconds(span),
        },
        "tasks": tasks,
        "hosts": hosts,
    }


def profile_text(loaded: LoadedRun, times: RunTimes, top: int | None) -> str:
    """Slowest tasks and slowest hosts as aligned columns, names last."""
    span = times.span_seconds()
    root = loaded.tree.root
    name = safe_line(loaded.ident or loaded.label, 80)
    head = f"{name}: {safe_line(root.name, 80) or 'no playbook'}, {loaded.status or 'unknown'}"
    if span is not None:
        head += f", {duration_text(span)} from {_clock(root.start)}"
    lines = [head, ""]
    tasks = times.tasks()
    shown = tasks[:top]
    lines.append(
        f"Slowest tasks ({_counted(len(shown), len(tasks), 'task')}; wall: first host start to "
        "last host end, busy: while any host ran it)"
    )
    if shown:
        width = max(len(_host_cell(row)) for row in shown)
        lines.append(f"{'wall':>7} {'busy':>7} {'share':>6}  {'slowest host':<{width}}  task")
        for row in shown:
            lines.append(
                f"{_time(row.wall)} {_time(row.busy)} {_share(row.wall, span)}  "
                f"{_host_cell(row):<{width}}  {_task_name(row.node)}"
                + (f" ({row.running} not ended)" if row.running else "")
            )
    hosts = times.hosts()
    chosen = hosts[:top]
    lines += [
        "",
        f"Slowest hosts ({_counted(len(chosen), len(hosts), 'host')}; total: "
        "the sum of its host runs)",
    ]
    if chosen:
        width = max(len(_host_name(row.host)) for row in chosen)
        lines.append(f"{'total':>7} {'share':>6} {'runs':>5}  {'host':<{width}}  slowest task")
        for host in chosen:
            lines.append(
                f"{_time(host.total)} {_share(host.total, span)} {host.runs:>5}  "
                f"{_host_name(host.host):<{width}}  {_slowest_task_cell(host)}"
            )
    return "\n".join(lines)


def _task_entry(row: TaskTime, span: float | None) -> dict[str, Any]:
    node = row.node
    return {
        "play": task_play(node),
        "task": node.name,
        "wall_s": _seconds(row.wall),
        "slowest_host": row.slowest_host,
        "slowest_host_s": _seconds(row.slowest_host_s),
        "role": node.role,
        "handler": node.handler,
        "busy_s": _seconds(row.busy),
        "share": _ratio(row.wall, span),
        "runs": row.runs,
        "running": row.running,
    }


def _host_entry(row: HostTime, span: float | None) -> dict[str, Any]:
    task = row.slowest_task
    return {
        "host": row.host,
        "total_s": _seconds(row.total),
        "slowest_task": task.name if task is not None else None,
        "slowest_task_play": task_play(task) if task is not None else None,
        "slowest_task_s": _seconds(row.slowest_task_s),
        "share": _ratio(row.total, span),
        "runs": row.runs,
        "running": row.running,
    }


def _seconds(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def _time(value: float | None) -> str:
    return f"{duration_text(value) or '-':>7}"


def _share(part: float | None, whole: float | None) -> str:
    ratio = _ratio(part, whole)
    return f"{ratio * 100:5.1f}%" if ratio is not None else f"{'-':>6}"


def _counted(shown: int, total: int, what: str) -> str:
    plural = "" if total == 1 else "s"
    return f"{total} {what}{plural}" if shown == total else f"top {shown} of {total} {what}s"


def _host_name(host: str) -> str:
    return safe_line(host, _NAME_WIDTH)


def _host_cell(row: TaskTime) -> str:
    if row.slowest_host is None:
        return "-"
    return f"{_host_name(row.slowest_host)} {duration_text(row.slowest_host_s)}"


def _task_name(node: Node) -> str:
    label = task_label(task_play(node), node.name, node.role)
    return safe_line(label, 200) + (" (handler)" if node.handler else "")


def _slowest_task_cell(row: HostTime) -> str:
    if row.slowest_task is None:
        return "-"
    return f"{_task_name(row.slowest_task)} {duration_text(row.slowest_task_s)}"


def _clock(text: str | None) -> str:
    """`2026-03-02 08:00:00 UTC` from runner's ISO time (as written, to the second)."""
    if not text:
        return "?"
    stamp = text.replace("T", " ")[:19]
    return f"{stamp} UTC" if text.endswith("+00:00") else stamp
