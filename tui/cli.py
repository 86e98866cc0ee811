"""`jobevents-tui`: the command line. Subcommands import only what they need."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _version() -> str:
    try:
        return version("jobevents-tui")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobevents-tui",
        description="See an Ansible run as a live tree, from ansible-runner's job events.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    watch = sub.add_parser("watch", help="show a run live (finished runs too) and keep watching")
    watch.add_argument(
        "path",
        type=Path,
        nargs="?",
        default=Path("."),
        help="private data dir, artifacts/, artifacts/<ident>/ or job_events/ (default: .)",
    )
    watch.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    watch.add_argument(
        "--poll",
        action="store_true",
        help="poll the folder instead of inotify (NFS, some containers)",
    )

    dump = sub.add_parser("dump", help="print a run's tree as text or JSON and exit")
    dump.add_argument(
        "path",
        type=Path,
        help="private data dir, artifacts/, artifacts/<ident>/ or job_events/",
    )
    dump.add_argument("--format", choices=("tree", "json"), default="tree")
    dump.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    dump.add_argument("--list", action="store_true", help="list the runs under PATH and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "dump":
            return _dump(args)
        if args.command == "watch":
            return _watch(args)
    except BrokenPipeError:  # `dump | head`: the reader left, which is fine
        sys.stderr.close()
        return 0
    parser.print_help()
    return 2


def _watch(args: argparse.Namespace) -> int:
    from .app import JobEventsApp

    app = JobEventsApp(args.path, ident=args.ident, force_polling=args.poll)
    return app.run() or 0


def _dump(args: argparse.Namespace) -> int:
    from jobevents.core.folder import NoRunError, find_runs, open_run
    from jobevents.core.render import dump_document, load_run, recap_text, render_text

    if args.list:
        runs = find_runs(args.path)
        for run in runs:
            print(f"{run.ident or run.job_events}\t{run.status() or '-'}")
        return 0 if runs else 2
    try:
        run = open_run(args.path, args.ident)
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    tree, reader = load_run(run)
    for name, why in sorted(reader.errors.items()):
        print(f"jobevents-tui: {run.job_events / name}: {why}", file=sys.stderr)
    if args.format == "json":
        json.dump(dump_document(run, tree, reader), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(render_text(tree))
    recap = recap_text(tree.recap)
    if recap:
        print()
        print(recap)
    print()
    status = run.status() or "unknown"
    print(f"{run.ident or run.job_events}: {status}, {reader.read_count} events", end="")
    print(f", {len(reader.errors)} unreadable" if reader.errors else "")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
