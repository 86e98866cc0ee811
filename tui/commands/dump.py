"""`jobevents-tui dump PATH`: the tree as text or as the JSON of tree-json.md, no UI.

PATH may be a worker stream (`-` for stdin, or a saved stream file): it is read to its
end and nothing is saved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobevents.core.stream import StreamState

NAME = "dump"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(NAME, help="print a run's tree as text or JSON and exit")
    parser.add_argument(
        "path",
        type=Path,
        help="private data dir, artifacts/, artifacts/<ident>/, job_events/, "
        "a saved worker stream, or - for a worker stream on stdin",
    )
    parser.add_argument("--format", choices=("tree", "json"), default="tree")
    parser.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    parser.add_argument("--list", action="store_true", help="list the runs under PATH and exit")


def run(args: argparse.Namespace) -> int:
    from jobevents.core.folder import NoRunError, find_runs
    from jobevents.core.loading import load_path
    from jobevents.core.render import recap_text, render_text, write_json

    if args.list:
        runs = find_runs(args.path)
        for folder in runs:
            print(f"{folder.ident or folder.job_events}\t{folder.status() or '-'}")
        return 0 if runs else 2
    try:
        loaded = load_path(args.path, args.ident)
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    where = loaded.folder.job_events if loaded.folder is not None else Path(loaded.label)
    for name, why in sorted(loaded.errors.items()):
        place = f"{where} {name}" if loaded.stream is not None else str(where / name)
        print(f"jobevents-tui: {place}: {why}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.flush()
        write_json(sys.stdout.buffer, loaded)
        sys.stdout.buffer.flush()
        return 0
    print(render_text(loaded.tree))
    recap = recap_text(loaded.tree.recap)
    if recap:
        print()
        print(recap)
    print()
    status = loaded.status or "unknown"
    print(f"{loaded.ident or loaded.label}: {status}, {loaded.events} events", end="")
    if loaded.stream is not None:
        print(stream_summary(loaded.stream), end="")
    print(f", {len(loaded.errors)} unreadable" if loaded.errors else "")
    return 0


def stream_summary(state: StreamState) -> str:
    """`, rc 2, stream ended`: what a stream adds to the last line of a text dump."""
    parts = [""]
    if state.rc is not None:
        parts.append(f"rc {state.rc}")
    parts.append("stream lost (no eof)" if state.lost else "stream ended")
    if state.output_count:
        parts.append(f"{state.output_count} lines of worker output")
    if state.explanation:
        parts.append(f"error: {' '.join(state.explanation.split())[:200]}")
    return ", ".join(parts)
