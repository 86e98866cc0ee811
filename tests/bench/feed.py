"""Replay a generated run into a live folder at a given rate, the way ansible-runner writes it.

Each event is written as ``<name>.json.tmp`` (mode 0600) and renamed to ``<name>.json``,
as runner does, so a watcher sees files appear one by one. The release order is the
counter order, optionally shuffled inside consecutive windows of K events (out-of-order
arrivals). ``status`` is ``running`` while feeding; at the end ``status``/``rc`` (and
``stdout``) are copied from the source, or ``canceled``/254 if the feed was cut short.

    python tests/bench/feed.py SRC_IDENT_DIR DEST_PRIVATE_DATA_DIR --rate 2000 \\
        [--shuffle-window 50] [--duration 30]

writes into ``DEST_PRIVATE_DATA_DIR/artifacts/<ident of SRC>/``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _events_dir(src: Path) -> Path:
    """Accept an ident dir (with job_events/) or the job_events dir itself."""
    return src / "job_events" if (src / "job_events").is_dir() else src


def release_order(names: list[str], shuffle_window: int = 0, seed: int = 0) -> list[str]:
    """Counter order, then a random permutation inside each window of ``shuffle_window``."""
    order = sorted(
        (n for n in names if n.endswith(".json") and not n.endswith("-partial.json")),
        key=lambda n: int(n.split("-", 1)[0]),
    )
    if shuffle_window > 1:
        rng = random.Random(seed)
        for i in range(0, len(order), shuffle_window):
            window = order[i : i + shuffle_window]
            rng.shuffle(window)
            order[i : i + shuffle_window] = window
    return order


def _write(path: Path, text: str) -> None:
    fd = os.open(path, _FLAGS, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def feed(
    src: Path,
    dest_ident_dir: Path,
    *,
    rate: float,
    shuffle_window: int = 0,
    on_release: Callable[[str, float], None] | None = None,
    stop: threading.Event | None = None,
    duration: float | None = None,
    seed: int = 0,
    force: bool = False,
) -> None:
    """Release the event files of ``src`` into ``dest_ident_dir/job_events`` at ``rate``/s.

    ``on_release(filename, time.monotonic())`` is called right after each rename.
    Event i is due at ``start + i / rate`` (a monotonic schedule; late events go out in a
    burst to catch up). Feeding ends when all events are out, ``stop`` is set, or
    ``duration`` seconds have passed. Raises FileExistsError if the destination already
    holds events, unless ``force`` (then the destination ident dir is emptied first).
    """
    if rate <= 0:
        raise ValueError("rate must be > 0")
    src = Path(src)
    dest_ident_dir = Path(dest_ident_dir)
    src_events = _events_dir(src)
    src_ident = src_events.parent if src_events.name == "job_events" else src
    order = release_order(os.listdir(src_events), shuffle_window, seed)

    dest_events = dest_ident_dir / "job_events"
    if dest_events.exists() and any(os.scandir(dest_events)):
        if not force:
            raise FileExistsError(f"{dest_events} is not empty (use force=True / --force)")
        shutil.rmtree(dest_ident_dir)
    dest_ident_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    dest_events.mkdir(exist_ok=True, mode=0o700)
    if (src_ident / "command").exists():
        shutil.copyfile(src_ident / "command", dest_ident_dir / "command")
    _write(dest_ident_dir / "status", "running")

    src_dir = str(src_events)
    dst_dir = str(dest_events)
    total = len(order)
    released = 0
    interval = 1.0 / rate
    monotonic = time.monotonic
    t0 = monotonic()
    deadline = t0 + duration if duration is not None else None
    while released < total:
        if stop is not None and stop.is_set():
            break
        now = monotonic()
        if deadline is not None and now >= deadline:
            break
        due = min(total, int((now - t0) * rate) + 1)
        if due <= released:
            # sleep until the next event is due (short naps keep ``stop`` responsive)
            time.sleep(min(t0 + released * interval - now, 0.05))
            continue
        for name in order[released:due]:
            with open(f"{src_dir}/{name}", "rb") as f:
                data = f.read()
            tmp = f"{dst_dir}/{name}.tmp"
            fd = os.open(tmp, _FLAGS, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            os.rename(tmp, f"{dst_dir}/{name}")
            if on_release is not None:
                on_release(name, monotonic())
        released = due

    if released == total:
        for name in ("stdout", "stderr"):
            if (src_ident / name).exists():
                shutil.copyfile(src_ident / name, dest_ident_dir / name)
        rc = (src_ident / "rc").read_text() if (src_ident / "rc").exists() else "0"
        _write(dest_ident_dir / "rc", rc)
        status = (src_ident / "status").read_text() if (src_ident / "status").exists() else ""
        _write(dest_ident_dir / "status", status or ("successful" if rc == "0" else "failed"))
    else:  # cut short: what runner leaves after a cancel
        _write(dest_ident_dir / "rc", "254")
        _write(dest_ident_dir / "status", "canceled")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src", type=Path, help="generated ident dir (or its job_events/)")
    p.add_argument("dest", type=Path, help="private data dir to feed (artifacts/<ident>/...)")
    p.add_argument("--rate", type=float, default=2000.0, help="events per second")
    p.add_argument("--shuffle-window", type=int, default=0, help="shuffle within K events")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=0, help="seed of the shuffle")
    p.add_argument("--force", action="store_true", help="empty a destination that has events")
    a = p.parse_args(argv)
    src_events = _events_dir(a.src)
    ident = (src_events.parent if src_events.name == "job_events" else a.src).name
    dest = a.dest / "artifacts" / ident
    times: list[float] = []
    try:
        feed(
            a.src,
            dest,
            rate=a.rate,
            shuffle_window=a.shuffle_window,
            on_release=lambda _name, t: times.append(t),
            duration=a.duration,
            seed=a.seed,
            force=a.force,
        )
    except KeyboardInterrupt:
        _write(dest / "status", "canceled")
        _write(dest / "rc", "254")
    n = len(times)
    print(dest)
    if n > 1:
        span = times[-1] - times[0]
        # lag of each release behind the schedule first + i / rate
        lag = sorted(t - (times[0] + i / a.rate) for i, t in enumerate(times))
        print(
            f"released {n} events in {span:.2f} s = {(n - 1) / span:,.0f} events/s "
            f"(asked {a.rate:,.0f}/s); lag behind schedule p50 {lag[n // 2] * 1e3:.1f} ms, "
            f"max {lag[-1] * 1e3:.1f} ms; status={(dest / 'status').read_text()}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
