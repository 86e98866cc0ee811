"""The plain baseline for a cold load: list job_events/ and json.loads every file.

Nothing else (no sorting, no model): the floor any viewer's cold load is compared to.

    python tests/bench/baseline_load.py PATH/artifacts/<ident>/job_events
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def baseline_load(job_events_dir: Path) -> int:
    """Read and parse every ``*.json`` event file; return how many there were."""
    d = str(job_events_dir)
    loads = json.loads
    n = 0
    for name in os.listdir(d):
        if not name.endswith(".json"):
            continue
        with open(f"{d}/{name}", "rb") as f:
            loads(f.read())
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(args[0])
    if (path / "job_events").is_dir():  # an ident dir is fine too
        path = path / "job_events"
    t0 = time.perf_counter()
    n = baseline_load(path)
    dt = time.perf_counter() - t0
    print(f"{n} events in {dt:.2f} s = {n / dt if dt else 0:,.0f} events/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
