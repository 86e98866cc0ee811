"""The frame clock: every change the feed applies is taken by a frame the feed asked for."""

from __future__ import annotations

import threading
import time
import types
from pathlib import Path
from typing import Any, cast

import pytest
from textual.widgets import Static

import jobevents.tui.app as app_module
import jobevents.tui.frame as frame_module
from jobevents.tui.app import JobEventsApp
from jobevents.tui.frame import FRAME_GAP, LOADING_FRAME, FrameClock
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.paths import committed_run
from .helpers import (
    add_events,
    copy_run,
    frames_pass,
    rendered_text,
    running,
    settle,
    wait_for,
)


async def test_every_change_after_a_frame_brings_a_frame_without_the_heartbeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed tells the app once until a frame takes its changes (`_told`): a tell lost
    # between a take and the next change would leave changes waiting for the heartbeat.
    # With the heartbeat gone, each change must still be taken by a frame.
    monkeypatch.setattr(app_module, "HEARTBEAT", 3600.0)
    ident_dir, rest = copy_run("seed_linear", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        feed = app.feed
        assert feed is not None
        for path in rest[:8]:
            events = feed.tree.events
            add_events(ident_dir, [path])
            await wait_for(
                pilot,
                lambda events=events: feed.tree.events > events and not feed.has_changes(),
                what=f"a frame to take {path.name}",
            )


def _finished_without_heartbeat(monkeypatch: pytest.MonkeyPatch) -> JobEventsApp:
    """The app on a finished run, with frames only when something asks for one."""
    monkeypatch.setattr(app_module, "HEARTBEAT", 3600.0)
    return JobEventsApp(committed_run("features"), watch=False)


async def test_the_detail_pane_shows_the_run_as_loaded_not_as_it_was_mid_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A pane painted during the first load showed the playbook unnamed and running; the
    # load's last frames are busy ones (the pane repainted every 2 s at most), and with
    # no frame after them the pane kept that until the cursor moved.
    app = _finished_without_heartbeat(monkeypatch)
    async with running(app) as pilot:
        await settle(pilot)
        await frames_pass(pilot)
        body = app.query_one(DetailPane).query_one(Static)
        shown = rendered_text(body.content)
        app.detail.show(app.detail.node, force=True)  # what it shows when painted now
        assert shown == rendered_text(body.content)
        assert "running" not in shown and "Nothing below it yet" not in shown


async def test_a_detail_repaint_put_off_by_the_clock_comes_without_the_heartbeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _finished_without_heartbeat(monkeypatch)
    async with running(app) as pilot:
        await settle(pilot)
        detail, frames = app.detail, app.frames
        shown: list[object] = []
        show = detail.show
        detail.show = lambda node, *, force=False: (shown.append(node), show(node, force=force))  # type: ignore[method-assign]
        frames._busy_until = 0.0
        frames._detail_painted = time.monotonic()  # the pane was repainted just now
        frames.follow_cursor(detail.node)  # so this repaint waits for DETAIL_EVERY
        await wait_for(pilot, lambda: bool(shown), what="the repaint put off by the clock")


class _Timer:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


class _App:
    """What the clock asks of the app to decide when a frame comes."""

    def __init__(self) -> None:
        self.feed = types.SimpleNamespace(loaded=threading.Event())
        self.timers: list[_Timer] = []

    def set_timer(self, delay: float, _callback: Any) -> _Timer:
        self.timers.append(_Timer(delay))
        return self.timers[-1]


def test_a_frame_set_at_the_loading_pace_gives_way_once_the_load_is_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A frame asked for while the first load runs comes LOADING_FRAME after the last one.
    # If the load ends soon after that frame, the feed's tell (once, until a take) must
    # bring the first live frame at the live pace, not when the loading one was due.
    now = [100.0]
    monkeypatch.setattr(frame_module, "time", types.SimpleNamespace(monotonic=lambda: now[0]))
    app = _App()
    clock = FrameClock(cast(JobEventsApp, app))
    painted: list[float] = []
    monkeypatch.setattr(clock, "paint", lambda: painted.append(now[0]))
    clock._last_frame = now[0]  # a loading frame, just painted
    now[0] += 0.01
    clock.request()  # changes read by the load
    assert [t.delay for t in app.timers] == [pytest.approx(LOADING_FRAME - 0.01)]
    app.feed.loaded.set()  # the load ends; the feed tells the app once more
    clock.request()
    slow, live = app.timers
    assert slow.stopped
    assert live.delay == pytest.approx(FRAME_GAP - 0.01)
    clock.request()  # asked again before the live frame: it is soon enough
    assert len(app.timers) == 2 and not live.stopped
    assert painted == []
