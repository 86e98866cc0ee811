"""`watch` opens its run before Textual is imported: a small run is whole before the app
starts, the app shows that feed rather than starting another, and a big run's feed is
started by the app. (A child reading the run: test_feed_ahead.py.)"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from jobevents.core import EventTree, run_listing
from jobevents.core.folder import RunFolder
from jobevents.core.loading import load_run
from jobevents.tui import early_feed
from jobevents.tui.app import JobEventsApp
from jobevents.tui.early_feed import count_files, start_feed

from ..fixtures.paths import committed_run
from .helpers import header_text, running, settle
from .test_watch_stdin import Terminal, _start, _wait


def _pdd(tmp_path: Path, name: str = "seed_linear") -> tuple[Path, int]:
    """A private data dir holding a copy of the committed run `name`; its event count."""
    source = committed_run(name)
    shutil.copytree(source, tmp_path / "artifacts" / source.name)
    return tmp_path, len(list((source / "job_events").glob("*.json")))


@pytest.fixture(autouse=True)
def _no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """These runs are read here: not one of them is big enough for a child."""
    monkeypatch.setattr(early_feed, "AHEAD_FROM", 10**9)


def test_a_small_run_is_read_whole_before_start_feed_returns(tmp_path: Path) -> None:
    pdd, events = _pdd(tmp_path)
    early = start_feed(pdd, None)
    assert early is not None and early.whole
    feed = early.feed
    try:
        # no waiting here: the app's modules are imported after this, its first frame
        # already has every event
        assert feed.loaded.is_set()
        assert feed.tree.events == events
        assert feed.failure is None
        assert early.ready() is feed
    finally:
        feed.stop()


def test_a_small_run_read_before_the_app_sums_its_counts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody reads that tree before the load ends (`RunFeed.load_unseen`): its host-run
    counts are not walked up at each change, and come out as a load's."""
    pdd, _ = _pdd(tmp_path, "features")
    walks: list[object] = []
    count = EventTree._count
    monkeypatch.setattr(EventTree, "_count", lambda *a: walks.append(a) or count(*a))
    early = start_feed(pdd, None)
    assert early is not None and early.whole
    try:
        assert early.ready().loaded.is_set()
        assert walks == []
        reference, _ = load_run(_folder(next((pdd / "artifacts").iterdir())), child=False)
        with early.feed.lock:
            assert early.feed.tree.to_dict() == reference.to_dict()
    finally:
        early.feed.stop()


def test_no_run_yet_gives_no_feed(tmp_path: Path) -> None:
    assert start_feed(tmp_path, None) is None
    pdd, _ = _pdd(tmp_path / "pdd")
    assert start_feed(pdd, "no-such-ident") is None


def test_a_big_run_is_left_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdd, events = _pdd(tmp_path)
    run = _folder(next((pdd / "artifacts").iterdir()))
    assert count_files(run) == events
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", events)
    assert count_files(run) == events  # counted up to WHOLE_BELOW
    # read beside the imports, it would slow the first paint: the app starts its feed
    early = start_feed(pdd, None)
    assert early is not None and not early.whole
    try:
        assert early.ready() is early.feed
        assert not early.feed.loaded.is_set()
        assert early.feed.tree.events == 0
    finally:
        early.feed.stop()
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", events + 1)
    early = start_feed(pdd, None)
    assert early is not None and early.whole
    early.feed.stop()


def _folder(ident_dir: Path) -> RunFolder:
    return RunFolder(ident_dir / "job_events", ident_dir)


async def test_the_app_shows_the_feed_started_early(tmp_path: Path) -> None:
    pdd, events = _pdd(tmp_path)
    early = start_feed(pdd, None)
    assert early is not None
    feed = early.ready()
    app = JobEventsApp(pdd, early_feed=feed)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is feed  # the run it was given, not read a second time
        assert f"{events:,} events" in header_text(app)
    assert feed.failure is None


async def test_the_app_does_not_list_the_runs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the runs `watch` listed to start its feed, the app does not list them again
    (a thousand runs: ~8 ms a listing, paid twice before the first frame)."""
    pdd, events = _pdd(tmp_path)
    early = start_feed(pdd, None)
    assert early is not None
    scans: list[Path] = []
    scan = run_listing.scan_runs

    def counted(path: Path) -> tuple[list[RunFolder], list[Path]]:
        scans.append(path)
        return scan(path)

    monkeypatch.setattr(run_listing, "scan_runs", counted)
    app = JobEventsApp(pdd, early_feed=early.ready(), runs=early.runs)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.runs is early.runs
        assert f"{events:,} events" in header_text(app)
        assert scans == []
        # a new run is still noticed: artifacts/ changed, so it is listed again
        shutil.copytree(
            pdd / "artifacts" / committed_run("seed_linear").name, pdd / "artifacts" / "two"
        )
        assert app.runs.poll()
        assert scans == [pdd]
        assert {r.ident for r in app.runs.runs()} == {committed_run("seed_linear").name, "two"}


async def test_the_early_feed_watches_after_the_apps_first_frame(tmp_path: Path) -> None:
    """Loaded before the app, the feed waits for its first frame before the hosts index
    and the watch (their CPU came out of that frame's); the app's first frame lets it go."""
    pdd, events = _pdd(tmp_path)
    early = start_feed(pdd, None)
    assert early is not None
    feed = early.ready()
    try:
        assert feed.loaded.is_set()
        time.sleep(0.3)
        assert feed.mode == "starting"  # not watching yet
        assert feed.state._hosts is None  # nor indexing its hosts
        app = JobEventsApp(pdd, early_feed=feed, runs=early.runs)
        async with running(app) as pilot:
            await settle(pilot)
            deadline = time.monotonic() + 10
            while feed.mode == "starting" and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert feed.mode in ("inotify", "polling")
            assert f"{events:,} events" in header_text(app)
    finally:
        feed.stop()


def test_watch_in_a_terminal_shows_the_run_it_read_first(tmp_path: Path) -> None:
    pdd, events = _pdd(tmp_path)
    terminal = Terminal()
    process = _start(terminal, terminal.follower, "watch", str(pdd), cwd=tmp_path)
    try:
        # the first count the header shows is every event: the run was read before
        counts = re.compile(rb"([\d,]+) events")
        _wait(lambda: counts.search(terminal.text()) is not None, what="the header")
        first = counts.search(terminal.text())
        assert first is not None and first.group(1) == f"{events:,}".encode()
        terminal.type(b"q")
        assert process.wait(20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        terminal.close()
