"""An `artifacts/` of many runs, as CI machines and AWX nodes keep them (issue 14, target 6).

Each run is a small `generate.py` run in runner's exact format: its own ident (a uuid, as
runner names runs by default), playbook, size, strategy and start time, with folder
times that match (the newest run started last). Statuses vary as on a real node: most
runs finished (successful or failed, from their recap), some were canceled or timed out
(cut short, no recap), a few are still running (cut short, `status` running, no `rc`),
and a few are starting (no event yet). Deterministic for a seed::

    python tests/bench/generate_many.py /tmp/bench/many --runs 1000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import T0, generate_run

PLAYBOOKS = ("site.yml", "deploy.yml", "patch.yml", "backup.yml", "users.yml", "certs.yml")
#: one run starts every this many seconds on average, going back from T0
EVERY = 900.0
#: share of runs cut short, by the status runner leaves: (status, rc, share)
CUT = (("canceled", "254", 0.04), ("timeout", "254", 0.01), ("running", None, 0.01))
#: share of runs with a folder and no event yet (status "starting")
STARTING = 0.005


def generate_many(out_dir: Path, runs: int, *, seed: int = 0, force: bool = False) -> Path:
    """Write `runs` runs under `out_dir/artifacts/`; return that folder."""
    artifacts = Path(out_dir) / "artifacts"
    if artifacts.exists():
        if not force:
            raise FileExistsError(f"{artifacts} exists (use force=True / --force)")
        shutil.rmtree(artifacts)
    rng = random.Random(seed)
    started = T0 - runs * EVERY
    for i in range(runs):
        started += rng.uniform(0.2, 1.8) * EVERY
        ident = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        newest = i >= runs - 20  # the live ones are the latest
        roll = rng.random()
        if newest and roll < 0.25:
            _starting(artifacts / ident, started)
            continue
        ident_dir = generate_run(
            out_dir,
            hosts=rng.choice((1, 2, 3, 5, 8, 12, 20, 40)),
            tasks=rng.randint(3, 25),
            strategy=rng.choice(("linear", "linear", "linear", "free")),
            seed=rng.getrandbits(32),
            ident=ident,
            failure_rate=rng.choice((0.0, 0.002, 0.01, 0.05)),
            loop_every=rng.choice((0, 5, 10)),
            unreachable=rng.choice((0, 0, 0, 1)),
            playbook=rng.choice(PLAYBOOKS),
            started=started,
        )
        cut = _cut_status(rng, newest)
        if cut is not None:
            _cut_short(ident_dir, rng, *cut)
        _age(ident_dir, started)
    return artifacts


def _cut_status(rng: random.Random, newest: bool) -> tuple[str, str | None] | None:
    if newest:
        return ("running", None) if rng.random() < 0.5 else None
    roll = rng.random()
    for status, rc, share in CUT:
        if roll < share:
            return status, rc
        roll -= share
    return None


def _cut_short(ident_dir: Path, rng: random.Random, status: str, rc: str | None) -> None:
    """Drop the run's last events (and its recap), as a run stopped or still going."""
    job_events = ident_dir / "job_events"
    names = sorted(os.listdir(job_events), key=lambda n: int(n.split("-", 1)[0]))
    keep = max(1, int(len(names) * rng.uniform(0.2, 0.9)))
    for name in names[keep:]:
        os.unlink(job_events / name)
    (ident_dir / "status").write_text(status)
    if rc is None:
        (ident_dir / "rc").unlink()
    else:
        (ident_dir / "rc").write_text(rc)


def _starting(ident_dir: Path, started: float) -> None:
    (ident_dir / "job_events").mkdir(parents=True)
    (ident_dir / "status").write_text("starting")
    _age(ident_dir, started)


def _age(ident_dir: Path, started: float) -> None:
    """Folder and file times as runner left them: the last write near the run's end."""
    newest = started
    for path in ident_dir.rglob("*"):
        os.utime(path, (started + 1, started + 1))
    for path in (ident_dir / "job_events", ident_dir):
        os.utime(path, (newest + 2, newest + 2))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir", type=Path, help="private data dir to write (artifacts/<ident>/...)")
    p.add_argument("--runs", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="replace an existing artifacts/")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    artifacts = generate_many(a.out_dir, a.runs, seed=a.seed, force=a.force)
    print(artifacts)
    print(f"{a.runs} runs in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
