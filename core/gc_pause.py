"""Pauses of the cyclic garbage collector that may overlap: it runs again when the last ends.

A bulk load (`loading.bulk_load`, on the feed's thread) and the app's start (`watch` until
its first frame: the imports and the widgets) each build objects that live on, and the
collector would walk them again and again (before the first frame: 140-150 young
collections, 40-70 ms). The collector is one per process, so the pauses are counted: the
first turns it off, the last turns it back on (if it was on), and what the pauses built is
frozen out of later collections as each ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


def pause() -> Callable[[bool], None]:
    """Pause the collector; returns `resume(freeze)`, which ends this pause (once: later
    calls do nothing). `freeze`: what was built is kept out of later collections."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    ended = False

    def resume(freeze: bool = True) -> None:
        nonlocal ended
        global _pauses
        with _lock:
            if ended:
                return
            ended = True
            _pauses -= 1
            if freeze:
                gc.freeze()
            if _pauses == 0 and _was_enabled:
                gc.enable()

    return resume


def pauses() -> int:
    """How many pauses are on now (tests)."""
    return _pauses
