"""Performance benchmarks of jobevents-tui, each beside its baseline measured in the same run.

    .venv/bin/python tests/bench/run_benchmarks.py [--events 100000] [--quick]
        [--only cold_load tui_cold live memory tree_add profile diff stream navigator runs
        log live_log hosts_view timeline] [--json OUT] [--data-dir /tmp/bench] [--log-search fatal]

Not part of the pytest run. Generated runs go to ``--data-dir`` (default ``/tmp/bench``)
and are reused when already there; the live feed writes to ``/dev/shm``. Benchmarks:

cold_load  `jobevents-tui dump RUN --format json > /dev/null` vs `baseline_load.py` (both
           subprocesses, page cache warmed, A B A B ... interleaved): median wall time.
tui_cold   headless app started as a subprocess (bench_driver.py): time to first paint vs a
           minimal Textual app; time until a frame applied every event vs baseline_load.py.
live       the app in-process (run_test) while a feeder process writes 2,000 events/s
           (`--rate`), then again at 5,000/s (`--fast-rate`, rows `live_5k`): event
           latency (release -> frame that applied it), backlog, key latency.
memory     peak RSS (wait4 of the child) of dump and of the app fully loaded, at a small,
           the main and the big run; bytes per event between them.
tree_add   µs per EventTree.add at 1k, 10k, main, big events (decoded first, adds timed).
profile    `jobevents-tui profile RUN` vs a cold `dump RUN --format json` (interleaved).
diff       `jobevents-tui diff RUN RUN-b` (the same playbook run again with other failures)
           vs a cold `dump RUN --format json` (interleaved).
stream     the main run as ansible-runner's worker stream (stream_of_run.py), piped in
           through `cat`: the app (saving it, as `watch -` does) until a frame applied every
           event vs the app on the run's folder; `cat STREAM | dump - --format json` vs
           `dump FOLDER --format json`.
navigator  `jobevents-tui watch` until the whole run is on screen vs `ansible-navigator replay`
           until its play list shows, both in tmux, alternating, on one real run of a few
           thousand events made through ansible-navigator (installed in its own venv).
runs       an artifacts/ of 1,000 runs: first paint vs the minimal app, the run picker's
           opening, RSS over 50 run switches.
log        the app opened on the Log view (log_driver.py): first paint vs the minimal app, the
           log at its last line once all is read vs baseline_load.py, each beside the app
           opened on the tree (tui_cold's figures, interleaved); on the loaded run, `3`
           until the last line is painted and a search until it is done; the core alone:
           a full search, the bytes per event and the add time the log costs.
live_log   `live` with the Log view shown (following, then keys moving its cursor).
hosts_view the Hosts view against the task tree on the main run: the app ready with both
           views vs without it; opening each view and its keys on the loaded run;
           UI CPU a live frame with each shown; RunState (tree and host index) vs
           EventTree.add.

cold_load and tui_cold run on every shape of run (`--shapes`): linear, free (per-host task
starts, 10 plays), serial batches, loops; live, memory and tree_add on the linear one.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import itertools
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parents[1]
sys.path.insert(0, str(BENCH_DIR))

from bench_driver import watch_takes  # noqa: E402  (sibling scripts, not a package)
from generate import size_for_events  # noqa: E402
from tmux_timing import TmuxServer  # noqa: E402

PY = sys.executable
DRIVER = BENCH_DIR / "bench_driver.py"
LOG_DRIVER = BENCH_DIR / "log_driver.py"
TIMELINE_DRIVER = BENCH_DIR / "timeline_driver.py"
BASELINE = BENCH_DIR / "baseline_load.py"
CLI = Path(sys.executable).with_name("jobevents-tui")
NAMES = (
    "cold_load",
    "tui_cold",
    "live",
    "memory",
    "tree_add",
    "profile",
    "diff",
    "stream",
    "navigator",
    "runs",
    "log",
    "live_log",
    "hosts_view",
    "timeline",
)
FINISHED = {"successful", "failed", "canceled", "timeout", "error"}
MB = 1024 * 1024


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the results table."""

    bench: str
    metric: str
    ours: float | None
    baseline: float | None = None
    unit: str = "s"
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    load: str = ""
    note: str = ""


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {format_row(row)}", flush=True)


def loadavg() -> float:
    return os.getloadavg()[0]


def load_span(before: float) -> str:
    return f"{before:.1f}->{loadavg():.1f}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def kilo(n: int) -> str:
    """10k, 96k, 1.3k: a run's size for labels."""
    return f"{n / 1000:.0f}k" if n >= 9500 else f"{n / 1000:.1f}k"


def fmt(value: float | None, unit: str) -> str:
    if value is None or value != value:
        return "-"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "us":
        return f"{value:.2f} µs"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "ev":
        return f"{value:,.0f}"
    if unit == "ev/s":
        return f"{value:,.1f}/s"
    return f"{value:g} {unit}"


def format_row(row: Row) -> str:
    ok = "-" if row.ok is None else ("ok" if row.ok else "MISS")
    ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
    return (
        f"{row.bench:<10} {row.metric:<44} {fmt(row.ours, row.unit):>11} "
        f"{fmt(row.baseline, row.unit):>11} {ratio:>6} {row.target:<12} {ok:<4} "
        f"{row.load:<9} {row.note}"
    )


