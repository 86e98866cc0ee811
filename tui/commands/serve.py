"""`jobevents-tui serve [PATH | -- COMMAND ARGS]`: the app in a browser, safe by default.

Each browser tab gets its own app (`watch PATH`, or the jobevents-tui command line after
`--`), served by textual-serve behind `tui/web.py`'s guards: loopback only unless `--host`
(then `--public-url` is required), a random token in the URL, no foreign pages.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

NAME = "serve"

#: commands that are not an app to serve
NOT_SERVED = frozenset({"serve", "dump", "profile", "diff"})


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        NAME,
        help="serve the app to web browsers (each tab gets its own app)",
        description="Serve `watch PATH`, or the jobevents-tui command line after --, through "
        "textual-serve: each browser tab gets its own app. Prints the URL to open (it holds "
        "a random token; without it every request is refused).",
    )
    parser.add_argument(
        "path",
        type=Path,
        nargs="?",
        help="what `watch` shows in each tab: a private data dir, artifacts/, a run (default: .)",
    )
    parser.add_argument("--ident", help="which run under artifacts/ (default: the newest)")
    parser.add_argument("--port", type=int, default=8000, help="port (0: a free one; default 8000)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only); any other "
        "needs --public-url",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL browsers reach the server by (behind a proxy, or with --host)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=8,
        metavar="N",
        help="apps running at once, one a tab (default 8)",
    )


class UsageError(Exception):
    """A mistake in the command line, said in one line."""


def served_command(args: argparse.Namespace) -> list[str]:
    """The argument list each tab's app runs: `watch PATH` or the words after `--`."""
    base = [sys.executable, "-m", "jobevents.tui.cli"]
    words = list(args.ansible_args)
    if words:
        if args.path is not None or args.ident is not None:
            raise UsageError("give PATH or a command after --, not both")
        from . import COMMANDS

        known = {command.NAME for command in COMMANDS} - NOT_SERVED
        if words[0] not in known:
            raise UsageError(f"-- {words[0]}: serve one of {', '.join(sorted(known))}")
        if words[0] == "watch" and "-" in words[1:]:
            raise UsageError("watch - reads stdin, which a served app does not have")
        return [*base, *words]
    path = args.path if args.path is not None else Path(".")
    if str(path) == "-":
        raise UsageError("a served app has no stdin: save the stream, then serve its folder")
    command = [*base, "watch", str(path.expanduser().resolve())]
    if args.ident is not None:
        command += ["--ident", args.ident]
    return command


def check_address(args: argparse.Namespace) -> None:
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.public_url:
        raise UsageError(f"--host {args.host} needs --public-url (the URL browsers will use)")
    if args.public_url:
        parts = urlsplit(args.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--public-url {args.public_url}: not an http(s) URL")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port")
    if args.max_sessions < 1:
        raise UsageError("--max-sessions must be at least 1")


def run(args: argparse.Namespace) -> int:
    try:
        check_address(args)
        argv = served_command(args)
    except UsageError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    import secrets  # here: every command's module is imported by the CLI, `watch` too
    import shlex

    from ..web import GuardedServer

    def announce(url: str) -> None:
        print(f"jobevents-tui: open {url}  (ctrl+c stops)", flush=True)

    server = GuardedServer(
        # textual-serve runs it through /bin/sh: every word quoted, and `exec` so that the
        # app is the process textual-serve knows (and stops), not a shell around it
        "exec " + shlex.join(argv),
        token=secrets.token_urlsafe(24),
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        max_sessions=args.max_sessions,
        announce=announce,
    )
    try:
        server.serve()
    except OSError as exc:
        print(f"jobevents-tui: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    # Every tab and app is closed by now. The interpreter's own teardown of aiohttp's and
    # Textual's modules takes another half second here: past the second a stop may take.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
