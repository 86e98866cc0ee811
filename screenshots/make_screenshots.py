"""Make the README's screenshots from real runs: `python screenshots/make_screenshots.py`.

Runs the built-in demo playbook through ansible-runner (about a minute), photographs
the live view mid-way (the tree, the timeline) and at the end (a failure's detail, the log,
a search, a status filter, the Hosts view on the failed host), the committed free-strategy
fixture run, and the committed drift_b run compared with drift_a. Writes SVG files next to
this script.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jobevents.tui.app import JobEventsApp
from jobevents.tui.demo_run import prepare_demo
from jobevents.tui.launch import PlaybookProcess

HERE = Path(__file__).resolve().parent
SIZE = (130, 40)


async def _until(pilot, condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.25)
    await pilot.pause(0.4)


def _shoot(app: JobEventsApp, name: str) -> None:
    app.save_screenshot(name, str(HERE))
    print(f"wrote screenshots/{name}")


async def demo() -> None:
    with tempfile.TemporaryDirectory(prefix="jobevents-shots-") as tmp:
        spec = prepare_demo(Path(tmp))
        process = PlaybookProcess(spec)
        process.start()
        app = JobEventsApp(Path(tmp), ident=spec.ident, process=process)
        async with app.run_test(size=SIZE) as pilot:
            # Mid-way: the free play runs, hosts at their own pace.
            await _until(
                pilot,
                lambda: (
                    app.feed is not None
                    and any(p.name.startswith("Nightly") for p in app.feed.tree.root.children)
                ),
                timeout=180,
            )
            await pilot.pause(2.0)
            _shoot(app, "demo.svg")
            await pilot.press("4")
            await pilot.pause(1.0)
            _shoot(app, "timeline.svg")
            await pilot.press("1")
            await _until(pilot, lambda: not process.running, timeout=180)
            await _until(pilot, lambda: app.feed is not None and app.feed.tree.finished, 10)
            app.clear_notifications()
            await pilot.press("n")  # the first failed or unreachable host
            await pilot.press("n")
            await pilot.pause(1.0)
            _shoot(app, "failure.svg")
            await pilot.press("3")  # the log, at that host's output; then a search in it
            await pilot.press("slash", *"fatal", "enter")
            await pilot.pause(1.0)
            _shoot(app, "log.svg")
            await pilot.press("escape", "1")
            await pilot.press("slash", *"nginx", "enter")
            await pilot.pause(1.0)
            _shoot(app, "search.svg")
            await pilot.press("escape", "s")
            await pilot.pause(1.0)
            _shoot(app, "status-filter.svg")
            # The Hosts view: the failed host first, its recap, failure and facts.
            await pilot.press("escape", "2", "c", "home", "down")
            await pilot.pause(1.5)
            _shoot(app, "hosts.svg")
            await pilot.press("q")


async def free_fixture() -> None:
    run = HERE.parent / "tests" / "fixtures" / "runs" / "seed_free"
    app = JobEventsApp(run, watch=False)
    async with app.run_test(size=(110, 32)) as pilot:
        await _until(pilot, lambda: app.feed is not None and app.feed.loaded.is_set(), 20)
        await pilot.press("e")
        await pilot.pause(0.5)
        _shoot(app, "seed-free-expanded.svg")


async def compare_fixtures() -> None:
    """drift_b (the newer run) compared with drift_a, two real runs of an edited playbook."""
    runs = HERE.parent / "tests" / "fixtures" / "runs"
    with tempfile.TemporaryDirectory(prefix="jobevents-shots-") as tmp:
        artifacts = Path(tmp) / "artifacts"
        for name in ("drift_a", "drift_b"):
            shutil.copytree(runs / name / "artifacts" / name, artifacts / name)
        # drift_b is the newer run: the app opens the run whose folder or job_events/
        # changed last, and a copy keeps the checkout's times on both
        now = time.time()
        for name, when in (("drift_a", now - 3600), ("drift_b", now)):
            for folder in (artifacts / name / "job_events", artifacts / name):
                os.utime(folder, (when, when))
        # the playbooks the runs name, wherever this checkout is (`--project`)
        playbooks = HERE.parent / "tests" / "fixtures" / "playbooks"
        app = JobEventsApp(Path(tmp), watch=False, projects=[playbooks])
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: app.feed is not None and app.feed.loaded.is_set(), 20)
            await pilot.press("d")
            await pilot.pause(1.0)
            await pilot.press("enter")
            await _until(pilot, lambda: app.comparing.marks is not None, 30)
            await pilot.press("e", "end", "N", "N", "N", "N", "N")
            await pilot.pause(1.0)
            _shoot(app, "compare.svg")


def main() -> int:
    asyncio.run(compare_fixtures())
    asyncio.run(free_fixture())
    asyncio.run(demo())
    return 0


if __name__ == "__main__":
    sys.exit(main())
