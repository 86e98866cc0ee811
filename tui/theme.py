"""Status glyphs and colours, shared by tree labels, the header and the detail pane."""

from __future__ import annotations

from typing import Final

STATUS_GLYPH: Final[dict[str, str]] = {
    "ok": "✔",
    "changed": "~",
    "failed": "✘",
    "ignored": "✗",
    "rescued": "↺",
    "skipped": "↷",
    "unreachable": "⊘",
    "running": "●",
}

STATUS_STYLE: Final[dict[str, str]] = {
    "ok": "green",
    "changed": "yellow",
    "failed": "bold red",
    "ignored": "cyan",
    "rescued": "dark_orange",
    "skipped": "dim",
    "unreachable": "bold magenta",
    "running": "bold blue",
}

RUN_STATE_STYLE: Final[dict[str, str]] = {
    "starting": "blue",
    "running": "bold blue",
    "successful": "bold green",
    "failed": "bold red",
    "canceled": "bold yellow",
    "timeout": "bold yellow",
    "error": "bold red",
}

MESSAGE_GLYPH: Final[dict[str, tuple[str, str]]] = {
    "warning": ("⚠", "yellow"),
    "deprecated": ("⚠", "dim yellow"),
    "error": ("✘", "bold red"),
    "playbook_on_include": ("↪", "cyan"),
    "playbook_on_notify": ("»", "cyan"),
    "playbook_on_no_hosts_matched": ("∅", "dim"),
    "playbook_on_no_hosts_remaining": ("∅", "yellow"),
}

MESSAGE_NAME: Final[dict[str, str]] = {
    "playbook_on_include": "include",
    "playbook_on_notify": "notify",
    "playbook_on_no_hosts_matched": "no hosts matched",
    "playbook_on_no_hosts_remaining": "no hosts remaining",
}
