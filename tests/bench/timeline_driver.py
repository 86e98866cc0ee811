"""Child processes of run_benchmarks.py for the Timeline view; each writes JSON to --out.

    python tests/bench/timeline_driver.py cold --t0 $(date +%s.%N) --out r.json IDENT_DIR
    python tests/bench/timeline_driver.py keys --t0 $(date +%s.%N) --out r.json IDENT_DIR

cold    the app started on the Timeline (as `4` right at start): first paint from exec, and
        the refresh after the first frame that applied every event, with every task a row
        (the timeline's "full tree ready").
keys    the app started on the Tasks view; once every event is shown: `4` (time until the
        timeline is painted with every task), then `right` on the cursor's task (its lanes,
        one per host, painted), `+` (zoomed, painted), `1` (the tree painted again: what
        switching views costs anyway) and `4` again; and the core's cost of a frame that
        brings `RunTimes` up to date (`RunState.frame_taken`) after the whole run at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_driver import (
    SIZE,
    _maxrss_bytes,
    _write,
    on_first_full_frame,
    timed_app_class,
)


def _task_count(app: Any) -> int:
    """The run's tasks (a walk of the whole tree: once, not while timing)."""
    with app.feed.lock:
        return sum(1 for n in app.feed.tree.nodes() if n.kind == "task")


def _every_task_shown(app: Any, expected: int) -> bool:
    """The Timeline is the view shown and has a row for each of the run's `expected` tasks."""
    view = app.views.get("timeline")
    if view is None or app.view_id != "timeline" or app.feed is None:
        return False
    return sum(1 for row in view.chart.rows if row.kind == "task") == expected > 0


async def _painted(app: Any) -> float:
    done = asyncio.get_running_loop().create_future()
    app.call_after_refresh(lambda: done.set_result(time.perf_counter()))
    return float(await done)


async def _until(condition: Any) -> float:
    while not condition():
        await asyncio.sleep(0.002)
    return time.perf_counter()


def run_cold(path: Path, t0: float, out: Path, timeout: float) -> int:
    result: dict[str, Any] = {}
    app = timed_app_class(t0, result, timeout)(path)
    app.view_id = "timeline"

    def ready() -> None:
        result["ready_frame"] = time.time() - t0

        expected = _task_count(app)  # every event is applied: this is the final count

        async def wait_for_rows() -> None:
            await _until(lambda: _every_task_shown(app, expected))
            result["timeline_rows"] = time.time() - t0
            result["rows"] = len(app.views["timeline"].chart.rows)
            await _painted(app)
            result["timeline_painted"] = time.time() - t0
            result["maxrss"] = _maxrss_bytes()
            app._bench_stop()

        app.run_worker(wait_for_rows())

    on_first_full_frame(app, ready)
    app.run(headless=True, size=SIZE)
    _write(out, result)
    return 0 if "timeline_painted" in result else 1


def run_keys(path: Path, t0: float, out: Path, timeout: float) -> int:
    from textual import events

    result: dict[str, Any] = {}
    app = timed_app_class(t0, result, timeout)(path)

    def send(*keys: str) -> None:
        for key in keys:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)  # the way a terminal's key reaches the app

    async def measure() -> None:
        await asyncio.sleep(0.5)  # let the frame after the load settle
        expected = _task_count(app)
        start = time.perf_counter()
        send("4")
        shown = await _until(lambda: _every_task_shown(app, expected))
        result["key_to_timeline_ms"] = (shown - start) * 1000
        result["key_to_timeline_painted_ms"] = (await _painted(app) - start) * 1000
        chart = app.views["timeline"].chart
        row = chart.cursor_row
        hosts = sum(1 for c in row.node.children if c.kind == "host") if row else 0
        start = time.perf_counter()
        send("right")
        await _until(lambda: any(r.kind == "lane" for r in chart.rows))
        result["lanes_painted_ms"] = (await _painted(app) - start) * 1000
        result["lanes"] = hosts
        start = time.perf_counter()
        send("plus")
        await _until(lambda: chart.zoom.level == 2)
        result["zoom_painted_ms"] = (await _painted(app) - start) * 1000
        # The same switch the other way, to the tree: what a view switch costs here anyway.
        await asyncio.sleep(0.3)
        start = time.perf_counter()
        send("1")
        await _until(lambda: app.view_id == "tasks")
        result["key_to_tasks_painted_ms"] = (await _painted(app) - start) * 1000
        start = time.perf_counter()
        send("4")
        await _until(lambda: app.view_id == "timeline")
        result["key_to_timeline_again_painted_ms"] = (await _painted(app) - start) * 1000
        result["events"] = app.feed.tree.events
        result["maxrss"] = _maxrss_bytes()
        app._bench_stop()

    on_first_full_frame(app, lambda: app.run_worker(measure()))
    app.run(headless=True, size=SIZE)
    result.update(_frame_cost(path))
    _write(out, result)
    return 0 if "zoom_painted_ms" in result else 1


def _frame_cost(path: Path) -> dict[str, Any]:
    """CPU time of `RunState.frame_taken` for the whole run's changes at once (the first
    frame after a cold load), beside the adds that made them."""
    from jobevents.core.folder import EventReader, open_run
    from jobevents.core.loading import bulk_load
    from jobevents.core.nodes import Changes
    from jobevents.core.state import RunState

    with bulk_load():
        events = EventReader(open_run(path)).read().events
        state = RunState()
        changes = Changes()
        start = time.process_time()
        for event in events:
            state.add(event, changes)
        adds = time.process_time() - start
        start = time.process_time()
        state.frame_taken(changes)
        frame = time.process_time() - start
        start = time.process_time()
        state.times.settle()
        settle = time.process_time() - start
    return {
        "adds_cpu_s": adds,
        "frame_taken_cpu_s": frame,
        "settle_cpu_s": settle,
        "core_events": len(events),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=("cold", "keys"))
    p.add_argument("path", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--t0", type=float, help="launcher's time.time() just before the start")
    p.add_argument("--timeout", type=float, default=600.0)
    a = p.parse_args(argv)
    t0 = a.t0 if a.t0 is not None else time.time()
    if a.mode == "cold":
        return run_cold(a.path, t0, a.out, a.timeout)
    return run_keys(a.path, t0, a.out, a.timeout)


if __name__ == "__main__":
    raise SystemExit(main())
