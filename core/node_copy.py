"""What `y` copies of a node: its essentials as plain lines, for a chat or a ticket."""

from __future__ import annotations

from .ansi import strip_ansi
from .nodes import Node
from .task_file import task_path_of

#: a copied message is cut at this many characters (a traceback can be megabytes)
MESSAGE_LIMIT = 4000


def node_essentials(node: Node) -> str:
    """`host: web1` / `task: Install` / `status: failed` / `msg: ...` / `path: site.yml:12`:
    the lines that apply to the node, plain text (colour escapes removed)."""
    lines: list[str] = []
    task: Node | None = node
    while task is not None and task.kind not in ("task", "play", "playbook"):
        task = task.parent
    play: Node | None = task
    while play is not None and play.kind != "play":
        play = play.parent
    host = node.name if node.kind == "host" else node.host
    if host:
        lines.append(f"host: {host}")
    if play is not None and play.name:
        lines.append(f"play: {play.name}")
    if task is not None and task.kind == "task":
        lines.append(f"task: {task.name}")
    if node.kind in ("item", "retry", "async", "playbook", "message"):
        lines.append(f"{node.kind}: {node.name}")
    lines.append(f"status: {node.status}")
    if node.detail:
        lines.append(f"msg: {strip_ansi(node.detail)[:MESSAGE_LIMIT]}")
    path = task_path_of(node)
    if path:
        lines.append(f"path: {path}")
    return "\n".join(lines)
