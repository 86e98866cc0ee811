"""Statuses of nodes and how a parent's status rolls up from its children's."""

from __future__ import annotations

from typing import Final, Literal

Status = Literal[
    "running", "ok", "changed", "failed", "ignored", "rescued", "skipped", "unreachable"
]

RUNNING: Final = "running"
OK: Final = "ok"
CHANGED: Final = "changed"
FAILED: Final = "failed"
IGNORED: Final = "ignored"
#: failed, and then handled by a block's `rescue`: the host went on
RESCUED: Final = "rescued"
SKIPPED: Final = "skipped"
UNREACHABLE: Final = "unreachable"

#: Every status, worst first: the order of labels, filters and counts.
STATUSES: Final[tuple[Status, ...]] = (
    FAILED,
    UNREACHABLE,
    RUNNING,
    CHANGED,
    RESCUED,
    IGNORED,
    OK,
    SKIPPED,
)

#: The roll-up order of tree-json.md; `ignored` and `rescued` count as `ok` in a parent.
ROLLUP_ORDER: Final[tuple[Status, ...]] = (FAILED, UNREACHABLE, RUNNING, CHANGED, OK, SKIPPED)

#: Statuses that a person hunting for trouble wants to jump to (a failure that was
#: ignored or rescued is not one: the host went on).
PROBLEMS: Final[frozenset[str]] = frozenset({FAILED, UNREACHABLE})

#: What a child's status counts as in its parent's roll-up, where it differs.
ROLLUP_BUCKET: Final[dict[str, Status]] = {IGNORED: OK, RESCUED: OK}


def rollup_bucket(status: str) -> Status:
    """The status a child contributes to its parent's roll-up."""
    return ROLLUP_BUCKET.get(status, status)  # type: ignore[arg-type]


def worst(counts: dict[str, int]) -> Status | None:
    """The worst status with a non-zero count in a roll-up tally, None if empty."""
    for status in ROLLUP_ORDER:
        if counts.get(status):
            return status
    return None
