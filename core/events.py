"""The slice of a runner job event that the tree needs, decoded fast and leniently.

Runner events carry large payloads (`res`, `stdout`); the tree keeps only what it
shows, so these structs name the few fields it reads and msgspec skips the rest.
Hostile or future events that do not fit the types go through `coerce_event`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import msgspec

_SUFFIX = re.compile(r"_\d+$")
#: the same text as ansi.py's, so `re` compiles it once for both (its cache)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: compiled when first used (`re`'s cache): only events whose event_data was omitted ask
_HOST_IN_STDOUT = r"^\s*(?:\x1b\[[0-9;]*m)*\s*[a-z]+(?: [a-z]+)?: \[([^\]\r\n]+)\]"


_NO_RAW = msgspec.Raw(b"")

# The structs are `gc=False`: decoded JSON holds no reference cycle, and 100k events
# decoded and let go in a load cost ~10% fewer instructions untracked.


class Res(msgspec.Struct, omit_defaults=True, gc=False):
    """The fields of a module result that labels and statuses are made of."""

    changed: Any = False
    failed: Any = False
    # Raw: kept undecoded (a msg can be huge, an item any JSON) until a label needs it.
    # An empty Raw means absent; `Raw | None` is not a type msgspec decodes.
    msg: msgspec.Raw = _NO_RAW
    rc: Any = None
    item: msgspec.Raw = _NO_RAW
    item_label: msgspec.Raw = msgspec.field(default=_NO_RAW, name="_ansible_item_label")
    attempts: Any = None
    retries: Any = None
    ansible_job_id: Any = None
    finished: Any = None
    censored: Any = None


class EventData(msgspec.Struct, omit_defaults=True, gc=False):
    """`event_data`: the context of every level, plus the recap on stats events."""

    playbook: str | None = None
    playbook_uuid: str | None = None
    play: str | None = None
    play_uuid: str | None = None
    play_pattern: str | None = None
    task: str | None = None
    task_uuid: str | None = None
    task_action: str | None = None
    task_path: str | None = None
    role: str | None = None
    host: str | None = None
    name: str | None = None
    start: str | None = None
    end: str | None = None
    duration: float | None = None
    ignore_errors: Any = None
    is_conditional: Any = None
    handler: Any = None
    included_file: Any = None
    res: Res | None = None
    # playbook_on_stats: each a map host -> count
    ok: Any = None
    changed: Any = None
    failures: Any = None
    dark: Any = None
    skipped: Any = None
    rescued: Any = None
    ignored: Any = None
    processed: Any = None


class Event(msgspec.Struct, gc=False):
    """One job event as the tree sees it."""

    event: str = "unknown"
    uuid: str = ""
    counter: int = 0
    parent_uuid: str | None = None
    created: str | None = None
    #: undecoded: most events' stdout is never looked at, so it is never decoded
    raw_stdout: msgspec.Raw = msgspec.field(default=_NO_RAW, name="stdout")
    event_data: EventData | None = None

    @property
    def key(self) -> tuple[int, str]:
        """An event's identity: a uuid can repeat at another counter."""
        return (self.counter, self.uuid)

    @property
    def data(self) -> EventData:
        return self.event_data if self.event_data is not None else _EMPTY_DATA

    @property
    def stdout(self) -> str:
        """The event's stdout (ANSI codes and all), decoded on demand."""
        value = _decode_raw(self.raw_stdout)
        return value if isinstance(value, str) else ""


_EMPTY_DATA = EventData()
_DECODER = msgspec.json.Decoder(Event)


#: the typed decode alone (bytes or a view of them): raises on anything `decode_event`
#: would take the lenient way; for hot loops that send those to `decode_event`
decode_typed = _DECODER.decode


def decode_event(raw: bytes | str) -> Event:
    """Decode one event file's bytes; raises ValueError on anything but a JSON object event.

    The typed decoder reads real events fast. What it refuses goes the lenient way:
    wrong types are coerced, invalid UTF-8 is replaced, lone surrogates (which Python's
    json accepts and msgspec does not) become U+FFFD, so a good event is never lost
    for a bad byte in one of its strings.
    """
    try:
        return _DECODER.decode(raw)
    except msgspec.ValidationError:
        pass
    except (msgspec.DecodeError, UnicodeDecodeError):
        pass
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else raw
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    return coerce_event(obj)


def detached(event: Event) -> Event:
    """The event with its raw values copied out of the bytes it was decoded from.

    A raw value is a view that keeps all of its source alive: a chunk of events read
    from files would keep every file's bytes (7 MB a chunk) for a few bytes of each.
    """
    if event.raw_stdout:
        event.raw_stdout = event.raw_stdout.copy()
    data = event.event_data
    res = data.res if data is not None else None
    if res is not None:
        if res.msg:
            res.msg = res.msg.copy()
        if res.item:
            res.item = res.item.copy()
        if res.item_label:
            res.item_label = res.item_label.copy()
    return event


