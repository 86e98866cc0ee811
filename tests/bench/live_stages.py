"""Where a live event's time goes, stage by stage, from its file's rename to the screen.

Runs the app in-process (as the harness's `live` line does) while a feeder process
releases a generated run at a rate, and notes for every file: its rename (the feeder's
clock), the watcher's yield that named it, the read of its batch (start, end, and the
feed thread's CPU), the locked add (lock asked, taken, done), the frame that took it
and when that frame was painted. Garbage collections are noted with their thread.
Prints each stage's p50/p95, the mean stages of the slowest 5% of events, and CPU.

    python tests/bench/live_stages.py IDENT_DIR [--rate 2000] [--duration 15] [--out r.json]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from feed import release_order  # noqa: E402


def _proc_cpu(pid: int) -> float:
    """A process's CPU seconds so far (user + system), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


async def trace(
    src: Path, rate: float, duration: float, shuffle: int, profile: Path | None = None
) -> dict[str, Any]:
    import watchfiles

    from jobevents.tui.app import JobEventsApp

    mono, cpu = time.monotonic, time.thread_time
    yields: list[tuple[float, int]] = []  # (time, names in the yield)
    reads: list[dict[str, Any]] = []
    adds: list[dict[str, Any]] = []
    takes: list[tuple[float, int]] = []
    frames: list[dict[str, Any]] = []
    gcs: list[tuple[float, float, int, str]] = []
    gc_start: dict[int, float] = {}
    collected = [0]  # objects the collector freed (cyclic garbage)
    ui_ident = threading.get_ident()

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            gc_start[ident] = mono()
        elif ident in gc_start:
            who = "ui" if ident == ui_ident else "feed"
            gcs.append((gc_start.pop(ident), mono(), info["generation"], who))
            collected[0] += info["collected"]

    gc.callbacks.append(on_gc)
    original_watch = watchfiles.watch

    def watch(*args: Any, **kwargs: Any) -> Any:
        for changes in original_watch(*args, **kwargs):
            yields.append((mono(), len(changes)))
            yield changes

    watchfiles.watch = watch  # the feed looks it up when it starts following

    root = Path(tempfile.mkdtemp(prefix="jobevents-stages-", dir="/dev/shm"))
    ident = src.name
    dest = root / "artifacts" / ident
    (dest / "job_events").mkdir(parents=True)
    (dest / "status").write_text("running")
    app = JobEventsApp(root, ident=ident)
    paint = app.frames.paint

    def painted(record: dict[str, Any]) -> None:
        record["painted"] = mono()

    def traced_paint() -> None:
        record: dict[str, Any] = {"start": mono(), "cpu0": cpu()}
        paint()
        record["end"] = mono()
        record["cpu"] = cpu() - record.pop("cpu0")
        record["n"] = takes[-1][1] if takes else 0
        frames.append(record)
        app.call_after_refresh(painted, record)

    app.frames.paint = traced_paint  # type: ignore[method-assign]
    out = root / "feed.json"
    async with app.run_test(size=(120, 40)):
        while not (app.feed is not None and app.feed.mode in ("inotify", "polling")):
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        feed = app.feed
        reader: Any = feed.source
        read, take, add_all, apply = reader.read, feed.take, feed.state.add_all, feed._apply

        def traced_read(names: Any = None) -> Any:
            record = {"start": mono(), "cpu0": cpu()}
            result = read(names)
            record["end"] = mono()
            record["cpu"] = cpu() - record.pop("cpu0")
            record["names"] = [f"{e.counter}-{e.uuid}.json" for e in result.events]
            record["rescan"] = names is None
            reads.append(record)
            return result

        def traced_apply(result: Any) -> None:
            adds.append({"ask": mono()})
            apply(result)

        def traced_add_all(events: Any, changes: Any) -> None:
            record = adds[-1] if adds and "took" not in adds[-1] else {"ask": mono()}
            if record is not (adds[-1] if adds else None):
                adds.append(record)
            record["took"], record["cpu0"] = mono(), cpu()
            add_all(events, changes)
            record["done"] = mono()
            record["cpu"] = cpu() - record.pop("cpu0")
            record["n"] = feed.tree.events

        def traced_take() -> Any:
            takes.append((mono(), feed.tree.events))
            return take()

        take_files = reader.take

        def traced_take_files(files: Any) -> Any:
            # a child's frame (tui/live_reader.py): its arrival stands for the yield
            yields.append((mono(), len(files)))
            record = {"start": mono(), "cpu0": cpu()}
            result = take_files(files)
            record["end"] = mono()
            record["cpu"] = cpu() - record.pop("cpu0")
            record["names"] = [f"{e.counter}-{e.uuid}.json" for e in result.events]
            record["rescan"] = False
            reads.append(record)
            return result

        reader.read = traced_read
        reader.take = traced_take_files
        feed._apply = traced_apply  # type: ignore[method-assign]
        feed.state.add_all = traced_add_all  # type: ignore[method-assign]
        feed.take = traced_take  # type: ignore[method-assign]
        names = release_order(os.listdir(src / "job_events"), shuffle, 0)
        feeder = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "bench_driver.py"),
                "feed",
                str(src),
                str(dest),
                "--out",
                str(out),
                "--rate",
                str(rate),
                "--shuffle-window",
                str(shuffle),
                "--duration",
                str(duration),
            ]
        )
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = mono()
        profiler = None
        if profile is not None:  # the UI thread's (this one's) calls while the feed runs
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        while feeder.poll() is None:
            await asyncio.sleep(0.05)
        t1 = mono()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile))
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        child = getattr(feed, "_child", None)  # a live child reading the folder (its CPU)
        child_cpu = _proc_cpu(child.pid) if child is not None and child.pid else 0.0
        released = json.loads(out.read_text())["times"]
        deadline = mono() + 30
        while (not takes or takes[-1][1] < len(released)) and mono() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        for timer in list(app._timers):
            timer.stop()
        feed.stop()
    gc.callbacks.remove(on_gc)
    watchfiles.watch = original_watch
    shutil.rmtree(root, ignore_errors=True)
    app_cpu = (usage1.ru_utime + usage1.ru_stime - usage0.ru_utime - usage0.ru_stime) / (t1 - t0)
    return stages(names[: len(released)], released, yields, reads, adds, takes, frames, gcs) | {
        "app_cpu_share": app_cpu,
        "child_cpu_share": child_cpu / (t1 - t0),
        "gc_collected": collected[0],
        "load": os.getloadavg(),
        "events": len(released),
    }


