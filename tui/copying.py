"""`y`: the selected node's essentials copied as plain text (host, task, status, msg and
path:line), through the terminal's clipboard (OSC 52, Textual's `copy_to_clipboard`).

What is copied is the run's data as it is; the toast that says so shows its first line
made safe (one line, no control sequences, never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobevents.core.ansi import safe_line
from jobevents.core.hosts import HostEntry

if TYPE_CHECKING:
    from .app import JobEventsApp


def copy_selected(app: JobEventsApp) -> None:
    """Copy what the view's cursor is on, or say that nothing is."""
    view, feed = app.view, app.feed
    if view is None or feed is None:
        return
    with feed.lock:
        node = view.selected_node()
        shown = view.selected_shown()
        if node is not None:
            from jobevents.core.node_copy import node_essentials  # on `y` only

            text = node_essentials(node)
        elif isinstance(shown, HostEntry):
            text = f"host: {shown.name}\nstatus: {shown.status}"
        else:
            text = ""
    if not text:
        app.notify("Nothing selected to copy.", title="Copy")
        return
    app.copy_to_clipboard(text)
    first = text.splitlines()[0]
    more = text.count("\n")
    said = safe_line(first, 80) + (f" (+{more} lines)" if more else "")
    app.notify(said, title="Copied", markup=False)
