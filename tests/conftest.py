"""Shared pytest fixtures. Add new ones in their own section below.

Real runs (see tests/fixtures/README.md):
- ``committed_run(name)``: a committed run,
  ``tests/fixtures/runs/<name>/artifacts/<ident>``.
- ``live_runs[name]``: the same scenario run FRESH by ansible-runner for this session (all
  scenarios start concurrently on first use; ``live_runs[name]`` waits only for that one).
  Tests that use it should be marked ``@pytest.mark.slow``.
"""

from __future__ import annotations

import os
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
def live_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRuns]:
    """Every scenario of ``tests.fixtures.runners.SCENARIOS``, run fresh, concurrently.

    ``JOBEVENTS_LIVE_WORKERS`` caps how many run at once (default: all of them).
    """
    from tests.fixtures.runners import SCENARIOS

    base = tmp_path_factory.mktemp("live_runs")
    workers = int(os.environ.get("JOBEVENTS_LIVE_WORKERS", "0")) or len(SCENARIOS)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="live-run")
    try:
        yield LiveRuns({name: pool.submit(run, base / name) for name, run in SCENARIOS.items()})
    finally:
        pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def committed_run() -> Callable[[str], Path]:
    """``committed_run("seed_free")`` -> ``tests/fixtures/runs/seed_free/artifacts/seed_free``."""
    from tests.fixtures.paths import committed_run as get

    return get
