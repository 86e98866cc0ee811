"""What the read-only commands print on stderr about a run's unreadable event files."""

from __future__ import annotations

import sys
from pathlib import Path


def report_unreadable(folder: str | Path, errors: dict[str, str]) -> None:
    """One line a file, as `dump` prints them: the run reads on without them."""
    for name, why in sorted(errors.items()):
        print(f"jobevents-tui: {Path(folder) / name}: {why}", file=sys.stderr)


def write_json(document: object) -> None:
    """A document on stdout as indented JSON; lone surrogates from odd events stay escapes."""
    import json

    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
    sys.stdout.buffer.flush()