def table(report: Report) -> str:
    head = (
        f"{'bench':<10} {'metric':<44} {'ours':>11} {'baseline':>11} {'ratio':>6} "
        f"{'target':<12} {'ok':<4} {'load1':<9} note"
    )
    lines = [head, "-" * len(head)]
    lines += [format_row(row) for row in report.rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine


def compile_package() -> list[str]:
    """Byte-compile jobevents' modules, as `pip install` does for an installed package.

    An editable install under PYTHONDONTWRITEBYTECODE (set on this machine) would compile
    every module from source at each start, while Textual's come compiled: a first paint
    would then time the compiler (~0.3 s), not the app. Returns the folders compiled.
    """
    import compileall
    import importlib.util

    done = []
    for name in ("jobevents.core", "jobevents.tui"):
        spec = importlib.util.find_spec(name)
        folders = spec.submodule_search_locations if spec is not None else None
        for folder in folders or ():
            compileall.compile_dir(folder, quiet=1)
            done.append(folder)
    return done


def machine_info() -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    dirty = git("status", "--porcelain", "--", "core", "tui")
    return {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": model,
        "python": platform.python_version(),
        "textual": ver("textual"),
        "msgspec": ver("msgspec"),
        "jobevents_tui": ver("jobevents-tui"),
        "git_head": git("rev-parse", "--short", "HEAD"),
        "core_tui_modified_files": len(dirty.splitlines()) if dirty else 0,
        "mem_total_mb": _meminfo_mb(),
        "code_state_start": code_state(),
        "loadavg_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def code_state() -> str:
    """core/ and tui/ as committed (tree ids) and as edited: did the measured code move?"""
    trees = ",".join(t[:10] for t in git("rev-parse", "HEAD:core", "HEAD:tui").split())
    edits = hashlib.sha1(git("diff", "HEAD", "--", "core", "tui").encode()).hexdigest()
    return f"{trees}+{edits[:12]}"


def _meminfo_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def machine_text(m: dict[str, Any]) -> str:
    end = m.get("loadavg_end", ())
    moved = ""
    if m.get("code_state_end") and m["code_state_end"] != m["code_state_start"]:
        moved = "\nWARNING: core/ or tui/ changed during the run (commits or edits): rerun"
    return (
        f"machine: {m['nproc']} cpus ({m['cpu']}), {m['mem_total_mb']} MB RAM; "
        f"Python {m['python']}, textual {m['textual']}, msgspec {m['msgspec']}; "
        f"git {m['git_head']} (+{m['core_tui_modified_files']} modified in core/ tui/)\n"
        f"load average at start {' '.join(f'{x:.2f}' for x in m['loadavg_start'])}, "
        f"at end {' '.join(f'{x:.2f}' for x in end)}{moved}"
    )


# --------------------------------------------------------------------------- runs


@dataclass
class RunData:
    ident_dir: Path
    events: int
    #: the shape of run it is (SHAPES), for labels
    shape: str = "linear"


@dataclass(frozen=True)
class Shape:
    """A kind of run real ansible makes, as the generator's arguments."""

    strategy: str = "linear"
    #: split the hosts into this many serial batches (0: no serial)
    batches: int = 0
    loop_every: int = 10
    plays: int = 0
    #: fixed number of hosts (the tasks then follow the events asked for)
    hosts: int | None = None
    #: tasks per 1,000 events asked for, when the hosts are fixed
    tasks_per_k: float = 0.0
    failure_rate: float = 0.002
    about: str = ""


SHAPES: dict[str, Shape] = {
    "linear": Shape(about="433 hosts x 100 tasks at 100k"),
    "free": Shape(
        strategy="free",
        plays=10,
        hosts=80,
        tasks_per_k=5.0,
        # hosts that fail drop out of the run: fewer, so 80 hosts x 500 tasks make ~130k
        failure_rate=0.0004,
        about="every host sends its own task start; 10 plays x 50 tasks x 80 hosts at 100k",
    ),
    "serial": Shape(batches=8, about="8 serial batches: play and task starts repeat"),
    "loops": Shape(loop_every=1, about="every task loops over 2-6 items"),
}
#: what made a generated run: it is generated again when these scripts change
GENERATORS = ("generate.py", "generate_many.py")


def generator_stamp() -> str:
    digest = hashlib.sha1()
    for name in GENERATORS:
        digest.update((BENCH_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def _generated(data_dir: Path, name: str) -> bool:
    marker = data_dir / ".generated" / name
    return marker.is_file() and marker.read_text() == generator_stamp()


def _mark_generated(data_dir: Path, name: str) -> None:
    (data_dir / ".generated").mkdir(parents=True, exist_ok=True)
    (data_dir / ".generated" / name).write_text(generator_stamp())


def ensure_run(
    data_dir: Path, events: int, strategy: str = "linear", seed: int = 1, shape: str = "linear"
) -> RunData:
    """A generated run of about `events` events of `shape`: reused if complete, else made."""
    form = SHAPES[shape] if shape != "linear" or strategy == "linear" else Shape(strategy)
    if form.hosts is not None:
        hosts, tasks = form.hosts, max(form.plays or 1, round(form.tasks_per_k * events / 1000))
    else:
        hosts, tasks = size_for_events(events, strategy=form.strategy, loop_every=form.loop_every)
    if hosts < 20:
        hosts += 2  # the estimate ignores the 2 hosts that go unreachable early
    serial = -(-hosts // form.batches) if form.batches else 0
    ident = f"{shape if shape != 'linear' else form.strategy}-{hosts}h{tasks}t-s{seed}"
    ident_dir = data_dir / "artifacts" / ident
    status = ident_dir / "status"
    complete = (
        (ident_dir / "job_events").is_dir()
        and status.is_file()
        and status.read_text().strip() in FINISHED
        and _generated(data_dir, ident)
    )
    if not complete:
        print(f"generating {ident} (~{events:,} events, {shape}) in {data_dir} ...", flush=True)
        t = time.perf_counter()
        cmd = [PY, str(BENCH_DIR / "generate.py"), str(data_dir), "--hosts", str(hosts)]
        cmd += ["--tasks", str(tasks), "--strategy", form.strategy, "--seed", str(seed)]
        cmd += ["--loop-every", str(form.loop_every), "--serial", str(serial)]
        cmd += ["--plays", str(form.plays), "--failure-rate", str(form.failure_rate)]
        cmd += ["--ident", ident, "--force"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        _mark_generated(data_dir, ident)
        print(f"  generated in {time.perf_counter() - t:.0f} s", flush=True)
    n = sum(1 for name in os.listdir(ident_dir / "job_events") if name.endswith(".json"))
    return RunData(ident_dir, n, shape)


def ensure_rerun(data_dir: Path, main: RunData, seed: int = 1) -> RunData:
    """The main run's playbook run again: the same size and seed, twice the failure rate,
    so the same tasks and hosts with other outcomes and timings (the `diff` benchmark)."""
    ident = f"{main.ident_dir.name}-b"
    ident_dir = data_dir / "artifacts" / ident
    status = ident_dir / "status"
    if not (status.is_file() and status.read_text().strip() in FINISHED):
        hosts, tasks = main.ident_dir.name.split("-")[1].rstrip("t").split("h")
        print(f"generating {ident} in {data_dir} ...", flush=True)
        cmd = [PY, str(BENCH_DIR / "generate.py"), str(data_dir), "--hosts", hosts]
        cmd += ["--tasks", tasks, "--strategy", main.ident_dir.name.split("-")[0]]
        cmd += ["--seed", str(seed), "--failure-rate", "0.004", "--ident", ident, "--force"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    n = sum(1 for name in os.listdir(ident_dir / "job_events") if name.endswith(".json"))
    return RunData(ident_dir, n)


def warm(run: RunData) -> float:
    """Read every event file once so every contender finds them in the page cache."""
    t = time.perf_counter()
    folder = run.ident_dir / "job_events"
    for name in os.listdir(folder):
        with open(folder / name, "rb") as f:
            while f.read(1 << 20):
                pass
    return time.perf_counter() - t


# --------------------------------------------------------------------------- processes


@dataclass
class Proc:
    wall: float
    cpu: float
    maxrss: int
    rc: int
    load: float
    err: str = ""


def _gnu_time() -> str | None:
    """GNU time, if here: it reports a child's own peak RSS (see run_proc)."""
    path = "/usr/bin/time"
    try:
        ok = subprocess.run([path, "-f", "%M", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if ok.returncode == 0 and ok.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()


def run_proc(cmd: Sequence[str], timeout: float = 1800.0) -> Proc:
    """Run `cmd` (stdout to /dev/null): wall time, CPU time (wait4) and peak RSS.

    A child's ru_maxrss starts at its parent's RSS at fork (Linux keeps the pre-exec
    high-water mark), so this process, which runs the app in-process for `live`, would
    inflate it: the peak RSS comes from GNU time's %M instead (its own RSS is ~2 MB).
    """
    load = loadavg()
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        full = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else list(cmd)
        t = time.perf_counter()
        p = subprocess.Popen(
            full, stdout=subprocess.DEVNULL, stderr=err, cwd=REPO, start_new_session=True
        )
        killer = threading.Timer(timeout, os.killpg, (p.pid, 9))
        killer.start()
        try:
            _pid, status, usage = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")[-2000:]
        lines = rss.read().split()
    maxrss = usage.ru_maxrss * 1024
    if GNU_TIME and lines and lines[-1].isdigit():
        maxrss = int(lines[-1]) * 1024
    return Proc(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss=maxrss,
        rc=p.returncode,
        load=load,
        err=text,
    )


def dump_cmd(run: RunData) -> list[str]:
    return [str(CLI), "dump", str(run.ident_dir), "--format", "json"]


#: `dump` with the cold load's child reader switched off: the same command, read in-process
_DUMP_HERE = (
    "import sys; import jobevents.core.child_reader as c; c.CHILD_FROM = 1 << 62; "
    "from jobevents.tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def dump_here_cmd(run: RunData) -> list[str]:
    return [PY, "-c", _DUMP_HERE, "dump", str(run.ident_dir), "--format", "json"]


def baseline_cmd(run: RunData) -> list[str]:
    return [PY, str(BASELINE), str(run.ident_dir / "job_events")]


def run_driver(
    mode: str, *args: str, timeout: float = 1800.0, driver: Path = DRIVER
) -> tuple[Proc, dict[str, Any]]:
    """bench_driver.py MODE ARGS; its JSON result (times since our time.time() at start)."""
    fd, out = tempfile.mkstemp(prefix=f"bench-{mode}-", suffix=".json")
    os.close(fd)
    try:
        cmd = [PY, str(driver), mode, *args, "--out", out]
        cmd += ["--t0", repr(time.time())]
        proc = run_proc(cmd, timeout=timeout)
        text = Path(out).read_text()
        result = json.loads(text) if text else {}
    finally:
        os.unlink(out)
    if proc.rc not in (0, 1) or not result:
        raise RuntimeError(f"driver {mode} failed (rc {proc.rc}):\n{proc.err}")
    return proc, result


def check(proc: Proc, what: str) -> None:
    if proc.rc != 0:
        raise RuntimeError(f"{what} failed (rc {proc.rc}):\n{proc.err}")


# --------------------------------------------------------------------------- 1. cold load


def bench_cold_load(report: Report, run: RunData, repeats: int) -> None:
    print(f"[cold_load] {run.ident_dir.name}: {run.events:,} events, {repeats} x (dump, baseline)")
    warm(run)
    ours: list[Proc] = []
    base: list[Proc] = []
    here: list[Proc] = []
    load0 = loadavg()
    for _ in range(repeats):
        p = run_proc(dump_cmd(run))
        check(p, "dump")
        ours.append(p)
        b = run_proc(baseline_cmd(run))
        check(b, "baseline_load")
        base.append(b)
        h = run_proc(dump_here_cmd(run))
        check(h, "dump (in-process)")
        here.append(h)
    span = load_span(load0)
    wall_o, wall_b = median([p.wall for p in ours]), median([p.wall for p in base])
    cpu_o, cpu_b = median([p.cpu for p in ours]), median([p.cpu for p in base])
    pairwise = median([o.wall / b.wall for o, b in zip(ours, base, strict=True)])
    report.raw.setdefault("cold_load", {})[run.shape] = {
        "run": str(run.ident_dir),
        "events": run.events,
        "dump": [asdict(p) | {"err": ""} for p in ours],
        "baseline": [asdict(p) | {"err": ""} for p in base],
    }
    n = f"{run.shape} {kilo(run.events)}"
    report.add(
        Row(
            "cold_load",
            f"dump --format json, wall ({n})",
            wall_o,
            wall_b,
            ratio=wall_o / wall_b,
            target="ratio <= 0.6",
            ok=wall_o / wall_b <= 0.6,
            load=span,
            note=f"median of {repeats}; median pairwise ratio {pairwise:.2f}",
        )
    )
    report.add(
        Row(
            "cold_load",
            f"dump --format json, CPU user+sys ({n})",
            cpu_o,
            cpu_b,
            ratio=cpu_o / cpu_b,
            target="(info)",
            load=span,
            note="less sensitive to other load",
        )
    )
    wall_h = median([p.wall for p in here])
    report.add(
        Row(
            "cold_load",
            f"dump: files read by a child and here vs all here, wall ({n})",
            wall_o,
            wall_h,
            ratio=wall_o / wall_h,
            target="(info)",
            load=span,
            note=(
                f"median of {repeats}; CPU {cpu_o:.2f} vs {median([p.cpu for p in here]):.2f} s; "
                f"peak RSS {median([p.maxrss for p in ours]) / 1e6:.0f} vs "
                f"{median([p.maxrss for p in here]) / 1e6:.0f} MB"
            ),
        )
    )
    if run.shape == "linear":
        report.raw.setdefault("rss", {})[f"dump@{run.events}"] = median([p.maxrss for p in ours])
    report.raw.setdefault("baseline_wall", []).extend(b.wall for b in base)


# --------------------------------------------------------------------------- 2. TUI cold


def bench_tui_cold(report: Report, run: RunData, repeats: int, timeout: float) -> None:
    print(
        f"[tui_cold] {run.ident_dir.name}: {repeats} x (our app, minimal app, baseline_load)",
        flush=True,
    )
    warm(run)
    ours: list[dict[str, Any]] = []
    ours_proc: list[Proc] = []
    minimal: list[dict[str, Any]] = []
    base: list[Proc] = []
    load0 = loadavg()
    for i in range(repeats):
        proc, res = run_driver("app", str(run.ident_dir), "--timeout", str(timeout))
        res["maxrss_child"] = proc.maxrss
        res["cpu"] = proc.cpu
        res["load"] = proc.load
        frames = res.pop("frames", [])
        res["frames_n"] = len(frames)
        res["frame_gaps"] = _frame_gaps(frames)
        ours.append(res)
        ours_proc.append(proc)
        print(
            f"  app #{i + 1}: first paint {res.get('first_paint', float('nan')):.2f} s, "
            f"ready {res.get('ready_frame', float('nan')):.1f} s, {len(frames)} frames, "
            f"cpu {proc.cpu:.1f} s, load {proc.load:.1f}",
            flush=True,
        )
        _, mres = run_driver("minimal")
        minimal.append(mres)
        b = run_proc(baseline_cmd(run))
        check(b, "baseline_load")
        base.append(b)
    span = load_span(load0)
    fp_o = median([r["first_paint"] for r in ours if "first_paint" in r])
    fp_m = median([r["first_paint"] for r in minimal])
    ready = [r["ready_frame"] for r in ours if "ready_frame" in r]
    painted = [r["ready_painted"] for r in ours if "ready_painted" in r]
    timeouts = sum(1 for r in ours if r.get("timeout"))
    base_wall = median([b.wall for b in base])
    n = f"{run.shape} {kilo(run.events)}"
    report.raw.setdefault("tui_cold", {})[run.shape] = {
        "run": str(run.ident_dir),
        "events": run.events,
        "app": ours,
        "minimal": minimal,
        "baseline": [asdict(p) | {"err": ""} for p in base],
    }
    report.add(
        Row(
            "tui_cold",
            f"first paint, from exec ({n})",
            fp_o,
            fp_m,
            ratio=fp_o / fp_m,
            target="ratio <= 1.5",
            ok=fp_o / fp_m <= 1.5,
            load=span,
            note=f"vs minimal Textual app; median of {repeats}; "
            f"imports {median([r['import'] for r in ours]):.2f} vs "
            f"{median([r['import'] for r in minimal]):.2f} s",
        )
    )
    if painted:
        p = median(painted)
        report.add(
            Row(
                "tui_cold",
                f"whole run on screen ({n})",
                p,
                base_wall,
                ratio=p / base_wall,
                target="ratio <= 1.0",
                ok=p / base_wall <= 1.0 and not timeouts,
                load=span,
                note=f"the refresh after the frame that applied every event; vs baseline_load "
                f"wall; median of {len(painted)}" + (f"; {timeouts} timed out" if timeouts else ""),
            )
        )
    else:
        report.add(
            Row(
                "tui_cold",
                f"whole run on screen ({n})",
                None,
                base_wall,
                target="ratio <= 1.0",
                ok=False,
                load=span,
                note=f"all {timeouts} runs timed out after {timeout:.0f} s",
            )
        )
    if ready:
        r = median(ready)
        report.add(
            Row(
                "tui_cold",
                f"frame applied every event ({n})",
                r,
                base_wall,
                ratio=r / base_wall,
                target="(info)",
                load=span,
                note="end of that frame, before its refresh",
            )
        )
    cpu = median([p.cpu for p in ours_proc])
    report.add(
        Row(
            "tui_cold",
            f"app CPU user+sys until ready ({n})",
            cpu,
            median([b.cpu for b in base]),
            ratio=cpu / median([b.cpu for b in base]),
            target="(info)",
            load=span,
            note="baseline: baseline_load CPU",
        )
    )
    if run.shape == "linear":
        report.raw.setdefault("rss", {})[f"tui@{run.events}"] = median(
            [p.maxrss for p in ours_proc]
        )
    report.raw.setdefault("baseline_wall", []).extend(b.wall for b in base)


def _frame_gaps(frames: list[list[float]]) -> dict[str, float]:
    """How long frames took to come around while loading (80 ms when nothing blocks)."""
    times = [t for t, _n in frames]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    if not gaps:
        return {}
    return {
        "p50": percentile(gaps, 50),
        "max": max(gaps),
        "events_per_frame_p50": percentile(
            [b[1] - a[1] for a, b in itertools.pairwise(frames)], 50
        ),
    }


# --------------------------------------------------------------------------- 3. live


@dataclass
class LiveConfig:
    rate: float = 2000.0
    duration: float = 30.0
    shuffle_window: int = 50
    key_every: float = 0.5
    #: the share of the feed in follow mode, before the key presses start
    follow_fraction: float = 0.5
    drain_timeout: float = 60.0


def bench_live(
    report: Report, run: RunData, cfg: LiveConfig, view: str = "tasks", label: str = ""
) -> None:
    # issue 14: p95 file-to-screen <= 100 ms at 2,000 events/s, <= 250 ms at 5,000/s
    event_limit = 100 if cfg.rate <= 2000 else 250
    name = ("live" if view == "tasks" else f"live_{view}") + label
    print(
        f"[{name}] {run.ident_dir.name} fed at {cfg.rate:,.0f}/s for {cfg.duration:.0f} s "
        f"(shuffle window {cfg.shuffle_window}), keys every {cfg.key_every} s",
        flush=True,
    )
    warm(run)
    shm = Path("/dev/shm")
    root = Path(tempfile.mkdtemp(prefix="jobevents-live-", dir=shm if shm.is_dir() else None))
    load0 = loadavg()
    try:
        res = asyncio.run(_live(run, root, cfg, view))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    span = load_span(load0)
    report.raw[name] = res
    lat = res["latency_ms"]
    painted = res["painted_latency_ms"]
    n = res["released"]
    report.add(
        Row(
            name,
            "events released / applied",
            n,
            res["applied_final"],
            unit="ev",
            load=span,
            note=f"{res['achieved_rate']:,.0f}/s achieved; {res['missing']} never applied; "
            f"CPU while feeding: app {res['app_cpu_share']:.0%} of a core, feeder "
            f"{res['feeder_cpu_share']:.0%}",
        )
    )
    report.add(
        Row(name, "event latency p50 (release->frame)", percentile(lat, 50), unit="ms", load=span)
    )
    p95 = percentile(lat, 95)
    phases = (
        f"follow-mode half p95 {percentile(res['latency_follow_ms'], 95):.0f} ms, "
        f"keys half p95 {percentile(res['latency_keys_ms'], 95):.0f} ms; frames every "
        f"{res['frame_gap_p50_ms']:.0f} ms (p50), max gap {res['frame_gap_max_ms']:.0f} ms "
        "while events flow"
    )
    report.add(
        Row(
            name,
            "event latency p95 (release->frame)",
            p95,
            unit="ms",
            target=f"<= {event_limit} ms",
            ok=p95 <= event_limit and not res["missing"],
            load=span,
            note=phases,
        )
    )
    report.add(
        Row(
            name,
            "event latency max (release->frame)",
            max(lat) if lat else None,
            unit="ms",
            load=span,
        )
    )
    report.add(
        Row(
            name,
            "event latency p95 (release->painted)",
            percentile(painted, 95),
            unit="ms",
            target="(info)",
            load=span,
            note=f"p50 {percentile(painted, 50):.0f} ms, max "
            f"{max(painted) if painted else float('nan'):.0f} ms",
        )
    )
    core = res["core_latency_ms"]
    report.add(
        Row(
            name,
            "  of which release->core tree p95",
            percentile(core, 95),
            unit="ms",
            target="(info)",
            load=span,
            note=f"p50 {percentile(core, 50):.0f} ms: the feed thread (watchfiles, read, "
            "add); the rest is the wait for a frame",
        )
    )
    backlog = res["backlog"]
    slope = res["backlog_slope"]
    grows = slope > 0.05 * cfg.rate
    report.add(
        Row(
            name,
            "backlog max (released-applied)",
            max(b for _t, b in backlog) if backlog else None,
            unit="ev",
            target="no growth",
            ok=not grows,
            load=span,
            note=f"slope {slope:+,.1f} ev/s; by second: "
            + " ".join(str(b) for _t, b in backlog[:: max(1, len(backlog) // 15)]),
        )
    )
    keys = res["key_ms"]
    k95 = percentile(keys, 95)
    report.add(
        Row(
            name,
            "key latency p50 (down->cursor_line)",
            percentile(keys, 50),
            unit="ms",
            load=span,
            note=f"{len(keys)} presses, {res['key_timeouts']} unanswered in 2 s",
        )
    )
    report.add(
        Row(
            name,
            "key latency p95 (down->cursor_line)",
            k95,
            unit="ms",
            target="<= 50 ms",
            ok=k95 <= 50 and not res["key_timeouts"],
            load=span,
            note=f"max {max(keys) if keys else float('nan'):.0f} ms",
        )
    )
    before = res["key_ms_before"]
    if len(before) != len(keys):  # the keys half began earlier than half of the 30 s
        report.add(
            Row(
                name,
                "  key p95 of presses after half the feed time",
                percentile(before, 95),
                unit="ms",
                target="(info)",
                load=span,
                note=f"{len(before)} presses (the window of earlier harness runs), p50 "
                f"{percentile(before, 50):.1f} ms",
            )
        )
    kp = res["key_painted_ms"]
    report.add(
        Row(
            name,
            "key latency p95 (down->painted)",
            percentile(kp, 95),
            unit="ms",
            target="(info)",
            load=span,
            note=f"p50 {percentile(kp, 50):.0f} ms, max {max(kp) if kp else float('nan'):.0f} "
            f"ms; {res['key_expected']}/{len(keys)} landed on the expected line",
        )
    )


async def _live(run: RunData, root: Path, cfg: LiveConfig, view: str = "tasks") -> dict[str, Any]:
    """The live feed into the app showing `view` ("tasks" or "log"), keys on that view."""
    from textual import events as tevents

    from jobevents.tui.app import JobEventsApp

    ident = run.ident_dir.name
    dest = root / "artifacts" / ident
    (dest / "job_events").mkdir(parents=True)
    (dest / "status").write_text("running")

    app = JobEventsApp(root, ident=ident)
    frames: list[tuple[float, int]] = []
    painted: list[tuple[float, int]] = []
    core: list[tuple[float, int]] = []
    original = app.frames.paint
    monotonic = time.monotonic

    def mark_painted(n: int) -> None:
        painted.append((monotonic(), n))

    def paint_frame() -> None:
        taken = watch_takes(app.feed)
        original()
        if taken:  # the events applied when the frame took its changes from the feed
            n = taken[-1][0]
            frames.append((monotonic(), n))
            app.call_after_refresh(mark_painted, n)

    app.frames.paint = paint_frame  # type: ignore[method-assign]
    out = root / "feed.json"
    keys: list[dict[str, Any]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = monotonic() + 30
        while not (
            app.feed is not None
            and app.feed.loaded.is_set()
            and app.feed.mode in ("inotify", "polling")
            and app.run_tree is not None
        ):
            if monotonic() > deadline:
                raise RuntimeError("the app did not open the live folder")
            await asyncio.sleep(0.02)
        await pilot.pause(0.3)
        tree = app.run_tree
        log_view: Any = None
        if view == "log":
            await pilot.press("3")
            log_view = app.views["log"]
            await pilot.pause(0.3)
        feed = app.feed
        feed_apply = feed._apply

        def timed_apply(result: Any) -> None:
            # when events reach the core tree on the feed thread (before any frame): every
            # batch, read here or by the child reading a busy folder, is applied here
            feed_apply(result)
            core.append((monotonic(), feed.tree.events))

        feed._apply = timed_apply  # type: ignore[method-assign]
        current: list[dict[str, Any]] = [{}]

        def stamp_painted(record: dict[str, Any]) -> None:
            record["painted"] = monotonic()

        def on_cursor(old: int, new: int) -> None:
            # cursor_line is always_update: it is set again on every rebuild
            press = current[0]
            if "t" in press and "changed" not in press and new != press["line"]:
                press["changed"] = monotonic()
                press["expected"] = tree.cursor_node is press.pop("expect", None)
                app.call_after_refresh(stamp_painted, press)

        def log_cursor_moved() -> None:
            # the log's cursor is a plain attribute: watched by the key loop instead
            press = current[0]
            if "changed" not in press and log_view.cursor != press["line"]:
                press["changed"] = monotonic()
                press["expected"] = log_view.cursor == press.pop("expect", None)
                app.call_after_refresh(stamp_painted, press)

        if log_view is None:
            tree.watch(tree, "cursor_line", on_cursor, init=False)
        feeder = subprocess.Popen(
            [
                PY,
                str(DRIVER),
                "feed",
                str(run.ident_dir),
                str(dest),
                "--out",
                str(out),
                "--rate",
                str(cfg.rate),
                "--shuffle-window",
                str(cfg.shuffle_window),
                "--duration",
                str(cfg.duration),
            ],
            cwd=REPO,
        )
        feed_start = monotonic()
        cpu_start = resource.getrusage(resource.RUSAGE_SELF)
        children_start = resource.getrusage(resource.RUSAGE_CHILDREN)
        # First half: follow mode, as the app starts. Second half: keys (the first press
        # turns follow off and is not counted: the cursor also moves by follow then). The
        # halves are of the feed's real span: at 5,000/s the run's 96k events end after
        # 19 s of a 30 s feed, and halves of 30 s left the keys 4 s (8-9 presses, the "p95"
        # their maximum). `keys_start_before` is where they began before (a figure too).
        feed_span = min(cfg.duration, run.events / cfg.rate) if cfg.rate > 0 else cfg.duration
        keys_start = feed_start + feed_span * cfg.follow_fraction
        keys_start_before = feed_start + cfg.duration * cfg.follow_fraction
        first = True
        while feeder.poll() is None:
            if monotonic() < keys_start:
                await asyncio.sleep(0.02)
                continue
            t_next = monotonic() + cfg.key_every
            if log_view is None:
                key = "up" if tree.cursor_line >= tree.last_line else "down"
                line = tree.cursor_line
            else:
                key = "up" if log_view.cursor >= log_view.run_log.lines - 1 else "down"
                line = log_view.cursor
            target = line + (1 if key == "down" else -1)
            press: dict[str, Any] = {"key": key, "line": line}
            press["expect"] = tree.get_node_at_line(target) if log_view is None else target
            current[0] = press
            press["t"] = monotonic()
            event = tevents.Key(key, None)
            event.set_sender(app)
            app._driver.send_message(event)  # the way a terminal's key reaches the app
            while "changed" not in press and monotonic() < press["t"] + 2.0:
                await asyncio.sleep(0.002)
                if log_view is not None:
                    log_cursor_moved()
            if not first:
                keys.append(press)
            first = False
            await asyncio.sleep(max(0.0, t_next - monotonic()))
        feed_end = monotonic()
        cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(cpu_start)
        feeder_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children_start)
        released = json.loads(out.read_text())["times"]
        deadline = monotonic() + cfg.drain_timeout
        while (not frames or frames[-1][1] < len(released)) and monotonic() < deadline:
            await asyncio.sleep(0.05)
        await pilot.pause(0.2)
        for timer in list(app._timers):
            timer.stop()
        if app.feed is not None:
            app.feed.stop()

    res = _live_figures(cfg, released, frames, painted, core, keys, keys_start, feed_end)
    res["key_ms_before"] = [
        (p["changed"] - p["t"]) * 1000
        for p in keys
        if "changed" in p and p["t"] >= keys_start_before
    ]
    span = feed_end - feed_start
    res["app_cpu_share"] = cpu / span  # of one core, both threads, while feeding
    res["feeder_cpu_share"] = feeder_cpu / span
    return res


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _live_figures(
    cfg: LiveConfig,
    released: list[float],
    frames: list[tuple[float, int]],
    painted: list[tuple[float, int]],
    core: list[tuple[float, int]],
    keys: list[dict[str, Any]],
    keys_start: float,
    feed_end: float,
) -> dict[str, Any]:
    def latencies(marks: list[tuple[float, int]]) -> list[float]:
        """Per release, ms until the first mark with that many events applied (nan: never)."""
        times = [t for t, _ in marks]
        counts = [n for _, n in marks]
        out = []
        for i, rel in enumerate(released, 1):
            j = bisect.bisect_left(counts, i)
            out.append((times[j] - rel) * 1000 if j < len(times) else float("nan"))
        return out

    lat = latencies(frames)
    painted_lat = latencies(sorted(painted))
    core_lat = latencies(core)
    split = bisect.bisect_left(released, keys_start)
    start = released[0] if released else keys_start
    backlog: list[tuple[int, int]] = []
    frame_times = [t for t, _ in frames]
    sec = 0
    while start + sec <= (released[-1] if released else feed_end):
        t = start + sec
        rel = bisect.bisect_right(released, t)
        j = bisect.bisect_right(frame_times, t) - 1
        applied = frames[j][1] if j >= 0 else 0
        backlog.append((sec, rel - applied))
        sec += 1
    span = (released[-1] - released[0]) if len(released) > 1 else 0.0
    # Gaps while events flow: before the first release only heartbeat frames come (every
    # HEARTBEAT, nothing to take), which once made every run's max gap 500 ms.
    flowing = [start, *(t for t in frame_times if start < t)]
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(flowing)]

    def ok(values: list[float]) -> list[float]:
        return [x for x in values if x == x]

    return {
        "config": asdict(cfg),
        "released": len(released),
        "applied_final": frames[-1][1] if frames else 0,
        "achieved_rate": (len(released) - 1) / span if span else 0.0,
        "missing": sum(1 for x in lat if x != x),
        "latency_ms": ok(lat),
        "latency_follow_ms": ok(lat[:split]),
        "latency_keys_ms": ok(lat[split:]),
        "painted_latency_ms": ok(painted_lat),
        "core_latency_ms": ok(core_lat),
        "backlog": backlog,
        "backlog_slope": _slope(backlog),
        "key_ms": [(p["changed"] - p["t"]) * 1000 for p in keys if "changed" in p],
        "key_painted_ms": [(p["painted"] - p["t"]) * 1000 for p in keys if "painted" in p],
        "key_timeouts": sum(1 for p in keys if "changed" not in p),
        "key_expected": sum(1 for p in keys if p.get("expected")),
        "keys": [{k: v for k, v in p.items() if k != "expect"} for p in keys],
        "frames": len(frames),
        "frame_gap_p50_ms": percentile(gaps, 50),
        "frame_gap_max_ms": max(gaps, default=0.0),
    }


def _slope(points: list[tuple[int, int]]) -> float:
    """Least-squares slope of backlog over seconds (events per second of growth)."""
    if len(points) < 3:
        return 0.0
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


# --------------------------------------------------------------------------- 4. memory


def bench_memory(
    report: Report, small: RunData, main: RunData, big: RunData, timeout: float
) -> None:
    print(
        f"[memory] peak RSS of dump and of the app fully loaded at {small.events:,}, "
        f"{main.events:,}, {big.events:,} events",
        flush=True,
    )
    rss = report.raw.setdefault("rss", {})
    load0 = loadavg()
    extra: dict[str, Any] = {}
    for run in (small, main, big):
        if f"dump@{run.events}" not in rss:
            warm(run)
            p = run_proc(dump_cmd(run))
            check(p, "dump")
            rss[f"dump@{run.events}"] = p.maxrss
            extra[f"dump@{run.events}"] = {"wall": p.wall, "cpu": p.cpu, "load": p.load}
        if f"tui@{run.events}" not in rss:
            warm(run)
            proc, res = run_driver(
                "app", str(run.ident_dir), "--timeout", str(timeout), timeout=timeout + 120
            )
            rss[f"tui@{run.events}"] = proc.maxrss
            extra[f"tui@{run.events}"] = {
                "ready_frame": res.get("ready_frame"),
                "timeout": bool(res.get("timeout")),
                "events_applied": (res.get("frames") or [[0, 0]])[-1][1],
                "cpu": proc.cpu,
                "load": proc.load,
            }
            print(
                f"  app at {run.events:,}: ready {res.get('ready_frame')}, "
                f"rss {proc.maxrss / MB:.0f} MB",
                flush=True,
            )
    span = load_span(load0)
    report.raw["memory"] = {"rss": dict(rss), "runs": extra}
    for what, limit in (("dump", 90), ("tui", 120)):  # issue 14
        label = "dump --format json" if what == "dump" else "app fully loaded"
        at = {run.events: rss[f"{what}@{run.events}"] for run in (small, main, big)}
        m = at[main.events] / MB
        report.add(
            Row(
                "memory",
                f"{label}: peak RSS ({kilo(main.events)})",
                m,
                unit="MB",
                target=f"<= {limit} MB",
                ok=m <= limit,
                load=span,
                note=f"{kilo(small.events)}: {at[small.events] / MB:.0f} MB",
            )
        )
        b = at[big.events] / MB
        timed_out = what == "tui" and extra.get(f"tui@{big.events}", {}).get("timeout")
        report.add(
            Row(
                "memory",
                f"{label}: peak RSS ({kilo(big.events)})",
                b,
                unit="MB",
                target="(info)",
                load=span,
                note="TIMED OUT before fully loaded" if timed_out else "",
            )
        )
        per_lo = (at[main.events] - at[small.events]) / (main.events - small.events)
        per_hi = (at[big.events] - at[main.events]) / (big.events - main.events)
        report.add(
            Row(
                "memory",
                f"{label}: bytes/event {kilo(main.events)}->{kilo(big.events)}",
                per_hi,
                per_lo,
                unit="B",
                ratio=per_hi / per_lo if per_lo > 0 else None,
                target="linear <= 1.5x",
                ok=per_hi / per_lo <= 1.5 if per_lo > 0 else None,
                load=span,
                note=f"baseline column: bytes/event {kilo(small.events)}->{kilo(main.events)}",
            )
        )


# --------------------------------------------------------------------------- 5. tree add


def bench_tree_add(report: Report, runs: list[RunData], repeats: int) -> None:
    sizes = ", ".join(f"{r.events:,}" for r in runs)
    print(f"[tree_add] EventTree.add at {sizes} events, {repeats} x each", flush=True)
    results: dict[int, list[dict[str, Any]]] = {r.events: [] for r in runs}
    load0 = loadavg()
    for run in runs:
        warm(run)
    for _ in range(repeats):
        for run in runs:
            _proc, res = run_driver("add", str(run.ident_dir))
            results[run.events].append(res)
    span = load_span(load0)
    report.raw["tree_add"] = {str(k): v for k, v in results.items()}
    # Flatness against the smallest run of at least 10k events (1k is mostly warm-up): the
    # median over repeats of this size's figure over the reference's in the same repeat
    # (the sizes of one repeat run back to back, so they share the machine's mood).
    ref = next((r for r in runs if r.events >= 10_000), runs[0])
    ref_us = [r["us_per_event"] for r in results[ref.events]]
    for run in runs:
        rs = results[run.events]
        us = [r["us_per_event"] for r in rs]
        flat = median([a / b for a, b in zip(us, ref_us, strict=True)])
        inside = median([r["us_last_tenth"] / r["us_first_tenth"] for r in rs])
        report.add(
            Row(
                "tree_add",
                f"µs per add ({run.events:,} events)",
                median(us),
                median(ref_us),
                unit="us",
                ratio=flat,
                target="flat <= 1.5x",
                ok=flat <= 1.5 and inside <= 1.5,
                load=span,
                note=f"median of {len(rs)} (min {min(us):.1f}); last/first tenth of the "
                f"run {inside:.2f}; {rs[0]['nodes']:,} nodes",
            )
        )


# --------------------------------------------------------------------------- 6. profile, diff


def bench_against_dump(
    report: Report, name: str, run: RunData, cmd: list[str], repeats: int, ok_rc: set[int]
) -> None:
    """`cmd` and a cold `dump RUN --format json`, interleaved: median wall, ratio to dump."""
    ours: list[Proc] = []
    dumps: list[Proc] = []
    load0 = loadavg()
    for _ in range(repeats):
        d = run_proc(dump_cmd(run))
        check(d, "dump")
        dumps.append(d)
        p = run_proc(cmd)
        if p.rc not in ok_rc:
            raise RuntimeError(f"{name} failed (rc {p.rc}):\n{p.err}")
        ours.append(p)
    span = load_span(load0)
    wall_o, wall_d = median([p.wall for p in ours]), median([p.wall for p in dumps])
    cpu_o, cpu_d = median([p.cpu for p in ours]), median([p.cpu for p in dumps])
    pairwise = median([o.wall / d.wall for o, d in zip(ours, dumps, strict=True)])
    report.raw[name] = {
        "cmd": cmd,
        "ours": [asdict(p) | {"err": ""} for p in ours],
        "dump": [asdict(p) | {"err": ""} for p in dumps],
    }
    n = kilo(run.events)
    report.add(
        Row(
            name,
            f"{name}, wall ({n}) vs cold dump",
            wall_o,
            wall_d,
            ratio=wall_o / wall_d,
            target="ratio <= 1.2",
            ok=wall_o / wall_d <= 1.2,
            load=span,
            note=f"median of {repeats}; median pairwise ratio {pairwise:.2f}",
        )
    )
    report.add(
        Row(
            name,
            f"{name}, CPU user+sys ({n}) vs dump",
            cpu_o,
            cpu_d,
            ratio=cpu_o / cpu_d,
            target="(info)",
            load=span,
            note="diff loads A in a child process: its CPU counts" if name == "diff" else "",
        )
    )


def bench_profile(report: Report, run: RunData, repeats: int) -> None:
    print(f"[profile] {run.ident_dir.name}: {repeats} x (dump, profile)", flush=True)
    warm(run)
    cmd = [str(CLI), "profile", str(run.ident_dir)]
    bench_against_dump(report, "profile", run, cmd, repeats, {0})


def bench_diff(report: Report, run: RunData, rerun: RunData, repeats: int) -> None:
    print(
        f"[diff] {run.ident_dir.name} ({run.events:,}) -> {rerun.ident_dir.name} "
        f"({rerun.events:,}): {repeats} x (dump, diff)",
        flush=True,
    )
    warm(run)
    warm(rerun)
    cmd = [str(CLI), "diff", str(run.ident_dir), str(rerun.ident_dir)]
    bench_against_dump(report, "diff", run, cmd, repeats, {0, 1})


# --------------------------------------------------------------------------- 7. navigator

NAVIGATOR_DIR = BENCH_DIR / "navigator"
#: the bench's own environment for ansible-navigator (not a project dependency)
NAVIGATOR_VENV = BENCH_DIR / "out" / "navigator-venv"


def navigator_venv() -> Path:
    """ansible-navigator in a venv of its own under tests/bench/out/ (made once)."""
    exe = NAVIGATOR_VENV / "bin" / "ansible-navigator"
    if not exe.exists():
        print(f"installing ansible-navigator into {NAVIGATOR_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(NAVIGATOR_VENV)], check=True)
        pip = [str(NAVIGATOR_VENV / "bin" / "pip"), "install", "-q", "ansible-navigator"]
        subprocess.run(pip, check=True)
    return exe


def navigator_env() -> dict[str, str]:
    path = f"{NAVIGATOR_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {"PATH": path, "ANSIBLE_FORCE_COLOR": "1", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


def ensure_navigator_run(data_dir: Path) -> tuple[Path, Path, int]:
    """A real run through ansible-navigator: its playbook artifact and runner's artifacts.

    `--ee false`, mode stdout, the playbook artifact on, and `--rwje` (its
    `ansible-runner.job-events` setting) so runner writes `job_events/` too.
    """
    exe = navigator_venv()
    root = data_dir / "navigator"
    artifact, pdd = root / "site-artifact.json", root / "pdd"
    runs = list((pdd / "artifacts").glob("*/status")) if pdd.is_dir() else []
    done = artifact.is_file() and runs and runs[0].read_text().strip() in FINISHED
    if not done:
        shutil.rmtree(root, ignore_errors=True)
        pdd.mkdir(parents=True)  # navigator uses --rad only if it exists and is writable
        print("making a real run through ansible-navigator (a few minutes) ...", flush=True)
        t = time.perf_counter()
        cmd = [str(exe), "run", str(NAVIGATOR_DIR / "site.yml")]
        cmd += ["-i", str(NAVIGATOR_DIR / "hosts.ini"), "--ee", "false", "-m", "stdout"]
        cmd += ["--pae", "true", "--pas", str(artifact), "--rwje", "--rad", str(pdd)]
        cmd += ["--lf", str(root / "navigator.log"), "-f", "20"]
        env = os.environ | navigator_env()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=root)
        print(f"  made in {time.perf_counter() - t:.0f} s", flush=True)
        runs = list((pdd / "artifacts").glob("*/status"))
    ident_dir = runs[0].parent
    events = sum(1 for n in os.listdir(ident_dir / "job_events") if n.endswith(".json"))
    return artifact, pdd, events


def bench_navigator(report: Report, data_dir: Path, repeats: int) -> None:
    artifact, pdd, events = ensure_navigator_run(data_dir)
    plays = [p["name"] for p in json.loads(artifact.read_text())["plays"]]
    print(
        f"[navigator] {events:,} events: watch until the header counts them all vs replay "
        f"until its play list shows, {repeats} x each in tmux, alternating",
        flush=True,
    )
    exe = navigator_venv()
    ours_cmd = [str(CLI), "watch", str(pdd)]
    theirs_cmd = [str(exe), "replay", str(artifact), "--ee", "false"]
    theirs_cmd += ["--lf", str(data_dir / "navigator" / "replay.log")]
    count = f"{events:,} events"

    def ours_ready(screen: str) -> bool:
        head = screen.split("\n", 1)[0]
        return count in head and any(s in head for s in FINISHED)

    def theirs_ready(screen: str) -> bool:
        return "Play name" in screen and all(name in screen for name in plays)

    ours: list[float] = []
    theirs: list[float] = []
    load0 = loadavg()
    with TmuxServer() as tmux:
        for _ in range(repeats):
            ours.append(tmux.time_until(ours_cmd, ours_ready, cwd=str(REPO))[0])
            env = navigator_env()
            theirs.append(tmux.time_until(theirs_cmd, theirs_ready, env=env, cwd=str(pdd))[0])
    span = load_span(load0)
    report.raw["navigator"] = {"events": events, "watch": ours, "replay": theirs}
    o, t = median(ours), median(theirs)
    report.add(
        Row(
            "navigator",
            f"whole run on screen vs navigator replay ({kilo(events)})",
            o,
            t,
            ratio=o / t,
            target="ratio <= 0.35",
            ok=o / t <= 0.35,
            load=span,
            note=f"tmux 200x50, median of {repeats}, alternating; replay: until its play "
            f"list shows; {_navigator_version(exe)}",
        )
    )


def _navigator_version(exe: Path) -> str:
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "ansible-navigator ?"


# --------------------------------------------------------------------------- 8. runs


def ensure_many(data_dir: Path, runs: int = 1000, seed: int = 0) -> Path:
    """An `artifacts/` of `runs` small real-format runs (generate_many.py); reused if there."""
    root = data_dir / f"many-{runs}-s{seed}"
    name = root.name
    if not _generated(data_dir, name) or not (root / "artifacts").is_dir():
        print(f"generating {runs:,} runs in {root} (a few minutes) ...", flush=True)
        t = time.perf_counter()
        cmd = [PY, str(BENCH_DIR / "generate_many.py"), str(root), "--runs", str(runs)]
        subprocess.run(
            [*cmd, "--seed", str(seed), "--force"], check=True, stdout=subprocess.DEVNULL
        )
        _mark_generated(data_dir, name)
        print(f"  generated in {time.perf_counter() - t:.0f} s", flush=True)
    return root


def bench_runs(report: Report, data_dir: Path, repeats: int, switches: int) -> None:
    root = ensure_many(data_dir)
    count = len(list((root / "artifacts").iterdir()))
    print(
        f"[runs] {count:,} runs: first paint vs the minimal app, the picker's opening "
        f"({repeats} x), RSS over {switches} switches",
        flush=True,
    )
    load0 = loadavg()
    paint: list[float] = []
    minimal: list[float] = []
    opened: list[dict[str, Any]] = []
    cold: list[dict[str, Any]] = []
    for _ in range(repeats):
        _, res = run_driver("app", str(root), "--timeout", "300")
        paint.append(res["first_paint"])
        _, mres = run_driver("minimal")
        minimal.append(mres["first_paint"])
        opened.append(run_driver("picker", str(root), "--timeout", "300")[1])
        cold.append(run_driver("picker", str(root), "--cold", "--timeout", "300")[1])
    span = load_span(load0)
    fp, fm = median(paint), median(minimal)
    report.add(
        Row(
            "runs",
            f"first paint, artifacts/ of {count:,} runs",
            fp,
            fm,
            ratio=fp / fm,
            target="ratio <= 1.5",
            ok=fp / fm <= 1.5,
            load=span,
            note=f"vs minimal Textual app; median of {repeats}",
        )
    )
    listed = [r["listed"] for r in opened if r.get("listed", -1) >= 0]
    ms = median(listed) * 1000
    report.add(
        Row(
            "runs",
            f"picker lists all {count:,} runs (r -> painted)",
            ms,
            unit="ms",
            target="<= 200 ms",
            ok=ms <= 200 and len(listed) == repeats,
            load=span,
            note=f"summaries read in the background after the load, as when a user presses r; "
            f"median of {len(listed)}; first paint of this app {median(paint):.2f} s",
        )
    )
    cold_ms = [r["listed"] * 1000 for r in cold if r.get("listed", -1) >= 0]
    report.add(
        Row(
            "runs",
            "picker lists all, nothing read before",
            median(cold_ms),
            unit="ms",
            target="(info)",
            load=span,
            note=f"the picker reads every summary itself (a listing and 2-6 small files a run); "
            f"median of {len(cold_ms)}",
        )
    )
    _, res = run_driver("switch", str(root), "--switches", str(switches), timeout=1800)
    rss = [x / MB for x in res["rss"]]
    same_run = rss[::7]  # the switches that showed the first switch's run again
    first, last = same_run[0], same_run[-1]
    report.raw["runs"] = {
        "paint": paint,
        "minimal": minimal,
        "picker": opened,
        "picker_cold": cold,
        "switch": res,
    }
    report.add(
        Row(
            "runs",
            f"RSS after {len(rss)} run switches vs the first",
            last,
            first,
            unit="MB",
            ratio=last / first,
            target="ratio <= 1.10",
            ok=last / first <= 1.10,
            load=load_span(load0),
            note=f"through the picker, 7 runs in turn (compared at the same run); max "
            f"{max(rss):.0f} MB",
        )
    )
    if len(same_run) > 2:
        report.add(
            Row(
                "runs",
                "RSS, last vs second visit of that run",
                last,
                same_run[1],
                unit="MB",
                ratio=last / same_run[1],
                target="(info)",
                load=load_span(load0),
                note="growth once each of the 7 runs was shown: a leak, not the largest "
                "run's high-water mark",
            )
        )


# --------------------------------------------------------------------------- 8. the log


def bench_log(report: Report, run: RunData, repeats: int, timeout: float, text: str) -> None:
    print(
        f"[log] {run.ident_dir.name}: {repeats} x (app opened on the log, on the tree, "
        f"minimal app, baseline_load), {repeats} x (3 then / {text!r} on the loaded run), "
        "core alone",
        flush=True,
    )
    warm(run)
    cold: list[dict[str, Any]] = []
    tree: list[dict[str, Any]] = []
    minimal: list[dict[str, Any]] = []
    base: list[Proc] = []
    keys: list[dict[str, Any]] = []
    load0 = loadavg()
    for i in range(repeats):
        args = (str(run.ident_dir), "--timeout", str(timeout))
        _proc, res = run_driver("cold", *args, driver=LOG_DRIVER, timeout=timeout + 120)
        cold.append(res)
        _proc, tres = run_driver("app", *args, timeout=timeout + 120)
        tres.pop("frames", None)
        tree.append(tres)
        _, mres = run_driver("minimal")
        minimal.append(mres)
        b = run_proc(baseline_cmd(run))
        check(b, "baseline_load")
        base.append(b)
        _proc, kres = run_driver(
            "keys", *args, "--search", text, driver=LOG_DRIVER, timeout=timeout + 120
        )
        keys.append(kres)
        print(
            f"  #{i + 1}: log first paint {res.get('first_paint', float('nan')):.2f} s, "
            f"last line {res.get('log_end_painted', float('nan')):.1f} s; "
            f"3 -> end {kres.get('key_to_log_painted_ms', float('nan')):.0f} ms, "
            f"search {kres.get('search_painted_ms', float('nan')):.0f} ms",
            flush=True,
        )
    _proc, mem = run_driver("memory", str(run.ident_dir), "--search", text, driver=LOG_DRIVER)
    span = load_span(load0)
    report.raw["log"] = {"cold": cold, "tree": tree, "minimal": minimal, "keys": keys, "core": mem}
    fp = median([r["first_paint"] for r in cold if "first_paint" in r])
    fp_m = median([r["first_paint"] for r in minimal])
    fp_t = median([r["first_paint"] for r in tree if "first_paint" in r])
    report.add(
        Row(
            "log",
            "opened on the log: first paint (exec)",
            fp,
            fp_m,
            ratio=fp / fp_m,
            target="ratio <= 1.5",
            ok=fp / fp_m <= 1.5,
            load=span,
            note=f"vs minimal Textual app, the tree's budget; median of {repeats}; "
            f"the tree's own here: {fp_t:.3f} s ({fp_t / fp_m:.2f})",
        )
    )
    ends = [r["log_end_painted"] for r in cold if "log_end_painted" in r]
    base_wall = median([b.wall for b in base])
    tree_ready = median([r["ready_painted"] for r in tree if "ready_painted" in r])
    if ends:
        end = median(ends)
        report.add(
            Row(
                "log",
                f"log at its last line, all read ({kilo(run.events)})",
                end,
                base_wall,
                ratio=end / base_wall,
                target="ratio <= 1.0",
                ok=end / base_wall <= 1.0 and len(ends) == len(cold),
                load=span,
                note=f"painted; vs baseline_load wall, as full tree ready (the tree's "
                f"here: {tree_ready:.2f} s, {tree_ready / base_wall:.2f}); "
                f"{cold[0].get('lines', 0):,} lines",
            )
        )
    to_end = [k["key_to_log_painted_ms"] for k in keys if "key_to_log_painted_ms" in k]
    report.add(
        Row(
            "log",
            "3 on the loaded run -> last line painted",
            median(to_end),
            unit="ms",
            target="<= 100 ms",
            ok=bool(to_end) and median(to_end) <= 100,
            load=span,
            note=f"max {max(to_end, default=float('nan')):.0f} ms; median of {len(to_end)}",
        )
    )
    found = [k["search_painted_ms"] for k in keys if "search_painted_ms" in k]
    report.add(
        Row(
            "log",
            f"/{text} enter -> whole log searched, on a match",
            median(found),
            unit="ms",
            target="(info)",
            load=span,
            note=f"{keys[0].get('search_total', '?') if keys else '?'} lines match; "
            f"painted; median of {len(found)}",
        )
    )
    report.add(
        Row(
            "log",
            "core: one full search, CPU",
            mem["search_cpu_s"] * 1000,
            unit="ms",
            target="(info)",
            load=span,
            note=f"{mem['lines']:,} lines in {mem['blocks']:,} blocks; "
            f"{mem['lines'] / max(mem['search_cpu_s'], 1e-9) / 1e6:.1f}M lines/s",
        )
    )
    report.add(
        Row(
            "log",
            "core: bytes per event the log adds",
            mem["log_bytes_per_event"],
            unit="B",
            target="(info)",
            load=span,
            note=f"tracemalloc, RunState vs EventTree; of which text "
            f"{mem['text_bytes'] / mem['events']:.0f} B",
        )
    )
    report.add(
        Row(
            "log",
            "core: RunState.add vs EventTree.add, CPU",
            mem["state_add_cpu_s"],
            mem["tree_add_cpu_s"],
            ratio=mem["state_add_cpu_s"] / mem["tree_add_cpu_s"],
            target="(info)",
            load=span,
            note="the log built on the feed thread; median of 3, interleaved",
        )
    )


# --------------------------------------------------------------------------- 9. hosts view


def bench_hosts_view(report: Report, run: RunData, repeats: int, timeout: float) -> None:
    print(
        f"[hosts_view] {run.ident_dir.name}: {repeats} x (app ready with / without the Hosts "
        "view; frames with each shown; RunState.add / EventTree.add), the views' keys once",
        flush=True,
    )
    warm(run)
    both: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    both_rss: list[int] = []
    alone_rss: list[int] = []
    frames: dict[str, list[dict[str, Any]]] = {"tasks": [], "hosts": []}
    adds: dict[str, list[dict[str, Any]]] = {"state": [], "state_one": [], "tree": []}
    load0 = loadavg()
    for i in range(repeats):
        # views are built when first shown: "both" opens the Hosts view too, at start
        proc, res = run_driver(
            "app", str(run.ident_dir), "--timeout", str(timeout), "--views", "with-hosts"
        )
        both.append(res)
        both_rss.append(proc.maxrss)
        proc, res = run_driver("app", str(run.ident_dir), "--timeout", str(timeout))
        alone.append(res)
        alone_rss.append(proc.maxrss)
        for view in ("tasks", "hosts"):
            _, res = run_driver("frames", str(run.ident_dir), "--view", view)
            frames[view].append(res)
        _, res = run_driver("add", str(run.ident_dir), "--state", "--batch", "50")
        adds["state"].append(res)
        _, res = run_driver("add", str(run.ident_dir), "--state")
        adds["state_one"].append(res)
        _, res = run_driver("add", str(run.ident_dir))
        adds["tree"].append(res)
        print(
            f"  #{i + 1}: ready {both[-1].get('ready_frame', float('nan')):.1f} s vs without "
            f"Hosts {alone[-1].get('ready_frame', float('nan')):.1f} s; frame "
            f"{frames['hosts'][-1]['ui_ms']:.1f} vs {frames['tasks'][-1]['ui_ms']:.1f} ms; add "
            f"{adds['state'][-1]['us_per_event']:.1f} vs {adds['tree'][-1]['us_per_event']:.1f} "
            f"µs; load {loadavg():.1f}",
            flush=True,
        )
    _, keys = run_driver("views", str(run.ident_dir), "--timeout", str(timeout))
    span = load_span(load0)
    report.raw["hosts_view"] = {
        "app_both": both,
        "app_tree_alone": alone,
        "frames": frames,
        "adds": adds,
        "keys": keys,
    }
    for res in (*both, *alone):
        res.pop("frames", None)

    ready_both = median([r["ready_frame"] for r in both if "ready_frame" in r])
    ready_alone = median([r["ready_frame"] for r in alone if "ready_frame" in r])
    ratio = ready_both / ready_alone
    report.add(
        Row(
            "hosts_view",
            f"app ready, with the Hosts view ({kilo(run.events)})",
            ready_both,
            ready_alone,
            ratio=ratio,
            target="ratio <= 1.1",
            ok=ratio <= 1.1,
            load=span,
            note=f"vs the same app without the Hosts view; median of {repeats}; "
            f"{keys.get('host_count', 0):,} hosts",
        )
    )
    rss_ratio = median(both_rss) / median(alone_rss)
    report.add(
        Row(
            "hosts_view",
            "peak RSS, with the Hosts view",
            median(both_rss) / MB,
            median(alone_rss) / MB,
            unit="MB",
            ratio=rss_ratio,
            target="(info)",
            load=span,
            note="vs the same app without the Hosts view",
        )
    )
    ui_h = median([r["ui_ms"] for r in frames["hosts"]])
    ui_t = median([r["ui_ms"] for r in frames["tasks"]])
    hidden = median([r["parts_ms"].get("HostsView.apply_frame", 0.0) for r in frames["tasks"]])
    report.add(
        Row(
            "hosts_view",
            "UI CPU a live frame, Hosts shown",
            ui_h,
            ui_t,
            unit="ms",
            ratio=ui_h / ui_t,
            target="ratio <= 1.2",
            ok=ui_h / ui_t <= 1.2,
            load=span,
            note=f"vs Tasks shown; 160 events a frame (2,000/s); the Hosts view hidden costs "
            f"{hidden:.1f} ms of the Tasks figure; median of {repeats}",
        )
    )
    us_s = [r["us_per_event"] for r in adds["state"]]
    us_t = [r["us_per_event"] for r in adds["tree"]]
    inside = median([r["us_last_tenth"] / r["us_first_tenth"] for r in adds["state"]])
    add_ratio = median([a / b for a, b in zip(us_s, us_t, strict=True)])
    one = median([r["us_per_event"] for r in adds["state_one"]])
    report.add(
        Row(
            "hosts_view",
            "µs an event, RunState (tree + hosts)",
            median(us_s),
            median(us_t),
            unit="us",
            ratio=add_ratio,
            target="flat <= 1.5x",
            ok=inside <= 1.5,
            load=span,
            note=f"add_all of 50 events (a live read) vs EventTree.add alone; last/first "
            f"tenth of the run {inside:.2f}; one event at a time {one:.1f} µs",
        )
    )

    def cpu(figure: Any) -> float | None:
        """CPU ms of a [wall, cpu] figure, or the median of a list of them."""
        if not figure:
            return None
        if isinstance(figure[0], list):
            return median([f[1] for f in figure])
        return float(figure[1])

    def wall(figure: Any) -> str:
        if not figure:
            return "-"
        if isinstance(figure[0], list):
            return f"{median([f[0] for f in figure]):.0f}"
        return f"{figure[0]:.0f}"

    first, back = keys.get("open_hosts_first"), keys.get("back_to_tasks_first")
    h, t = cpu(first), cpu(back)
    report.add(
        Row(
            "hosts_view",
            "open the Hosts view (2), first time",
            h,
            t,
            unit="ms",
            ratio=h / t if h and t else None,
            target="ratio <= 1.2",
            ok=h is not None and t is not None and h <= 1.2 * t,
            load=span,
            note=f"CPU to the refresh after it (wall {wall(first)} / {wall(back)} ms); "
            "baseline: back to Tasks (1)",
        )
    )
    again_h, again_t = keys.get("open_hosts"), keys.get("open_tasks")
    h, t = cpu(again_h), cpu(again_t)
    report.add(
        Row(
            "hosts_view",
            "switch to Hosts / to Tasks, again",
            h,
            t,
            unit="ms",
            ratio=h / t if h and t else None,
            target="(info)",
            load=span,
            note=f"CPU, median of 5 each (wall {wall(again_h)} / {wall(again_t)} ms)",
        )
    )
    hosts, tasks = keys.get("hosts", {}), keys.get("tasks", {})
    for name, label in (
        ("expand_all", "e"),
        ("collapse_all", "c"),
        ("scroll_end", "end"),
        ("next_failed", "n"),
        ("search", "/host-1"),
        ("search_clear", "escape"),
    ):
        h, t = cpu(hosts.get(name)), cpu(tasks.get(name))
        note = f"CPU (wall {wall(hosts.get(name))} / {wall(tasks.get(name))} ms)"
        if name == "expand_all":
            note += f"; lines after: {keys.get('lines', {})}"
        report.add(
            Row(
                "hosts_view",
                f"key {label}: Hosts / Tasks",
                h,
                t,
                unit="ms",
                ratio=h / t if h and t else None,
                target="(info)",
                load=span,
                note=note,
            )
        )
    if "order" in hosts:
        report.add(
            Row(
                "hosts_view",
                "key S (sort) in Hosts",
                cpu(hosts["order"]),
                unit="ms",
                target="(info)",
                load=span,
                note=f"CPU, median of 4 (wall {wall(hosts['order'])} ms)",
            )
        )


# --------------------------------------------------------------------------- 10. the timeline


def bench_timeline(report: Report, run: RunData, repeats: int, timeout: float) -> None:
    print(
        f"[timeline] {run.ident_dir.name}: {repeats} x (app opened on the timeline, minimal "
        f"app, baseline_load, 4 then right and + on the loaded run)",
        flush=True,
    )
    warm(run)
    cold: list[dict[str, Any]] = []
    minimal: list[dict[str, Any]] = []
    tree: list[dict[str, Any]] = []
    base: list[Proc] = []
    keys: list[dict[str, Any]] = []
    load0 = loadavg()
    for i in range(repeats):
        args = (str(run.ident_dir), "--timeout", str(timeout))
        _proc, res = run_driver("cold", *args, driver=TIMELINE_DRIVER, timeout=timeout + 120)
        cold.append(res)
        _, mres = run_driver("minimal")
        minimal.append(mres)
        _, tres = run_driver("app", *args, timeout=timeout + 120)  # the tree, the same way
        tres.pop("frames", None)
        tree.append(tres)
        b = run_proc(baseline_cmd(run))
        check(b, "baseline_load")
        base.append(b)
        _proc, kres = run_driver("keys", *args, driver=TIMELINE_DRIVER, timeout=timeout + 120)
        keys.append(kres)
        print(
            f"  #{i + 1}: timeline first paint {res.get('first_paint', float('nan')):.2f} s "
            f"(minimal {mres.get('first_paint', float('nan')):.2f} s), every task "
            f"{res.get('timeline_painted', float('nan')):.1f} s (tree ready "
            f"{tres.get('ready_painted', float('nan')):.1f} s); 4 -> painted "
            f"{kres.get('key_to_timeline_painted_ms', float('nan')):.0f} ms, lanes "
            f"{kres.get('lanes_painted_ms', float('nan')):.0f} ms, zoom "
            f"{kres.get('zoom_painted_ms', float('nan')):.0f} ms",
            flush=True,
        )
    span = load_span(load0)
    report.raw["timeline"] = {"cold": cold, "minimal": minimal, "tree": tree, "keys": keys}
    fp = median([r["first_paint"] for r in cold if "first_paint" in r])
    fp_m = median([r["first_paint"] for r in minimal])
    report.add(
        Row(
            "timeline",
            "opened on the timeline: first paint (exec)",
            fp,
            fp_m,
            ratio=fp / fp_m,
            target="ratio <= 1.5",
            ok=fp / fp_m <= 1.5,
            load=span,
            note=f"vs minimal Textual app; median of {repeats}; the tree's budget",
        )
    )
    painted = [r["timeline_painted"] for r in cold if "timeline_painted" in r]
    ready = [r["ready_painted"] for r in tree if "ready_painted" in r]
    base_wall = median([b.wall for b in base])
    if painted and ready:
        end, tree_ready = median(painted), median(ready)
        report.add(
            Row(
                "timeline",
                f"every task on the timeline, all read ({kilo(run.events)})",
                end,
                tree_ready,
                ratio=end / tree_ready,
                target="ratio <= 1.1",
                ok=end / tree_ready <= 1.1 and len(painted) == len(cold),
                load=span,
                note=f"painted; vs the tree's full tree ready (tui_cold's) in the same run; "
                f"baseline_load {base_wall:.2f} s; {cold[0].get('rows', 0):,} rows",
            )
        )

    def ms(key: str) -> list[float]:
        return [k[key] for k in keys if key in k]

    back = ms("key_to_tasks_painted_ms")
    for key, what in (
        ("key_to_timeline_painted_ms", "4 on the loaded run -> timeline painted"),
        ("key_to_timeline_again_painted_ms", "4 again (after 1) -> timeline painted"),
        ("lanes_painted_ms", "right: a task's lanes painted"),
        ("zoom_painted_ms", "+: zoomed, painted"),
    ):
        values = ms(key)
        ours = median(values) if values else None
        base = median(back) if back and key.startswith("key_") else None
        report.add(
            Row(
                "timeline",
                what,
                ours,
                base,
                unit="ms",
                ratio=ours / base if ours is not None and base else None,
                target="vs 1 -> tree painted" if base else "",
                load=span,
                note=f"max {max(values, default=float('nan')):.0f} ms; median of {len(values)}"
                + (f"; {keys[0].get('lanes', 0):,} lanes" if key == "lanes_painted_ms" else ""),
            )
        )
    adds = [k["adds_cpu_s"] for k in keys if "adds_cpu_s" in k]
    for key, what, note in (
        (
            "frame_taken_cpu_s",
            "RunTimes noted: one frame of the whole run (CPU)",
            "RunState.frame_taken of every change at once (what every view pays) vs the adds",
        ),
        (
            "settle_cpu_s",
            "RunTimes settled: every task recomputed (CPU)",
            "RunTimes.settle after that frame (paid when the timeline is shown) vs the adds",
        ),
    ):
        values = [k[key] for k in keys if key in k]
        if values and adds:
            report.add(
                Row(
                    "timeline",
                    what,
                    median(values),
                    median(adds),
                    ratio=median(values) / median(adds),
                    load=span,
                    note=note,
                )
            )


# --------------------------------------------------------------------------- main


def stream_file(run: RunData) -> Path:
    """The run as a worker stream beside its artifacts/ (made again when the run is newer:
    a stream of an older run of the same name lacks events, and the app would wait for
    them until it timed out)."""
    path = run.ident_dir.parent.parent / f"{run.ident_dir.name}.jsonl"
    made = run.ident_dir / "job_events"
    if not path.is_file() or path.stat().st_mtime < made.stat().st_mtime:
        print(f"writing {path.name} ...", flush=True)
        cmd = [PY, str(BENCH_DIR / "stream_of_run.py"), str(run.ident_dir), str(path)]
        subprocess.run(cmd, check=True)
    return path


def bench_stream(report: Report, run: RunData, repeats: int, timeout: float) -> None:
    """A run piped in as a worker stream against the same run read from its folder."""
    stream = stream_file(run)
    print(f"[stream] {stream.name}: {repeats} x (app folder, app stream, dump, dump -)")
    warm(run)
    with open(stream, "rb") as fh:
        while fh.read(1 << 24):
            pass
    folder_ready: list[float] = []
    stream_ready: list[float] = []
    saved: list[float] = []
    dump_folder: list[Proc] = []
    dump_stream: list[Proc] = []
    piped = f"cat {shlex.quote(str(stream))} | {shlex.quote(str(CLI))} dump - --format json"
    load0 = loadavg()
    for i in range(repeats):
        _, res = run_driver("app", str(run.ident_dir), "--timeout", str(timeout))
        folder_ready.append(res.get("ready_frame", float("nan")))
        _, sres = run_driver(
            "app", str(stream), "--stream", "--expect", str(run.events), "--timeout", str(timeout)
        )
        stream_ready.append(sres.get("ready_frame", float("nan")))
        saved.append(sres.get("saved", float("nan")))
        d = run_proc(dump_cmd(run))
        check(d, "dump")
        dump_folder.append(d)
        ds = run_proc(["bash", "-o", "pipefail", "-c", piped])
        check(ds, "dump -")
        dump_stream.append(ds)
        print(
            f"  #{i + 1}: ready folder {folder_ready[-1]:.2f} s, stream {stream_ready[-1]:.2f} s "
            f"(saved {saved[-1]:.1f} s); dump {d.wall:.2f} s, dump - {ds.wall:.2f} s",
            flush=True,
        )
    span = load_span(load0)
    ready_f, ready_s = median(folder_ready), median(stream_ready)
    wall_f = median([p.wall for p in dump_folder])
    wall_s = median([p.wall for p in dump_stream])
    n = kilo(run.events)
    report.raw["stream"] = {
        "stream": str(stream),
        "folder_ready": folder_ready,
        "stream_ready": stream_ready,
        "stream_saved": saved,
        "dump": [asdict(p) | {"err": ""} for p in dump_folder],
        "dump_stream": [asdict(p) | {"err": ""} for p in dump_stream],
    }
    report.add(
        Row(
            "stream",
            f"TUI ready, stream piped vs folder ({n})",
            ready_s,
            ready_f,
            ratio=ready_s / ready_f,
            target="ratio <= 1.0",
            ok=ready_s / ready_f <= 1.0,
            load=span,
            note=f"median of {repeats}; saved whole at {median(saved):.1f} s",
        )
    )
    report.add(
        Row(
            "stream",
            f"dump - (cat | dump -) vs dump folder ({n})",
            wall_s,
            wall_f,
            ratio=wall_s / wall_f,
            target="ratio <= 1.2",
            ok=wall_s / wall_f <= 1.2,
            load=span,
            note=f"median of {repeats}",
        )
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=100_000, help="size of the main run")
    p.add_argument("--big-events", type=int, help="size of the big run (default 4 x --events)")
    p.add_argument("--quick", action="store_true", help="10k events, 5 s feed, 3 repeats")
    p.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=" ".join(NAMES))
    p.add_argument(
        "--shapes",
        nargs="+",
        choices=tuple(SHAPES),
        default=list(SHAPES),
        help="shapes of run for cold_load and tui_cold (default: all)",
    )
    p.add_argument("--switches", type=int, default=50, help="run switches for `runs`")
    p.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON")
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/bench"))
    p.add_argument("--repeats", type=int, help="repeats of each timing (default 5, quick 3)")
    p.add_argument("--feed-seconds", type=float, help="live feed duration (default 30)")
    p.add_argument("--rate", type=float, default=2000.0, help="live feed events/s")
    p.add_argument(
        "--fast-rate",
        type=float,
        default=5000.0,
        help="the live line's second feed, events/s (0: none); issue 14 asks 5,000/s",
    )
    p.add_argument("--log-search", default="fatal", help="what the log benchmark searches")
    p.add_argument(
        "--app-timeout",
        type=float,
        default=900.0,
        help="give up on the app loading a run after this many seconds",
    )
    a = p.parse_args(argv)
    events = 10_000 if a.quick and a.events == 100_000 else a.events
    big_events = a.big_events or 4 * events
    repeats = a.repeats or (3 if a.quick else 5)
    feed_seconds = a.feed_seconds or (5.0 if a.quick else 30.0)
    only = set(a.only or NAMES)
    if not CLI.exists():
        p.error(f"{CLI} not found: run with the project's venv python")

    report = Report(machine=machine_info() | {"bytecode_compiled": compile_package()})
    print(machine_text(report.machine | {"loadavg_end": ()}), flush=True)
    a.data_dir.mkdir(parents=True, exist_ok=True)
    main_run = ensure_run(a.data_dir, events)
    shaped = [main_run if shape == "linear" else None for shape in a.shapes]
    if only & {"cold_load", "tui_cold"}:
        shaped = [
            run or ensure_run(a.data_dir, events, shape=shape)
            for run, shape in zip(shaped, a.shapes, strict=True)
        ]
    need_big = only & {"memory", "tree_add"}
    need_small = only & {"memory", "tree_add"}
    small = ensure_run(a.data_dir, 1_000) if need_small else None
    ten = ensure_run(a.data_dir, 10_000) if "tree_add" in only and events > 10_000 else None
    big = ensure_run(a.data_dir, big_events) if need_big else None
    rerun = ensure_rerun(a.data_dir, main_run) if "diff" in only else None
    report.machine["runs"] = {
        "main": [str(main_run.ident_dir), main_run.events],
        "shapes": {r.shape: [str(r.ident_dir), r.events] for r in shaped if r is not None},
        "big": [str(big.ident_dir), big.events] if big else None,
    }

    steps: list[tuple[str, Callable[[], None]]] = [
        (
            "cold_load",
            lambda: [bench_cold_load(report, r, repeats) for r in shaped if r is not None],
        ),
        (
            "tui_cold",
            lambda: [
                bench_tui_cold(report, r, repeats, a.app_timeout) for r in shaped if r is not None
            ],
        ),
        (
            "live",
            lambda: [
                bench_live(
                    report, main_run, LiveConfig(rate=rate, duration=feed_seconds), label=label
                )
                for rate, label in ((a.rate, ""), (a.fast_rate, "_5k"))
                if rate > 0
            ],
        ),
        ("memory", lambda: bench_memory(report, small, main_run, big, a.app_timeout)),  # type: ignore[arg-type]
        ("log", lambda: bench_log(report, main_run, repeats, a.app_timeout, a.log_search)),
        (
            "live_log",
            lambda: bench_live(
                report, main_run, LiveConfig(rate=a.rate, duration=feed_seconds), view="log"
            ),
        ),
        (
            "tree_add",
            lambda: bench_tree_add(
                report, [r for r in (small, ten, main_run, big) if r is not None], repeats
            ),
        ),
        ("profile", lambda: bench_profile(report, main_run, repeats)),
        ("diff", lambda: bench_diff(report, main_run, rerun, repeats)),  # type: ignore[arg-type]
        ("stream", lambda: bench_stream(report, main_run, repeats, a.app_timeout)),
        ("navigator", lambda: bench_navigator(report, a.data_dir, repeats)),
        ("runs", lambda: bench_runs(report, a.data_dir, repeats, a.switches)),
        ("hosts_view", lambda: bench_hosts_view(report, main_run, repeats, a.app_timeout)),
        ("timeline", lambda: bench_timeline(report, main_run, repeats, a.app_timeout)),
    ]
    failed = False
    for name, step in steps:
        if name not in only:
            continue
        try:
            step()
        except Exception as exc:  # one broken benchmark should not hide the others
            failed = True
            print(f"[{name}] FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            report.raw.setdefault("failures", {})[name] = f"{type(exc).__name__}: {exc}"
    report.machine["loadavg_end"] = os.getloadavg()
    report.machine["code_state_end"] = code_state()
    report.machine["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")

    print()
    print(machine_text(report.machine))
    print(table(report))
    if a.json:
        a.json.write_text(
            json.dumps(
                {
                    "machine": report.machine,
                    "rows": [asdict(r) for r in report.rows],
                    "raw": report.raw,
                },
                indent=1,
                default=str,
            )
        )
        print(f"\nwrote {a.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
