"""jobevents.core: ansible-runner job events as a tree, with no UI and no file system in it.

`EventTree` builds the tree one event at a time in any order; `folder` finds and reads
runner artifacts; `render` draws the tree as text for `jobevents-tui dump`.
"""

from .events import Event, decode_event
from .nodes import Changes, Node
from .status import STATUSES, Status
from .tree import EventTree

__all__ = ["STATUSES", "Changes", "Event", "EventTree", "Node", "Status", "decode_event"]
