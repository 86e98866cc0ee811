"""Every key of the app, driven through Pilot on real committed runs and on live folders."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Footer, Input, Static

from jobevents.core.newest import newest_of
from jobevents.core.nodes import Node
from jobevents.core.query import Query, find_matches
from jobevents.core.status import PROBLEMS
from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.detail_pane import DetailPane
from jobevents.tui.widgets.help_screen import HelpScreen
from jobevents.tui.widgets.run_picker import RunPicker
from jobevents.tui.widgets.run_tree import RunTree

from ..fixtures.paths import committed_run
from .helpers import (
    QUICK_RETRY,
    TreeState,
    add_events,
    apply_as_frame,
    copy_run,
    cursor_data,
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
)


def shown_nodes(app: JobEventsApp) -> list[Node]:
    """The core nodes of the visible lines, top to bottom."""
    tree = app.run_tree
    assert tree is not None
    nodes = []
    for line in range(tree.last_line + 1):
        tree_node = tree.get_node_at_line(line)
        assert tree_node is not None and tree_node.data is not None
        nodes.append(tree_node.data)
    return nodes


def path_names(node: Node) -> list[str]:
    """`[play, task, host]` names from below the playbook down to `node`."""
    return [n.name for n in reversed([node, *node.ancestors()])][1:]


#: shuffles of seed_free whose frames leave the newest task the frames named stale
SEEDS_OF_A_STALE_NEWEST = [0, 10]


async def reference_states(name: str) -> tuple[TreeState, TreeState]:
    """The visible tree of the app opened on the complete committed run, then after `e`."""
    app = finished(name)
    async with running(app) as pilot:
        await settle(pilot)
        opened = tree_state(app)
        await press(pilot, "e")
        await frames_pass(pilot, 1)
        return opened, tree_state(app)


# ----------------------------------------------------------------------------- start


async def test_follow_opens_the_newest_task_and_puts_the_cursor_there() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        state = tree_state(app)
        assert state.cursor_text.startswith("~ HANDLER restart_tower")
        plays = [t for t in state.texts if "PLAY" in t]
        assert state.expanded == [state.texts[0], *plays, state.cursor_text]
        assert app.run_tree is not None and app.run_tree.follow
        header = header_text(app)
        assert header.startswith("Tasks seed_linear │ seed.yml │ successful")
        assert "46 events" in header
        assert "│ following │" in header


# ------------------------------------------------------------------------- movement


async def test_arrows_and_jk_move_the_cursor_pause_follow_and_f_resumes_it() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        at_start = tree_state(app)
        start = at_start.cursor
        names = []
        for key, step in (("up", -1), ("k", -1), ("down", 1), ("j", 1), ("j", 1)):
            await press(pilot, key)
            assert tree_state(app).cursor == start + step, key
            start += step
            names.append(cursor_data(app).name)
        assert names == [
            "install_postgres",
            "install_tower",
            "install_postgres",
            "restart_tower",
            "tower1",
        ]
        assert app.run_tree is not None and not app.run_tree.follow
        await frames_pass(pilot)
        assert "│ paused (f) │" in header_text(app)

        await press(pilot, "f")
        await frames_pass(pilot)
        assert app.run_tree.follow
        assert tree_state(app) == at_start  # back on the newest task
        assert "│ following │" in header_text(app)


async def test_left_collapses_then_goes_to_the_parent() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "left")
        state = tree_state(app)
        assert state.cursor_text.startswith("~ HANDLER restart_tower")
        assert state.cursor_text not in state.expanded
        assert not any("tower1" in t for t in state.texts)
        await press(pilot, "left")
        assert cursor_data(app).name == "install"
        await press(pilot, "h")
        state = tree_state(app)
        assert cursor_data(app).name == "install"
        assert state.cursor_text not in state.expanded
        assert state.cursor == len(state.lines) - 1  # nothing shows below it
        await press(pilot, "h")
        assert cursor_data(app).kind == "playbook"
        await press(pilot, "h")  # the root has no parent: collapses it
        assert tree_state(app).expanded == []


async def test_right_expands_then_goes_to_the_first_child() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "up")
        assert cursor_data(app).name == "install_postgres"
        assert tree_state(app).cursor_text not in tree_state(app).expanded
        await press(pilot, "right")
        state = tree_state(app)
        assert cursor_data(app).name == "install_postgres"
        assert state.cursor_text in state.expanded
        children = [c.name for c in cursor_data(app).children]
        below = shown_nodes(app)[state.cursor + 1 : state.cursor + 1 + len(children)]
        assert [n.name for n in below] == children
        assert len(children) == 5  # three hosts and two notify messages
        await press(pilot, "l")
        first = cursor_data(app)
        assert first.name == children[0]
        assert first.parent is not None and first.parent.name == "install_postgres"
        before = tree_state(app)
        await press(pilot, "l")  # a leaf: nothing to open, nowhere to go
        assert tree_state(app) == before


async def test_enter_and_space_toggle_the_node() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        shown = []
        for key in ("enter", "enter", "space", "space"):
            await press(pilot, key)
            state = tree_state(app)
            assert state.cursor_text.startswith("~ HANDLER restart_tower")
            shown.append(state.cursor_text in state.expanded)
        assert shown == [False, True, False, True]


async def test_e_expands_everything_and_c_collapses_below_the_plays() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        everything = app.feed.tree.root.walk()
        await press(pilot, "e")
        state = tree_state(app)
        assert len(state.lines) == len(everything)
        with_children = [n for n in everything if n.children]
        assert len(state.expanded) == len(with_children)
        nodes = shown_nodes(app)
        assert all(line.expanded for line, n in zip(state.lines, nodes, strict=True) if n.children)
        # the deepest levels show: loop items, retries, async steps
        assert {n.kind for n in nodes} >= {"item", "retry", "async"}

        await press(pilot, "c")
        await frames_pass(pilot)
        state = tree_state(app)
        nodes = shown_nodes(app)
        assert {n.kind for n, line in zip(nodes, state.lines, strict=True) if line.expanded} <= {
            "playbook",
            "play",
        }
        assert [n.name for n in nodes if n.kind == "play"] == [
            "features",
            "unreachable",
            "no_hosts",
            "wrap_up",
        ]
        assert not any(n.kind in ("host", "item") for n in nodes)
        # the cursor was on a host below final_task: it goes up to what still shows
        assert cursor_data(app).name == "final_task"


# --------------------------------------------------------------------------- failures


async def test_n_and_N_visit_failed_and_unreachable_hosts_in_order_and_wrap() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        visited = []
        for _ in range(3):
            await press(pilot, "n")
            node = cursor_data(app)
            visited.append(path_names(node))
            # the way to it was opened
            assert app.run_tree is not None
            tree_node = app.run_tree.cursor_node
            while tree_node is not None and tree_node.parent is not None:
                assert tree_node.parent.is_expanded
                tree_node = tree_node.parent
        problems = [
            ["features", "fail_one_host", "tower2"],
            ["unreachable", "ping_dead_host", "deadhost"],
        ]
        # the cursor starts on final_task, after every failure: n wraps to the first one
        assert visited == [*problems, problems[0]]

        backwards = []
        for _ in range(2):
            await press(pilot, "N")
            backwards.append(path_names(cursor_data(app)))
        # from the first failure, N wraps to the last one
        assert backwards == [problems[1], problems[0]]

        # ignored failures (loop_items, ignored_failure) and rescued ones (block_step on
        # both towers: the rescue handled them) are never stops
        assert app.feed is not None
        passed = [n for n in app.feed.tree.root.walk() if n.status in ("ignored", "rescued")]
        assert {n.status for n in passed} == {"ignored", "rescued"}
        assert all(path_names(n) not in problems for n in passed)
        assert {cursor_data(app).status} <= PROBLEMS
        assert not app.run_tree.follow


async def test_the_detail_pane_shows_why_x_shows_the_json_and_tab_focuses_it() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "N", "N")
        assert path_names(cursor_data(app)) == ["features", "fail_one_host", "tower2"]
        detail = app.query_one(DetailPane)
        body = detail.query_one(Static)

        def shown() -> str:
            return rendered_text(body.content, width=100)

        await wait_for(
            pilot,
            lambda: "tower2 fails for real" in shown() and "loading" not in shown(),
            what="why tower2 failed",
        )
        assert '"event"' not in shown()
        await press(pilot, "x")
        # (a repaint of another node, queued while follow was on, must not replace it)
        await wait_for(
            pilot, lambda: '"event": "runner_on_failed"' in shown(), what="tower2's event JSON"
        )
        assert detail.node is cursor_data(app)
        assert '"msg": "tower2 fails for real"' in shown()
        await press(pilot, "x")  # then YAML, then the summary again
        await wait_for(pilot, lambda: "event: runner_on_failed" in shown(), what="the YAML")
        await press(pilot, "x")
        await wait_for(pilot, lambda: "event: runner_on_failed" not in shown(), what="summary")
        assert "tower2 fails for real" in shown() and '"event"' not in shown()

        assert isinstance(app.focused, RunTree)
        await press(pilot, "tab")
        assert isinstance(app.focused, DetailPane)
        before = tree_state(app)
        await press(pilot, "down", "j")  # they scroll the pane, not the tree
        assert tree_state(app) == before
        await press(pilot, "tab")
        assert isinstance(app.focused, RunTree)


async def test_the_detail_pane_stays_on_the_node_the_user_moved_to() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        detail = app.query_one(DetailPane)
        # While follow is on, the app repaints the pane on its frame clock, at most once a
        # second. f moves the cursor in follow mode: the second f, less than a second after
        # the first one's repaint, is held back; none of that may replace, later, what the
        # user moved to with k.
        await press(pilot, "k", "f")
        await wait_for(pilot, lambda: detail.node is cursor_data(app), what="f's repaint")
        await press(pilot, "k", "f", "k")
        assert cursor_data(app).name == "install_postgres"
        await frames_pass(pilot, 14)
        assert detail.node is cursor_data(app), f"the pane shows {detail.node}"


# ----------------------------------------------------------------------------- follow


async def test_follow_pauses_on_movement_and_the_badge_counts_what_arrives(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert "running" in header_text(app)
        assert cursor_data(app).name == "check_umask"
        await press(pilot, "k")
        await frames_pass(pilot)
        await wait_for(pilot, lambda: "│ paused (f) │" in header_text(app), what="the header")
        paused_at = tree_state(app).cursor_text

        add_events(ident_dir, rest[:5])
        await wait_for(pilot, lambda: "paused +5 new (f)" in header_text(app), what="+5 new")
        add_events(ident_dir, rest[5:8])
        await wait_for(pilot, lambda: "paused +8 new (f)" in header_text(app), what="+8 new")
        assert tree_state(app).cursor_text == paused_at  # nothing moved the cursor

        await press(pilot, "f")
        await frames_pass(pilot)
        await wait_for(pilot, lambda: "│ following │" in header_text(app), what="the header")
        assert app.feed is not None
        with app.feed.lock:
            newest = max(
                (n for n in app.feed.tree.root.walk() if n.kind in ("play", "task")),
                key=lambda n: n.counter,
            )
        assert cursor_data(app) is newest
        assert tree_state(app).cursor_text in tree_state(app).expanded


async def test_what_the_user_collapsed_or_opened_stays_when_events_arrive(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert cursor_data(app).name == "check_umask"
        await press(pilot, "enter")  # close the running task follow opened
        await press(pilot, "k", "l")  # open check_ram by hand
        await press(pilot, "k", "h", "h")  # up to the play, then close it
        assert cursor_data(app).name == "preflight"

        random.Random(7).shuffle(rest)
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await frames_pass(pilot)
        state = tree_state(app)
        preflight = state.cursor_text
        assert preflight.startswith("✔ PLAY preflight")  # its task finished meanwhile
        assert preflight not in state.expanded
        assert not any("check_umask" in t for t in state.texts)

        await press(pilot, "l")
        state = tree_state(app)
        by_name = {n.name: line for n, line in zip(shown_nodes(app), state.lines, strict=True)}
        assert by_name["preflight"].expanded
        assert by_name["check_ram"].expanded
        assert not by_name["check_umask"].expanded

        await press(pilot, "f")  # follow moves on to the newest task, and leaves these be
        await frames_pass(pilot)
        state = tree_state(app)
        by_name = {n.name: line for n, line in zip(shown_nodes(app), state.lines, strict=True)}
        assert by_name["check_ram"].expanded
        assert not by_name["check_umask"].expanded
        assert cursor_data(app).name == "restart_tower"


async def test_a_live_run_ends_as_the_complete_run_shows(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.4)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert "running" in header_text(app)
        random.Random(3).shuffle(rest)
        moves = [("up", "up"), ("j",), ("down", "k"), ("up",)]
        batches = [rest[i::4] for i in range(4)]
        for batch, keys in zip(batches, moves, strict=True):
            add_events(ident_dir, batch)
            await press(pilot, *keys)
            await frames_pass(pilot, 1)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await wait_for(pilot, lambda: "successful" in header_text(app), what="the status")
        assert app.feed is not None and not app.feed.errors
        await press(pilot, "f")
        await frames_pass(pilot)
        live = tree_state(app)
        await press(pilot, "e")
        await frames_pass(pilot)
        live_all = tree_state(app)

    opened, everything = await reference_states("seed_free")
    assert live == opened, str(live)
    assert live_all.lines == everything.lines


@pytest.mark.parametrize("seed", SEEDS_OF_A_STALE_NEWEST)
async def test_f_follows_the_newest_task_of_the_tree_after_events_out_of_order(
    tmp_path: Path, seed: int
) -> None:
    """The frames name the newest task as nodes are added; a task's start arriving after
    its results changes its counter later. `f` goes where the tree says, as a view opened
    on the run then would (frames made here: the feed's batching depends on timing)."""
    events = first_event_then_shuffled("seed_free", tmp_path, seed)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        feed = app.feed
        assert feed is not None
        for start in range(0, len(events), 5):
            apply_as_frame(app, events[start : start + 5])
        await press(pilot, "home", "f")
        await frames_pass(pilot)
        want = newest_of(feed.tree.root, {"play", "task"})
        assert want is not None
        assert cursor_data(app) is want, (cursor_data(app).name, want.name)


# ------------------------------------------------------------------ files being written


async def test_a_file_written_in_two_steps_is_retried_then_shown(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        events = app.feed.tree.events
        target = ident_dir / "job_events" / rest[0].name
        whole = rest[0].read_bytes()
        target.write_bytes(whole[: len(whole) // 2])  # no .tmp: a reader can see this
        await wait_for(pilot, app.feed.reader.pending, what="a first, failed read")
        await frames_pass(pilot)
        assert app.feed.tree.events == events
        assert app.feed.reader.pending()
        target.write_bytes(whole)
        await wait_for(pilot, lambda: f"{events + 1} events" in header_text(app), what="+1")
        assert not app.feed.errors
        assert "unreadable" not in header_text(app)


async def test_a_file_reported_unreadable_is_withdrawn_once_it_parses(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path, retry_for=QUICK_RETRY)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        events = app.feed.tree.events
        target = ident_dir / "job_events" / rest[0].name
        whole = rest[0].read_bytes()
        target.write_bytes(whole[: len(whole) // 2])
        await wait_for(pilot, lambda: "1 unreadable" in header_text(app), what="reported")
        target.write_bytes(whole)
        await wait_for(pilot, lambda: f"{events + 1} events" in header_text(app), what="+1")
        await frames_pass(pilot)
        assert not app.feed.errors
        assert "unreadable" not in header_text(app)


async def test_a_file_that_never_parses_is_reported_after_the_retry_window(
    tmp_path: Path,
) -> None:
    ident_dir, _rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path, retry_for=QUICK_RETRY)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        events = app.feed.tree.events
        name = "999-00000000-0000-0000-0000-000000000000.json"
        (ident_dir / "job_events" / name).write_bytes(b'{"event": "runner_on_ok", "coun')
        await wait_for(pilot, app.feed.reader.pending, what="a first, failed read")
        assert "unreadable" not in header_text(app)  # retried first
        await wait_for(pilot, lambda: "1 unreadable" in header_text(app), what="reported")
        assert set(app.feed.errors) == {name}
        assert app.feed.tree.events == events


# ------------------------------------------------------------------- filters and search


async def test_search_filters_to_matches_and_their_ancestors_and_escape_restores() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        await press(pilot, "slash")
        search = app.query_one("#search", Input)
        assert search.has_focus and search.display
        # it shows: not under the footer, not over the tree
        assert not search.region.overlaps(app.query_one(Footer).region)
        assert not search.region.overlaps(app.query_one("#main").region)
        await press(pilot, *"tower2")
        await wait_for(pilot, lambda: "/tower2" in header_text(app), what="the filter")
        assert app.feed is not None
        matches = find_matches(app.feed.tree.root, Query(text="tower2"))
        nodes = shown_nodes(app)
        assert {n.id for n in nodes} == matches.shown
        assert f"{matches.total} matches" in header_text(app)
        hits = [n for n in nodes if Query(text="tower2").matches(n)]
        assert len(hits) == matches.total == 7  # six host runs and a notify
        # everything else on screen is the way to a hit
        for node in nodes:
            if node not in hits:
                assert any(node in hit.ancestors() for hit in hits), node

        await press(pilot, "escape")
        await frames_pass(pilot)
        assert not search.display
        assert isinstance(app.focused, RunTree)
        assert "/tower2" not in header_text(app)
        assert tree_state(app) == before


async def test_enter_keeps_the_search_and_a_hit_below_a_hit_shows() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        await press(pilot, "slash", *"dead", "enter")
        assert isinstance(app.focused, RunTree)
        await frames_pass(pilot)
        assert "/dead  2 matches" in header_text(app)
        names = [n.name for n in shown_nodes(app)]
        # the task ping_dead_host and its host deadhost both match: the task opens
        assert names[:4] == ["features.yml", "unreachable", "ping_dead_host", "deadhost"]
        assert cursor_data(app).name == "ping_dead_host"  # the first hit
        await press(pilot, "j")  # the tree has the keys now
        assert cursor_data(app).name == "deadhost"
        await press(pilot, "escape")
        await frames_pass(pilot)
        assert "dead" not in header_text(app)
        assert tree_state(app).lines == before.lines


async def test_what_is_typed_right_after_slash_goes_to_the_search() -> None:
    # A terminal delivers "/web" (typed fast, or pasted) as keys already queued before
    # the app handles "/": none of them may reach the tree ("e" would expand everything).
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        for key, char in [("slash", "/"), *((c, c) for c in "tower2")]:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        # the search box is mounted by the "/" (not at start): ask for it once it is
        await wait_for(pilot, lambda: bool(app.query("#search")), what="the search box")
        search = app.query_one("#search", Input)
        await wait_for(pilot, lambda: search.value == "tower2", what="the typed text")
        assert tree_state(app).expanded == before.expanded
        await press(pilot, "slash")  # in the search, "/" is text (paths, role/task)
        assert search.value == "tower2/" and search.has_focus


@pytest.mark.parametrize("view_key", ["1", "2", "3", "4"])
async def test_what_is_typed_right_after_enter_in_the_search_goes_to_the_view(
    view_key: str,
) -> None:
    # "enter n" in one read: n is the view's key (the next match or problem), not text.
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, view_key, "slash", *"tower")
        for key, char in [("enter", "\r"), ("n", "n")]:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        await frames_pass(pilot)
        assert app.search.value == "tower"
        assert app.view is not None and app.view.key_widget().has_focus


async def test_search_stays_live_while_events_arrive(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"tower2")
        await wait_for(pilot, lambda: "/tower2" in header_text(app), what="the filter")
        assert app.feed is not None
        query = Query(text="tower2")
        first = {n.id for n in shown_nodes(app)}
        with app.feed.lock:
            assert first == find_matches(app.feed.tree.root, query).shown

        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")

        def in_step() -> bool:
            assert app.feed is not None
            with app.feed.lock:
                wanted = find_matches(app.feed.tree.root, query).shown
            return {n.id for n in shown_nodes(app)} == wanted

        await wait_for(pilot, in_step, what="the filter to catch up")
        names = [path_names(n) for n in shown_nodes(app) if query.matches(n)]
        assert ["install", "install_tower", "tower2"] in names
        assert ["install", "restart_tower", "tower2"] in names
        assert "7 matches" in header_text(app)
        assert app.query_one("#search", Input).has_focus  # typing was never interrupted


async def test_s_cycles_the_status_filter_and_the_header_names_it() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        seen = {}
        for status in ("failed", "rescued", "changed", "running", "skipped"):
            await press(pilot, "s")
            await frames_pass(pilot, 1)
            assert f"status: {status}" in header_text(app)
            hosts = [n for n in shown_nodes(app) if n.kind == "host"]
            seen[status] = sorted(path_names(h)[-2] + "/" + h.name for h in hosts)
            wanted = PROBLEMS if status == "failed" else {status}
            assert all(h.status in wanted for h in hosts)
            assert all(n.kind != "host" or n.status in wanted for n in shown_nodes(app))
        assert seen["failed"] == ["fail_one_host/tower2", "ping_dead_host/deadhost"]
        assert seen["rescued"] == ["block_step/tower1", "block_step/tower2"]
        assert len(seen["changed"]) == 7
        assert seen["running"] == []
        assert "0 matches" not in header_text(app)
        assert len(seen["skipped"]) == 3
        await press(pilot, "s")
        await frames_pass(pilot, 1)
        assert "status: warnings  3 matches" in header_text(app)
        assert not any(n.kind == "host" for n in shown_nodes(app))

        await press(pilot, "s")
        await frames_pass(pilot, 1)
        assert "status:" not in header_text(app)
        # the same lines open; the cursor stays where the filters left it
        assert tree_state(app).lines == before.lines

        await press(pilot, "s")  # escape clears a status filter too
        await frames_pass(pilot, 1)
        assert "status: failed" in header_text(app)
        await press(pilot, "escape")
        await frames_pass(pilot, 1)
        assert "status:" not in header_text(app)
        assert tree_state(app).lines == before.lines


# -------------------------------------------------------------------- screens and focus


def two_runs(tmp_path: Path) -> Path:
    """artifacts/ holding seed_linear and, newer, seed_free."""
    older, _ = copy_run("seed_linear", tmp_path)
    newer, _ = copy_run("seed_free", tmp_path)
    for stamp, folder in ((1_000_000_000, older), (1_100_000_000, newer)):
        for path in (folder / "job_events", folder):
            os.utime(path, (stamp, stamp))
    return tmp_path


async def test_r_opens_the_run_picker_and_escape_keeps_the_run(tmp_path: Path) -> None:
    app = JobEventsApp(two_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        assert header_text(app).startswith("Tasks seed_free │")
        await press(pilot, "r")
        assert isinstance(app.screen, RunPicker)
        await wait_for(pilot, lambda: app.screen.complete, what="the runs' summaries")  # type: ignore[attr-defined]
        picker = app.screen
        assert picker.run_list.count == 2
        assert picker.run_list.highlighted == 0  # the run shown, newest first
        labels = picker.row_texts()
        assert labels[0].split()[:4] == ["●", "seed_free", "seed.yml", "successful"]
        assert labels[1].split()[:3] == ["seed_linear", "seed.yml", "successful"]
        await press(pilot, "escape")
        assert not isinstance(app.screen, RunPicker)
        assert app.feed is not None and app.feed.run.ident == "seed_free"
        assert tree_state(app) == before


async def test_picking_another_run_shows_it(tmp_path: Path) -> None:
    app = JobEventsApp(two_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "r", "down", "enter")
        assert not isinstance(app.screen, RunPicker)
        await settle(pilot)
        assert app.feed is not None and app.feed.run.ident == "seed_linear"
        assert header_text(app).startswith("Tasks seed_linear │ seed.yml │ successful")
        assert "46 events" in header_text(app)
        switched = tree_state(app)
    assert switched == (await reference_states("seed_linear"))[0]


async def test_question_mark_opens_the_help_and_escape_closes_it() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        before = tree_state(app)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(rendered_text(s.content) for s in app.screen.query(Static))
        for words in ("next / previous failed", "status filter", "follow the newest", "quit"):
            assert words in text
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)
        assert isinstance(app.focused, RunTree)
        assert tree_state(app) == before


async def test_q_quits_with_return_code_0() -> None:
    app = JobEventsApp(committed_run("seed_linear"))
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        thread = app.feed._thread
        assert thread is not None and thread.is_alive()  # watching
        await pilot.press("q")
        assert not thread.is_alive()  # q stopped the watcher
        assert not app.is_running
    assert app.return_code == 0


# ------------------------------------------------------------------ a path not there yet


async def test_the_app_waits_for_a_path_that_does_not_exist_yet(tmp_path: Path) -> None:
    pdd = tmp_path / "pdd"
    app = JobEventsApp(pdd)
    async with running(app) as pilot:
        await pilot.pause()
        assert app.feed is None
        assert header_text(app).startswith("Waiting: no ansible-runner run under")
        waiting = app.query_one("#waiting", Static)
        assert rendered_text(waiting.content).startswith("Waiting for a run under")

        copy_run("seed_linear", pdd)
        await wait_for(pilot, lambda: app.feed is not None, timeout=3, what="the run to open")
        await settle(pilot)
        assert header_text(app).startswith("Tasks seed_linear │ seed.yml │ successful")
        assert "46 events" in header_text(app)
        assert not app.query("#waiting")
        assert tree_state(app).cursor_text.startswith("~ HANDLER restart_tower")  # following
