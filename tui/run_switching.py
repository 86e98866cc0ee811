"""Choosing the run shown: the first run opened, new runs noticed under `artifacts/`, the
picker (`r`), and one run's feed replaced by another's without keeping the old one alive.

The shell (`app.py`) shows whatever feed this hands it; which run, and when, is decided here.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
import threading
import weakref
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from textual._styles_cache import StylesCache

from jobevents.core.folder import NoRunError, RunFolder
from jobevents.core.run_listing import RunListing

from .feed import RunFeed

if TYPE_CHECKING:
    from textual.widget import AwaitRemove

    from jobevents.core.run_summary import RunSummaries

    from .app import JobEventsApp

#: refreshes a switch waits at most for the old run's views to be let go of
RELEASE_REFRESHES = 20


class RunSwitching:
    """The runs under PATH, which one the app shows, and the switch to another."""

    def __init__(
        self,
        app: JobEventsApp,
        feed: RunFeed | None,
        early: RunFeed | None = None,
        runs: RunListing | None = None,
    ) -> None:
        self.app = app
        #: the runs under PATH, listed again only when artifacts/ changes (`runs`: as
        #: `watch` listed them to start the early feed)
        self.runs = runs if runs is not None else RunListing(app.path)
        #: follow new runs appearing under artifacts/ until the user picks one
        self.follow_newest = app.ident is None
        self._known_idents: set[str | None] = set()
        self._summaries_warm: threading.Thread | None = None
        #: the run's feed, started before Textual starts: reading a big run takes seconds
        #: (`early`: started by `watch` before the app's modules were imported)
        self._early_feed: RunFeed | None = feed or early
        if self._early_feed is None:
            with suppress(NoRunError, OSError):
                self._early_feed = self._new_feed(self.runs.open(app.ident))
        if self._early_feed is not None:
            self._early_feed.start()

    def check(self) -> None:
        """Open the first run once it exists; offer (or follow) newer runs as they appear."""
        app = self.app
        if app.given_feed is not None:
            if app.feed is None:
                self.open(None)
            return
        listing = self.runs
        if app.feed is None:
            early = self._early_feed
            try:
                listing.poll()
                run = early.run if early is not None else listing.open(app.ident)
            except NoRunError as exc:
                app.header.show_waiting(f"Waiting: {exc}")
                return
            self._known_idents = {r.ident for r in listing.runs()}
            self.open(run)
            return
        self._warm_summaries()
        if app.ident is not None or not app.watch_folder or not listing.poll():
            return
        runs = listing.runs()
        new = [r for r in runs if r.ident not in self._known_idents]
        self._known_idents.update(r.ident for r in runs)
        if not new:
            return
        newest = new[0]
        if self.follow_newest and app.view is not None and app.view.is_following:
            app.say(f"Following the new run {newest.ident}.", title="New run")
            self.open(newest)
        else:
            app.say(f"New run {newest.ident}: press r to open it.", title="New run")

    @functools.cached_property
    def summaries(self) -> RunSummaries:
        """What the run picker shows of each run, kept between openings (made when first
        asked, after the first frame: the picker's or its warming's)."""
        from jobevents.core.run_summary import RunSummaries

        return RunSummaries()

    def _warm_summaries(self) -> None:
        """Once the run shown is loaded, read the other runs' summaries for the picker.

        On a thread, after the load (it would compete with it): `r` then lists every run
        at once. Summaries already read cost a few `stat` calls.
        """
        feed = self.app.feed
        if feed is None or not feed.loaded.is_set() or len(self.runs.runs()) < 2:
            return
        if self._summaries_warm is not None:
            return
        runs, summaries = list(self.runs.runs()), self.summaries
        self._summaries_warm = threading.Thread(
            target=lambda: [summaries.get(run) for run in runs],
            name="jobevents-run-summaries",
            daemon=True,
        )
        self._summaries_warm.start()

    def pick(self) -> None:
        """`r`: choose another run under artifacts/ in the picker."""
        app = self.app
        if app.given_feed is not None:
            app.notify("A stream holds one run.", title="Runs")
            return
        self.runs.poll()
        runs = self.runs.runs()
        if not runs:
            app.notify("No runs here.", title="Runs")
            return
        current = app.feed.run if app.feed is not None else None

        def picked(run: RunFolder | None) -> None:
            if run is not None and run != current:
                self.follow_newest = run == runs[0]
                self.open(run)

        from .widgets.run_picker import RunPicker  # built on the first `r`, not at start

        RunPicker.open(app, runs, current, self.summaries, picked)

    def open(self, run: RunFolder | None) -> None:
        """Show `run` (replacing the one shown); None: the feed the app was given."""
        app = self.app
        replacing = app.feed is not None
        if app.feed is not None:
            app.feed.stop()
        app.comparing.clear()
        gone = [weakref.ref(view) for view in app.views.values()]
        removals = app.drop_run()
        feed, self._early_feed = self._early_feed, None
        if run is not None and (feed is None or feed.run != run):
            if feed is not None:
                feed.stop()
            feed = self._new_feed(run)
        assert feed is not None
        app.show_run(feed)
        if replacing:
            app.run_worker(
                self._start_clean(feed, removals, gone), group="open-run", exclusive=True
            )
        else:
            feed.start()

    async def _start_clean(
        self, feed: RunFeed, removals: list[AwaitRemove], gone: list[weakref.ref[object]]
    ) -> None:
        """Start `feed` once the run it replaces is gone, collected and not frozen with it.

        A feed freezes what it built out of the collector after its first load, and a
        freeze keeps whatever garbage waits too: the replaced run's tree and views, kept
        for good at each switch. So the old views (`gone`) are removed first, then
        collected before the new feed starts. Removed, they are still held until the
        screen's next refresh and until their containers have handled the messages they
        posted (a busy app takes a few refreshes): collect after each, until they are gone.
        """
        app = self.app
        for removal in removals:
            await removal
        await _next_refresh(app)  # a collection costs more than a refresh: one ahead
        for _ in range(RELEASE_REFRESHES):
            await _next_refresh(app)
            _forget_removed_styles()
            gc.collect()
            if all(ref() is None for ref in gone):
                break
        _give_back_freed_memory()
        feed.start()

    def _new_feed(self, run: RunFolder) -> RunFeed:
        app = self.app
        return RunFeed(
            run, force_polling=app.force_polling, watch=app.watch_folder, retry_for=app.retry_for
        )

    def stop(self) -> None:
        """The app is leaving: stop the feed started early if no run took it."""
        if self._early_feed is not None:
            self._early_feed.stop()


async def _next_refresh(app: JobEventsApp) -> None:
    """Until the screen has refreshed (laid out and painted) once more."""
    refreshed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: refreshed.done() or refreshed.set_result(None))
    await refreshed


def _give_back_freed_memory() -> None:
    """Hand what the old run freed back to the system (glibc keeps freed heap pages for
    reuse, so RSS would stay at the biggest run's level after a switch); no-op elsewhere."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, found among the symbols this process has loaded."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at the top: a run switch needs it, the first frame does not

    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has none)
        return None
    return trim


def _forget_removed_styles() -> None:
    """Let removed widgets go: Textual's `StylesCache.get_inner_outer` is an `lru_cache` on
    a method, so it keeps up to 1,024 widgets' style caches (and their rendered lines)
    alive after they are removed: a megabyte a run switch (Textualize/textual#6665)."""
    cached = getattr(StylesCache, "get_inner_outer", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
