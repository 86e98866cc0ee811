"""The tree as text and as the JSON document of `jobevents-tui dump`."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from .ansi import safe_line
from .nodes import Node
from .status import STATUSES
from .tree import EventTree
from .tree_json import node_json

if TYPE_CHECKING:  # the app draws durations and counts before any stream is read
    from .loading import LoadedRun
    from .stream import StreamState


def dump_document(loaded: LoadedRun, *, with_tree: bool = True) -> dict[str, Any]:
    """The JSON document of tree-json.md."""
    document: dict[str, Any] = {
        "ident": loaded.ident,
        "status": loaded.status,
        "events": loaded.events,
        "errors": [{"file": name, "error": why} for name, why in sorted(loaded.errors.items())],
        "recap": loaded.tree.recap,
    }
    if loaded.stream is not None:
        document["stream"] = stream_document(loaded.stream)
    if with_tree:
        document["tree"] = loaded.tree.to_dict()
    return document


def stream_document(state: StreamState) -> dict[str, Any]:
    """What a worker stream said beside its events (never the starting record's `env`)."""
    return {
        "ended": state.ended,
        "rc": state.rc,
        "job_explanation": state.explanation,
        "worker_output": state.output_count,
        "keepalives": state.keepalives,
    }


def write_json(out: BinaryIO, loaded: LoadedRun) -> None:
    """`dump_document` encoded a task at a time: a 100k-event tree never exists twice."""
    import msgspec

    document = dump_document(loaded, with_tree=False)
    head = msgspec.json.encode(document)
    out.write(head[:-1] + b',"tree":')
    _write_node(out, loaded.tree.root, msgspec.json.encode)
    out.write(b"}\n")


def _write_node(out: BinaryIO, node: Node, encode: Callable[[Any], bytes]) -> None:
    if node.kind not in ("playbook", "play"):
        out.write(encode(node_json(node)))  # a task and its hosts: small enough at once
        return
    own = encode(node_json(node, children=False))
    out.write(own[:-1] + b',"children":[')
    for i, child in enumerate(node.children):
        if i:
            out.write(b",")
        _write_node(out, child, encode)
    out.write(b"]}")


def counts_text(counts: dict[str, int] | None) -> str:
    """`3 ok, 1 changed, 1 failed`: host runs by status, worst last as people read it."""
    if not counts:
        return ""
    return ", ".join(f"{counts[s]} {s}" for s in reversed(STATUSES) if counts.get(s))


def duration_text(seconds: float | None) -> str:
    """`0.42s`, `12.3s`, `4m05s`, `1h02m`: short enough for a tree line."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""  # none, NaN, or infinite (a hostile timestamp): no duration to show
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def node_title(node: Node) -> str:
    """What a line says of a node before its status: kind, name and marks."""
    name = safe_line(node.name, 200)
    if node.kind == "play":
        batches = f" ({node.batches} batches)" if node.batches > 1 else ""
        return f"play {name}{batches}"
    if node.kind == "task":
        role = f"{safe_line(node.role, 80)} : " if node.role else ""
        return f"{'handler' if node.handler else 'task'} {role}{name}"
    if node.kind == "message":
        detail = f": {safe_line(node.detail, 200)}" if node.detail else ""
        return f"{name}{detail}"
    return name


def node_line(node: Node) -> str:
    """One line of the text tree."""
    parts = [node_title(node)]
    if node.kind != "message":
        parts.append(f"[{node.status}]")
    counts = counts_text(node.counts)
    if counts:
        parts.append(f"({counts})")
    duration = duration_text(node.elapsed)
    if duration:
        parts.append(duration)
    if node.kind in ("host", "item", "retry", "async") and node.detail:
        parts.append(f"- {safe_line(node.detail, 200)}")
    return "  ".join(parts)


def render_text(tree: EventTree) -> str:
    """The tree drawn with `|--` and `` `-- ``, one line a node."""
    lines = [node_line(tree.root)]
    # (node, prefix for its children)
    stack: list[tuple[Node, str, bool]] = [
        (child, "", i == len(tree.root.children) - 1)
        for i, child in reversed(list(enumerate(tree.root.children)))
    ]
    while stack:
        node, prefix, last = stack.pop()
        lines.append(f"{prefix}{'`-- ' if last else '|-- '}{node_line(node)}")
        inner = prefix + ("    " if last else "|   ")
        count = len(node.children)
        for i in range(count - 1, -1, -1):
            stack.append((node.children[i], inner, i == count - 1))
    return "\n".join(lines)


def recap_text(recap: dict[str, dict[str, int]] | None) -> str:
    """PLAY RECAP as ansible prints it, without colour."""
    if not recap:
        return ""
    width = max(len(safe_line(h, 60)) for h in recap) + 2
    rows = ["PLAY RECAP"]
    for host, c in recap.items():
        rows.append(
            f"{safe_line(host, 60):<{width}}: ok={c['ok']:<4} changed={c['changed']:<4} "
            f"unreachable={c['dark']:<4} failed={c['failures']:<4} skipped={c['skipped']:<4} "
            f"rescued={c['rescued']:<4} ignored={c['ignored']:<4}"
        )
    return "\n".join(rows)
