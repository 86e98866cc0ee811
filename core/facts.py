"""A host's facts, as ansible's fact cache left them in runner's `artifacts/<ident>/fact_cache/`.

Runner points ansible's `jsonfile` cache there, so a play that gathers facts writes one
file per host: `<host>` holding the facts (ansible-core up to 2.18), or `s<N>_<host>`
holding `{"__payload__": "<the facts as JSON>"}` (2.19 on, N the cache's schema). The
file is read like an event file: never blocking on a FIFO, capped, its text untrusted.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from msgspec import Struct

from .folder import FACT_CACHE as FACT_CACHE  # the folder's name: a run's layout

#: facts files larger than this are not read (a real host's are a few hundred KB)
FACTS_LIMIT: Final = 8 * 1024 * 1024

_SCHEMA = re.compile(r"s(\d+)_")
_PAYLOAD = "__payload__"


class HostFacts(Struct, frozen=True):
    """What the fact cache holds for one host: the facts, or why there are none."""

    #: the file read (None when there is none)
    path: Path | None
    facts: dict[str, Any] | None
    #: why the file could not be used (None when it was, or when there is no file)
    problem: str | None = None


def fact_file(fact_cache: Path, host: str) -> Path | None:
    """The file holding `host`'s facts, or None (no such file, or a name that is no file name).

    The newest schema wins when an ident holds both forms.
    """
    if not host or host in (".", "..") or "/" in host or "\0" in host or os.sep in host:
        return None
    best: tuple[int, str] | None = None
    try:
        with os.scandir(fact_cache) as entries:
            for entry in entries:
                name = entry.name
                if name == host:
                    candidate = (-1, name)
                elif name.endswith(host) and (match := _SCHEMA.match(name)) is not None:
                    if match.end() != len(name) - len(host):
                        continue
                    candidate = (int(match.group(1)), name)
                else:
                    continue
                if best is None or candidate > best:
                    best = candidate
    except OSError:
        return None
    return fact_cache / best[1] if best is not None else None


def holds_facts(fact_cache: Path | None) -> bool:
    """Whether the fact cache holds any file: one directory entry read, cheap enough for
    the UI thread (a run that gathered no facts shows "no facts" at once, not after a
    read on a worker)."""
    if fact_cache is None:
        return False
    try:
        with os.scandir(fact_cache) as entries:
            return next(entries, None) is not None
    except OSError:
        return False


def read_facts(fact_cache: Path, host: str, limit: int = FACTS_LIMIT) -> HostFacts:
    """`host`'s facts from runner's fact cache folder; never raises for a bad file."""
    path = fact_file(fact_cache, host)
    if path is None:
        return HostFacts(None, None)
    try:
        raw = _read_capped(path, limit)
    except OSError as exc:
        return HostFacts(path, None, f"cannot read it: {exc.strerror or exc}")
    if raw is None:
        return HostFacts(path, None, f"larger than {limit:,} bytes: not read")
    try:
        facts = unwrap(json.loads(raw.decode("utf-8", "replace")))
    except (ValueError, RecursionError) as exc:
        return HostFacts(path, None, f"not facts: {str(exc)[:200]}")
    return HostFacts(path, facts)


def unwrap(obj: object) -> dict[str, Any]:
    """The facts dict from a cache file's JSON (either form). Raises ValueError."""
    if isinstance(obj, dict) and isinstance(obj.get(_PAYLOAD), str) and len(obj) == 1:
        obj = json.loads(obj[_PAYLOAD])
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def _read_capped(path: Path, limit: int) -> bytes | None:
    """The file's bytes, None past `limit`; a FIFO or a device is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return None
        return b"".join(chunks)
    finally:
        os.close(fd)


# --------------------------------------------------------------- the common ones


def _fact(facts: Mapping[str, Any], name: str) -> Any:
    """A fact by its name, whether the cache kept the `ansible_` prefix or not."""
    value = facts.get(f"ansible_{name}")
    return facts.get(name) if value is None else value


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return text or None
    return None


def _joined(*parts: Any, sep: str = " ") -> str | None:
    texts = [t for t in (_text(p) for p in parts) if t]
    return sep.join(texts) or None


def _hostname(facts: Mapping[str, Any]) -> str | None:
    name, fqdn = _text(_fact(facts, "hostname")), _text(_fact(facts, "fqdn"))
    if name and fqdn and fqdn != name and fqdn != "localhost":
        return f"{name} ({fqdn})"
    return name or fqdn


def _os(facts: Mapping[str, Any]) -> str | None:
    release = _text(_fact(facts, "distribution_release"))
    text = _joined(_fact(facts, "distribution"), _fact(facts, "distribution_version"))
    if text and release and release not in text:
        text += f" ({release})"
    family = _text(_fact(facts, "os_family"))
    if text and family and not text.startswith(family):
        text += f", {family} family"
    return text or family


def _kernel(facts: Mapping[str, Any]) -> str | None:
    return _joined(_fact(facts, "system"), _fact(facts, "kernel"))


def _address(facts: Mapping[str, Any], name: str) -> str | None:
    default = _fact(facts, name)
    if not isinstance(default, Mapping):
        return None
    text = _text(default.get("address"))
    if text is None:
        return None
    prefix = _text(default.get("prefix"))
    if prefix:
        text += f"/{prefix}"
    interface = _text(default.get("interface"))
    if interface:
        text += f" on {interface}"
    gateway = _text(default.get("gateway"))
    if gateway:
        text += f" via {gateway}"
    return text


def _addresses(facts: Mapping[str, Any]) -> str | None:
    found: list[str] = []
    for name in ("all_ipv4_addresses", "all_ipv6_addresses"):
        values = _fact(facts, name)
        if isinstance(values, list):
            found.extend(t for t in (_text(v) for v in values) if t)
    return ", ".join(found) or None


def _listed(name: str) -> Callable[[Mapping[str, Any]], str | None]:
    def get(facts: Mapping[str, Any]) -> str | None:
        values = _fact(facts, name)
        if not isinstance(values, list):
            return _text(values)
        return ", ".join(t for t in (_text(v) for v in values) if t) or None

    return get


def _cpus(facts: Mapping[str, Any]) -> str | None:
    vcpus = _text(_fact(facts, "processor_vcpus"))
    model = _fact(facts, "processor")
    name = None
    if isinstance(model, list) and model:
        name = _text(model[-1])
    return _joined(vcpus, f"x {name}" if vcpus and name else name)


def _memory(facts: Mapping[str, Any]) -> str | None:
    total = _fact(facts, "memtotal_mb")
    if isinstance(total, int) and not isinstance(total, bool):
        free = _fact(facts, "memfree_mb")
        text = f"{total:,} MB"
        if isinstance(free, int) and not isinstance(free, bool):
            text += f" ({free:,} MB free)"
        return text
    return None


def _virtualization(facts: Mapping[str, Any]) -> str | None:
    kind = _text(_fact(facts, "virtualization_type"))
    role = _text(_fact(facts, "virtualization_role"))
    return _joined(kind, f"({role})" if kind and role else role)


def _simple(name: str) -> Callable[[Mapping[str, Any]], str | None]:
    def get(facts: Mapping[str, Any]) -> str | None:
        return _text(_fact(facts, name))

    return get


def _gathered(facts: Mapping[str, Any]) -> str | None:
    moment = _fact(facts, "date_time")
    return _text(moment.get("iso8601")) if isinstance(moment, Mapping) else None


#: the facts people look for first, in the order shown: (label, how to read it)
COMMON: Final[tuple[tuple[str, Callable[[Mapping[str, Any]], str | None]], ...]] = (
    ("hostname", _hostname),
    ("os", _os),
    ("kernel", _kernel),
    ("architecture", _simple("architecture")),
    ("ipv4", lambda facts: _address(facts, "default_ipv4")),
    ("ipv6", lambda facts: _address(facts, "default_ipv6")),
    ("addresses", _addresses),
    ("interfaces", _listed("interfaces")),
    ("cpus", _cpus),
    ("memory", _memory),
    ("virtualization", _virtualization),
    ("python", _simple("python_version")),
    ("gathered", _gathered),
)


def common_facts(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The common facts this host has, as (label, one line of text)."""
    out: list[tuple[str, str]] = []
    for label, read in COMMON:
        try:
            value = read(facts)
        except (TypeError, ValueError, AttributeError):
            value = None
        if value:
            out.append((label, value))
    return out
