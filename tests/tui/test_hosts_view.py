"""The Hosts view (`2`): its keys, its detail pane and its live behaviour, on real runs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from textual.widgets import Static

from jobevents.core.hosts import HostEntry, HostPlay
from jobevents.core.nodes import Node
from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.hosts import HostsView
from jobevents.tui.widgets.detail_pane import DetailPane
from jobevents.tui.widgets.run_tree import RunTree

from ..fixtures.paths import committed_run
from .helpers import (
    TreeState,
    add_events,
    apply_as_frame,
    copy_run,
    finish,
    finished,
    first_event_then_shuffled,
    frames_pass,
    header_text,
    press,
    rendered_text,
    running,
    settle,
    tree_state,
    wait_for,
    write_event,
)


def hosts_of(app: JobEventsApp) -> HostsView:
    view = app.views.get("hosts")
    assert isinstance(view, HostsView)
    return view


def view_state(view: HostsView) -> TreeState:
    """What the view shows: each line's depth, plain label and expanded flag."""
    return tree_state(view.app, view)  # type: ignore[arg-type]


def host_names(view: HostsView) -> list[str]:
    """The hosts' lines as drawn, top to bottom."""
    names = []
    for number in range(view.last_line + 1):
        node = view.get_node_at_line(number)
        if node is not None and isinstance(node.data, HostEntry):
            names.append(node.data.name)
    return names


def cursor_row(view: HostsView) -> object:
    assert view.cursor_node is not None
    return view.cursor_node.data


def detail_text(app: JobEventsApp) -> str:
    return rendered_text(app.query_one(DetailPane).query_one(Static).content, 120)


async def show_hosts(pilot, *keys: str) -> HostsView:  # type: ignore[no-untyped-def]
    """Settle, switch to the Hosts view, press `keys`."""
    app = pilot.app
    await settle(pilot)
    await press(pilot, "2")
    await frames_pass(pilot)
    for key in keys:
        await press(pilot, key)
    await frames_pass(pilot)
    return hosts_of(app)


async def put_cursor_on(pilot, view: HostsView, name: str) -> None:  # type: ignore[no-untyped-def]
    """Move the cursor to the row of host `name` with the arrow keys."""
    await press(pilot, "c", "home")
    for _ in range(len(view.root.children) + 1):
        row = cursor_row(view)
        if isinstance(row, HostEntry) and row.name == name:
            return
        await press(pilot, "down")
    raise AssertionError(f"no row for {name}")


# ----------------------------------------------------------------------- order


async def test_2_shows_the_hosts_problems_first_and_S_sorts_them_by_name() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        assert app.focused is view
        assert "Hosts" in header_text(app)
        assert view.root.label.plain.startswith("✘ 4 hosts")
        # failed, then unreachable, then the rest by natural name (web2 before web10)
        assert host_names(view) == ["web10", "deadhost", "db1", "web2"]
        await press(pilot, "S")
        await frames_pass(pilot)
        assert host_names(view) == ["db1", "deadhost", "web2", "web10"]
        await press(pilot, "S")
        await frames_pass(pilot)
        assert host_names(view) == ["web10", "deadhost", "db1", "web2"]


async def test_S_keeps_the_cursor_on_its_row() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        await put_cursor_on(pilot, view, "web2")
        await press(pilot, "S")
        await frames_pass(pilot)
        row = cursor_row(view)
        assert isinstance(row, HostEntry) and row.name == "web2"
        assert view_state(view).cursor_text.startswith("✔ web2")


async def test_a_host_opens_to_its_plays_and_runs_only_when_asked() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        await put_cursor_on(pilot, view, "web2")
        entry = cursor_row(view)
        assert isinstance(entry, HostEntry)
        assert not any(group in view._shown_nodes for group in entry.plays), "lazy"
        await press(pilot, "l")
        await frames_pass(pilot)
        state = view_state(view)
        below = [line.text for line in state.lines if line.depth >= 2][: len(state.lines)]
        names = [text.split("  ")[0][2:] for text in below]
        assert names[:7] == [
            "PLAY gather",
            "Gathering Facts",
            "configure",
            "open_port",
            "packages",
            "PLAY report",
            "summary",
        ]
        for group in entry.plays:
            assert group in view._shown_nodes
            assert group.runs[0] in view._shown_nodes
        # A run with loop items opens like a host run of the task tree.
        packages = next(
            run for run in entry.all_runs() if run.parent and run.parent.name == "packages"
        )
        assert view.select_core_node(packages)
        await frames_pass(pilot)
        await press(pilot, "l")
        await frames_pass(pilot)
        assert [c.label.plain.split("  ")[0] for c in view._shown_nodes[packages].children] == [
            "✔ item nginx",
            "✔ item curl",
        ]


