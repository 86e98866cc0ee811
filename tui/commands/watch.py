"""`jobevents-tui watch PATH`: the live view of a run, finished or still going."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "watch"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(NAME, help="show a run live (finished runs too) and keep watching")
    parser.add_argument(
        "path",
        type=Path,
        nargs="?",
        default=Path("."),
        help="private data dir, artifacts/, artifacts/<ident>/ or job_events/ (default: .)",
    )
    parser.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    parser.add_argument(
        "--project",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="where the run's playbooks are on this machine, when their task_path is stale "
        "(a run copied from elsewhere); repeatable",
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="poll the folder instead of inotify (NFS, some containers)",
    )


def run(args: argparse.Namespace) -> int:
    from ..app import JobEventsApp

    projects = [p.expanduser() for p in args.project]
    app = JobEventsApp(args.path, ident=args.ident, force_polling=args.poll, projects=projects)
    return app.run() or 0
