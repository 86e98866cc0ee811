"""`jobevents-tui`: the command line. Each subcommand lives in `commands/` and imports
only what it needs, so `dump` never loads Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import COMMANDS

#: commands that pass what follows `--` on (to ansible-playbook, or to a served command)
PASSTHROUGH = frozenset({"run", "serve"})


def _version() -> str:
    # Imported here: importlib.metadata costs a fifth of a second at every start.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jobevents-tui")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class _VersionAction(argparse.Action):
    """`--version`, looked up only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobevents-tui",
        description="See an Ansible run as a live tree, from ansible-runner's job events.",
    )
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="show program's version number and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line; what follows `--` is passed on as is, for commands that take it."""
    words = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in words:
        at = words.index("--")
        words, passthrough = words[:at], words[at + 1 :]
    args = build_parser().parse_args(words)
    if passthrough and args.command not in PASSTHROUGH:
        build_parser().error(f"arguments after -- are only for {', '.join(sorted(PASSTHROUGH))}")
    args.ansible_args = passthrough
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    by_name = {command.NAME: command for command in COMMANDS}
    command = by_name.get(args.command)
    if command is None:
        build_parser().print_help()
        return 2
    try:
        return int(command.run(args))
    except BrokenPipeError:  # `dump | head`: the reader left, which is fine
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
