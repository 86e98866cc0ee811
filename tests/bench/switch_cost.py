"""The CPU one view switch (`1` `2` `3` `4`) costs on a loaded run, and where it goes.

A headless app on a run (a committed fixture by default), loaded and settled, with its
frame clock stopped; then the number keys are pressed in turn, and each press is timed
from the key to the refresh after it plus the idle time after that (what Textual lays out
and paints then is the switch's cost too). Prints the median CPU per switch (and per
target view); `--profile OUT` writes a cProfile of the switches.

    .venv/bin/python tests/bench/switch_cost.py                       # tests/fixtures/runs/features
    .venv/bin/python tests/bench/switch_cost.py /tmp/bench/artifacts/linear-433h100t-s0
    .venv/bin/python tests/bench/switch_cost.py --profile /tmp/switch.prof
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jobevents.tui.app import JobEventsApp  # noqa: E402
from tests.fixtures.paths import committed_run  # noqa: E402

KEYS = ("2", "3", "4", "1")


async def measure(
    path: Path, rounds: int, profile: Path | None, size: tuple[int, int]
) -> dict[str, Any]:
    app = JobEventsApp(path, watch=False)
    result: dict[str, Any] = {"run": str(path), "per_view": {}}
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 120
        while not (app.feed and app.feed.loaded.is_set() and not app.feed.has_changes()):
            if time.monotonic() > deadline:
                raise TimeoutError("the run did not load")
            await asyncio.sleep(0.05)
        await pilot.pause(0.5)
        for key in KEYS:  # each view once: first openings are not what is measured
            await pilot.press(key)
            await pilot.pause(0.3)
        for timer in list(app._timers):  # no frames or run checks while timing
            timer.stop()
        profiler = cProfile.Profile() if profile is not None else None
        cpu_all: list[float] = []
        for _ in range(rounds):
            for key in KEYS:
                done = asyncio.Event()
                if profiler is not None:
                    profiler.enable()
                cpu = time.process_time()
                await pilot.press(key)
                app.call_after_refresh(done.set)
                await done.wait()
                await pilot.pause(0.3)
                spent = (time.process_time() - cpu) * 1000
                if profiler is not None:
                    profiler.disable()
                cpu_all.append(spent)
                result["per_view"].setdefault(app.view_id, []).append(spent)
        if profiler is not None and profile is not None:
            profiler.dump_stats(profile)
        feed = app.feed
        if feed is not None:
            feed.stop()
    result["cpu_ms_median"] = statistics.median(cpu_all)
    result["per_view"] = {k: statistics.median(v) for k, v in result["per_view"].items()}
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", nargs="?", type=Path, default=None)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--profile", type=Path, default=None)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    path = a.path if a.path is not None else committed_run("features")
    result = asyncio.run(measure(path, a.rounds, a.profile, (120, 40)))
    if a.json:
        print(json.dumps(result))
    else:
        views = "  ".join(f"{k} {v:.0f}" for k, v in result["per_view"].items())
        print(f"switch cpu ms median {result['cpu_ms_median']:.0f} (to {views})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
