"""Statuses of nodes and how a parent's status rolls up from its children's."""

from __future__ import annotations

from typing import Final, Literal

Status = Literal["running", "ok", "changed", "failed", "ignored", "skipped", "unreachable"]

RUNNING: Final = "running"
OK: Final = "ok"
CHANGED: Final = "changed"
FAILED: Final = "failed"
IGNORED: Final = "ignored"
SKIPPED: Final = "skipped"
UNREACHABLE: Final = "unreachable"

#: Every status, worst first: the order of labels, filters and counts.
STATUSES: Final[tuple[Status, ...]] = (
    FAILED,
    UNREACHABLE,
    RUNNING,
    CHANGED,
    IGNORED,
    OK,
    SKIPPED,
)

#: The roll-up order of tree-json.md; `ignored` counts as `ok` in a parent.
ROLLUP_ORDER: Final[tuple[Status, ...]] = (FAILED, UNREACHABLE, RUNNING, CHANGED, OK, SKIPPED)

#: Statuses that a person hunting for trouble wants to jump to.
PROBLEMS: Final[frozenset[str]] = frozenset({FAILED, UNREACHABLE})


def rollup_bucket(status: str) -> Status:
    """The status a child contributes to its parent's roll-up."""
    return OK if status == IGNORED else status  # type: ignore[return-value]


def worst(counts: dict[str, int]) -> Status | None:
    """The worst status with a non-zero count in a roll-up tally, None if empty."""
    for status in ROLLUP_ORDER:
        if counts.get(status):
            return status
    return None
