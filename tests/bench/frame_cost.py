"""The UI thread's CPU per live frame, alone: what a follow-mode frame costs, and where.

The live benchmark measures latency with two threads competing for the GIL, so a slow
frame and a starved reader look alike there. This harness takes the reader out: it
loads the first events of a generated run, then adds `--per-frame` events at a time on
the UI thread itself and paints one frame after each batch (with a clock that advances
one frame per batch), and reports the process CPU per frame, minus the adds, with the
render time of each widget and of Textual's screen passes, and the collector's passes by
generation (after each batch the feed's freeze runs, as it does live). `--profile OUT` also writes
a cProfile of the frames.

    .venv/bin/python tests/bench/frame_cost.py /tmp/bench/artifacts/linear-433h100t-s1
    .venv/bin/python tests/bench/frame_cost.py RUN --per-frame 160 --profile /tmp/f.prof
    .venv/bin/python tests/bench/frame_cost.py RUN --view hosts      # the Hosts view shown

160 events a frame is 2,000 events/s at the 80 ms a frame takes under that feed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import shutil
import tempfile
import time
import types
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feed import release_order
from textual._compositor import Compositor
from textual._styles_cache import StylesCache
from textual.screen import Screen
from textual.widgets import Tree

import jobevents.tui.frame as frame_module
from jobevents.core.events import Event, decode_event
from jobevents.core.folder import event_file_key
from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.hosts import HostsView
from jobevents.tui.views.tasks import TasksView
from jobevents.tui.widgets.lazy_tree import LazyTree

#: name -> [calls, seconds]
STATS: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0])
#: the collector's passes by generation: [CPU seconds of each pass]
GCS: defaultdict[int, list[float]] = defaultdict(list)
_gc_start = [0.0]


def on_gc(phase: str, info: dict[str, Any]) -> None:
    """Each collection's CPU time (this process's one thread does them all here)."""
    if phase == "start":
        _gc_start[0] = time.thread_time()
    else:
        GCS[info["generation"]].append(time.thread_time() - _gc_start[0])


def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, its calls counted and its CPU time summed (this thread's: the machine is
    shared, and wall time there is mostly waiting for a core)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return method(*args, **kwargs)
        finally:
            entry = STATS[name]
            entry[0] += 1
            entry[1] += time.thread_time() - start

    return wrapper


def instrument() -> None:
    """Time each widget's render and Textual's screen passes."""
    render_widget = StylesCache.render_widget

    def per_widget(self: StylesCache, widget: Any, crop: Any) -> Any:
        return timed(type(widget).__name__, render_widget)(self, widget, crop)

    StylesCache.render_widget = per_widget  # type: ignore[method-assign]
    for name in ("_on_timer_update", "_refresh_layout", "_compositor_refresh"):
        setattr(Screen, name, timed(f"Screen.{name}", getattr(Screen, name)))
    for cls, name in (
        (Compositor, "_arrange_root"),  # the layout itself, inside _refresh_layout
        (Compositor, "render_update"),  # the cuts and chops of what is dirty
        (Tree, "_build"),  # Textual's list of the tree's lines
        (LazyTree, "_follow_to"),
        (LazyTree, "render_lines"),  # the tree's lines, styled (around StylesCache)
    ):
        label = f"{cls.__name__}.{name}"
        setattr(cls, name, timed(label, getattr(cls, name)))
    for view in (TasksView, HostsView):  # each view's share of a frame, shown or not
        view.apply_frame = timed(f"{view.__name__}.apply_frame", view.apply_frame)  # type: ignore[method-assign]


def load_events(job_events: Path, count: int) -> tuple[list[str], list[Event]]:
    names = release_order(sorted(os.listdir(job_events), key=event_file_key), 50, seed=0)
    return names, [decode_event((job_events / n).read_bytes()) for n in names[:count]]


async def measure(
    run: Path,
    frames: int,
    per_frame: int,
    skip: int,
    profile: Path | None,
    view: str = "tasks",
) -> dict[str, Any]:
    """Run the frames with `view` shown; print and return the figures."""
    job_events = run / "job_events"
    names, events = load_events(job_events, skip + per_frame * frames)
    now = [1000.0]  # the app's monotonic clock: one frame a batch, however long it took
    frame_module.time = types.SimpleNamespace(  # type: ignore[assignment]
        monotonic=lambda: now[0], time=time.time
    )
    root = Path(tempfile.mkdtemp(prefix="jobevents-frames-"))
    try:
        live = root / "artifacts" / "live" / "job_events"
        live.mkdir(parents=True)
        (live.parent / "status").write_text("running")
        shutil.copy(job_events / names[0], live / names[0])
        app = JobEventsApp(root, ident="live", watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.feed is None or not app.feed.loaded.is_set():
                await asyncio.sleep(0.05)
            feed = app.feed
            with feed.lock:
                feed.state.add_all(events[1:skip], feed._changes)
            app.frames.paint()
            await app.action_show_view(view)
            await pilot.pause(0.3)
            for timer in list(app._timers):  # frames come from here only
                timer.stop()
            STATS.clear()
            GCS.clear()
            gc.callbacks.append(on_gc)
            profiler = cProfile.Profile() if profile else None
            adds = 0.0
            cpu = time.process_time()
            if profiler:
                profiler.enable()
            for start in range(skip, skip + per_frame * frames, per_frame):
                t = time.process_time()
                with feed.lock:
                    feed.state.add_all(events[start : start + per_frame], feed._changes)
                feed._freeze_new()  # as the feed does after each batch it reads live
                adds += time.process_time() - t
                now[0] += 0.08
                app.frames.paint()
                await asyncio.sleep(0.08)  # the screen repaints on its own timer, as live
            if profiler:
                profiler.disable()
            cpu = time.process_time() - cpu
            gc.callbacks.remove(on_gc)
            feed.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ui_ms = (cpu - adds) / frames * 1000
    adds_ms = adds / frames * 1000
    print(
        f"{view} view, {per_frame} events a frame, {frames} frames: UI {ui_ms:.1f} ms "
        f"CPU a frame (adds {adds_ms:.1f} ms more)"
    )
    parts = {}
    for name, (calls, seconds) in sorted(STATS.items(), key=lambda kv: -kv[1][1]):
        print(f"  {name:28} {calls / frames:6.2f} a frame {seconds / frames * 1000:8.2f} ms")
        parts[name] = seconds / frames * 1000
    for generation, passes in sorted(GCS.items()):
        print(
            f"  gc gen{generation}: {len(passes) / frames:5.2f} a frame, "
            f"{sum(passes) / frames * 1000:6.2f} ms a frame, max {max(passes) * 1000:5.1f} ms"
        )
    if profiler and profile:
        profiler.dump_stats(profile)
        print(f"profile: {profile}")
    return {"view": view, "ui_ms": ui_ms, "adds_ms": adds_ms, "parts_ms": parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a generated run: artifacts/<ident>")
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--per-frame", type=int, default=160)
    parser.add_argument("--skip", type=int, default=20_000, help="events loaded before timing")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the frames here")
    parser.add_argument("--view", default="tasks", help="the view shown: tasks or hosts")
    args = parser.parse_args()
    instrument()
    asyncio.run(
        measure(args.run, args.frames, args.per_frame, args.skip, args.profile, view=args.view)
    )


if __name__ == "__main__":
    main()
