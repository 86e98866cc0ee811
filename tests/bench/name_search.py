"""The palette's "go to": one keystroke's search of the run's names, on a big run.

    .venv/bin/python tests/bench/name_search.py [--hosts 1000] [--tasks 100] [--data DIR]

Generates (once, under DATA, default /tmp/jobevents-bench-names) a linear run of HOSTS x
TASKS with generate.py, applies its events to a `RunState` as the feed does, takes them in
one frame, and then times, in the same process:
- `search`: `NameIndex.search` for each prefix of a host name and of a task name (every
  keystroke of typing them), the median over the keystrokes;
- `walk` (the baseline): one walk of the tree's nodes, reading each name, which is what a
  search that looked at the tree would cost per keystroke before matching anything.
It prints both and their ratio; a keystroke should cost a small fraction of a walk.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from generate import generate_run

from jobevents.core.events import decode_event
from jobevents.core.folder import event_file_key
from jobevents.core.nodes import Changes
from jobevents.core.state import RunState


def load(ident_dir: Path) -> RunState:
    """Every event of the run applied to a `RunState`, then taken by one frame."""
    job_events = ident_dir / "job_events"
    names = sorted(
        (p.name for p in job_events.iterdir() if event_file_key(p.name) is not None),
        key=lambda n: event_file_key(n) or (0, ""),
    )
    state = RunState()
    changes = Changes()
    batch = 2000
    for start in range(0, len(names), batch):
        events = [decode_event((job_events / n).read_bytes()) for n in names[start : start + batch]]
        state.add_all(events, changes)
    state.frame_taken(changes)
    return state


def timed(call: object, repeats: int = 20) -> float:
    """The median seconds of `call()` over `repeats` calls."""
    assert callable(call)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--data", type=Path, default=Path("/tmp/jobevents-bench-names"))
    args = parser.parse_args()
    ident = f"names-{args.hosts}h{args.tasks}t"
    ident_dir = args.data / "artifacts" / ident
    if not (ident_dir / "status").is_file():
        generate_run(args.data, hosts=args.hosts, tasks=args.tasks, ident=ident)
    began = time.perf_counter()
    state = load(ident_dir)
    loaded = time.perf_counter() - began
    root = state.tree.root
    nodes = root.walk()
    host = next(n.name for n in reversed(nodes) if n.kind == "host")
    task = next(n.name for n in reversed(nodes) if n.kind == "task")
    keystrokes = [word[:i] for word in (host, task) for i in range(1, len(word) + 1)]
    search = statistics.median(timed(lambda q=q: state.names.search(q)) for q in keystrokes)

    def walk() -> int:
        return sum(len(n.name) for n in root.walk())

    baseline = timed(walk, 5)
    print(f"run: {len(nodes):,} nodes, {len(state.names):,} names; loaded in {loaded:.1f}s")
    print(f"search (median keystroke of {host!r}, {task!r}): {search * 1000:.2f} ms")
    print(f"walk   (baseline: one walk of the tree):        {baseline * 1000:.2f} ms")
    print(f"ratio search / walk: {search / baseline:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
