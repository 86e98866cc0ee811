"""`jobevents-tui diff`: the differences of two runs as diff-json.md's JSON, or as a short
report a person reads, new failures first.

The text groups what the JSON lists one host at a time: a transition on one task names its
hosts on one line, a host that went the same way on many tasks (dropped out after a
failure, say) gets one line, and changes of hosts that are in one run only are counted
rather than listed (they are the "hosts only in" lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .ansi import safe_line
from .comparison import HostChange, RunDiff, TaskRef, Thresholds, TimeChange
from .pair_loading import RunInfo
from .profile_report import task_label
from .render import duration_text

#: a host that went the same way on at least this many tasks gets a line of its own
_HOST_LINE_AT = 3
#: names on one line before "+N more"
_NAMES_PER_LINE = 6


def diff_document(a: RunInfo, b: RunInfo, diff: RunDiff, thresholds: Thresholds) -> dict[str, Any]:
    """The JSON of diff-json.md, with `moved_tasks` and `thresholds` besides."""
    return {
        "a": _info(a),
        "b": _info(b),
        "new_failures": [_host(c) for c in diff.new_failures],
        "fixed": [_host(c) for c in diff.fixed],
        "status_changes": [_host(c) for c in diff.status_changes],
        "added_tasks": [_task(t) for t in diff.added_tasks],
        "removed_tasks": [_task(t) for t in diff.removed_tasks],
        "slower": [_timed(t) for t in diff.slower],
        "faster": [_timed(t) for t in diff.faster],
        "hosts_only_in_a": list(diff.hosts_only_in_a),
        "hosts_only_in_b": list(diff.hosts_only_in_b),
        "moved_tasks": [_task(t) for t in diff.moved_tasks],
        "thresholds": {"ratio": thresholds.ratio, "seconds": thresholds.seconds},
    }


def diff_text(
    a: RunInfo, b: RunInfo, diff: RunDiff, thresholds: Thresholds, *, limit: int | None = 10
) -> str:
    """The report: who is compared, then each kind of difference, then the verdict."""
    out = [_run_line("A", a), _run_line("B", b), ""]
    if a.playbook != b.playbook:
        out[2:] = ["Note: A and B played different playbooks.", ""]
    one_sided = set(diff.hosts_only_in_a) | set(diff.hosts_only_in_b)
    _section(
        out, "New failures in B", len(diff.new_failures), _host_lines(diff.new_failures), limit
    )
    _section(out, "Fixed in B", len(diff.fixed), _host_lines(diff.fixed), limit)
    shown = [c for c in diff.status_changes if c.host not in one_sided]
    hidden = len(diff.status_changes) - len(shown)
    note = f"; {hidden} of hosts in one run only, not listed" if hidden else ""
    _section(out, "Other status changes", len(diff.status_changes), _host_lines(shown), limit, note)
    for title, refs in (
        ("Tasks added", diff.added_tasks),
        ("Tasks removed", diff.removed_tasks),
        ("Tasks moved", diff.moved_tasks),
    ):
        _section(out, title, len(refs), [_label(r) for r in refs], limit)
    rule = f"; at least {thresholds.ratio:g}x and {thresholds.seconds:g}s"
    for title, changes in (("Slower", diff.slower), ("Faster", diff.faster)):
        _section(out, title, len(changes), [_time_line(c) for c in changes], limit, rule)
    for side, hosts in (("A", diff.hosts_only_in_a), ("B", diff.hosts_only_in_b)):
        if hosts:
            out.append(f"Hosts only in {side}: {_names(hosts, limit)}")
    if out[-1]:
        out.append("")
    if diff.new_failures:
        out.append(f"B has {_count(len(diff.new_failures), 'new failure')}.")
    else:
        out.append("No new failures in B.")
    return "\n".join(out)


# ----------------------------------------------------------------------- JSON entries


def _info(info: RunInfo) -> dict[str, Any]:
    return {
        "ident": info.ident,
        "playbook": info.playbook,
        "status": info.status,
        "events": info.events,
        "path": info.label,
        "unreadable": len(info.errors),
    }


def _host(change: HostChange) -> dict[str, Any]:
    return {
        "play": change.play,
        "task": change.task,
        "host": change.host,
        "a": change.a,
        "b": change.b,
        "role": change.role,
    }


def _task(ref: TaskRef) -> dict[str, Any]:
    return {"play": ref.play, "task": ref.task, "role": ref.role}


def _timed(change: TimeChange) -> dict[str, Any]:
    return {
        "play": change.play,
        "task": change.task,
        "a_s": round(change.a_s, 3),
        "b_s": round(change.b_s, 3),
        "role": change.role,
    }


# ------------------------------------------------------------------------ text parts


@dataclass
class _Line:
    """One grouped line: a transition, what it happened on, and to whom."""

    transition: str
    subject: str
    names: list[str]


def _run_line(side: str, info: RunInfo) -> str:
    parts = [
        safe_line(info.ident or "-", 80),
        safe_line(info.playbook or "no playbook", 80),
        info.status or "unknown",
        f"{info.events} events",
    ]
    if info.errors:
        parts.append(f"{len(info.errors)} unreadable")
    return f"{side}: {', '.join(parts)}  ({safe_line(info.label, 200)})"


def _host_lines(changes: Sequence[HostChange]) -> list[str]:
    """Grouped by host where one host went one way on many tasks, else by task."""
    by_host: dict[tuple[str, str, str], list[HostChange]] = {}
    for change in changes:
        by_host.setdefault((change.a, change.b, change.host), []).append(change)
    lines: dict[tuple[str, ...], _Line] = {}
    for change in changes:
        transition = f"{change.a} → {change.b}"
        group = by_host[(change.a, change.b, change.host)]
        if len(group) >= _HOST_LINE_AT:
            key: tuple[str, ...] = ("host", change.a, change.b, change.host)
            if key not in lines:
                subject = f"{safe_line(change.host, 60)} on {len(group)} tasks"
                names = [_label(c) for c in group]
                lines[key] = _Line(transition, subject, names)
            continue
        key = ("task", change.a, change.b, str(change.b_task_id))
        line = lines.get(key)
        if line is None:
            line = lines[key] = _Line(transition, _label(change), [])
        line.names.append(safe_line(change.host, 60))
    width = max((len(line.transition) for line in lines.values()), default=0)
    return [
        f"{line.transition:<{width}}  {line.subject}: {_names(line.names, _NAMES_PER_LINE)}"
        for line in lines.values()
    ]


def _time_line(change: TimeChange) -> str:
    delta = change.b_s - change.a_s
    sign = "+" if delta >= 0 else "-"
    factor = f"{change.b_s / change.a_s:.1f}x" if change.a_s > 0 else "from 0"
    return (
        f"{duration_text(change.a_s)} → {duration_text(change.b_s)} "
        f"({sign}{duration_text(abs(delta))}, {factor})  "
        f"{safe_line(task_label(change.play, change.task, change.role), 200)}"
    )


def _section(
    out: list[str], title: str, count: int, lines: list[str], limit: int | None, note: str = ""
) -> None:
    """`Title (count; note)` and its lines, `limit` of them; nothing when the count is 0."""
    if not count:
        return
    out.append(f"{title} ({count}{note})")
    cut = lines if limit is None else lines[:limit]
    out.extend(f"  {line}" for line in cut)
    if len(cut) < len(lines):
        out.append(f"  … {len(lines) - len(cut)} more lines (--all, or --format json)")


def _label(item: HostChange | TaskRef) -> str:
    return safe_line(task_label(item.play, item.task, item.role), 200)


def _names(names: Sequence[str], limit: int | None) -> str:
    shown = list(names) if limit is None else list(names[:limit])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more else "")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