async def test_e_opens_every_host_and_c_closes_them_again() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "e")
        state = view_state(view)
        runs = sum(entry.runs for entry in view.index.ordered())
        groups = sum(len(entry.plays) for entry in view.index.ordered())
        items = sum(len(run.children) for e in view.index.ordered() for run in e.all_runs())
        assert len(state.lines) == 1 + 4 + groups + runs + items
        await press(pilot, "c")
        await frames_pass(pilot)
        assert [line.depth for line in view_state(view).lines] == [0, 1, 1, 1, 1]


# -------------------------------------------------------------------- failures


async def test_n_and_N_visit_failed_and_unreachable_runs_and_wrap() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "c", "home")
        visited = []
        for _ in range(3):
            await press(pilot, "n")
            await frames_pass(pilot, 1)
            row = cursor_row(view)
            assert isinstance(row, Node)
            visited.append((row.host, row.parent.name if row.parent else "", row.status))
        assert visited == [
            ("web10", "open_port", "failed"),
            ("deadhost", "Gathering Facts", "unreachable"),
            ("web10", "open_port", "failed"),
        ]
        await press(pilot, "N")
        await frames_pass(pilot, 1)
        row = cursor_row(view)
        assert isinstance(row, Node) and row.host == "deadhost"
        assert not view.follow


# ------------------------------------------------------------- shared selection


async def test_switching_views_keeps_the_run_under_the_cursor() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        await settle(pilot)
        tasks = app.run_tree
        assert tasks is not None
        await press(pilot, "n")  # the task tree's first failure: deadhost, Gathering Facts
        await frames_pass(pilot)
        first = tasks.cursor_node.data if tasks.cursor_node else None
        assert isinstance(first, Node) and first.host == "deadhost"
        await press(pilot, "2")
        await frames_pass(pilot)
        view = hosts_of(app)
        assert cursor_row(view) is first
        assert view_state(view).cursor_text.startswith("⊘ Gathering Facts")
        parent = view.cursor_node.parent if view.cursor_node else None
        assert parent is not None and isinstance(parent.data, HostPlay)
        assert app.query_one(DetailPane).node is first
        await press(pilot, "n")  # wraps to web10, the first host of this view
        await frames_pass(pilot)
        second = cursor_row(view)
        assert isinstance(second, Node) and second.host == "web10"
        await press(pilot, "1")
        await frames_pass(pilot)
        assert isinstance(app.focused, RunTree) and app.focused is tasks
        assert tasks.cursor_node is not None and tasks.cursor_node.data is second


async def test_an_item_selected_in_the_tasks_view_is_found_under_its_host() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        await settle(pilot)
        tasks = app.run_tree
        assert tasks is not None
        item = next(n for n in tasks.core.nodes() if n.kind == "item" and n.host == "db1")
        assert tasks.select_core_node(item)
        await frames_pass(pilot)
        tasks.follow = False
        await press(pilot, "2")
        await frames_pass(pilot)
        view = hosts_of(app)
        assert cursor_row(view) is item
        chain = []
        tree_node = view.cursor_node
        while tree_node is not None:
            chain.append(tree_node.data)
            tree_node = tree_node.parent
        assert isinstance(chain[1], Node) and chain[1].kind == "host"
        assert isinstance(chain[2], HostPlay) and isinstance(chain[3], HostEntry)
        assert chain[3].name == "db1"


async def test_a_task_selected_in_the_tasks_view_leaves_the_hosts_cursor_alone() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        await put_cursor_on(pilot, view, "db1")
        await press(pilot, "1", "home")
        await frames_pass(pilot)
        await press(pilot, "2")
        await frames_pass(pilot)
        row = cursor_row(view)
        assert isinstance(row, HostEntry) and row.name == "db1"


# ------------------------------------------------------------ search and filter


async def test_a_host_name_search_shows_that_host_and_escape_shows_all_again() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "slash", *"db1", "enter")
        await frames_pass(pilot)
        assert host_names(view) == ["db1"]
        assert "  1 match │" in header_text(app)
        row = cursor_row(view)
        assert isinstance(row, HostEntry) and row.name == "db1"
        await press(pilot, "l")  # below a host found by name, all of its runs show
        await frames_pass(pilot)
        assert len(view_state(view).lines) > 5
        await press(pilot, "escape")
        await frames_pass(pilot)
        assert host_names(view) == ["web10", "deadhost", "db1", "web2"]


