"""The app on a worker stream: live arrival through a pipe, the header's marks, `o`, payloads."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from textual.widgets import Log

from jobevents.core.loading import load_path
from jobevents.core.stream_source import StreamSource
from jobevents.tui.app import JobEventsApp
from jobevents.tui.feed import RunFeed
from jobevents.tui.widgets.detail_pane import DetailPane
from jobevents.tui.widgets.worker_output import WorkerOutput

from ..fixtures.paths import committed_stream
from ..fixtures.worker_runs import SECRET, start_worker, transmit
from .helpers import header_text, press, rendered_text, running, settle, wait_for


def _app_on_file(name: str, now: float = 0.0) -> tuple[JobEventsApp, StreamSource]:
    fd = os.open(committed_stream(name), os.O_RDONLY)
    source = StreamSource(fd, label=name, owns_fd=True, keep_payloads=True, clock=lambda: now)
    return JobEventsApp(feed=RunFeed(source), clock=lambda: now), source


@contextmanager
def _pipe() -> Iterator[tuple[int, int]]:
    read, write = os.pipe()
    try:
        yield read, write
    finally:
        for fd in (read, write):
            with suppress(OSError):
                os.close(fd)


async def test_a_stream_file_shows_the_run_its_state_and_its_output() -> None:
    app, source = _app_on_file("canceled")
    async with running(app) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: source.exhausted, what="the stream's end")
        await wait_for(pilot, lambda: "rc 254" in header_text(app), what="the rc")
        header = header_text(app)
        assert "canceled" in header and "output lines (o)" in header
        expected = load_path(committed_stream("canceled")).tree.to_dict()
        assert app.feed is not None and app.feed.tree.to_dict() == expected
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, WorkerOutput)
        shown = "\n".join(screen.query_one(Log).lines)
        assert "starting debug logging" in shown and " JOBEVENTS_TEST_SECRET: (hidden)" in shown
        assert SECRET not in shown
        await press(pilot, "escape")
        assert not isinstance(app.screen, WorkerOutput)
        source.close()


async def test_a_stream_kept_in_memory_still_shows_every_payload() -> None:
    app, source = _app_on_file("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: source.exhausted)
        await press(pilot, "e")  # expand everything, then to the last line: a host
        tree = app.run_tree
        assert tree is not None
        tree.cursor_line = tree.last_line
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data.kind == "host"
        detail = app.query_one(DetailPane)
        await wait_for(
            pilot,
            lambda: "cmd" in rendered_text(detail._body.content),
            what="the payload of the host under the cursor",
        )
        assert "cannot read" not in rendered_text(detail._body.content)
        source.close()


async def test_a_stream_grows_live_and_a_cut_shows_stream_lost() -> None:
    data = committed_stream("seed_free").read_bytes()
    lines = data.split(b"\n")
    half = b"\n".join(lines[: len(lines) // 2]) + b"\n"
    now = [0.0]
    with _pipe() as (read, write):
        source = StreamSource(read, label="pipe", keep_payloads=True, clock=lambda: now[0])
        app = JobEventsApp(feed=RunFeed(source), clock=lambda: now[0])
        async with running(app) as pilot:
            os.write(write, half)
            await wait_for(pilot, lambda: app.feed is not None and app.feed.tree.events > 5)
            await wait_for(pilot, lambda: "running" in header_text(app), what="running")
            count = app.feed.tree.events  # type: ignore[union-attr]
            now[0] = 7.0  # nothing heard for 7 s
            await wait_for(pilot, lambda: "heard 7s ago" in header_text(app), what="silence")
            rest = data[len(half) : data.index(b'{"status": "successful"')]
            os.write(write, rest)
            await wait_for(pilot, lambda: app.feed.tree.events > count)  # type: ignore[union-attr]
            os.close(write)  # the worker's side goes away without eof
            await wait_for(pilot, lambda: "stream lost" in header_text(app), what="lost")
            assert "successful" not in header_text(app) and "failed" not in header_text(app)
            await wait_for(pilot, lambda: bool(app._notifications), what="a toast")
            assert any("Stream lost" in (n.title or "") for n in app._notifications)


@pytest.mark.slow
async def test_a_live_worker_pipe_arrives_as_it_runs(tmp_path: Path) -> None:
    """A real `transmit | worker`: the view shows the run going, then ended, saved whole."""
    job = transmit(tmp_path / "pdd", "seed.yml", ident="live", extravars={"jt_strategy": "free"})
    worker = start_worker(job)
    assert worker.stdout is not None
    teed = bytearray()
    read, write = os.pipe()

    def tee() -> None:  # keep a copy of the bytes, to compare with runner's own reading
        assert worker.stdout is not None
        while chunk := worker.stdout.read1(65536):
            teed.extend(chunk)
            os.write(write, chunk)
        os.close(write)

    threading.Thread(target=tee, daemon=True).start()
    source = StreamSource(read, label="stdin", owns_fd=True, save_to=tmp_path / "saved")
    app = JobEventsApp(feed=RunFeed(source))
    seen_running = []
    async with running(app, size=(120, 40)) as pilot:

        def watched() -> bool:
            feed = app.feed
            if feed is not None and feed.status == "running" and feed.tree.events:
                seen_running.append(feed.tree.events)
            return feed is not None and feed.mode == "stopped"

        await wait_for(pilot, watched, timeout=240, what="the run to end")
        assert seen_running and min(seen_running) < app.feed.tree.events  # type: ignore[union-attr]
        # the header is repainted on the frame clock, not when the feed stops
        await wait_for(
            pilot,
            lambda: "successful" in header_text(app) and "rc 0" in header_text(app),
            what="the header to say the run ended",
        )
    worker.wait(30)
    saved = tmp_path / "saved" / "artifacts" / "live"
    from ..fixtures.worker_runs import process

    processed = process(bytes(teed), tmp_path / "processed", ident="live")
    assert load_path(saved).tree.to_dict() == load_path(processed).tree.to_dict()
    assert (saved / "rc").read_text() == "0" and (saved / "status").read_text() == "successful"
