"""Child processes of run_benchmarks.py: each measures one thing and writes JSON to --out.

Kept apart from run_benchmarks.py so a child imports only what it measures (the app
modes are timed from interpreter start). Not meant to be run by hand, but it can be::

    python tests/bench/bench_driver.py app   --t0 $(date +%s.%N) --out r.json IDENT_DIR
    python tests/bench/bench_driver.py app   --out r.json STREAM.jsonl --stream --expect N
    python tests/bench/bench_driver.py minimal --t0 $(date +%s.%N) --out r.json
    python tests/bench/bench_driver.py add   --out r.json IDENT_DIR [--limit N] [--state]
    python tests/bench/bench_driver.py feed  --out r.json SRC_IDENT_DIR DEST_IDENT_DIR --rate 2000
    python tests/bench/bench_driver.py picker --t0 $(date +%s.%N) --out r.json PDD [--cold]
    python tests/bench/bench_driver.py switch --out r.json PDD [--switches 50] [--cycle 7]
    python tests/bench/bench_driver.py views --out r.json IDENT_DIR
    python tests/bench/bench_driver.py frames --out r.json IDENT_DIR --view hosts

Times in the app modes are wall-clock seconds since ``--t0``, the launcher's ``time.time()``
taken just before it started this process: they include interpreter start and imports.
"""

from __future__ import annotations

import argparse
import inspect
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)