def stages(
    names: list[str],
    released: list[float],
    yields: list[tuple[float, int]],
    reads: list[dict[str, Any]],
    adds: list[dict[str, Any]],
    takes: list[tuple[float, int]],
    frames: list[dict[str, Any]],
    gcs: list[tuple[float, float, int, str]],
) -> dict[str, Any]:
    """Per event: the time in each stage; per stage, p50/p95 and the slowest 5%'s means."""
    read_of: dict[str, int] = {}
    for i, record in enumerate(reads):
        for name in record["names"]:
            read_of.setdefault(name, i)
    # each read is applied by the next add asked after its end
    add_asks = [a["ask"] for a in adds]
    yield_times = [t for t, _n in yields]
    take_counts = [n for _t, n in takes]
    frame_starts = [f["start"] for f in frames]
    rows: list[dict[str, float]] = []
    for name, rel in zip(names, released, strict=True):
        i = read_of.get(name)
        if i is None:
            continue
        r = reads[i]
        a = adds[bisect.bisect_left(add_asks, r["end"])]
        j = bisect.bisect_right(yield_times, r["start"]) - 1
        yielded = yield_times[j] if j >= 0 and not r["rescan"] else r["start"]
        k = bisect.bisect_left(take_counts, a["n"])
        if k >= len(takes):
            continue
        taken = takes[k][0]
        f = frames[bisect.bisect_right(frame_starts, taken) - 1]
        row = {
            "rename->yield": yielded - rel,
            "yield->read": r["start"] - yielded,
            "read (batch)": r["end"] - r["start"],
            "read->lock": a["took"] - r["end"],
            "add": a["done"] - a["took"],
            "added->take": taken - a["done"],
            "take->frame end": f["end"] - taken,
            "frame end->painted": f.get("painted", f["end"]) - f["end"],
        }
        row["total (rename->painted)"] = sum(row.values())
        row["rename->take"] = taken - rel
        rows.append(row)
    keys = list(rows[0])
    worst = sorted(rows, key=lambda r: r["rename->take"])[int(len(rows) * 0.95) :]
    table = {
        key: {
            "p50": pct([r[key] * 1e3 for r in rows], 50),
            "p95": pct([r[key] * 1e3 for r in rows], 95),
            "worst5_mean": statistics.fmean(r[key] * 1e3 for r in worst),
        }
        for key in keys
    }
    read_n = [len(r["names"]) for r in reads if not r["rescan"]]
    read_wall = sum(r["end"] - r["start"] for r in reads)
    read_cpu = sum(r["cpu"] for r in reads)
    add_wall = sum(a["done"] - a["took"] for a in adds if "done" in a)
    add_cpu = sum(a["cpu"] for a in adds if "cpu" in a)
    n = max(1, sum(len(r["names"]) for r in reads))
    frame_gaps = [(b["start"] - a["start"]) * 1e3 for a, b in itertools.pairwise(frames)]
    return {
        "stages_ms": table,
        "batch_files": {
            "p50": pct(read_n, 50),
            "p95": pct(read_n, 95),
            "count": len(read_n),
            "by_rescans": sum(len(r["names"]) for r in reads if r["rescan"]),
        },
        "read_us_per_file": {"wall": read_wall / n * 1e6, "cpu": read_cpu / n * 1e6},
        "add_us_per_event": {"wall": add_wall / n * 1e6, "cpu": add_cpu / n * 1e6},
        "frames": {
            "count": len(frames),
            "gap_p50": pct(frame_gaps, 50),
            "gap_p95": pct(frame_gaps, 95),
            "apply_cpu_p50": pct([f["cpu"] * 1e3 for f in frames], 50),
            "apply_wall_p50": pct([(f["end"] - f["start"]) * 1e3 for f in frames], 50),
            "to_painted_p50": pct(
                [(f.get("painted", f["end"]) - f["end"]) * 1e3 for f in frames], 50
            ),
        },
        "gc": {
            who: {
                str(g): [len(d), round(sum(d), 1), round(max(d, default=0), 1)]
                for g in (0, 1, 2)
                if (d := [(e - s) * 1e3 for s, e, gen, w in gcs if w == who and gen == g])
            }
            for who in ("ui", "feed")
        },
    }


