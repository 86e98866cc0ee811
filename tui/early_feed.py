"""The run's feed started before Textual is imported: `watch` reads the run while the app's
modules load, and a small run is read whole before they load, so the app's first frame
shows all of it instead of the frames after it bringing it in.

Imports only core and the feed (no Textual): it runs first.
"""

from __future__ import annotations

import os
from pathlib import Path

from jobevents.core.folder import NoRunError, RunFolder
from jobevents.core.run_listing import RunListing

from .feed import RunFeed

#: a run of fewer event files than this is read before Textual is imported (about a
#: quarter of a second here); a bigger one is read while it is, and while the app starts
WHOLE_BELOW = 5000
#: the longest wait for that read (a slow or hung file system): then the app starts anyway
WHOLE_WAIT = 5.0


def start_feed(path: Path, ident: str | None, *, force_polling: bool = False) -> RunFeed | None:
    """The feed of the run the app would open first at `path` (`ident`, else the newest),
    already reading, and done reading if the run is small; None when there is no run yet
    (the app waits for one as before)."""
    try:
        run = RunListing(path).open(ident)
    except (NoRunError, OSError):
        return None
    small = is_small(run)
    feed = RunFeed(run, force_polling=force_polling)
    feed.start()
    if small:
        # Waiting here, not importing Textual beside it: a reading thread beside a busy
        # one waits for the interpreter lock after each file, and ends after the imports.
        feed.loaded.wait(WHOLE_WAIT)
    return feed


def is_small(run: RunFolder) -> bool:
    """Whether the run has fewer than WHOLE_BELOW event files (stops counting there)."""
    try:
        with os.scandir(run.job_events) as entries:
            for count, _entry in enumerate(entries, 1):
                if count >= WHOLE_BELOW:
                    return False
    except OSError:
        return False
    return True
