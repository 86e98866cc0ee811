"""`jobevents-tui run PLAYBOOK`: run a playbook through ansible-runner and watch it live."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..launch import LaunchSpec

NAME = "run"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        NAME,
        help="run a playbook through ansible-runner and watch it live",
        description="Run PLAYBOOK through ansible-runner and watch it live. "
        "Exits with the playbook's return code. Arguments after -- go to ansible-playbook.",
    )
    parser.add_argument("playbook", type=Path)
    parser.add_argument(
        "-i",
        "--inventory",
        action="append",
        default=[],
        help="inventory file, directory or host list (repeatable)",
    )
    parser.add_argument(
        "--private-data-dir",
        type=Path,
        default=Path(".jobevents"),
        help="where runner keeps its artifacts (default: ./.jobevents)",
    )
    parser.add_argument(
        "-e",
        "--extra-vars",
        action="append",
        default=[],
        metavar="VARS",
        help="key=value pairs, YAML/JSON, or @file (repeatable)",
    )
    parser.add_argument("--limit", "-l", help="limit to hosts matching this pattern")
    add_theme_option(parser)
    parser.add_argument("--ident", help="runner ident of this run (default: a timestamp)")
    parser.add_argument(
        "--worker",
        metavar="CMD",
        help="run the playbook through this ansible-runner worker command, for example "
        "'ssh buildhost ansible-runner worker' (split like a shell would, not run by one); "
        "its stream is saved under the private data dir",
    )


class UsageError(Exception):
    """A mistake in the command line, said in one line."""


def run(args: argparse.Namespace) -> int:
    try:
        spec = run_spec(args)
    except UsageError as exc:
        print(f"jobevents-tui: {exc}", file=sys.stderr)
        return 2
    return launch_and_watch(spec, theme=args.theme)


def run_spec(args: argparse.Namespace) -> LaunchSpec:
    """The run `jobevents-tui run ...` asks for; UsageError before anything starts."""
    from ..launch import LaunchSpec, new_ident, runner_env

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
    private_data_dir = args.private_data_dir.expanduser().resolve()
    worker = _worker_command(args.worker)
    if worker and args.ident and (private_data_dir / "artifacts" / args.ident).exists():
        raise UsageError(f"--ident {args.ident}: {private_data_dir}/artifacts/ has it already")
    return LaunchSpec(
        private_data_dir=str(private_data_dir),
        playbook=str(playbook.resolve()),
        ident=args.ident or new_ident(),
        worker=worker,
        inventory=inventories,
        extravars=extravars,
        limit=args.limit,
        cmdline=list(args.ansible_args),
        envvars=runner_env(),
    )


def _worker_command(text: str | None) -> list[str]:
    """`--worker CMD` as an argument list: split as a shell would, never run by one."""
    import shlex

    if text is None:
        return []
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise UsageError(f"--worker: {exc}") from None
    if not words:
        raise UsageError("--worker: an empty command")
    return words


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


def add_theme_option(parser: argparse.ArgumentParser) -> None:
    """`--theme NAME`: any Textual theme (the palette's "Theme" lists them)."""
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="Textual theme, e.g. textual-light, nord (default: the last chosen)",
    )


def launch_and_watch(spec: LaunchSpec, theme: str | None = None) -> int:
    """Start the run, watch it, and return its rc (or 0 when the user detached)."""
    from ..app import JobEventsApp
    from ..launch import PlaybookProcess

    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(Path(spec.private_data_dir), ident=spec.ident, process=process, theme=theme)
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