def report(res: dict[str, Any]) -> None:
    print(
        f"events {res['events']}, load {res['load']}, app CPU {res['app_cpu_share']:.0%}, "
        f"live child {res['child_cpu_share']:.0%}, cyclic garbage {res['gc_collected']} objects"
    )
    print(f"{'stage':28} {'p50':>8} {'p95':>8} {'worst5%':>8}")
    for key, v in res["stages_ms"].items():
        print(f"{key:28} {v['p50']:8.1f} {v['p95']:8.1f} {v['worst5_mean']:8.1f}")
    for key in ("batch_files", "read_us_per_file", "add_us_per_event", "frames", "gc"):
        print(key, json.dumps(res[key]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path)
    p.add_argument("--rate", type=float, default=2000.0)
    p.add_argument("--duration", type=float, default=15.0)
    p.add_argument("--shuffle-window", type=int, default=50)
    p.add_argument("--out", type=Path)
    p.add_argument("--profile", type=Path, help="cProfile stats of the UI thread to this file")
    p.add_argument("--switch", type=float, help="the feed's GIL switch interval (s)")
    p.add_argument("--gc", help="gc thresholds while live, as A,B,C")
    a = p.parse_args()
    if a.switch:
        from jobevents.tui import feed

        feed.SWITCH_INTERVAL = a.switch
    if a.gc:
        gc.set_threshold(*(int(x) for x in a.gc.split(",")))
    res = asyncio.run(trace(a.src, a.rate, a.duration, a.shuffle_window, a.profile))
    report(res)
    if a.out:
        a.out.write_text(json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
