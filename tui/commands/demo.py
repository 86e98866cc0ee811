"""`jobevents-tui demo`: the built-in playbook, run and watched live."""

from __future__ import annotations

import argparse
from pathlib import Path

from .run import add_theme_option

NAME = "demo"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(NAME, help="run the built-in demo playbook and watch it live")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="private data dir to run in and keep (default: a fresh temp dir)",
    )
    add_theme_option(parser)


def run(args: argparse.Namespace) -> int:
    from ..demo_run import prepare_demo
    from .run import launch_and_watch

    return launch_and_watch(prepare_demo(args.keep), theme=args.theme)
