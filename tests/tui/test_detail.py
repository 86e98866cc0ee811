"""The detail pane's content: real events rendered, hostile ones made harmless."""

from __future__ import annotations

import copy
import io
import time
from collections.abc import Iterable
from typing import Any

import pytest
from rich.console import Console, RenderableType

from jobevents.core.folder import RunFolder, open_run
from jobevents.core.loading import load_run
from jobevents.core.nodes import Branch, Node
from jobevents.core.status import STATUSES
from jobevents.core.tree import EventTree
from jobevents.tui.detail import (
    MAX_ROWS,
    STATUS_GLYPH,
    STATUS_STYLE,
    host_detail,
    message_detail,
    structural_detail,
)
from jobevents.tui.detail_raw import raw_view

from ..fixtures.paths import RUNS

MARKUP = "[bold red]x[/]"
LINK = "[link=http://e]y[/link]"
#: OSC 52 (set the clipboard), clear screen, cursor home, a C1 CSI, a bidi override.
HOSTILE = "\x1b]52;c;aGk=\x07\x1b[2J\x1b[H\x9b6n\u202eevil"


def render(items: Iterable[RenderableType], color_system: str | None = None) -> str:
    """What a 100-column terminal is sent (plain when `color_system` is None)."""
    console = Console(
        width=100, record=True, file=io.StringIO(), color_system=color_system, legacy_windows=False
    )
    for item in items:
        console.print(item)
    sent = console.file.getvalue()  # type: ignore[attr-defined]
    return sent


def assert_harmless(text: str, *, colours: bool = False) -> None:
    assert "\x1b]" not in text
    assert "\x1b[2J" not in text
    assert "\x1b[H" not in text
    assert "\x9b" not in text
    assert "\u202e" not in text
    assert "\x07" not in text
    if not colours:
        assert "\x1b" not in text


def _run(name: str) -> RunFolder | None:
    """A committed fixture run, None when it is not there (being regenerated, say)."""
    folder = RUNS / name
    try:
        return open_run(folder)
    except Exception:
        return None


def _loaded(name: str) -> tuple[RunFolder, EventTree]:
    run = _run(name)
    assert run is not None, f"the committed {name} run is missing"
    tree, _reader = load_run(run)
    return run, tree


def _any_run() -> tuple[RunFolder, EventTree]:
    """A real committed run."""
    run = _run("seed_linear")
    assert run is not None, "the committed seed_linear run is missing"
    tree, _reader = load_run(run)
    return run, tree


def _host_runs(tree: EventTree, status: str | None = None) -> list[Node]:
    return [n for n in tree.nodes() if n.kind == "host" and (status is None or n.status == status)]


def _real_host(status: str = "changed") -> tuple[Node, dict[str, Any]]:
    run, tree = _any_run()
    hosts = _host_runs(tree, status) or _host_runs(tree)
    assert hosts
    node = hosts[0]
    assert node.ref is not None
    return node, run.read_payload(node.ref)


def _failure(status: str) -> tuple[Node, dict[str, Any]]:
    """A real failed / unreachable host run from the committed features run."""
    run = _run("features")
    assert run is not None, "the committed features run is missing"
    tree, _reader = load_run(run)
    for node in _host_runs(tree, status):
        assert node.ref is not None
        return node, run.read_payload(node.ref)
    raise AssertionError(f"the features run has no {status} host")


def _edited(res: Any, **top: Any) -> tuple[Node, dict[str, Any]]:
    """A real host run's event with a hand-made (hostile or malformed) `res`."""
    node, event = _real_host()
    event = copy.deepcopy(event)
    event["event_data"]["res"] = res
    event.update(top)
    return node, event


def _task(name: str, hosts: list[tuple[str, str, str | None]]) -> Node:
    """A task node with host runs (name, status, detail): for hostile names only."""
    task = Branch(0, "task", name, 1)
    task.counts = {}
    task.tally = {}
    for i, (host, status, detail) in enumerate(hosts, start=1):
        run = Node(i, "host", host, i + 1)
        run.host = host
        run.status = status
        run.detail = detail
        run.parent = task
        task.child_list().append(run)
        task.counts[status] = task.counts.get(status, 0) + 1
    task.status = "failed"
    return task


# --------------------------------------------------------------------- host runs


def test_status_maps_cover_every_status() -> None:
    for status in STATUSES:
        assert status in STATUS_STYLE
        assert status in STATUS_GLYPH
    assert STATUS_GLYPH["failed"] == "✘"
    assert "bold" in STATUS_STYLE["failed"]  # its colour is the theme's $error