def _maxrss_bytes() -> int:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would start at the parent's)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu_self() -> float:
    """This process's CPU time, user+sys (not its children's: a child reader's is apart)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _write(out: Path, result: dict[str, Any]) -> None:
    out.write_text(json.dumps(result))


# ---------------------------------------------------------------- our app, cold


def timed_app_class(t0: float, result: dict[str, Any], timeout: float) -> Any:
    """The app that notes its first paint and gives up after `timeout` (the views' drivers)."""
    from jobevents.tui.app import JobEventsApp

    class TimedApp(JobEventsApp):
        # a relative CSS_PATH is resolved against the module of the class using it
        CSS_PATH = Path(inspect.getfile(JobEventsApp)).parent / str(JobEventsApp.CSS_PATH)

        def on_mount(self) -> None:
            self.call_after_refresh(self._bench_first_paint)
            self.set_timer(timeout, self._bench_give_up)

        def _bench_first_paint(self) -> None:
            result["first_paint"] = time.time() - t0

        def _bench_give_up(self) -> None:
            result["timeout"] = True
            self._bench_stop(1)

        def _bench_stop(self, rc: int = 0) -> None:
            for timer in list(self._timers):
                timer.stop()
            if self.feed is not None:
                self.feed.stop()
            self.exit(rc)

    return TimedApp


def on_first_full_frame(app: Any, on_ready: Any) -> None:
    """Call `on_ready()` after the end of the first frame that applied every event."""
    original = app.frames.paint
    done = [False]

    def paint_frame() -> None:
        taken = watch_takes(app.feed)
        original()
        if taken and taken[-1][1] and not done[0]:
            done[0] = True
            on_ready()

    app.frames.paint = paint_frame


def watch_takes(feed: Any) -> list[tuple[int, bool]]:
    """Record, at each `feed.take()`, the events applied so far and whether `loaded` was set.

    `take()` runs under the feed's lock, so that count is exactly what the changes it
    hands to the frame cover. Returns the (emptied) list the next takes append to.
    """
    if feed is None:
        return []
    taken: list[tuple[int, bool]] | None = getattr(feed, "_bench_taken", None)
    if taken is None:
        taken = []
        take = feed.take

        def counted_take() -> Any:
            taken.append((feed.tree.events, feed.loaded.is_set()))
            return take()

        feed.take = counted_take
        feed._bench_taken = taken
    taken.clear()
    return taken


def run_app(
    path: Path,
    t0: float,
    out: Path,
    timeout: float,
    stream: bool = False,
    expect: int | None = None,
    views: str = "all",
    child: bool = True,
) -> int:
    """Start JobEventsApp headless on a finished run; record first paint and full load.

    With `stream`, PATH is a worker stream file piped in through `cat` (as `watch -`
    reads stdin) and saved as it goes, as `watch -` does; a frame is ready once it has
    applied `expect` events, and `saved` is when the saved folder was complete.

    `first_paint`: the first refresh after mount (call_after_refresh from on_mount).
    After every `app.frames.paint` (wrapped) that took changes from the feed: the events
    applied when it took them (see `watch_takes`). `ready_frame`: the end of the first
    frame whose take came after the feed's `loaded` was set (so it applied every event);
    `ready_painted`: the refresh after that frame. Then the app stops its timers and feed
    and exits. The app builds a view when it is first shown: with `views="with-hosts"`
    the Hosts view is built at the first paint too (and kept in step, hidden).

    The run is opened as `watch` opens it (`early_feed.start_feed` before the app's
    modules are imported): a child forked then reads its files, unless `child` is off
    (the A/B of the load read all here).
    """
    from jobevents.tui.cold_start import pause_collector

    pause_collector()  # as `watch` does, until the first frame
    early = None
    if not stream:
        from jobevents.tui.early_feed import start_feed

        early = start_feed(path, None, child=child)
    from jobevents.tui.app import JobEventsApp

    t_import = time.time() - t0
    result: dict[str, Any] = {"import": t_import, "frames": []}
    frames: list[tuple[float, int]] = result["frames"]

    class TimedApp(JobEventsApp):
        # a relative CSS_PATH is resolved against the module of the class using it
        CSS_PATH = Path(inspect.getfile(JobEventsApp)).parent / str(JobEventsApp.CSS_PATH)

        def on_mount(self) -> None:  # Textual calls this and JobEventsApp.on_mount
            self.call_after_refresh(self._bench_first_paint)
            self.set_timer(timeout, self._bench_give_up)

        def _bench_first_paint(self) -> None:
            result["first_paint"] = time.time() - t0
            if views == "with-hosts" and self.feed is not None:
                self._add_view("hosts")

        def _bench_painted(self) -> None:
            result["ready_painted"] = time.time() - t0
            result["maxrss_ready"] = _maxrss_bytes()
            result["cpu_ready"] = _cpu_self()
            feed = self.feed
            for timer in list(self._timers):
                timer.stop()
            if feed is not None:
                feed.stop()
            self.exit(0)

        def _bench_give_up(self) -> None:
            result["timeout"] = True
            for timer in list(self._timers):
                timer.stop()
            if self.feed is not None:
                self.feed.stop()
            self.exit(1)

    source = None
    if stream:
        import subprocess
        import tempfile

        from jobevents.core.stream_source import StreamSource
        from jobevents.tui.feed import RunFeed

        cat = subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE)
        assert cat.stdout is not None
        save_to = Path(tempfile.mkdtemp(prefix="bench-saved-"))
        source = StreamSource(cat.stdout.fileno(), label="stdin", save_to=save_to)
        app = TimedApp(feed=RunFeed(source))
    else:
        app = TimedApp(
            path,
            early_feed=early.ready() if early is not None else None,
            runs=early.runs if early is not None else None,
        )
    original = app.frames.paint

    def paint_frame() -> None:
        taken = watch_takes(app.feed)
        original()
        if not taken:
            return  # the frame took nothing (no run yet, or a skipped loading frame)
        now = time.time() - t0
        events, loaded = taken[-1]
        frames.append((now, events))
        if loaded and (expect is None or events >= expect) and "ready_frame" not in result:
            result["ready_frame"] = now
            result["events"] = events
            result["feed_failure"] = app.feed.failure if app.feed is not None else None
            app.call_after_refresh(app._bench_painted)

    app.frames.paint = paint_frame  # type: ignore[method-assign]
    app.run(headless=True, size=SIZE)
    result["end"] = time.time() - t0
    if source is not None:  # what `watch -` does after the view: save the rest, then exit
        while not source.exhausted:
            source.next_batch(2000, wait=None)
        source.flush(None)
        result["saved"] = time.time() - t0
        import shutil

        shutil.rmtree(save_to, ignore_errors=True)
    result["maxrss"] = _maxrss_bytes()
    _write(out, result)
    return 0 if "ready_frame" in result else 1


# ---------------------------------------------------------------- the reference app