async def test_the_failed_filter_shows_the_failed_and_unreachable_runs() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "s")
        assert "status: failed" in header_text(app)
        texts = [(line.depth, line.text.split("  ")[0]) for line in view_state(view).lines]
        assert texts == [
            (0, "✘ 4 hosts"),
            (1, "✘ web10"),
            (2, "✘ PLAY gather"),
            (3, "✘ open_port"),
            (1, "⊘ deadhost"),
            (2, "⊘ PLAY gather"),
            (3, "⊘ Gathering Facts"),
        ]


# --------------------------------------------------------------- detail pane


async def test_a_hosts_detail_has_its_recap_its_failures_and_its_facts() -> None:
    app = finished("hosts")
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        await put_cursor_on(pilot, view, "web10")
        await wait_for(pilot, lambda: "Debian" in detail_text(app), what="the facts")
        text = detail_text(app)
        assert "failed=1" in text and "unreachable=0" in text  # the whole recap line
        assert "open_port" in text and "port 8080 is already in use on web10" in text
        for label in ("os", "kernel", "addresses"):
            assert f"\n{label} " in text
        await press(pilot, "x")
        await wait_for(pilot, lambda: '"ansible_kernel"' in detail_text(app), what="the JSON")
        await press(pilot, "x")
        await wait_for(pilot, lambda: "ansible_kernel: " in detail_text(app), what="the YAML")
        await press(pilot, "x")
        await wait_for(pilot, lambda: "open_port" in detail_text(app), what="the summary")
        await put_cursor_on(pilot, view, "deadhost")
        await wait_for(pilot, lambda: "No facts" in detail_text(app), what="no facts")
        assert "Gathering Facts" in detail_text(app)


async def test_a_run_that_gathered_no_facts_says_so_at_once() -> None:
    """No fact cache: "No facts" in the pane's first paint of a host, and no read for it."""
    app = finished("features")  # its playbooks gather no facts
    async with running(app) as pilot:
        await show_hosts(pilot)
        reads: list[str] = []
        detail = app.detail
        detail._load_facts = lambda entry, mode: reads.append(entry.name)  # type: ignore[method-assign]
        entry = app.feed.state.hosts.ordered()[0]  # type: ignore[union-attr]
        detail.show(None)
        detail.show(entry)
        assert "No facts" in detail_text(app) and "loading facts" not in detail_text(app)
        assert reads == []


# ---------------------------------------------------------------------- live


async def test_follow_puts_the_cursor_on_the_host_of_the_newest_run(tmp_path: Path) -> None:
    """Or on the run itself when its host is open; the view neither opens nor scrolls."""
    ident_dir, rest = copy_run("hosts", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        view = await show_hosts(pilot)
        assert view.follow
        opened = None
        feed = app.feed
        assert feed is not None
        read = feed.reader.read_count
        for i in range(0, len(rest), 7):
            batch = rest[i : i + 7]
            add_events(ident_dir, batch)
            read += len(batch)
            await wait_for(pilot, lambda n=read: feed.reader.read_count >= n, what="the events")
            await frames_pass(pilot)
            with feed.lock:
                runs = [n for n in feed.tree.nodes() if n.kind == "host"]
                newest = max(runs, key=lambda run: run.counter)
                group = view.index.group_of(newest)
            assert group is not None
            want = newest if group.host is opened else group.host
            await wait_for(pilot, lambda w=want: cursor_row(view) is w, what="the newest run")
            if opened is None:  # open that host by hand: follow goes on, into it
                opened = group.host
                view._toggle_node(view._shown_nodes[opened])
                assert view.follow
        await press(pilot, "up")
        assert not view.follow
        await press(pilot, "f")
        assert view.follow


async def test_a_shuffled_live_feed_ends_on_the_view_an_ordered_one_ends_on(
    tmp_path: Path,
) -> None:
    async def fed(where: Path, shuffle: bool) -> tuple[TreeState, TreeState, list[str]]:
        ident_dir, rest = copy_run("features", where, fraction=0.1)
        if shuffle:
            random.Random(7).shuffle(rest)
        app = JobEventsApp(where)
        async with running(app) as pilot:
            view = await show_hosts(pilot)
            batches = [rest[i::4] for i in range(4)]
            moves = [("up", "up"), ("j",), ("k",), ("down",)]
            for batch, keys in zip(batches, moves, strict=True):
                add_events(ident_dir, batch)
                await press(pilot, *keys)
                await frames_pass(pilot, 1)
            finish(ident_dir, "features")
            total = len(list((committed_run("features") / "job_events").iterdir()))
            await wait_for(
                pilot, lambda: f"{total} events" in header_text(app), what="all events", timeout=10
            )
            await frames_pass(pilot)
            await press(pilot, "c", "e")
            await frames_pass(pilot)
            opened = view_state(view)
            await press(pilot, "S")
            await frames_pass(pilot)
            return opened, view_state(view), host_names(view)

    shuffled = await fed(tmp_path / "shuffled", True)
    ordered = await fed(tmp_path / "ordered", False)
    assert shuffled[0].lines == ordered[0].lines
    assert shuffled[1].lines == ordered[1].lines
    assert shuffled[2] == ordered[2] == sorted(shuffled[2])
    app = finished("features")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "c", "e")
        assert view_state(view).lines == ordered[0].lines


