"""The Hosts view's lines (a host, one of its plays, one of its runs), as `Text`, never markup."""

from __future__ import annotations

from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.hosts import HostEntry, HostIndex, HostPlay, recap_items
from jobevents.core.nodes import Node
from jobevents.core.render import duration_text
from jobevents.core.status import STATUSES

from .labels import counts_label
from .theme import PART_STYLE, STATUS_GLYPH, STATUS_STYLE

_NAME_LIMIT = 160
_DETAIL_LIMIT = 120
#: the recap's names and the status whose colour they take
_RECAP_STYLE = {"unreachable": "unreachable", "failed": "failed"}


def _glyph(status: str) -> Text:
    return Text.assemble((STATUS_GLYPH.get(status, "?"), STATUS_STYLE.get(status, "")), " ")


def hosts_label(index: HostIndex) -> Text:
    """The root line: how many hosts, by their worst status."""
    worst = next((status for status in STATUSES if index.states.get(status)), "running")
    text = _glyph(worst)
    count = len(index)
    text.append(f"{count:,} host{'s' if count != 1 else ''}", style="bold")
    counts = counts_label(index.states)
    if counts:
        text.append("  ")
        text.append_text(counts)
    return text


def host_label(entry: HostEntry) -> Text:
    """`✘ web03  ✔ 12 ~ 3 ✘ 1  41.2s  ok=12 changed=3 failed=1`."""
    status = entry.status
    text = _glyph(status)
    text.append(safe_line(entry.name, _NAME_LIMIT), style=f"bold {STATUS_STYLE.get(status, '')}")
    counts = counts_label(entry.counts)
    if counts:
        text.append("  ")
        text.append_text(counts)
    if entry.spent_us:
        text.append(f"  {duration_text(entry.spent)}", style="dim")
    if entry.recap is not None:
        text.append("  ")
        text.append_text(recap_text(entry.recap, zeros=False))
    return text


def recap_text(recap: dict[str, int], *, zeros: bool = True) -> Text:
    """The recap as ansible prints it, each non-zero figure in its status colour."""
    text = Text()
    for name, n in recap_items(recap, zeros=zeros):
        if text:
            text.append(" ")
        style = STATUS_STYLE.get(_RECAP_STYLE.get(name, name), "") if n else "dim"
        text.append(f"{name}={n}", style=style)
    return text


def play_label(group: HostPlay) -> Text:
    """`~ PLAY Install  ✔ 4 ~ 1  3.2s`: the host's runs in one play."""
    text = _glyph(group.status)
    if group.play is None:
        text.append("(no play)", style="bold dim")
    else:
        text.append("PLAY ", style="bold")
        text.append(safe_line(group.play.name, _NAME_LIMIT) or "(unnamed play)", style="bold")
    counts = counts_label(group.counts)
    if counts:
        text.append("  ")
        text.append_text(counts)
    if group.spent_us:
        text.append(f"  {duration_text(group.spent)}", style="dim")
    return text


def run_label(run: Node) -> Text:
    """A host run under its host: the task it ran, how long, and one line of why."""
    status = run.status
    text = _glyph(status)
    task = run.parent
    if task is None or not task.is_structural or task.kind != "task":
        text.append("(task not known yet)", style="dim")
    else:
        if task.handler:
            text.append("HANDLER ", style="bold cyan")
        if task.role:
            text.append(safe_line(task.role, 60), style=PART_STYLE["role"])
            text.append(" : ", style="dim")
        text.append(safe_line(task.name, _NAME_LIMIT) or "(unnamed task)")
    duration = duration_text(run.elapsed) if status != "running" else ""
    if duration:
        text.append(f"  {duration}", style="dim")
    if run.detail:
        text.append("  ")
        text.append(safe_line(run.detail, _DETAIL_LIMIT), style=STATUS_STYLE.get(status, "dim"))
    return text
