"""The palette's "go to": the cursor on a play, task or host it found by name.

Imported on a palette pick only. The view shown keeps the node when it can show it;
else the Tasks view opens the way to it, and a filter that hides it is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobevents.core.name_index import NameHit, jump_target

from .views.tasks import TasksView

if TYPE_CHECKING:
    from .app import JobEventsApp


async def go_to(app: JobEventsApp, hit: NameHit) -> None:
    """Put the cursor on `hit`'s node: in the view shown when it can show it, else in the
    Tasks view, opening the way (and dropping a filter that hides it)."""
    feed = app.feed
    if feed is None:
        return
    with feed.lock:
        node = jump_target(hit, feed.state.hosts)
    if node is None:
        app.notify(f"{hit.kind} {hit.name}: no run of it is in the tree yet.", markup=False)
        return
    view = app.view
    with feed.lock:
        done = view is not None and view.select_node(node)
    if not done:
        if app.view_id != TasksView.VIEW_ID:
            await app.action_show_view(TasksView.VIEW_ID)
        tasks = app.view
        with feed.lock:
            done = tasks is not None and tasks.select_node(node)
        if not done and app.query_filter:
            app.clear_filters()
            with feed.lock:
                done = tasks is not None and tasks.select_node(node)
    app.focus_view()
    if done and app.view is not None:
        app.refresh_header()