def coerce_event(obj: object) -> Event:
    """Build an Event from any decoded JSON, keeping what fits and dropping what does not."""
    if isinstance(obj, Event):
        return obj
    if not isinstance(obj, Mapping):
        raise ValueError(f"event is a JSON {_json_type(obj)}, not an object")
    try:
        return _scrubbed(msgspec.convert(obj, Event, strict=False))
    except (msgspec.ValidationError, TypeError, ValueError, RecursionError):
        pass
    data = obj.get("event_data")
    return Event(
        event=_text(obj.get("event")) or "unknown",
        uuid=_text(obj.get("uuid")) or "",
        counter=_int(obj.get("counter")),
        parent_uuid=_text(obj.get("parent_uuid")),
        created=_text(obj.get("created")),
        raw_stdout=_raw(obj.get("stdout")),
        event_data=_coerce_data(data) if isinstance(data, Mapping) else None,
    )


def _scrubbed(event: Event) -> Event:
    """Lone surrogates out of every string the tree keeps: they cannot be encoded."""
    for name in ("event", "uuid", "parent_uuid", "created"):
        value = getattr(event, name)
        if isinstance(value, str) and _SURROGATE.search(value):
            setattr(event, name, _SURROGATE.sub("\ufffd", value))
    data = event.event_data
    if data is not None:
        for name in _TEXT_FIELDS:
            value = getattr(data, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                setattr(data, name, _SURROGATE.sub("\ufffd", value))
    return event


def _coerce_data(data: Mapping[Any, Any]) -> EventData:
    fields: dict[str, Any] = {}
    for name in EventData.__struct_fields__:
        if name not in data:
            continue
        value = data[name]
        if name == "res":
            fields[name] = _coerce_res(value) if isinstance(value, Mapping) else None
        elif name == "duration":
            fields[name] = value if isinstance(value, int | float) and value == value else None
        elif name in _TEXT_FIELDS:
            fields[name] = _text(value)
        else:
            fields[name] = value
    return EventData(**fields)


def _coerce_res(res: Mapping[Any, Any]) -> Res:
    fields: dict[str, Any] = {}
    for name, key in zip(Res.__struct_fields__, Res.__struct_encode_fields__, strict=True):
        if key in res:
            value = res[key]
            if name in ("msg", "item", "item_label"):
                if isinstance(value, str):
                    value = _SURROGATE.sub("\ufffd", value)
                try:
                    value = msgspec.Raw(msgspec.json.encode(value))
                except (TypeError, ValueError, RecursionError, OverflowError):
                    value = _NO_RAW
            fields[name] = value
    return Res(**fields)


#: EventData fields typed `str | None`: anything else in them is coerced or dropped.
_TEXT_FIELDS = frozenset(
    {
        "playbook",
        "playbook_uuid",
        "play",
        "play_uuid",
        "play_pattern",
        "task",
        "task_uuid",
        "task_action",
        "task_path",
        "role",
        "host",
        "name",
        "start",
        "end",
    }
)


def safe_text(text: str) -> str:
    """`text` with lone surrogates replaced, so it can always be encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def base_uuid(uuid: str) -> str:
    """`<uuid>_N` repeats (free and serial) fold into `<uuid>`."""
    return _SUFFIX.sub("", uuid) if "_" in uuid else uuid


def host_from_stdout(stdout: str) -> str | None:
    """The host of a result whose event_data was omitted, from `ok: [host]`-style stdout."""
    for line in stdout.splitlines():
        match = re.match(_HOST_IN_STDOUT, line)
        if match:
            return match.group(1)
    return None


def raw_string(raw: msgspec.Raw) -> str:
    """A raw value that should be a string, decoded ("" if it is not): `Event.stdout` of a
    raw stdout kept without its event."""
    value = _decode_raw(raw)
    return value if isinstance(value, str) else ""


def _decode_raw(raw: msgspec.Raw | None) -> Any:
    """A Raw value decoded; invalid UTF-8 inside it (msgspec skips Raw unchecked) replaced."""
    if raw is None or not raw:
        return None
    try:
        return msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError):
        pass
    try:
        return json.loads(bytes(raw).decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None


def raw_text(raw: msgspec.Raw | None, limit: int = 200) -> str | None:
    """A short one-line text of a raw JSON value (a message, an item)."""
    if raw is None or not raw:
        return None
    buf = bytes(raw)
    if buf == b"null":
        return None
    value: Any
    if buf[:1] == b'"':
        value = _decode_raw(raw)
        if not isinstance(value, str):
            value = buf.decode("utf-8", "replace")
    elif len(buf) > limit * 4:
        value = buf[: limit * 4].decode("utf-8", "replace")
    else:
        value = _decode_raw(raw)
        if value is None:
            value = buf.decode("utf-8", "replace")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(value)
        elif not isinstance(value, str):
            value = buf.decode("utf-8", "replace")
    text = str(value).strip()
    first = text.split("\n", 1)[0]
    if len(first) > limit or first != text:
        first = first[:limit].rstrip() + "…"
    return first


def _raw(value: object) -> msgspec.Raw:
    if not isinstance(value, str):
        return _NO_RAW
    try:
        return msgspec.Raw(msgspec.json.encode(_SURROGATE.sub("\ufffd", value)))
    except (TypeError, ValueError):
        return _NO_RAW


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, int | float | bool):
        return str(value)
    return None


def _int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return 0


def _json_type(obj: object) -> str:
    if isinstance(obj, list):
        return "array"
    if isinstance(obj, str):
        return "string"
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "boolean"
    return "number"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
