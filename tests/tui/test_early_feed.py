"""`watch` reads a small run whole before Textual is imported, and the app shows that
feed rather than starting another; a big run is left to the app."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from jobevents.core.folder import RunFolder
from jobevents.tui import early_feed
from jobevents.tui.app import JobEventsApp
from jobevents.tui.early_feed import is_small, start_feed

from ..fixtures.paths import committed_run
from .helpers import header_text, running, settle
from .test_watch_stdin import Terminal, _start, _wait


def _pdd(tmp_path: Path, name: str = "seed_linear") -> tuple[Path, int]:
    """A private data dir holding a copy of the committed run `name`; its event count."""
    source = committed_run(name)
    shutil.copytree(source, tmp_path / "artifacts" / source.name)
    return tmp_path, len(list((source / "job_events").glob("*.json")))


def test_a_small_run_is_read_whole_before_start_feed_returns(tmp_path: Path) -> None:
    pdd, events = _pdd(tmp_path)
    feed = start_feed(pdd, None)
    assert feed is not None
    try:
        # no waiting here: the app's modules are imported after this, its first frame
        # already has every event
        assert feed.loaded.is_set()
        assert feed.tree.events == events
        assert feed.failure is None
    finally:
        feed.stop()


def test_no_run_yet_gives_no_feed(tmp_path: Path) -> None:
    assert start_feed(tmp_path, None) is None
    pdd, _ = _pdd(tmp_path / "pdd")
    assert start_feed(pdd, "no-such-ident") is None


def test_a_big_run_is_left_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdd, events = _pdd(tmp_path)
    run = _folder(next((pdd / "artifacts").iterdir()))
    assert is_small(run)
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", events)
    assert not is_small(run)
    # read beside the imports, it would slow the first paint: the app starts its feed
    assert start_feed(pdd, None) is None
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", events + 1)
    assert is_small(run)


def _folder(ident_dir: Path) -> RunFolder:
    return RunFolder(ident_dir / "job_events", ident_dir)


async def test_the_app_shows_the_feed_started_early(tmp_path: Path) -> None:
    pdd, events = _pdd(tmp_path)
    feed = start_feed(pdd, None)
    assert feed is not None
    app = JobEventsApp(pdd, early_feed=feed)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is feed  # the run it was given, not read a second time
        assert f"{events:,} events" in header_text(app)
    assert feed.failure is None


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
