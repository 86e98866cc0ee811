"""A node as the JSON of tree-json.md (`dump --format json`, `EventTree.to_dict()`)."""

from __future__ import annotations

from typing import Any

from .nodes import Node
from .status import STATUSES


def node_dict(node: Node, *, children: bool = True) -> dict[str, Any]:
    """One node as tree-json.md has it; without its children when `children` is False."""
    out: dict[str, Any] = {
        "kind": node.kind,
        "name": node.name,
        "status": node.status,
        "counter": node.counter,
        "uuid": node.uuid,
    }
    if node.kind == "task":
        out["role"] = node.role
        out["handler"] = node.handler
    if node.kind == "play":
        out["batches"] = node.batches
    if node.counts is not None:
        out["counts"] = {s: node.counts[s] for s in STATUSES if node.counts.get(s)}
    if node.detail is not None:
        out["detail"] = node.detail
    if node.start is not None:
        out["start"] = node.start
    if node.end is not None:
        out["end"] = node.end
    elapsed = node.elapsed
    if elapsed is not None:
        out["duration"] = round(elapsed, 6)
    if children:
        out["children"] = [
            _plain_dict(child) if type(child) is Node else node_dict(child)
            for child in node.children
        ]
    return out


def _plain_dict(node: Node) -> dict[str, Any]:
    """`node_dict` of a plain `Node` (a host run, item, retry, async or message: most of a
    tree), which has no counts, role, handler or batches: the same dict, built inline."""
    out: dict[str, Any] = {
        "kind": node.kind,
        "name": node.name,
        "status": node.status,
        "counter": node.counter,
        "uuid": node.uuid,
    }
    if node.detail is not None:
        out["detail"] = node.detail
    start, end, duration = node.start, node.end, node.duration
    if start is not None:
        out["start"] = start
    if end is not None:
        out["end"] = end
    if duration is not None:
        out["duration"] = round(duration, 6)
    elif start is not None and end is not None:
        elapsed = node.elapsed
        if elapsed is not None:
            out["duration"] = round(elapsed, 6)
    kids = node.children
    out["children"] = (
        [_plain_dict(child) if type(child) is Node else node_dict(child) for child in kids]
        if kids
        else []
    )
    return out
