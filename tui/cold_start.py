"""What `watch` does for its start that the app ends at its first frame: the garbage
collector is paused from before the imports until then.

The imports and the widgets build objects that live as long as the app, and the collector
walked them again and again (140-150 young collections before the first frame of a small
run, 40-70 ms of its start). Once the first frame is painted, what the start built is
frozen out of later collections and the collector runs again (`core/gc_pause.py`: a feed's
bulk load may be pausing it too, and keeps it paused until its end).
From the app's mount on, the GIL changes hands quickly (`quick_switches`).
Imports only core (no Textual): `watch` calls it first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from jobevents.core import gc_pause

#: the GIL's switch interval (seconds) from the app's mount on; the feed's own
#: `SWITCH_INTERVAL` (tui/feed.py), set once it watches a folder, is the same
START_SWITCH_INTERVAL = 0.001

_resume: Callable[[bool], None] | None = None


def pause_collector() -> None:
    """Pause the collector until the app's first frame (`first_frame_painted`)."""
    global _resume
    if _resume is None:
        _resume = gc_pause.pause()


def first_frame_painted() -> None:
    """The app painted its first frame: end the start's pause (if one is on)."""
    global _resume
    resume, _resume = _resume, None
    if resume is not None:
        resume(True)


def quick_switches() -> None:
    """Hand the GIL over within 1 ms, not Python's default 5 ms, from the app's mount on.

    Textual's writer thread writes a frame to the terminal in parts and gives the GIL up at
    each: while the UI thread went on (the frames after the first), each wait to get it
    back lasted up to 5 ms, and the first frame reached the terminal 6-7 ms later.
    """
    if sys.getswitchinterval() > START_SWITCH_INTERVAL:
        sys.setswitchinterval(START_SWITCH_INTERVAL)
