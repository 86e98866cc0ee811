"""Child processes of run_benchmarks.py for the Log view; each writes JSON to --out.

    python tests/bench/log_driver.py cold --t0 $(date +%s.%N) --out r.json IDENT_DIR
    python tests/bench/log_driver.py keys --t0 $(date +%s.%N) --out r.json IDENT_DIR --search x
    python tests/bench/log_driver.py memory --out r.json IDENT_DIR --search x

cold    the app started on the Log view (as `3` right at start): first paint from exec, and
        the refresh after the first frame that applied every event, with the log at its last
        line (the log's "full tree ready").
keys    the app started on the Tasks view; once every event is shown: `3` (time until the
        log is painted at its last line), then `/`, the text and `enter` (time until the
        whole log is searched and the cursor is on a match, then painted).
memory  the core alone: the run's events applied to an `EventTree` and to a `RunState`
        (tree and log): CPU time of each (interleaved, median of 3) and, tracemalloc'd
        apart, the bytes per event the log adds; the log's lines and blocks; the CPU time
        of one full `LogSearch`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
import tracemalloc
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


def _at_end(app: Any) -> bool:
    """The Log view is shown, with its cursor on the last line of the log, in view."""
    view = app.views.get("log")
    if view is None or app.view_id != "log" or not view.run_log.lines:
        return False
    last = view.run_log.lines - 1
    top = int(view.scroll_offset.y)
    return bool(view.cursor == last and top <= last < top + view.scrollable_content_region.height)


def run_cold(path: Path, t0: float, out: Path, timeout: float) -> int:
    result: dict[str, Any] = {}
    app = timed_app_class(t0, result, timeout)(path)
    app.view_id = "log"

    def ready() -> None:
        result["ready_frame"] = time.time() - t0

        async def wait_for_end() -> None:
            while not _at_end(app):
                await asyncio.sleep(0.002)
            result["log_end"] = time.time() - t0
            result["lines"] = app.views["log"].run_log.lines

            def painted() -> None:
                result["log_end_painted"] = time.time() - t0
                result["maxrss"] = _maxrss_bytes()
                app._bench_stop()

            app.call_after_refresh(painted)

        app.run_worker(wait_for_end())

    on_first_full_frame(app, ready)
    app.run(headless=True, size=SIZE)
    _write(out, result)
    return 0 if "log_end_painted" in result else 1


def run_keys(path: Path, t0: float, out: Path, timeout: float, text: str) -> int:
    from textual import events

    result: dict[str, Any] = {"search": text}
    app = timed_app_class(t0, result, timeout)(path)

    def send(*keys: str) -> None:
        for key in keys:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)  # the way a terminal's key reaches the app

    async def until(condition: Any) -> float:
        while not condition():
            await asyncio.sleep(0.002)
        return time.perf_counter()

    async def painted() -> float:
        done = asyncio.get_running_loop().create_future()
        app.call_after_refresh(lambda: done.set_result(time.perf_counter()))
        return float(await done)

    async def measure() -> None:
        await asyncio.sleep(0.5)  # let the frame after the load settle
        start = time.perf_counter()
        send("3")
        result["key_to_log_ms"] = (await until(lambda: _at_end(app)) - start) * 1000
        result["key_to_log_painted_ms"] = (await painted() - start) * 1000
        view = app.views["log"]
        result["lines"] = view.run_log.lines
        result["events"] = app.feed.tree.events
        start = time.perf_counter()
        send("slash", *text, "enter")

        def found() -> bool:
            search = view.search
            return (
                search is not None
                and search.done
                and not view._jump_to_match
                and (search.total == 0 or search.is_match(view.cursor))
            )

        result["search_ms"] = (await until(found) - start) * 1000
        result["search_painted_ms"] = (await painted() - start) * 1000
        result["search_total"] = view.search.total
        result["maxrss"] = _maxrss_bytes()
        app._bench_stop()

    on_first_full_frame(app, lambda: app.run_worker(measure()))
    app.run(headless=True, size=SIZE)
    _write(out, result)
    return 0 if "search_ms" in result else 1


def run_memory(path: Path, out: Path, text: str) -> int:
    from jobevents.core.folder import EventReader, open_run
    from jobevents.core.loading import bulk_load
    from jobevents.core.log_search import LogSearch
    from jobevents.core.nodes import Changes
    from jobevents.core.state import RunState
    from jobevents.core.tree import EventTree

    with bulk_load():
        events = EventReader(open_run(path)).read().events

    def build(kind: str) -> Any:
        changes = Changes()
        built: Any = EventTree() if kind == "tree" else RunState()
        with bulk_load():
            for index, event in enumerate(events):
                built.add(event, changes)
                if index % 2000 == 1999:
                    changes.clear()
        return built

    # CPU time, not wall: the machine is shared. Interleaved, the median of three each.
    times: dict[str, list[float]] = {"tree": [], "state": []}
    for _ in range(3):
        for kind in ("tree", "state"):
            gc.collect()
            start = time.process_time()
            build(kind)
            times[kind].append(time.process_time() - start)
    sizes: dict[str, int] = {}
    for kind in ("tree", "state"):
        gc.collect()
        tracemalloc.start()
        built = build(kind)
        gc.collect()
        sizes[kind] = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        if kind == "state":
            state = built
        del built
    log = state.log
    start = time.process_time()
    search = LogSearch(log, text)
    search.update()
    search_s = time.process_time() - start
    n = len(events)
    _write(
        out,
        {
            "events": n,
            "log_events": log.events,
            "lines": log.lines,
            "blocks": len(log.blocks),
            "text_bytes": sum(len(b.data) for b in log.blocks),
            "tree_bytes": sizes["tree"],
            "state_bytes": sizes["state"],
            "log_bytes_per_event": (sizes["state"] - sizes["tree"]) / n,
            "tree_add_cpu_s": statistics.median(times["tree"]),
            "state_add_cpu_s": statistics.median(times["state"]),
            "search_cpu_s": search_s,
            "search_total": search.total,
        },
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("mode", choices=("cold", "keys", "memory"))
    p.add_argument("path", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--t0", type=float, help="launcher's time.time() just before the start")
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--search", default="fatal")
    a = p.parse_args(argv)
    t0 = a.t0 if a.t0 is not None else time.time()
    if a.mode == "cold":
        return run_cold(a.path, t0, a.out, a.timeout)
    if a.mode == "keys":
        return run_keys(a.path, t0, a.out, a.timeout, a.search)
    return run_memory(a.path, a.out, a.search)


if __name__ == "__main__":
    raise SystemExit(main())