def _stripped_run(where: Path) -> tuple[Path, list[tuple[str, bytes]]]:
    """seed_linear's events without their play and task fields (hostile input: parents
    come from parent_uuid alone), in a live folder holding the first fifth of them."""
    source = committed_run("seed_linear")
    ident_dir = where / "artifacts" / "stripped"
    (ident_dir / "job_events").mkdir(parents=True)
    (ident_dir / "status").write_text("running")
    files = []
    for path in sorted(
        (source / "job_events").glob("*.json"), key=lambda p: int(p.name.split("-")[0])
    ):
        raw = json.loads(path.read_text())
        for key in ("play_uuid", "play", "task_uuid"):
            (raw.get("event_data") or {}).pop(key, None)
        files.append((path.name, json.dumps(raw).encode()))
    keep = len(files) // 5
    for name, data in files[:keep]:
        write_event(ident_dir / "job_events", name, data)
    return ident_dir, files[keep:]


async def test_runs_follow_their_tasks_when_a_late_play_takes_them_in(tmp_path: Path) -> None:
    ident_dir, rest = _stripped_run(tmp_path / "live")
    app = JobEventsApp(tmp_path / "live")
    async with running(app) as pilot:
        view = await show_hosts(pilot, "e")
        feed = app.feed
        assert feed is not None
        read = feed.reader.read_count
        rest.reverse()  # results first: tasks wait under the root, then move into plays
        for i in range(0, len(rest), 9):
            batch = rest[i : i + 9]
            for name, data in batch:
                write_event(ident_dir / "job_events", name, data)
            read += len(batch)
            await wait_for(pilot, lambda n=read: feed.reader.read_count >= n, what="the events")
            await frames_pass(pilot, 1)
        (ident_dir / "status").write_text("successful")
        await frames_pass(pilot)
        await press(pilot, "c", "e")
        await frames_pass(pilot)
        live = view_state(view)
    app = JobEventsApp(tmp_path / "live", watch=False)
    async with running(app) as pilot:
        view = await show_hosts(pilot, "c", "e")
        assert view_state(view).lines == live.lines
        assert all("(no play)" not in line.text for line in live.lines)


def out_of_order(view: HostsView) -> list[str]:
    """Every shown parent whose shown children do not stand in the core's order."""
    wrong = []
    stack = [view.root]
    while stack:
        tree_node = stack.pop()
        stack.extend(tree_node._children)
        row = tree_node.data
        if row is None or not tree_node._children:
            continue
        shown = [child.data for child in tree_node._children]
        ids = {id(each) for each in shown}
        want = [each for each in view.children_of(row) if id(each) in ids]
        if shown != want:
            wrong.append(str(tree_node.label))
    return wrong


@pytest.mark.parametrize("seed", [25, 85])
async def test_rows_stay_in_the_core_order_frame_by_frame_under_a_shuffled_feed(
    tmp_path: Path, seed: int
) -> None:
    """Each frame moves rows in place (no rebuild): a run the core moved, put back before a
    sibling still shown where it was, ends out of order once that sibling moves too.

    The frames are made here, 37 shuffled events each (the feed's own batching depends on
    timing): with these seeds one frame moves several runs of one host's play.
    """
    events = first_event_then_shuffled("features", tmp_path, seed)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        view = await show_hosts(pilot, "e")
        for start in range(0, len(events), 37):
            apply_as_frame(app, events[start : start + 37])
            assert not out_of_order(view), (start, out_of_order(view))
            await press(pilot, "e")
        await frames_pass(pilot)
        assert f"{len(events) + 1} events" in header_text(app)