def run_minimal(t0: float, out: Path) -> int:
    """A minimal Textual app (Header, a Tree of a few nodes, Footer), timed the same way."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Tree

    t_import = time.time() - t0
    result: dict[str, Any] = {"import": t_import}

    class MinimalApp(App[int]):
        def compose(self) -> ComposeResult:
            yield Header()
            tree: Tree[None] = Tree("playbook")
            tree.root.expand()
            for p in range(2):
                play = tree.root.add(f"play {p}", expand=True)
                for t in range(4):
                    task = play.add(f"task {t}")
                    for h in range(3):
                        task.add_leaf(f"host-{h}")
            yield tree
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self._bench_first_paint)

        def _bench_first_paint(self) -> None:
            result["first_paint"] = time.time() - t0
            result["maxrss_ready"] = _maxrss_bytes()
            self.exit(0)

    MinimalApp().run(headless=True, size=SIZE)
    result["end"] = time.time() - t0
    result["maxrss"] = _maxrss_bytes()
    _write(out, result)
    return 0


# ---------------------------------------------------------------- the run picker


def run_picker(path: Path, t0: float, out: Path, timeout: float, warm: bool) -> int:
    """Start the app on an `artifacts/` of many runs; once loaded, press `r` and time the picker.

    `warm`: as a user would, `r` comes once the app has read the other runs' summaries in
    the background (after its first load); else that warm-up is turned off and the picker
    reads them itself. `listed`: from the key to the refresh after the list held every run
    with its summary; `checked`: until every summary was also checked against its files.
    The key goes through the driver, as a terminal's does.
    """
    from textual import events

    from jobevents.tui.app import JobEventsApp
    from jobevents.tui.widgets.run_picker import RunPicker

    result: dict[str, Any] = {"import": time.time() - t0, "warm": warm}

    class TimedApp(JobEventsApp):
        CSS_PATH = Path(inspect.getfile(JobEventsApp)).parent / str(JobEventsApp.CSS_PATH)

        def on_mount(self) -> None:
            self.call_after_refresh(lambda: result.setdefault("first_paint", time.time() - t0))
            self.set_timer(timeout, self._bench_give_up)
            self.set_interval(0.002, self._bench_poll)
            self._pressed = 0.0

        def _bench_poll(self) -> None:
            feed = self.feed
            if not self._pressed:
                warming = self.run_switching._summaries_warm
                if feed is None or not feed.loaded.is_set() or feed.has_changes():
                    return
                if warm and (warming is None or warming.is_alive()):
                    return
                result["runs"] = len(self.runs.runs())
                key = events.Key("r", "r")
                key.set_sender(self)
                self._pressed = time.perf_counter()
                self._driver.send_message(key)  # type: ignore[union-attr]
                return
            screen = self.screen
            if not isinstance(screen, RunPicker) or not screen.query("#runs"):
                return
            every = len(screen.runs)
            if "listed" not in result and len(screen.known) == screen.run_list.count == every:
                result["listed"] = -1.0
                self.call_after_refresh(self._bench_mark, "listed")
            if screen.complete and "checked" not in result:
                result["checked"] = -1.0
                self.call_after_refresh(self._bench_mark, "checked")

        def _bench_mark(self, what: str) -> None:
            result[what] = time.perf_counter() - self._pressed
            if result.get("listed", -1) >= 0 and result.get("checked", -1) >= 0:
                self._bench_stop(0)

        def _bench_give_up(self) -> None:
            result["timeout"] = True
            self._bench_stop(1)

        def _bench_stop(self, code: int) -> None:
            for timer in list(self._timers):
                timer.stop()
            if self.feed is not None:
                self.feed.stop()
            self.exit(code)

    app = TimedApp(path)
    if not warm:
        app.run_switching._warm_summaries = lambda: None  # type: ignore[method-assign]
    app.run(headless=True, size=SIZE)
    _write(out, result)
    return 0 if "listed" in result and "checked" in result else 1


# ---------------------------------------------------------------- switching runs


def run_switch(path: Path, out: Path, switches: int, cycle: int) -> int:
    """Switch runs `switches` times through the picker (type the ident, enter); RSS after each.

    The runs are the `cycle` newest ones but the first, in turn, so the first switch and
    every `cycle`-th after it show the same run: RSS is compared at equal runs.
    """
    import asyncio
    import gc

    from jobevents.tui.app import JobEventsApp
    from jobevents.tui.widgets.run_picker import RunPicker

    result: dict[str, Any] = {"rss": [], "idents": []}

    async def wait(condition: Any, pilot: Any, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("switch: timed out")
            await pilot.pause(0.01)

    async def main() -> None:
        app = JobEventsApp(path, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait(lambda: app.feed is not None and app.feed.loaded.is_set(), pilot)
            runs = app.runs.runs()
            targets = [run for run in runs[1:] if run.ident][:cycle]
            for i in range(switches):
                target = targets[i % len(targets)]
                await pilot.press("r")
                await wait(lambda: isinstance(app.screen, RunPicker) and app.screen.complete, pilot)
                await pilot.press(*str(target.ident)[:13], "enter")
                await wait(
                    lambda t=target: (
                        app.feed is not None
                        and app.feed.run == t  # type: ignore[misc]
                        and app.feed.loaded.is_set()
                        and not app.feed.has_changes()
                    ),
                    pilot,
                )
                await pilot.pause(0.2)
                result["rss"].append(_rss_bytes())
                result["idents"].append(target.ident)
            result["frozen"] = gc.get_freeze_count()
            for timer in list(app._timers):
                timer.stop()
            if app.feed is not None:
                app.feed.stop()

    asyncio.run(main())
    _write(out, result)
    return 0


def _rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# ---------------------------------------------------------------- EventTree.add


def run_add(
    path: Path, out: Path, limit: int | None, chunk: int, state: bool = False, batch: int = 1
) -> int:
    """Decode the run's events (untimed), then time only `EventTree.add`, inside bulk_load.

    As load_run does: one reused `Changes`, emptied every `chunk` events (not timed).
    With `state`, `RunState.add_all` on `batch` events at a time instead, as the feed
    gives it what each read brought: the tree and the indexes the views keep beside it.
    """
    from jobevents.core.folder import EventReader, open_run
    from jobevents.core.loading import bulk_load
    from jobevents.core.nodes import Changes
    from jobevents.core.state import RunState

    run = open_run(path)
    reader = EventReader(run)
    names = reader.list_names()
    if limit is not None:
        names = names[:limit]
    run_state = RunState()
    if state:  # the index is made when first asked: made now, it files every batch
        assert run_state.hosts is not None
    tree = run_state.tree
    changes = Changes()
    per_chunk: list[float] = []
    perf = time.perf_counter
    with bulk_load():
        t = perf()
        events = reader.read(names).events
        decode = perf() - t
        add = tree.add
        add_all = run_state.add_all
        for start in range(0, len(events), chunk):
            part = events[start : start + chunk]
            t = perf()
            if state:
                for at in range(0, len(part), batch):
                    add_all(part[at : at + batch], changes)
            else:
                for event in part:
                    add(event, changes)
            per_chunk.append(perf() - t)
            changes.clear()
    total = sum(per_chunk)
    n = len(events)
    tenth = max(1, len(per_chunk) // 10)
    first = per_chunk[:tenth]
    last = per_chunk[-tenth:]
    # events in the first / last tenth of chunks (the last chunk may be short)
    n_first = min(n, tenth * chunk)
    n_last = n - (len(per_chunk) - tenth) * chunk
    _write(
        out,
        {
            "events": n,
            "applied": tree.events,
            "nodes": len(tree.nodes()),
            "decode_s": decode,
            "add_s": total,
            "us_per_event": total / n * 1e6 if n else 0.0,
            "us_first_tenth": sum(first) / n_first * 1e6 if n_first else 0.0,
            "us_last_tenth": sum(last) / n_last * 1e6 if n_last else 0.0,
            "maxrss": _maxrss_bytes(),
        },
    )
    return 0


# ------------------------------------------------------------------ the views


def run_views(path: Path, out: Path, timeout: float) -> int:
    """The app on a loaded run: what each view costs to open and to answer its keys.

    Every figure is [wall, cpu] milliseconds: the wall time from the call of an action to
    the refresh after it (`call_after_refresh`), what a user waits for; the CPU time of
    that and of the idle time after it, what it costs when the machine is shared.
    """
    import asyncio

    from jobevents.tui.app import JobEventsApp

    result: dict[str, Any] = {}

    async def main() -> None:
        app = JobEventsApp(path, watch=False)
        async with app.run_test(size=SIZE) as pilot:
            deadline = time.monotonic() + timeout
            while not (app.feed and app.feed.loaded.is_set() and not app.feed.has_changes()):
                if time.monotonic() > deadline:
                    result["timeout"] = True
                    return
                await asyncio.sleep(0.05)
            await pilot.pause(1.0)
            for timer in list(app._timers):  # no frames or run checks while timing
                timer.stop()

            async def painted(action: Any, *args: Any) -> list[float]:
                done = asyncio.Event()
                t, cpu = time.perf_counter(), time.process_time()
                called = action(*args)
                if inspect.isawaitable(called):  # showing a view first builds it
                    await called
                app.call_after_refresh(done.set)
                await done.wait()
                wall = time.perf_counter() - t
                # What the action left for idle time (Textual builds a tree's lines then)
                # is its cost too: the CPU clock runs on through a pause, the wall one not.
                await pilot.pause(0.3)
                return [wall * 1000, (time.process_time() - cpu) * 1000]

            show = app.action_show_view
            result["open_hosts_first"] = await painted(show, "hosts")
            result["back_to_tasks_first"] = await painted(show, "tasks")
            result["open_hosts"] = []
            result["open_tasks"] = []
            for _ in range(5):
                result["open_hosts"].append(await painted(show, "hosts"))
                result["open_tasks"].append(await painted(show, "tasks"))
            for view_id in ("tasks", "hosts"):
                await painted(show, view_id)
                view = app.views[view_id]
                figures: dict[str, Any] = result.setdefault(view_id, {})
                figures["expand_all"] = await painted(view.action_expand_all)
                figures["scroll_end"] = await painted(view.action_scroll_end)
                figures["collapse_all"] = await painted(view.action_collapse_all)
                figures["next_failed"] = [await painted(view.action_next_problem) for _ in range(5)]
                app.search.value = "host-1"
                figures["search"] = await painted(app._apply_query)
                app.search.value = ""
                figures["search_clear"] = await painted(app._apply_query)
                if view_id == "hosts":
                    figures["order"] = [await painted(view.action_toggle_order) for _ in range(4)]
            result["lines"] = {k: v.last_line + 1 for k, v in app.views.items()}
            result["host_count"] = len(app.feed.state.hosts)
            app.feed.stop()

    asyncio.run(main())
    result["maxrss"] = _maxrss_bytes()
    _write(out, result)
    return 0 if "timeout" not in result else 1


def run_frames(path: Path, out: Path, view: str, frames: int, per_frame: int, skip: int) -> int:
    """frame_cost.py's live frames with `view` shown: UI CPU a frame and who spent it."""
    import asyncio

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import frame_cost

    frame_cost.instrument()
    result = asyncio.run(frame_cost.measure(path, frames, per_frame, skip, None, view=view))
    _write(out, result)
    return 0


