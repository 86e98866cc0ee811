"""One module a subcommand: each adds its parser (`add_parser`) and runs it (`run`).

`cli.py` only assembles them; a new command is a new module listed in `COMMANDS`.
Modules import what they need inside `run`, so `dump` never loads Textual.
"""

from __future__ import annotations

from . import config, demo, diff, dump, profile, run, serve, watch

#: in the order `--help` lists them
COMMANDS = (watch, run, demo, dump, profile, diff, serve, config)