def test_real_changed_host_shows_cmd_and_stdout() -> None:
    node, event = _real_host("changed")
    res = event["event_data"]["res"]
    text = render(host_detail(node, event))
    assert node.name in text
    assert node.parent is not None and node.parent.name in text
    assert "duration" in text
    if res.get("cmd"):
        assert "cmd ─" in text
        cmd = res["cmd"]
        assert (cmd if isinstance(cmd, str) else cmd[0]) in text
    if isinstance(res.get("stdout"), str) and res["stdout"].strip():
        assert "stdout ─" in text
        assert res["stdout"].strip().splitlines()[0] in text
    # The event's own stdout ("changed: [host]"), its colour codes gone in plain output.
    assert "output ─" in text
    assert f"[{node.name}]" in text
    assert_harmless(text)


def test_event_stdout_keeps_its_colours_and_nothing_else() -> None:
    node, event = _real_host()
    event = copy.deepcopy(event)
    event["stdout"] = f"\x1b[0;31mred line\x1b[0m {HOSTILE}"
    text = render(host_detail(node, event), color_system="standard")
    assert "red line" in text
    assert "\x1b[31m" in text  # SGR honoured
    assert "evil" in text
    assert_harmless(text, colours=True)


@pytest.mark.parametrize("status", ["failed", "unreachable", "rescued"])
def test_failure_shows_why_first(status: str) -> None:
    node, event = _failure(status)
    res = event["event_data"]["res"]
    text = render(host_detail(node, event))
    msg = res["msg"].split("\n")[0][:40]
    assert STATUS_GLYPH[status] in text
    why = text.index("╭─")
    assert status in text[why : why + 200]
    assert msg in text[why:]
    assert text.index(msg, why) < text.index("output ─")
    # Nothing but the header comes before the box.
    assert "─ stdout" not in text[:why] and "output ─" not in text[:why]


def test_failure_why_box_has_rc_stderr_and_exception() -> None:
    node, event = _edited(
        {
            "msg": "non-zero return code",
            "rc": 3,
            "stderr": "\n".join(f"err {i}" for i in range(100)),
            "exception": "Traceback (most recent call last):\n  File x\nValueError: bad value",
        }
    )
    node.status = "failed"
    text = render(host_detail(node, event))
    box = text[text.index("╭─") : text.index("╰─")]
    assert "non-zero return code" in box
    assert "rc 3" in box
    assert "err 99" in box and "err 50" not in box
    assert "earlier lines" in box
    assert "ValueError: bad value" in box
    # The whole stderr is in its own section below.
    assert "err 0\n" in text[text.index("╰─") :]


def test_loop_results_list_each_item() -> None:
    run, tree = _loaded("features")
    node = next(n for n in _host_runs(tree) if n.parent and n.parent.name == "loop_items")
    assert node.ref is not None
    text = render(host_detail(node, run.read_payload(node.ref)))
    assert "results (3 items)" in text
    for label in ("good", "bad", "fine"):
        assert label in text
    assert "✘ failed" in text
    assert "failed items bad" in text  # in the why box of the ignored failure


def test_no_log_result_says_censored() -> None:
    run, tree = _loaded("features")
    node = next(n for n in _host_runs(tree) if n.parent and n.parent.name == "secret_task")
    assert node.ref is not None
    text = render(host_detail(node, run.read_payload(node.ref)))
    assert "Censored" in text
    assert "no_log" in text


def test_json_view_is_the_whole_event() -> None:
    node, event = _real_host()
    event = copy.deepcopy(event)
    event["stdout"] = f"{MARKUP} {HOSTILE}"
    text = render(host_detail(node, event, raw=raw_view(event, "json")))
    assert '"event_data": {' in text
    assert f'"uuid": "{event["uuid"]}"' in text
    assert MARKUP in text
    assert "\\u001b" in text  # escapes are shown as JSON escapes
    assert_harmless(text)


def test_event_not_loaded() -> None:
    node, _event = _failure("failed")
    text = render(host_detail(node, None))
    assert node.name in text
    assert "not loaded" in text
    assert node.detail is None or node.detail[:30] in text


