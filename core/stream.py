"""ansible-runner's worker stream, read incrementally: its records and what they say of the run.

`ansible-runner worker` writes newline-delimited JSON: status records (`starting`,
`running`, a final state, or `error` with its explanation), the job events (the same
dicts as `job_events/*.json`), keepalives, then `{"zipfile": N}` and exactly
`4*ceil(N/3)` bytes of base64 (no newline) holding `rc`, `status`, `stdout`, ..., and
`{"eof": true}` right after. Lines that are not JSON (`--debug`, stderr merged by
Receptor) are the worker's output, never fatal. A stream that ends without `eof` was cut.

`StreamParser` turns bytes into records and `StreamState` keeps what they say. No I/O and
no threads here: the caller reads the bytes (see `stream_source.py`).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import zipfile
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from .ansi import safe_line
from .events import Event, coerce_event

#: the base64 of an artifacts zip kept at most (the rest is read past, not kept)
ZIP_LIMIT = 256 * 1024 * 1024
#: a line longer than this without a newline is worker output, cut here
LINE_LIMIT = 64 * 1024 * 1024
#: worker output lines kept for viewing (all are counted)
OUTPUT_KEPT = 10_000
#: a kept output line is cut to this many characters
OUTPUT_WIDTH = 2000
#: artifact files read into the state (the rest is for saving)
_SMALL_ARTIFACTS = ("rc", "status")


class _Line(Event):
    """One stream line decoded in one pass: an event, or the fields of the other records.

    Unknown fields (a starting record's `env`, `command`, `cwd`) are skipped by the
    decoder without ever becoming Python objects.
    """

    #: "" when absent: a JSON object without it and without counter and uuid is not an event
    event: str = ""
    status: Any = None
    zipfile: Any = None
    eof: Any = None
    runner_ident: Any = None
    job_explanation: Any = None
    result_traceback: Any = None


_DECODER = msgspec.json.Decoder(_Line)


# ------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """`{"status": ...}`: starting, running, successful, failed, canceled, timeout, error."""

    status: str
    ident: str | None = None
    #: an `error` record's `job_explanation` and `result_traceback`
    explanation: str | None = None
    traceback: str | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A job event, decoded for the tree, with its line as received (for saving, payloads)."""

    event: Event
    raw: bytes
    ident: str | None = None


@dataclass(frozen=True, slots=True)
class Keepalive:
    """The worker is alive and idle: not an event."""


@dataclass(frozen=True, slots=True)
class OutputLine:
    """A line that is not a stream record: the worker's own output."""

    text: str


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A JSON record that cannot be used (an event without counter or uuid, say)."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ArtifactsZip:
    """The artifacts zip: `data` is None when it was too large to keep or not valid base64."""

    size: int
    data: bytes | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class EndOfStream:
    """`{"eof": true}`: the worker said everything."""


Record = (
    StatusRecord | EventRecord | Keepalive | OutputLine | BadRecord | ArtifactsZip | EndOfStream
)


# -------------------------------------------------------------------------- parser


class StreamParser:
    """Bytes in, records out, in order; any split of the bytes gives the same records."""

    def __init__(self, *, zip_limit: int = ZIP_LIMIT) -> None:
        self.zip_limit = zip_limit
        #: the start of a line whose newline has not come yet
        self._parts: list[bytes] = []
        self._partial = 0
        #: a line past LINE_LIMIT was reported: drop the rest of it
        self._skipping = False
        self._lines = 0
        #: base64 bytes of the zip still to come, and what was kept of them
        self._zip_left = 0
        self._zip_size = 0
        self._zip_parts: list[bytes] | None = None
        self.closed = False

    @property
    def in_zip(self) -> bool:
        """Whether the stream is inside the artifacts zip's base64."""
        return self._zip_left > 0

    def feed(self, data: bytes) -> list[Record]:
        """The records completed by `data`."""
        if self.closed:
            raise ValueError("feed() after close()")
        out: list[Record] = []
        pos, end = 0, len(data)
        if self._parts or self._skipping:
            # The end of a line begun in an earlier chunk (joined once: a 50 MB event
            # arriving in 1 MB reads is not copied fifty times).
            nl = data.find(b"\n")
            if nl < 0:
                self._hold(data, out)
                return out
            if self._skipping:
                self._skipping = False
            else:
                self._lines += 1
                self._classify(b"".join(self._parts) + data[:nl], out)
            self._parts, self._partial = [], 0
            pos = nl + 1
        while pos < end:
            if self._zip_left:
                pos = self._take_zip(data, pos, out)
                continue
            nl = data.find(b"\n", pos)
            if nl < 0:
                self._hold(data[pos:], out)
                break
            self._lines += 1
            self._classify(data[pos:nl], out)
            pos = nl + 1
        return out

    def close(self) -> list[Record]:
        """The stream ended: what is left (a last line without its newline)."""
        self.closed = True
        out: list[Record] = []
        rest = b"".join(self._parts)
        self._parts, self._partial = [], 0
        if self._zip_left:
            self._zip_left = 0
            self._zip_parts = None
        elif rest.strip() and not self._skipping:
            self._lines += 1
            if rest.lstrip().startswith(b"{") and not _parses(rest):
                out.append(BadRecord(self._lines, "cut off: the stream ended inside this record"))
            else:
                self._classify(rest, out)
        return out

    def _hold(self, data: bytes, out: list[Record]) -> None:
        """Keep the start of a line until its newline; past LINE_LIMIT it is output, cut."""
        if self._skipping:
            return
        self._parts.append(data)
        self._partial += len(data)
        if self._partial > LINE_LIMIT:
            self._lines += 1
            head = b"".join(self._parts)[: OUTPUT_WIDTH * 4]
            out.append(OutputLine(_output_text(head.decode("utf-8", "replace"))))
            self._parts, self._partial = [], 0
            self._skipping = True

    def _take_zip(self, buf: bytes, pos: int, out: list[Record]) -> int:
        take = min(self._zip_left, len(buf) - pos)
        if self._zip_parts is not None:
            self._zip_parts.append(buf[pos : pos + take])
        self._zip_left -= take
        if not self._zip_left:
            out.append(self._zip_record())
        return pos + take

    def _zip_record(self) -> ArtifactsZip:
        parts, self._zip_parts = self._zip_parts, None
        if parts is None:
            return ArtifactsZip(self._zip_size, None, "too large to keep")
        try:
            data = base64.b64decode(b"".join(parts), validate=True)
        except (binascii.Error, ValueError):
            return ArtifactsZip(self._zip_size, None, "not valid base64")
        return ArtifactsZip(self._zip_size, data[: self._zip_size])

    def _classify(self, line: bytes, out: list[Record]) -> None:
        if line.endswith(b"\r"):
            line = line[:-1]
        try:
            rec = _DECODER.decode(line)
        except (msgspec.ValidationError, msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            self._classify_slowly(line, out)
            return
        if rec.status is not None or rec.zipfile is not None or rec.eof is not None:
            self._classify_other(
                {
                    "status": rec.status,
                    "zipfile": rec.zipfile,
                    "eof": rec.eof,
                    "runner_ident": rec.runner_ident,
                    "job_explanation": rec.job_explanation,
                    "result_traceback": rec.result_traceback,
                },
                line,
                out,
            )
        elif rec.event == "keepalive":
            out.append(Keepalive())
        elif not rec.event and not (rec.uuid or rec.counter):
            out.append(OutputLine(_output_text(line.decode("utf-8", "replace"))))
        elif rec.counter <= 0 or not rec.uuid:
            # `ansible-runner process` drops these too (it could not name their file)
            out.append(BadRecord(self._lines, "event without counter or uuid"))
        else:
            if not rec.event:
                rec.event = "unknown"  # as a folder's event without one reads
            out.append(EventRecord(rec, line, _ident(rec.runner_ident)))

    def _classify_slowly(self, line: bytes, out: list[Record]) -> None:
        """What the typed decoder refused: hostile types, bad UTF-8, or not JSON at all."""
        text = line.decode("utf-8", "replace")
        stripped = text.strip()
        if not stripped.startswith("{"):
            out.append(OutputLine(_output_text(text)))
            return
        try:
            obj = json.loads(stripped)
        except (ValueError, RecursionError):
            out.append(OutputLine(_output_text(text)))
            return
        if not isinstance(obj, dict):
            out.append(OutputLine(_output_text(text)))
            return
        if any(obj.get(key) is not None for key in ("status", "zipfile", "eof")):
            self._classify_other(obj, line, out)
        elif obj.get("event") == "keepalive":
            out.append(Keepalive())
        elif "event" in obj or "uuid" in obj or "counter" in obj:
            try:
                event = coerce_event(obj)
            except (ValueError, RecursionError) as exc:
                out.append(BadRecord(self._lines, _one_line(str(exc))))
                return
            if event.counter <= 0 or not event.uuid:
                out.append(BadRecord(self._lines, "event without counter or uuid"))
                return
            out.append(EventRecord(event, line, _ident(obj.get("runner_ident"))))
        else:
            out.append(OutputLine(_output_text(text)))

    def _classify_other(self, obj: Mapping[str, Any], line: bytes, out: list[Record]) -> None:
        status, size = obj.get("status"), obj.get("zipfile")
        if status is not None:
            if not isinstance(status, str) or not status.strip():
                out.append(BadRecord(self._lines, "status that is not a word"))
                return
            out.append(
                StatusRecord(
                    safe_line(status, 40),
                    _ident(obj.get("runner_ident")),
                    _text(obj.get("job_explanation")),
                    _text(obj.get("result_traceback")),
                )
            )
        elif size is not None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                out.append(BadRecord(self._lines, "zipfile size that is not a number"))
                return
            encoded = 4 * -(-size // 3)
            self._zip_size = size
            self._zip_left = encoded
            self._zip_parts = [] if encoded <= self.zip_limit else None
            if not encoded:
                out.append(self._zip_record())
        elif obj.get("eof"):
            out.append(EndOfStream())
        else:
            out.append(OutputLine(_output_text(line.decode("utf-8", "replace"))))


# --------------------------------------------------------------------------- state


@dataclass
class StreamState:
    """What a stream has said of its run so far: the header's and the dump's view of it."""

    #: the last status record's state
    status: str | None = None
    ident: str | None = None
    #: an `error` record's explanation and traceback
    explanation: str | None = None
    traceback: str | None = None
    #: the playbook's rc, from the artifacts zip
    rc: int | None = None
    #: "eof" when the worker finished the stream, "lost" when it ended without eof
    ended: str | None = None
    #: when anything (a record, a keepalive, output) last arrived, on the caller's clock
    last_heard: float | None = None
    keepalives: int = 0
    #: lines of worker output received, and the last OUTPUT_KEPT of them
    output_count: int = 0
    output: deque[str] = field(default_factory=lambda: deque(maxlen=OUTPUT_KEPT))
    #: unusable records: "line N" -> why
    errors: dict[str, str] = field(default_factory=dict)
    #: the zip's files read into memory (rc, status), and why the zip could not be read
    artifacts: dict[str, bytes] = field(default_factory=dict)
    artifacts_problem: str | None = None
    _in_env_dump: bool = False

    @property
    def lost(self) -> bool:
        return self.ended == "lost"

    def apply(self, record: Record) -> bool:
        """Take in one record (events aside); return whether the header should change."""
        if isinstance(record, EventRecord):
            if self.ident is None and record.ident:
                self.ident = record.ident
                return True
            return False
        if isinstance(record, Keepalive):
            self.keepalives += 1
            return False
        if isinstance(record, OutputLine):
            self.output_count += 1
            self.output.append(self._redacted(record.text))
            return True
        if isinstance(record, StatusRecord):
            self.status = record.status
            if record.ident and self.ident is None:
                self.ident = record.ident
            if record.explanation is not None:
                self.explanation = record.explanation
            if record.traceback is not None:
                self.traceback = record.traceback
            return True
        if isinstance(record, BadRecord):
            self.errors[f"line {record.line}"] = record.reason
            return True
        if isinstance(record, ArtifactsZip):
            self._read_zip(record)
            return True
        if isinstance(record, EndOfStream):
            self.ended = "eof"
            return True
        return False

    def end(self) -> None:
        """The bytes stopped: without `eof`, the stream was cut (never a failure of the run)."""
        if self.ended is None:
            self.ended = "lost"

    def _read_zip(self, record: ArtifactsZip) -> None:
        if record.data is None:
            self.artifacts_problem = record.problem
            return
        try:
            self.artifacts = small_artifacts(record.data)
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            self.artifacts_problem = f"not a readable zip: {_one_line(str(exc))}"
            return
        rc = self.artifacts.get("rc", b"").strip()
        if rc.lstrip(b"-").isdigit() and len(rc) < 12:
            self.rc = int(rc)

    def _redacted(self, text: str) -> str:
        """runner's `--debug` prints the worker's whole environment: keep the names only."""
        if text == "env:":
            self._in_env_dump = True
            return text
        if self._in_env_dump:
            match = _ENV_LINE.match(text)
            if match:
                return f" {match.group(1)}: (hidden)"
            self._in_env_dump = False
        return text


_ENV_LINE = re.compile(r" ([A-Za-z_][A-Za-z0-9_]*): ")


def small_artifacts(data: bytes) -> dict[str, bytes]:
    """`rc` and `status` of an artifacts zip (each cut at 256 bytes)."""
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename in _SMALL_ARTIFACTS and not info.is_dir():
                with archive.open(info) as fh:
                    found[info.filename] = fh.read(256)
    return found


# ------------------------------------------------------------------------- helpers


_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def _ident(value: object) -> str | None:
    """A runner ident fit to name a folder, or None."""
    if isinstance(value, str) and _IDENT.fullmatch(value):
        return value
    return None


def _parses(line: bytes) -> bool:
    try:
        json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return False
    return True


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _output_text(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= OUTPUT_WIDTH else text[:OUTPUT_WIDTH] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
