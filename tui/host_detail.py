"""What the detail pane shows for a host of the Hosts view, as Rich renderables.

Pure functions, like `detail.py`: the caller reads the host's facts file and passes it in
(None while it loads). A host says how it did (status, runs by status, time, the recap
line), which of its runs failed or went unreachable and why, and, when a play gathered
them, the facts people look for first; `x` shows every fact as JSON, then as YAML. All
of it is data: `Text` built directly, every string through `safe_line`, never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.facts import HostFacts, common_facts
from jobevents.core.hosts import HostEntry
from jobevents.core.nodes import Node
from jobevents.core.render import duration_text

from .detail import MAX_ROWS, event_json, status_text
from .detail_blocks import grid, note, rule
from .detail_raw import event_yaml
from .detail_styles import SECONDARY
from .host_labels import recap_text
from .labels import counts_label

_LINE = 300


def host_detail(
    entry: HostEntry, facts: HostFacts | None, *, mode: str = "summary"
) -> list[RenderableType]:
    """The detail of one host: summary, failures with their reason, facts; in the
    `json` and `yaml` modes of `x`, all of its facts instead."""
    out: list[RenderableType] = [_header(entry)]
    if mode in ("json", "yaml"):
        out.append(rule(f"facts {mode.upper()}"))
        if facts is None:
            out.append(note("loading facts…"))
        elif facts.facts is None:
            out.append(note(_no_facts(entry, facts)))
        else:
            out.extend(event_json(facts.facts) if mode == "json" else event_yaml(facts.facts))
        return out
    problems = entry.problems()
    if problems:
        out.append(rule(f"failed and unreachable ({len(problems):,})"))
        out.extend(_problems_list(problems))
    out.append(rule("facts"))
    out.extend(_facts_section(entry, facts))
    return out


def _header(entry: HostEntry) -> RenderableType:
    title = Text.assemble(status_text(entry.status), "  ")
    title.append(_line(entry.name) or "(no name)", style="bold")
    rows: list[tuple[str, Text]] = []
    runs = entry.runs
    if runs:
        counts = counts_label(entry.counts)
        counts.append(f"   ({runs:,} task run{'s' if runs != 1 else ''})", style=SECONDARY.key)
        rows.append(("runs", counts))
    plays = [group.name or "(no play)" for group in entry.plays]
    if plays:
        rows.append(("plays", Text(_line(", ".join(plays)))))
    if entry.spent_us:
        spent = Text.assemble(
            duration_text(entry.spent), ("  its task runs added up", SECONDARY.key)
        )
        rows.append(("time", spent))
    if entry.recap is not None:
        rows.append(("recap", recap_text(entry.recap)))
    else:
        rows.append(("recap", Text("when the run ends (playbook_on_stats)", style=SECONDARY.note)))
    return Group(title, grid(rows))


def _problems_list(problems: list[Node]) -> list[RenderableType]:
    """Each failed or unreachable run: its task and play on a line, why below it."""
    out: list[RenderableType] = []
    for run in problems[:MAX_ROWS]:
        task = run.parent
        play = task.parent if task is not None else None
        line = Text.assemble(status_text(run.status), "  ")
        if task is not None and task.kind == "task":
            if task.role:
                line.append(_line(task.role, 60), style="italic")
                line.append(" : ", style=SECONDARY.key)
            line.append(_line(task.name) or "(unnamed task)", style="bold")
        else:
            line.append("(task not known yet)", style=SECONDARY.key)
        if play is not None and play.kind == "play" and play.name:
            line.append(f"  in {_line(play.name, 80)}", style=SECONDARY.key)
        out.append(line)
        why = Text("  ")
        if run.detail:
            why.append(_line(run.detail))
        else:
            why.append("no reason given", style=SECONDARY.note)
        out.append(why)
    if len(problems) > MAX_ROWS:
        out.append(note(f"… {len(problems) - MAX_ROWS:,} more not shown"))
    return out


def _facts_section(entry: HostEntry, facts: HostFacts | None) -> list[RenderableType]:
    if facts is None:
        return [note("loading facts…")]
    if facts.facts is None:
        return [note(_no_facts(entry, facts))]
    rows = [(label, Text(_line(value))) for label, value in common_facts(facts.facts)]
    out: list[RenderableType] = []
    if rows:
        out.append(grid(rows))
    else:
        out.append(note("None of the common facts (os, kernel, addresses) were gathered."))
    out.append(note(f"{len(facts.facts):,} facts in all: x shows them as JSON, then YAML."))
    return out


def _no_facts(entry: HostEntry, facts: HostFacts) -> str:
    if facts.problem is not None:
        where = facts.path.name if facts.path is not None else entry.name
        return f"Its facts file {where} is unusable: {facts.problem}"
    return (
        "No facts: runner's fact_cache/ has none for this host "
        "(a play with gather_facts writes them)."
    )


def _line(text: str, limit: int = _LINE) -> str:
    """`safe_line`, without scanning more of a huge string than the line can show."""
    if len(text) > limit * 8:
        text = text[: limit * 8]
    return safe_line(text, limit)
