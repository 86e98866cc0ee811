"""`jobevents-tui watch PATH`: the live view of a run, finished or still going.

PATH may also be a worker stream: `-` reads ansible-runner's worker stream on stdin
(saved as an artifacts folder unless `--no-save`), and a saved stream file is followed
while it grows.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobevents.core.stream_source import StreamSource

from .run import add_theme_option

NAME = "watch"

#: where a stream from stdin is saved unless --save says otherwise (as `run` keeps its runs)
DEFAULT_SAVE = Path(".jobevents")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(NAME, help="show a run live (finished runs too) and keep watching")
    parser.add_argument(
        "path",
        type=Path,
        nargs="?",
        default=Path("."),
        help="private data dir, artifacts/, artifacts/<ident>/, job_events/, a saved worker "
        "stream, or - for ansible-runner's worker stream on stdin (default: .)",
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
    save = parser.add_mutually_exclusive_group()
    save.add_argument(
        "--save",
        type=Path,
        metavar="DIR",
        help="private data dir to save a stream from stdin in, as artifacts/<ident>/ "
        "(default: ./.jobevents)",
    )
    save.add_argument("--no-save", action="store_true", help="do not save a stream read from stdin")
    add_theme_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..cold_start import pause_collector

    pause_collector()  # until the first frame: the start builds only what lives on
    from jobevents.core.folder import NoRunError
    from jobevents.core.loading import is_stream_path

    try:
        stream = is_stream_path(args.path)
        if stream and args.ident is not None:
            raise NoRunError("--ident picks a run under artifacts/; a stream holds one run")
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    if stream:
        return watch_stream(args)

    from ..early_feed import start_feed

    # A child reads the run while Textual's modules load (forked now, while one thread
    # runs); a small run is then whole in the first frame.
    early = start_feed(args.path, args.ident, force_polling=args.poll)

    from ..app import JobEventsApp

    feed = early.ready() if early is not None else None

    projects = [p.expanduser() for p in args.project]
    app = JobEventsApp(
        args.path,
        ident=args.ident,
        force_polling=args.poll,
        projects=projects,
        theme=args.theme,
        early_feed=feed,
        runs=early.runs if early is not None else None,
    )
    return app.run() or 0


def watch_stream(args: argparse.Namespace) -> int:
    """The live view of a worker stream: stdin (saved by default) or a stream file."""
    from jobevents.core.folder import NoRunError
    from jobevents.core.loading import STDIN, open_stream
    from jobevents.core.stream_source import StreamSource

    from ..app import JobEventsApp
    from ..feed import RunFeed

    from_stdin = str(args.path) == STDIN
    save_to = None if args.no_save or not from_stdin else (args.save or DEFAULT_SAVE)
    try:
        if from_stdin:
            fd = stream_off_stdin()
            source = StreamSource(
                fd, label="stdin", owns_fd=True, save_to=save_to, keep_payloads=save_to is None
            )
        else:
            source = open_stream(args.path, follow=True, keep_payloads=True)
    except NoRunError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    feed = RunFeed(source)
    app = JobEventsApp(feed=feed, theme=args.theme)
    try:
        app.run()
    finally:
        feed.stop()
    if save_to is not None:
        if not source.exhausted:
            save_the_rest(source)
        source.flush(None)  # what the feed had no time left to write
    source.close()
    print(summary(source), file=sys.stderr)
    return 0


def stream_off_stdin() -> int:
    """Move the stream off fd 0 and put the terminal there, for Textual's keys.

    Textual reads keys from fd 0 (toolong does the same; Textual issues 4553 and 5531).
    Returns the stream's new descriptor. Raises NoRunError without a stream or a terminal.
    """
    from jobevents.core.folder import NoRunError

    if os.isatty(0):
        raise NoRunError("stdin is a terminal: pipe a worker stream into it")
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        raise NoRunError(
            "no terminal to take keys from (use `jobevents-tui dump -` without one)"
        ) from None
    fd = os.dup(0)
    os.dup2(tty, 0)
    os.close(tty)
    return fd


def save_the_rest(source: StreamSource) -> None:
    """The viewer quit while the stream goes on: save it to its end (ctrl+c stops)."""
    where = source.saved_to or "its folder"
    note = f"jobevents-tui: saving the rest of the stream in {where} (ctrl+c stops)…"
    print(note, file=sys.stderr)
    try:
        while not source.exhausted:
            source.next_batch(2000, wait=None)
            source.flush(None)
    except KeyboardInterrupt:
        source.abandon()
    source.flush(None)


def summary(source: StreamSource) -> str:
    """The line printed after the view closes: how the stream ended, where it was saved."""
    status = source.status() or "unknown"
    rc = f", rc {source.rc()}" if source.rc() is not None else ""
    name = source.ident or source.label
    line = f"jobevents-tui: {name}: {status}{rc}, {source.read_count} events"
    if source.save_failure:
        line += f"; not saved: {source.save_failure}"
    elif source.saved_to is not None:
        folder = source.saved_to
        line += (
            f"; saved in {folder}\n  watch it: jobevents-tui watch {folder.parent.parent} "
            f"--ident {folder.name}"
        )
    return line
