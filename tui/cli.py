"""`jobevents-tui`: the command line. Subcommands import only what they need."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .launch import LaunchSpec


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

    demo = sub.add_parser("demo", help="run the built-in demo playbook and watch it live")
    demo.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="private data dir to run in and keep (default: a fresh temp dir)",
    )

    run = sub.add_parser(
        "run",
        help="run a playbook through ansible-runner and watch it live",
        description="Run PLAYBOOK through ansible-runner and watch it live. "
        "Exits with the playbook's return code. Arguments after -- go to ansible-playbook.",
    )
    run.add_argument("playbook", type=Path)
    run.add_argument(
        "-i",
        "--inventory",
        action="append",
        default=[],
        help="inventory file, directory or host list (repeatable)",
    )
    run.add_argument(
        "--private-data-dir",
        type=Path,
        default=Path(".jobevents"),
        help="where runner keeps its artifacts (default: ./.jobevents)",
    )
    run.add_argument(
        "-e",
        "--extra-vars",
        action="append",
        default=[],
        metavar="VARS",
        help="key=value pairs, YAML/JSON, or @file (repeatable)",
    )
    run.add_argument("--limit", "-l", help="limit to hosts matching this pattern")
    run.add_argument("--ident", help="runner ident of this run (default: a timestamp)")

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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line; for `run`, what follows `--` goes to ansible-playbook as is."""
    words = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in words:
        at = words.index("--")
        words, passthrough = words[:at], words[at + 1 :]
    args = build_parser().parse_args(words)
    if passthrough and args.command != "run":
        build_parser().error("arguments after -- are only for `run`")
    args.ansible_args = passthrough
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parse_args(argv)
    try:
        if args.command == "dump":
            return _dump(args)
        if args.command == "watch":
            return _watch(args)
        if args.command == "demo":
            return _demo(args)
        if args.command == "run":
            return _run(args)
    except BrokenPipeError:  # `dump | head`: the reader left, which is fine
        sys.stderr.close()
        return 0
    parser.print_help()
    return 2


def _watch(args: argparse.Namespace) -> int:
    from .app import JobEventsApp

    app = JobEventsApp(args.path, ident=args.ident, force_polling=args.poll)
    return app.run() or 0


def _demo(args: argparse.Namespace) -> int:
    from .demo_run import prepare_demo

    return _launch_and_watch(prepare_demo(args.keep))


class UsageError(Exception):
    """A mistake in the command line, said in one line."""


def _run(args: argparse.Namespace) -> int:
    try:
        spec = run_spec(args)
    except UsageError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    return _launch_and_watch(spec)


def run_spec(args: argparse.Namespace) -> LaunchSpec:
    """The run `jobevents-tui run ...` asks for; UsageError before anything starts."""
    from .launch import LaunchSpec, new_ident, runner_env

    playbook = args.playbook.expanduser()
    if not playbook.is_file():
        raise UsageError(f"playbook not found: {playbook}")
    inventories = []
    for inventory in args.inventory:
        path = Path(inventory).expanduser()
        if path.exists():
            inventories.append(str(path.resolve()))
        elif "," in inventory:
            inventories.append(inventory)  # an inline host list: "web1,web2,"
        else:
            raise UsageError(f"inventory not found: {inventory}")
    try:
        extravars = _extra_vars(args.extra_vars)
    except (ValueError, yaml_error()) as exc:
        raise UsageError("-e: " + " ".join(str(exc).split())[:200]) from None
    return LaunchSpec(
        private_data_dir=str(args.private_data_dir.expanduser().resolve()),
        playbook=str(playbook.resolve()),
        ident=args.ident or new_ident(),
        inventory=inventories,
        extravars=extravars,
        limit=args.limit,
        cmdline=list(args.ansible_args),
        envvars=runner_env(),
    )


def yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _extra_vars(values: list[str]) -> dict[str, object]:
    """`-e` as ansible-playbook takes it: key=value pairs, a YAML/JSON mapping, or @file."""
    import shlex

    import yaml

    merged: dict[str, object] = {}
    for value in values:
        if value.startswith("@"):
            try:
                loaded = yaml.safe_load(Path(value[1:]).expanduser().read_text())
            except OSError as exc:
                raise ValueError(f"cannot read {value[1:]}: {exc.strerror}") from None
        elif value.lstrip().startswith(("{", "---")):
            loaded = yaml.safe_load(value)
        else:
            loaded = {}
            for pair in shlex.split(value):
                key, sep, val = pair.partition("=")
                if not sep or not key:
                    raise ValueError(f"expected key=value, got {pair!r}")
                loaded[key] = val
        if not isinstance(loaded, dict):
            raise ValueError(f"not a mapping: {value!r}")
        merged.update(loaded)
    return merged


def _launch_and_watch(spec: LaunchSpec) -> int:
    from .app import JobEventsApp
    from .launch import PlaybookProcess

    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(Path(spec.private_data_dir), ident=spec.ident, process=process)
    try:
        app.run()
    finally:
        if app.left_run is None and process.running:
            process.cancel()  # the viewer died: do not leave an orphan run behind
            process.wait(30)
    if app.left_run == "detach" and process.running:
        print(f"jobevents-tui: the run goes on in the background (pid {process.pid}).")
        print(f"  artifacts: {spec.ident_dir}")
        print(f"  watch it:  jobevents-tui watch {spec.private_data_dir} --ident {spec.ident}")
        return 0
    process.wait(60)
    rc = process.rc()
    status = (
        (spec.ident_dir / "status").read_text().strip()
        if (spec.ident_dir / "status").is_file()
        else "unknown"
    )
    print(f"jobevents-tui: {spec.ident}: {status}, rc {rc}; artifacts in {spec.ident_dir}")
    return rc


def _dump(args: argparse.Namespace) -> int:
    from jobevents.core.folder import NoRunError, find_runs, open_run
    from jobevents.core.render import load_run, recap_text, render_text, write_json

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
        sys.stdout.flush()
        write_json(sys.stdout.buffer, run, tree, reader)
        sys.stdout.buffer.flush()
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
