"""The views of a run: each a widget module, all fed the same frame of changes.

The app owns the header, the footer and the detail pane, and switches between views;
a view shows the run one way (tasks, hosts, log, timeline) and answers the few questions
in `base.RunView`. `VIEW_KEYS` is the order of the number keys.

A view's module is imported, and the view built, when it is first shown: a view the user
never opens costs nothing at start, nor in any frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .base import RunView

#: (number key, view id, name), in the order of the keys; view id = its module's name
VIEW_KEYS: Final[tuple[tuple[str, str, str], ...]] = (
    ("1", "tasks", "Tasks"),
    ("2", "hosts", "Hosts"),
    ("3", "log", "Log"),
    ("4", "timeline", "Timeline"),
)
#: the views' ids, in the order of their keys
VIEW_IDS: Final[tuple[str, ...]] = tuple(view_id for _key, view_id, _name in VIEW_KEYS)
_CLASS_NAMES: Final[dict[str, str]] = {
    "tasks": "TasksView",
    "hosts": "HostsView",
    "log": "LogView",
    "timeline": "TimelineView",
}


def view_type(view_id: str) -> type[RunView]:
    """The class of the view `view_id` (its module imported on the first call)."""
    module = importlib.import_module(f"{__name__}.{view_id}")
    cls: type[RunView] = getattr(module, _CLASS_NAMES[view_id])
    return cls
