"""Times computed straight from a run's event files, without the tree: what timing.py is
checked against. Only for runs whose task nodes are one per task uuid (no includes)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FINALS = {"runner_on_ok", "runner_on_failed", "runner_on_skipped", "runner_on_unreachable"}


@dataclass
class Oracle:
    #: task uuid -> (name, wall, slowest host, its seconds)
    tasks: dict[str, tuple[str, float, str, float]] = field(default_factory=dict)
    #: host -> (total seconds, runs)
    hosts: dict[str, tuple[float, int]] = field(default_factory=dict)
    span: float = 0.0


def _t(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def oracle(ident_dir: Path) -> Oracle:
    events = [json.loads(p.read_text()) for p in (ident_dir / "job_events").glob("*.json")]
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    names: dict[str, str] = {}
    per: dict[str, dict[str, float]] = {}
    hosts: dict[str, tuple[float, int]] = {}
    for e in events:
        if e["event"] not in FINALS:
            continue
        d = e["event_data"]
        task = re.sub(r"_\d+$", "", d["task_uuid"])
        names[task] = d["task"]
        starts[task] = min(starts.get(task, float("inf")), _t(d["start"]))
        ends[task] = max(ends.get(task, float("-inf")), _t(d["end"]))
        host = d["host"]
        per.setdefault(task, {})[host] = per.get(task, {}).get(host, 0.0) + d["duration"]
        total, runs = hosts.get(host, (0.0, 0))
        hosts[host] = (total + d["duration"], runs + 1)
    out = Oracle(hosts=hosts)
    for task, by_host in per.items():
        slowest = max(sorted(by_host), key=lambda h: by_host[h])
        out.tasks[task] = (names[task], ends[task] - starts[task], slowest, by_host[slowest])
    created = [_t(e["created"]) for e in events if e.get("created")]
    out.span = max(created) - min(created)
    return out