def test_markup_is_shown_literally() -> None:
    task = _task(MARKUP, [(MARKUP, "failed", LINK), (LINK, "ok", None)])
    node = task.children[0]
    _node, event = _edited(
        {
            "msg": LINK,
            "stderr": MARKUP,
            "stdout": LINK,
            "cmd": [MARKUP, LINK],
            "results": [{"_ansible_item_label": MARKUP, "failed": True, "msg": LINK}],
        },
        stdout=f"{MARKUP} {LINK}",
    )
    event["event_data"]["host"] = MARKUP
    text = render(host_detail(node, event))
    assert text.count(MARKUP) >= 5
    assert text.count(LINK) >= 4
    assert_harmless(text)
    text = render(structural_detail(task))
    assert MARKUP in text and LINK in text


def test_escapes_never_reach_the_terminal() -> None:
    task = _task(HOSTILE, [(HOSTILE, "failed", HOSTILE)])
    node = task.children[0]
    node.action = HOSTILE
    _node, event = _edited(
        {
            "msg": HOSTILE,
            "stderr": HOSTILE,
            "stdout": HOSTILE,
            "exception": HOSTILE,
            "cmd": HOSTILE,
            "censored": HOSTILE,
            "results": [{"item": HOSTILE, "msg": HOSTILE}, {"_ansible_item_label": [HOSTILE]}],
        },
        stdout=HOSTILE,
        created=HOSTILE,
    )
    for data_key in ("host", "task", "task_path", "start", "end"):
        event["event_data"][data_key] = HOSTILE
    for color_system in (None, "truecolor"):
        for items in (
            host_detail(node, event),
            host_detail(node, event, raw=raw_view(event, "json")),
            host_detail(node, event, raw=raw_view(event, "yaml")),
            structural_detail(task),
            message_detail(node, event),
        ):
            text = render(items, color_system)
            assert_harmless(text, colours=color_system is not None)
    assert "evil" in render(host_detail(node, event))


