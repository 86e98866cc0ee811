"""`jobevents-tui diff A B`: what changed from run A to run B; exit 1 on new failures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "diff"

#: exit codes: a CI gate
NO_NEW_FAILURES, NEW_FAILURES, ERROR = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        NAME,
        help="compare two runs: new failures, fixes, status and task changes, timings",
        description="Compare run A with run B. Exit 0 when B has no new failures, 1 when "
        "it has, 2 on error. With one PATH, B is its run (--b-ident, else the newest) and A "
        "the run --a-ident beside it, else the previous run of the same playbook there.",
    )
    parser.add_argument(
        "paths",
        type=Path,
        nargs="+",
        metavar="PATH",
        help="A and B (each a private data dir, artifacts/, artifacts/<ident>/ or "
        "job_events/), or one PATH holding both",
    )
    parser.add_argument(
        "--a-ident", metavar="IDENT", help="which run is A (under A's PATH, or beside B)"
    )
    parser.add_argument("--b-ident", metavar="IDENT", help="which run is B (default: the newest)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--ratio",
        type=float,
        metavar="R",
        default=1.5,
        help="slower/faster: wall time at least this many times A's (default 1.5) ...",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        default=1.0,
        help="... and at least this many seconds apart (default 1)",
    )
    parser.add_argument("--all", action="store_true", help="text: list every line")


def run(args: argparse.Namespace) -> int:
    from jobevents.core.comparison import Thresholds, compare
    from jobevents.core.diff_report import diff_document, diff_text
    from jobevents.core.folder import NoRunError
    from jobevents.core.pair_loading import outline_pair, pick_pair

    from .unreadable import report_unreadable, write_json

    if len(args.paths) > 2:
        print("jobevents-tui: diff takes one or two paths", file=sys.stderr)
        return ERROR
    if args.ratio < 1 or args.seconds < 0:
        print("jobevents-tui: --ratio must be at least 1, --seconds at least 0", file=sys.stderr)
        return ERROR
    try:
        a_source, b_source = pick_pair(args.paths, args.a_ident, args.b_ident)
        a, b = outline_pair(a_source, b_source)
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return ERROR
    for side in (a, b):
        report_unreadable(side.info.events_dir or side.info.label, side.info.errors)
    thresholds = Thresholds(ratio=args.ratio, seconds=args.seconds)
    diff = compare(a.outline, b.outline, thresholds)
    if args.format == "json":
        write_json(diff_document(a.info, b.info, diff, thresholds))
    else:
        print(diff_text(a.info, b.info, diff, thresholds, limit=None if args.all else 10))
    return NEW_FAILURES if diff.new_failures else NO_NEW_FAILURES
