"""Shared pytest fixtures. Add new ones in their own section below.

Real runs (see tests/fixtures/README.md):
- ``committed_run(name)``: a committed run,
  ``tests/fixtures/runs/<name>/artifacts/<ident>``.
- ``live_runs[name]``: the same scenario run FRESH by ansible-runner for this session (all
  scenarios start concurrently on first use; ``live_runs[name]`` waits only for that one).
  Tests that use it should be marked ``@pytest.mark.slow``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
COMMITTED_RUNS_DIR = FIXTURES_DIR / "runs"


# --- real runs ------------------------------------------------------------------------------


class LiveRuns(Mapping[str, Path]):
    """Scenario name -> ``artifacts/<ident>`` of a fresh run; a lookup waits for its run."""

    def __init__(self, futures: dict[str, Future[Path]]) -> None:
        self._futures = futures

    def __getitem__(self, name: str) -> Path:
        return self._futures[name].result()

    def __iter__(self) -> Iterator[str]:
        return iter(self._futures)

    def __len__(self) -> int:
        return len(self._futures)


@pytest.fixture(scope="session")
def live_runs(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[LiveRuns]:
    """Every scenario of ``tests.fixtures.runners.SCENARIOS``, run fresh, concurrently.

    Under xdist the workers share one set of runs (a playbook run is the costliest thing the
    suite does): each scenario runs once, in whichever worker locks it first, the others wait
    for it and read where it went. ``JOBEVENTS_LIVE_WORKERS`` caps how many run at once in a
    worker (default: all of them).
    """
    from tests.fixtures.runners import SCENARIOS

    shared = worker_id != "master"
    base = tmp_path_factory.getbasetemp()
    base = base.parent / "live_runs" if shared else base / "live_runs"
    base.mkdir(parents=True, exist_ok=True)
    workers = int(os.environ.get("JOBEVENTS_LIVE_WORKERS", "0")) or len(SCENARIOS)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="live-run")
    try:
        yield LiveRuns({name: pool.submit(_run_once, base, name) for name in SCENARIOS})
    finally:
        pool.shutdown(wait=True)


def _run_once(base: Path, name: str) -> Path:
    """Run scenario `name` under `base` unless another worker did; its artifacts dir.

    A lock file per scenario (flock: released if its holder dies) makes the others wait; a
    run that raised leaves no record, so the next worker to ask runs it again.
    """
    from tests.fixtures.runners import SCENARIOS

    record = base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            return Path(record.read_text(encoding="utf-8"))
        pdd = base / name
        if pdd.exists():
            shutil.rmtree(pdd)  # a run that failed half-way in another worker
        path = SCENARIOS[name](pdd)
        record.write_text(str(path), encoding="utf-8")
        return path


@pytest.fixture(scope="session")
def committed_run() -> Callable[[str], Path]:
    """``committed_run("seed_free")`` -> ``tests/fixtures/runs/seed_free/artifacts/seed_free``."""
    from tests.fixtures.paths import committed_run as get

    return get


# --- settings -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _settings_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test reads and writes settings in a fresh temporary dir, never the user's."""
    path = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("JOBEVENTS_TUI_CONFIG_DIR", str(path))
    return path
