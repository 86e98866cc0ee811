"""The detail pane's raw views of an event: JSON and YAML (navigator's `:j` and `:y`).

The YAML is `yaml.safe_dump`'s: plain data only, no tags, no aliases. Like the JSON view
it is capped and stripped of control characters; the event is cut to a budget of
characters before it is dumped, so a 50 MB result costs no more than the part shown.
"""

from __future__ import annotations

import functools
import reprlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from rich.console import RenderableType

from .detail import event_json
from .detail_blocks import block, note, rule
from .value_text import MAX_CHARS

#: The raw views, in the order `x` shows them after the summary.
RawFormat = Literal["json", "yaml"]
RAW_TITLES: Final[dict[RawFormat, str]] = {"json": "event JSON", "yaml": "event YAML"}

#: Deeper nesting is shown as "…" (real events nest a dozen levels at most).
MAX_DEPTH: Final = 64
#: What a cut string, list or mapping ends with.
CUT: Final = "…"

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200

if TYPE_CHECKING:
    import yaml


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    """safe_dump's dumper, with multi-line strings as `|` blocks and no anchors.

    Built on first use: PyYAML is imported when a YAML view is first asked for, not
    before the app's first frame.
    """
    import yaml

    base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, represent_str)
    return Dumper


def raw_view(event: Any, fmt: RawFormat) -> list[RenderableType]:
    """The event as `fmt` under its title rule."""
    body = event_json(event) if fmt == "json" else event_yaml(event)
    return [rule(RAW_TITLES[fmt]), *body]


def event_yaml(event: Any) -> list[RenderableType]:
    """The whole event as YAML: plain text, capped, controls stripped."""
    text, complete = yaml_text(event, MAX_CHARS)
    out = block(text)
    if not complete:
        out.append(note(f"… the YAML is cut at {MAX_CHARS:,} characters"))
    return out


def yaml_text(value: Any, limit: int) -> tuple[str, bool]:
    """`value` as block YAML of about `limit` characters at most; and whether it is whole."""
    import yaml

    budget = _Budget(limit)
    pruned = _prune(value, budget, 0)
    try:
        text = yaml.dump(
            pruned,
            Dumper=_dumper(),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=1 << 16,
        )
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return _repr.repr(value), True
    if len(text) > limit:
        return text[:limit], False
    return text, not budget.cut


class _Budget:
    """Characters left to spend on strings (and a little per value), and whether any was cut."""

    __slots__ = ("cut", "left")

    def __init__(self, left: int) -> None:
        self.left = left
        self.cut = False


def _prune(value: Any, budget: _Budget, depth: int) -> Any:
    """A copy of `value` holding at most `budget` characters of it, cut parts marked `…`."""
    budget.left -= 2
    if isinstance(value, str):
        if len(value) <= budget.left:
            budget.left -= len(value)
            return value
        budget.cut = True
        kept = value[: max(budget.left, 0)]
        budget.left = 0
        return kept + CUT
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= MAX_DEPTH:
        budget.cut = True
        return CUT
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            if budget.left <= 0:
                budget.cut = True
                out[CUT] = f"{len(value) - index:,} more keys"
                break
            name = _prune(key if isinstance(key, str) else _repr.repr(key), budget, depth + 1)
            out[name] = _prune(item, budget, depth + 1)
        return out
    if isinstance(value, list | tuple):
        items: list[Any] = []
        for index, item in enumerate(value):
            if budget.left <= 0:
                budget.cut = True
                items.append(f"{CUT} {len(value) - index:,} more items")
                break
            items.append(_prune(item, budget, depth + 1))
        return items
    return _repr.repr(value)