# ---------------------------------------------------------------- the live feeder


def run_feed(
    src: Path,
    dest: Path,
    out: Path,
    rate: float,
    shuffle_window: int,
    duration: float | None,
) -> int:
    """feed.py's `feed()` in its own process (as runner is); release times to --out.

    Times are `time.monotonic()` (CLOCK_MONOTONIC: the same clock in every process).
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from feed import feed

    times: list[float] = []
    feed(
        src,
        dest,
        rate=rate,
        shuffle_window=shuffle_window,
        on_release=lambda _name, t: times.append(t),
        duration=duration,
        force=True,
    )
    _write(out, {"times": times, "end": time.monotonic()})
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "mode", choices=("app", "minimal", "add", "feed", "picker", "switch", "views", "frames")
    )
    p.add_argument("paths", nargs="*", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--t0", type=float, help="launcher's time.time() just before the start")
    p.add_argument("--timeout", type=float, default=600.0)
    p.add_argument("--limit", type=int)
    p.add_argument("--chunk", type=int, default=2000)
    p.add_argument("--rate", type=float, default=2000.0)
    p.add_argument("--shuffle-window", type=int, default=0)
    p.add_argument("--duration", type=float)
    p.add_argument("--stream", action="store_true", help="app: PATH is a worker stream file")
    p.add_argument("--expect", type=int, help="app: a frame is ready once this many events")
    p.add_argument(
        "--all-here", action="store_true", help="app: no child reads files (the A/B arm)"
    )
    p.add_argument("--cold", action="store_true", help="picker: no background warm-up")
    p.add_argument("--switches", type=int, default=50)
    p.add_argument("--cycle", type=int, default=7)
    p.add_argument("--views", default="all", choices=("all", "with-hosts"))
    p.add_argument("--state", action="store_true", help="add: RunState.add_all, not EventTree.add")
    p.add_argument("--batch", type=int, default=1, help="add --state: events a RunState.add_all")
    p.add_argument("--view", default="tasks", help="frames: the view shown")
    p.add_argument("--frames", type=int, default=150)
    p.add_argument("--per-frame", type=int, default=160)
    p.add_argument("--skip", type=int, default=20_000)
    a = p.parse_intermixed_args(argv)
    t0 = a.t0 if a.t0 is not None else time.time()
    if a.mode == "app":
        return run_app(
            a.paths[0], t0, a.out, a.timeout, a.stream, a.expect, a.views, not a.all_here
        )
    if a.mode == "minimal":
        return run_minimal(t0, a.out)
    if a.mode == "picker":
        return run_picker(a.paths[0], t0, a.out, a.timeout, warm=not a.cold)
    if a.mode == "switch":
        return run_switch(a.paths[0], a.out, a.switches, a.cycle)
    if a.mode == "add":
        return run_add(a.paths[0], a.out, a.limit, a.chunk, a.state, a.batch)
    if a.mode == "views":
        return run_views(a.paths[0], a.out, a.timeout)
    if a.mode == "frames":
        return run_frames(a.paths[0], a.out, a.view, a.frames, a.per_frame, a.skip)
    return run_feed(a.paths[0], a.paths[1], a.out, a.rate, a.shuffle_window, a.duration)


if __name__ == "__main__":
    raise SystemExit(main())
