"""Values from an event as short, safe text: result fields of any JSON type and size, times.

A result's fields have whatever type and size the Ansible module chose (a `msg` that is a
dict, a 50 MB `stdout`): these turn them into text at a cost bounded by what is shown, one-line
fields through `safe_line`, so no escape or control character gets through; times show as
the settings' [time] says.
"""

from __future__ import annotations

import json
import reprlib
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from rich.text import Text

from jobevents.core.ansi import safe_line, strip_ansi
from jobevents.core.render import duration_text

#: Characters of one text block (a field, the stdout, the JSON view) shown at most.
MAX_CHARS: Final = 100_000
#: Characters of a one-line cell or field.
LINE_CHARS: Final = 300

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200


def to_text(value: Any) -> str | None:
    """A field as text: strings as they are, scalars with `str`, the rest as capped JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value) if isinstance(value, bool) else str(value)
    text, complete = json_text(value, MAX_CHARS)
    return text if complete else text + "\n…"


def json_text(value: Any, limit: int) -> tuple[str, bool]:
    """Indented JSON of `value`, stopping soon after `limit` characters.

    Returns the text and whether it is complete.  Encoding in chunks keeps a huge
    payload from costing more than the part shown.
    """
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, skipkeys=True, default=_json_default)
    return _encode_capped(encoder, value, limit)


def _encode_capped(encoder: json.JSONEncoder, value: Any, limit: int) -> tuple[str, bool]:
    """`encoder`'s JSON of `value`, cut at `limit` characters; and whether it is whole."""
    chunks: list[str] = []
    size = 0
    try:
        for chunk in encoder.iterencode(value):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return "".join(chunks)[:limit], False
    except (RecursionError, ValueError, TypeError, OverflowError):
        return _repr.repr(value), True
    return "".join(chunks), True


def _json_default(value: Any) -> str:
    return _repr.repr(value)


def compact(value: Any) -> str:
    """A short one-line form of a non-string value (an item label, a result)."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value) if isinstance(value, bool) else str(value)
    encoder = json.JSONEncoder(
        ensure_ascii=False, skipkeys=True, default=_json_default, separators=(", ", ": ")
    )
    return _encode_capped(encoder, value, LINE_CHARS)[0]


def cmd_text(cmd: Any) -> str | None:
    """A command as a shell would read it (an argument list joined and quoted), else as text."""
    if cmd is None or cmd == "" or cmd == []:
        return None
    if isinstance(cmd, list) and all(isinstance(part, str) for part in cmd):
        import shlex  # only a detail showing a command needs it

        try:
            return shlex.join(cmd)
        except (TypeError, ValueError):
            pass
    return to_text(cmd)


def capped_line(text: str, limit: int) -> str:
    """`safe_line`, without scanning more of a huge string than the label can show."""
    if len(text) > limit * 8:
        return safe_line(text[: limit * 8], limit - 1).removesuffix("…") + "…"
    return safe_line(text, limit)


def one_line_str(value: Any, limit: int = LINE_CHARS) -> str:
    """Any value on one safe line: a string as it is, anything else `compact`."""
    text = value if isinstance(value, str) else compact(value)
    return capped_line(text, limit)


def one_line(value: str) -> Text:
    """A string field as one safe line of plain text (never markup)."""
    return Text(capped_line(value, LINE_CHARS))


def exception_line(value: Any) -> str | None:
    """One line of a traceback: its last line (the error) for a Python traceback."""
    text = to_text(value)
    if not text:
        return None
    head = text[:MAX_CHARS]
    lines = [line.strip() for line in strip_ansi(head).splitlines() if line.strip()]
    if not lines or lines == ["(traceback unavailable)"]:
        return None
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return capped_line(line, LINE_CHARS)


#: how times show (the settings' [time]): format absolute|relative, zone event|local|utc
_TIME_FORMAT = {"format": "absolute", "zone": "event"}


def set_time_format(format_: str, zone: str) -> None:
    """Show times absolute or relative ("3m05s ago"), as recorded, in local time or UTC."""
    _TIME_FORMAT.update(format=format_, zone=zone)


def time_text(value: str) -> str:
    """An ISO timestamp as `2026-11-26 22:57:49.095 +00:00`; anything else as one line."""
    try:
        moment = datetime.fromisoformat(value)
    except (ValueError, TypeError):
        return capped_line(value, 80)
    if _TIME_FORMAT["format"] == "relative":
        try:
            ago = time.time() - moment.timestamp()
        except (OverflowError, OSError, ValueError):
            ago = None
        if ago is not None:
            return f"{duration_text(abs(ago))} {'ago' if ago >= 0 else 'from now'}"
    zone = _TIME_FORMAT["zone"]
    try:
        if zone == "utc":
            moment = moment.astimezone(UTC)
        elif zone == "local":
            moment = moment.astimezone()
    except (OverflowError, OSError, ValueError):
        pass
    text = moment.isoformat(sep=" ", timespec="milliseconds")
    if moment.tzinfo is not None and len(text) > 6 and text[-6] in "+-":
        text = f"{text[:-6]} {text[-6:]}"
    return text


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """`value` if it is a mapping (a field of the wrong type is not trusted), else None."""
    return value if isinstance(value, Mapping) else None


def str_field(value: Any) -> str | None:
    """A string field, or None when it is missing or not a string."""
    return value if isinstance(value, str) else None
