"""The run `watch` opens first, started before Textual is imported.

Where it can fork, a child reading the run's files is forked first (one thread runs, and
the process is small), and the feed's first load takes its files in
(`core/child_reader.py`): the open, read and close of every file, and the interpreter
lock they wait for, are off the app's side. A small run's child reads while this process
imports the app; a big run's waits for the feed (beside the imports it slowed them).

A small run is then read whole before the app starts, so its first frame shows all of
it: with a child, after the imports (the child read meanwhile); without one, before them
(read beside the imports, a thread waits for the interpreter lock after each file and
ends after them). A big run's feed is started by the app, as it starts.
Imports only core (no Textual): it runs first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from jobevents.core.folder import EventReader, NoRunError, RunFolder
from jobevents.core.run_listing import RunListing

if TYPE_CHECKING:
    from .feed import RunFeed

#: a run of fewer event files than this is read whole before the app starts (about a
#: quarter of a second here); a bigger one as the app starts
WHOLE_BELOW = 5000
#: the longest wait for that read (a slow or hung file system): then the app starts anyway
WHOLE_WAIT = 5.0
#: a run of this many files or more is read by a child: a fork costs this process about
#: 2.5 ms, and each file read by the child saves it about 20 us (with its own reading
#: and decoding: 355 files 9-10 ms against 11-13 ms here, 139 files 6 against 5 ms)
AHEAD_FROM = 300
#: how long a file that does not parse yet is retried before it is reported (the app's)
RETRY_FOR = 5.0
#: files in a share of the listing the child or this process takes: this side reads the
#: last shares itself while the child is behind (on a busy machine, at nice 19)
CHUNK = 500


class EarlyFeed:
    """The feed of the run the app opens first, and whether it is to be read whole first."""

    def __init__(self, feed: RunFeed, runs: RunListing, *, whole: bool) -> None:
        self.feed = feed
        #: the runs at the path, as listed to find this one: the app does not list them again
        #: (a thousand runs: ~8 ms a listing)
        self.runs = runs
        #: a small run: read whole before the app's first frame
        self.whole = whole

    def ready(self) -> RunFeed:
        """The feed for the app, once the app's modules are imported: a small run read
        whole (up to WHOLE_WAIT); a big one not started yet (the app starts it)."""
        if self.whole:
            self.feed.start()
            if not self.feed.loaded.wait(WHOLE_WAIT):
                self.feed.seen()  # the app reads it as it loads
        return self.feed


def start_feed(
    path: Path, ident: str | None, *, force_polling: bool = False, child: bool = True
) -> EarlyFeed | None:
    """The feed of the run the app would open first at `path` (`ident`, else the newest),
    a child forked to read it (`child`, where one can be); None for no run yet (the app
    finds it and starts its feed as before). Call before Textual is imported."""
    from jobevents.core.child_reader import ChildReader, can_fork

    listing = RunListing(path)
    try:
        run = listing.open(ident)
    except (NoRunError, OSError):
        return None
    files = count_files(run)
    reader = EventReader(run, retry_for=RETRY_FOR)
    whole = files is not None and files < WHOLE_BELOW
    ahead = None
    if child and files is not None and files >= AHEAD_FROM and can_fork():
        # A small run is read by the child while this process imports the app; a big
        # one's child waits for the feed's first load (beside the imports it slowed them).
        ahead = ChildReader.ahead(reader, CHUNK, held=not whole)
    from .feed import RunFeed  # after the fork: the child reads while this imports

    feed = RunFeed(reader, force_polling=force_polling, ahead=ahead)
    feed.hold_until_shown()  # the hosts index and the watch wait for the app's first frame
    if whole:
        feed.load_unseen()  # read whole before the app exists (`ready`)
    early = EarlyFeed(feed, listing, whole=whole)
    if early.whole and ahead is None:
        early.ready()  # read now, before the imports: not beside them
    return early


def count_files(run: RunFolder) -> int | None:
    """The files in the run's job_events/, counted up to WHOLE_BELOW; None: unreadable."""
    count = 0
    try:
        with os.scandir(run.job_events) as entries:
            for count, _entry in enumerate(entries, 1):
                if count >= WHOLE_BELOW:
                    break
    except OSError:
        return None
    return count
