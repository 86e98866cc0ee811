"""`jobevents-tui profile PATH`: where a run's time went, slowest tasks and hosts, no UI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "profile"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        NAME,
        help="print a run's slowest tasks and hosts (right under free and serial) and exit",
        description="Where a run's time went. A task's wall time is its last host end minus "
        "its first host start; its busy time, how long any host was running it; a host's "
        "total, the sum of its host runs' durations.",
    )
    parser.add_argument(
        "path",
        type=Path,
        help="private data dir, artifacts/, artifacts/<ident>/ or job_events/",
    )
    parser.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    parser.add_argument(
        "--top", type=int, default=20, metavar="N", help="tasks and hosts shown (0: all)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from jobevents.core.folder import NoRunError
    from jobevents.core.loading import load_path
    from jobevents.core.pair_loading import require_readable
    from jobevents.core.profile_report import profile_document, profile_text
    from jobevents.core.timing import RunTimes

    from .unreadable import report_unreadable, write_json

    if args.top < 0:
        print("jobevents-tui: --top must be 0 (all) or more", file=sys.stderr)
        return 2
    try:
        loaded = load_path(args.path, args.ident)
        require_readable(loaded)
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    folder = loaded.folder.job_events if loaded.folder is not None else loaded.label
    report_unreadable(folder, loaded.errors)
    times = RunTimes(loaded.tree)
    top = args.top or None
    if args.format == "json":
        write_json(profile_document(loaded, times, top))
    else:
        print(profile_text(loaded, times, top))
    return 0