def test_huge_stdout_is_truncated_with_a_note() -> None:
    line = "0123456789 abcdefghij 0123456789 abcdefghij 0123456789 abcdefghij 0123456789 abcd\n"
    big = line * (5_000_000 // len(line))
    node, event = _edited({"stdout": big, "stderr": "x" * 5_000_000, "msg": big}, stdout=big)
    node.status = "failed"
    started = time.perf_counter()
    items = host_detail(node, event)
    text = render(items)
    elapsed = time.perf_counter() - started
    assert "more lines" in text and "truncated" in text
    assert "more characters truncated" in text  # the 5 MB line of stderr
    assert len(text) < 2_000_000
    assert elapsed < 30  # generous: catches a stall, not a slow machine
    json_text = render(host_detail(node, event, raw=raw_view(event, "json")))
    assert "cut at" in json_text
    assert len(json_text) < 1_000_000
    yaml_text = render(host_detail(node, event, raw=raw_view(event, "yaml")))
    assert "the YAML is cut at" in yaml_text
    assert len(yaml_text) < 1_000_000


@pytest.mark.parametrize(
    "res",
    [
        "not a dict",
        ["a", "list"],
        42,
        None,
        {},
        {"msg": ["a", {"b": 1}], "rc": "seven", "results": "not a list"},
        {"msg": {"nested": [1, 2, 3]}, "rc": True, "stdout": 12, "stderr": ["x"], "cmd": {"a": 1}},
        {"results": [1, None, "s", {"item": {"a": [1]}}, {"_ansible_item_label": 5}, []]},
        {"results": [{"item": "x" * 1_000_000, "failed": "yes", "msg": ["m"]}] * 3},
        {"msg": float("nan"), "rc": 1e308, "exception": ["x"], "censored": 1},
        {"msg": "x", "stdout": "\ud800 lone surrogate", "cmd": [1, None, "a b"]},
        {"changed": "yes", "stdout_lines": None, "results": [{"skipped": 1}, {"unreachable": 1}]},
    ],
)
@pytest.mark.parametrize("status", ["failed", "ok", "bogus"])
def test_wrong_types_do_not_raise(res: Any, status: str) -> None:
    node, event = _edited(res)
    node.status = status
    for raw in (None, raw_view(event, "json"), raw_view(event, "yaml")):
        assert_harmless(render(host_detail(node, event, raw=raw)))


def test_deeply_nested_and_odd_events_do_not_raise() -> None:
    deep: Any = "bottom"
    for _ in range(5_000):
        deep = [deep]
    node, event = _edited({"msg": deep, "results": [{"item": deep}]})
    node.status = "failed"
    render(host_detail(node, event))
    render(host_detail(node, event, raw=raw_view(event, "json")))
    render(host_detail(node, event, raw=raw_view(event, "yaml")))
    for odd in (
        {},
        {"event_data": None},
        {"event_data": [1, 2]},
        {"event_data": {"res": None, "start": 5, "duration": "long"}, "stdout": ["x"]},
        {"event": 5, "created": None, "stdout": None},
    ):
        render(host_detail(node, odd))
        render(host_detail(node, odd, raw=raw_view(odd, "json")))
        render(host_detail(node, odd, raw=raw_view(odd, "yaml")))
        render(message_detail(node, odd))
    render(host_detail(node, ["not", "a", "mapping"]))  # type: ignore[arg-type]


# ------------------------------------------------------------------ structural


def test_task_detail_lists_every_host() -> None:
    _run_folder, tree = _any_run()
    task = next(n for n in tree.nodes() if n.kind == "task" and len(_task_hosts(n)) >= 2)
    text = render(structural_detail(task))
    assert task.name in text
    assert "host runs" in text
    lines = text.splitlines()
    for host in _task_hosts(task):
        assert any(line.startswith(host.name) and host.status in line for line in lines)


def _task_hosts(task: Node) -> list[Node]:
    return [c for c in task.children if c.kind == "host"]


def test_task_detail_shows_why_of_failed_hosts() -> None:
    _run_folder, tree = _loaded("features")
    task = next(n for n in tree.nodes() if n.kind == "task" and n.name == "fail_one_host")
    text = render(structural_detail(task))
    assert "tower2 fails for real" in text
    assert "1 failed" in text and "1 skipped" in text


def test_play_and_playbook_list_their_children() -> None:
    _run_folder, tree = _any_run()
    text = render(structural_detail(tree.root))
    plays = [c for c in tree.root.children if c.kind == "play"]
    assert plays
    for play in plays:
        assert play.name in text
    play = plays[0]
    text = render(structural_detail(play))
    assert f"play {play.name}" in text
    for task in (c for c in play.children if c.kind == "task"):
        assert task.name in text


def test_more_than_max_rows_hosts_are_capped() -> None:
    run, tree = _any_run()
    task = next(n for n in tree.nodes() if n.kind == "task" and _task_hosts(n))
    host = _task_hosts(task)[0]
    assert host.ref is not None
    template = run.read_payload(host.ref)
    events = []
    for i in range(1_200):
        event = copy.deepcopy(template)
        event["counter"] = 100_000 + i
        event["uuid"] = f"00000000-0000-0000-0000-{i:012d}"
        event["event_data"]["host"] = f"bulk{i:04d}"
        if i == 1_100:  # a failure far down the list must still be shown
            event["event"] = "runner_on_failed"
            event["event_data"]["res"] = {"msg": "the one that failed"}
            event["event_data"]["ignore_errors"] = False
        events.append(event)
    for event in events:
        tree.add(event)
    assert len(task.children) > 1_000
    started = time.perf_counter()
    text = render(structural_detail(task))
    assert time.perf_counter() - started < 30
    assert f"… {len(task.children) - MAX_ROWS:,} more" in text
    assert "bulk1100" in text and "the one that failed" in text
    assert text.count("bulk") <= MAX_ROWS


def test_running_task_with_now_shows_time_so_far() -> None:
    task = Branch(0, "task", "slow", 1)
    task.start = "2026-01-01T00:00:00+00:00"
    task.counts = {"running": 1}
    text = render(structural_detail(task, now=1767225600.0 + 75))
    assert "1m15s so far" in text
    assert "Nothing below it" in text


# --------------------------------------------------------------------- messages


def test_message_detail_shows_event_fields_and_stdout() -> None:
    run, tree = _loaded("features")
    include = next(n for n in tree.nodes() if n.kind == "message" and "include" in n.name)
    assert include.ref is not None
    event = run.read_payload(include.ref)
    text = render(message_detail(include, event))
    assert "playbook_on_include" in text
    assert "included file" in text
    assert event["event_data"]["included_file"] in text
    assert "included:" in text  # its stdout
    notify = next(n for n in tree.nodes() if n.kind == "message" and "notify" in n.name)
    assert notify.ref is not None
    text = render(message_detail(notify, run.read_payload(notify.ref)))
    assert "handler" in text and "feature_handler" in text


def test_message_detail_hostile_and_missing() -> None:
    node = Node(0, "message", "verbose", 1)
    node.detail = MARKUP
    event = {"event": "verbose", "stdout": f"{LINK}\n{HOSTILE}", "event_data": {"host": MARKUP}}
    text = render(message_detail(node, event))
    assert MARKUP in text and LINK in text
    assert_harmless(text)
    assert "not loaded" in render(message_detail(node, None))
