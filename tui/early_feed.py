"""A small run read whole before Textual is imported: `watch` on a run of a few thousand
events then shows all of it in the app's first frame, instead of bringing it in over the
frames after it while the app starts (where reading competed with starting).

A big run is left to the app, which starts its feed as it starts: read beside the imports,
it would slow them (the feed thread holds the interpreter lock for much of its work) and
the first paint with them. Imports only core and the feed (no Textual): it runs first.
"""

from __future__ import annotations

import os
from pathlib import Path

from jobevents.core.folder import NoRunError, RunFolder
from jobevents.core.run_listing import RunListing

from .feed import RunFeed

#: a run of fewer event files than this is read before Textual is imported (about a
#: quarter of a second here); a bigger one as the app starts
WHOLE_BELOW = 5000
#: the longest wait for that read (a slow or hung file system): then the app starts anyway
WHOLE_WAIT = 5.0


def start_feed(path: Path, ident: str | None, *, force_polling: bool = False) -> RunFeed | None:
    """The feed of the run the app would open first at `path` (`ident`, else the newest),
    with what is there read, if that run is small; None for a big run or none yet (the
    app finds it and starts its feed as before)."""
    try:
        run = RunListing(path).open(ident)
    except (NoRunError, OSError):
        return None
    if not is_small(run):
        return None
    feed = RunFeed(run, force_polling=force_polling)
    feed.start()
    # Waiting here, not importing Textual beside it: a thread reading beside a busy one
    # waits for the interpreter lock after each file and would end after the imports.
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
