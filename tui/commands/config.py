"""`jobevents-tui config --path`: where the settings file lives (it may not exist yet)."""

from __future__ import annotations

import argparse

NAME = "config"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(NAME, help="the settings file: where it is, whether it reads")
    parser.add_argument("--path", action="store_true", help="print the settings file's path")


def run(args: argparse.Namespace) -> int:
    from ..settings import load_settings, settings_path

    path = settings_path()
    if args.path:
        print(path)
        return 0
    _settings, error = load_settings(path)
    if error:
        print(f"jobevents-tui: {error}")
        return 1
    print(f"{path}: {'fine' if path.exists() else 'not written yet (the defaults apply)'}")
    return 0
