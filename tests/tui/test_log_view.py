"""The Log view (`3`): its keys, the search, the way to the task tree and back, and live runs."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

import jobevents.core.log as core_log
import jobevents.tui.views.log as log_module
from jobevents.core.ansi import strip_ansi
from jobevents.core.nodes import Node
from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.log import MAX_LINE, LogView, _clip

from ..fixtures.hostile import MARKUP_HOST, build_hostile_run
from ..fixtures.paths import committed_run
from .helpers import (
    QUICK_RETRY,
    add_events,
    copy_run,
    finish,
    finished,
    frames_pass,
    header_text,
    press,
    running,
    settle,
    wait_for,
)

SGR = re.compile(r"\x1b\[[0-9;:]*m")


async def searched(pilot: Pilot, app: JobEventsApp, text: str) -> None:
    """Wait for the search for `text` to end: it runs in slices, and until it is done the
    header says "searching…" and the cursor has not jumped yet."""
    await wait_for(
        pilot,
        lambda: f"/{text}" in (shown := header_text(app)) and "searching" not in shown,
        what=f"the search for {text!r} to end",
    )


def log_view(app: JobEventsApp) -> LogView:
    view = app.views.get("log")
    assert isinstance(view, LogView)
    return view


def screen_lines(app: JobEventsApp) -> list[str]:
    """The log view's visible lines as plain text, line numbers included (no padding)."""
    view = log_view(app)
    rows = range(view.scrollable_content_region.height)
    return [view.render_line(y).text.strip() for y in rows]


def cursor_text(app: JobEventsApp) -> str:
    view = log_view(app)
    with view.state.lock:
        return strip_ansi(view.run_log.line(view.cursor))


def all_lines(app: JobEventsApp) -> list[str]:
    view = log_view(app)
    with view.state.lock:
        return [strip_ansi(line) for line in view.run_log.lines_between(0, view.run_log.lines)]


def tree_cursor(app: JobEventsApp) -> Node | None:
    tree = app.run_tree
    assert tree is not None
    return tree.cursor_node.data if tree.cursor_node is not None else None


async def test_3_shows_the_whole_output_numbered_and_following_to_the_end() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await frames_pass(pilot)
        assert header_text(app).startswith("Log ")
        view = log_view(app)
        assert view.has_focus and view.is_following
        lines = all_lines(app)
        assert (
            lines == strip_ansi((committed_run("features") / "stdout").read_text()).split("\n")[:-1]
        )
        shown = screen_lines(app)
        # numbered from 1, the last line at the bottom, the cursor on it
        assert shown[-1] == f"{len(lines)} {lines[-1]}".rstrip()[: len(shown[-1])]
        assert view.cursor == len(lines) - 1
        first_shown = int(shown[0].split()[0])
        for offset, text in enumerate(shown):
            number = first_shown + offset
            shown_number, _, shown_text = text.partition(" ")
            assert shown_number == str(number)
            assert lines[number - 1].startswith(shown_text.rstrip())


async def test_moving_pauses_follow_the_keys_go_where_they_say_and_f_resumes() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        view = log_view(app)
        last = view.run_log.lines - 1
        await press(pilot, "k")
        await frames_pass(pilot)
        assert not view.is_following and view.cursor == last - 1
        assert "│ paused (f) │" in header_text(app)
        await press(pilot, "up", "j", "down", "down")
        assert view.cursor == last
        await press(pilot, "home")
        assert view.cursor == 0 and view.scroll_offset.y == 0
        await press(pilot, "pagedown")
        page = view.scrollable_content_region.height - 1
        assert view.cursor == page and view.scroll_offset.y == page
        await press(pilot, "pageup")
        assert view.cursor == 0
        await press(pilot, "G")
        assert view.cursor == last and view.scroll_offset.y == view.max_scroll_y
        assert not view.is_following
        await press(pilot, "g")
        assert view.cursor == 0
        await press(pilot, "f")
        await frames_pass(pilot)
        assert view.is_following and view.cursor == last
        assert "│ following │" in header_text(app)


async def test_enter_opens_the_task_tree_on_the_node_that_printed_the_line() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        lines = all_lines(app)
        target = max(i for i, text in enumerate(lines) if text.startswith("ok: [pg1]"))
        view = log_view(app)
        await press(pilot, "G", *["k"] * (len(lines) - 1 - target))
        assert view.cursor == target
        with view.state.lock:
            node = view.state.node_at_line(target)
        assert node.kind == "host" and node.name == "pg1" and node.parent is not None
        assert node.parent.name == "final_task"
        await press(pilot, "enter")
        await frames_pass(pilot)
        assert app.view_id == "tasks" and header_text(app).startswith("Tasks ")
        assert tree_cursor(app) is node
        assert app.detail.node is node

        # and back: 3 on a node opens the log at that node's first line
        await press(pilot, "up")  # tower1's run of the same task
        await frames_pass(pilot)
        other = tree_cursor(app)
        assert other is not None and other.name == "tower1"
        await press(pilot, "3")
        await frames_pass(pilot)
        assert app.view_id == "log"
        assert cursor_text(app).startswith("ok: [tower1]")
        with view.state.lock:
            assert view.state.node_at_line(view.cursor) is other
        top = view.scroll_offset.y
        assert top <= view.cursor < top + view.scrollable_content_region.height


async def test_enter_under_a_search_keeps_it_only_if_the_tree_would_show_the_node() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        # "tower2" names hosts: the tree filtered by it still shows tower2's runs
        await press(pilot, "3", "g", "slash", *"tower2", "enter")
        await searched(pilot, app, "tower2")
        view = log_view(app)
        node = view.selected_node()
        assert node is not None and node.name == "tower2"
        await press(pilot, "enter")
        await frames_pass(pilot)
        assert app.view_id == "tasks" and "/tower2" in header_text(app)
        assert tree_cursor(app) is node

        # "RETRYING" is only in the output: the tree would hide the node, so the search goes
        await press(pilot, "3", "escape", "g", "slash", *"RETRYING", "enter")
        await searched(pilot, app, "RETRYING")
        assert cursor_text(app).startswith("FAILED - RETRYING: [tower1]")
        node = view.selected_node()
        assert node is not None and node.kind == "retry"
        await press(pilot, "enter")
        await frames_pass(pilot)
        assert app.view_id == "tasks" and "/RETRYING" not in header_text(app)
        assert tree_cursor(app) is node


async def test_a_key_typed_right_after_enter_in_the_search_is_the_views() -> None:
    """A terminal gives "enter" and "n" in one read: n is the next match, not more text."""
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "g", "slash", *"tower2")
        for key, char in (("enter", "\r"), ("n", "n")):
            app.post_message(events.Key(key, char))  # back to back, as a driver posts them
        await searched(pilot, app, "tower2")
        assert app.search.value == "tower2"
        await wait_for(pilot, lambda: "2/30 lines" in header_text(app), what="the second match")
        assert app.view is log_view(app) and log_view(app).has_focus


async def test_n_before_the_search_has_jumped_goes_to_the_second_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big log is searched in slices: "enter n" typed at once is match 1, then match 2."""
    monkeypatch.setattr(core_log, "BLOCK_EVENTS", 8)  # the log in many blocks
    monkeypatch.setattr(log_module, "SEARCH_SLICE", 0.0)  # a block a slice
    monkeypatch.setattr(log_module, "SEARCH_PAUSE", 1.0)  # and n comes between slices
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "g", "slash", *"tower2")
        for key, char in (("enter", "\r"), ("n", "n")):
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: "2/30 lines" in header_text(app), what="the second match")


async def test_3_on_a_task_opens_its_banner_and_on_the_recap_the_playbook() -> None:
    app = finished("seed_free")
    async with running(app) as pilot:
        await settle(pilot)
        tree = app.run_tree
        assert tree is not None
        await press(pilot, "home")  # tree: top, the playbook
        await press(pilot, "down", "down", "down")  # the second task of the first play
        task = tree_cursor(app)
        assert task is not None and task.kind == "task"
        await press(pilot, "3")
        await frames_pass(pilot)
        assert cursor_text(app).startswith(f"TASK [{task.name}]")
        await press(pilot, "G", "enter")  # the last line, of the recap
        await frames_pass(pilot)
        with log_view(app).state.lock:
            assert tree_cursor(app) is app.run_tree.core.root  # type: ignore[union-attr]


async def test_search_highlights_counts_jumps_with_n_and_escape_clears() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "g")
        lines = all_lines(app)
        hits = [i for i, text in enumerate(lines) if "tower2" in text.lower()]
        assert len(hits) > 3
        await press(pilot, "slash", *"TOWER2", "enter")
        await searched(pilot, app, "TOWER2")
        view = log_view(app)
        assert view.cursor == hits[0]
        assert f"1/{len(hits)} lines" in header_text(app)
        assert view.has_focus  # enter gave the keys back to the log
        await press(pilot, "n")
        assert view.cursor == hits[1]
        await press(pilot, "n", "N", "N")
        assert view.cursor == hits[0]
        await press(pilot, "N")  # wraps to the last
        assert view.cursor == hits[-1]
        await frames_pass(pilot)
        assert f"{len(hits)}/{len(hits)} lines" in header_text(app)
        # the match is highlighted on the cursor's line, and only the match
        strip = view.render_line(view.cursor - int(view.scroll_offset.y))
        marked = "".join(
            s.text for s in strip if s.style is not None and s.style.bold and s.style.bgcolor
        )
        assert marked.lower() == "tower2"
        await press(pilot, "escape")
        await frames_pass(pilot)
        assert "/TOWER2" not in header_text(app) and view.search is None
        await press(pilot, "n")  # no search: a hint, the cursor stays
        assert view.cursor == hits[-1]


async def following_at_the_end(pilot: Pilot, app: JobEventsApp) -> tuple[LogView, list[str]]:
    """The Log view shown, loaded and following at its last line (under load the first
    load's jump comes after the key): a search from here is one made while following."""
    await settle(pilot)
    await press(pilot, "3")
    await wait_for(
        pilot, lambda: app.feed is not None and app.feed.loaded.is_set(), what="the load"
    )
    lines = all_lines(app)
    view = log_view(app)
    await wait_for(
        pilot,
        lambda: view.is_following and view.cursor == len(lines) - 1,
        what="the log to follow to its end",
    )
    return view, lines


async def test_a_search_while_following_goes_to_the_newest_match() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        view, lines = await following_at_the_end(pilot, app)
        await press(pilot, "slash", *"TASK [", "enter")
        await searched(pilot, app, "TASK [")
        assert view.cursor == max(i for i, text in enumerate(lines) if "TASK [" in text)
        assert not view.is_following


async def test_a_search_typed_slowly_jumps_from_where_it_began() -> None:
    """Each key of a slow typist applies a longer query: each jumps from where the search
    began (following: the newest match), not from the match the shorter query found."""
    app = finished("seed_linear")
    async with running(app) as pilot:
        view, lines = await following_at_the_end(pilot, app)
        await press(pilot, "slash")
        typed = ""
        for key in "TASK [":
            typed += key
            await press(pilot, key)
            await searched(pilot, app, typed)  # the query so far is applied and jumped to
            newest = max(i for i, text in enumerate(lines) if typed.lower() in text.lower())
            assert view.cursor == newest, typed
        await press(pilot, "enter")

        # Moved by hand, a new search starts from the cursor's line: the next match down.
        await press(pilot, "escape", "home")
        await press(pilot, "slash", *"ok:", "enter")
        await searched(pilot, app, "ok:")
        assert view.cursor == min(i for i, text in enumerate(lines) if "ok:" in text.lower())


# -------------------------------------------------------------------------------- live


async def test_a_live_log_follows_and_a_late_event_goes_in_above_without_moving_the_cursor(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        view = log_view(app)
        before = view.run_log.lines
        assert view.is_following and view.cursor == before - 1

        # Follow mode: new lines show at the bottom as they arrive.
        add_events(ident_dir, rest[:6])
        await wait_for(pilot, lambda: view.run_log.lines > before, what="new lines")
        await frames_pass(pilot)
        assert view.cursor == view.run_log.lines - 1
        assert view.scroll_offset.y == view.max_scroll_y

        # Paused on a line, events arrive out of order (earlier counters among them): the
        # cursor stays on its text at the same place on screen, and the header counts.
        await press(pilot, "k", "k", "k")
        await frames_pass(pilot)
        held = cursor_text(app)
        row = view.cursor - int(view.scroll_offset.y)
        late = rest[6:]
        random.Random(11).shuffle(late)
        add_events(ident_dir, late)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await frames_pass(pilot)
        assert cursor_text(app) == held
        assert view.cursor - int(view.scroll_offset.y) == row
        assert f"paused +{len(late)} new (f)" in header_text(app)
        assert (
            all_lines(app)
            == strip_ansi((committed_run("seed_free") / "stdout").read_text()).split("\n")[:-1]
        )

        await press(pilot, "f")
        await frames_pass(pilot)
        await wait_for(
            pilot,
            lambda: view.cursor == view.run_log.lines - 1 and "following" in header_text(app),
            what="the cursor on the last line and the header",
        )


async def test_the_header_counts_new_events_only_from_when_follow_went_off(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        view = log_view(app)
        feed = app.feed
        assert feed is not None
        # A header painted between follow going off and the app hearing of it (a search
        # jumping, on a busy machine) must not count the whole run as new.
        view.follow = False
        with feed.lock:
            app.frames.paint_header(feed, view)
        assert "│ paused (f) │" in header_text(app)
        await frames_pass(pilot)
        add_events(ident_dir, rest[:4])
        await wait_for(pilot, lambda: "paused +4 new (f)" in header_text(app), what="+4 new")


async def test_lines_inserted_above_a_paused_cursor_keep_it_on_its_line(tmp_path: Path) -> None:
    # A free run's results of task N come after task N+1 started: written in reverse, every
    # new file lands above the lines already shown.
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.6)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "k")
        view = log_view(app)
        held = cursor_text(app)
        for batch in (rest[::-1][:5], rest[::-1][5:]):
            add_events(ident_dir, batch)
            await frames_pass(pilot, 3)
            assert cursor_text(app) == held
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await frames_pass(pilot)
        assert cursor_text(app) == held
        assert not view.is_following


async def test_a_search_stays_live_while_lines_arrive(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "slash", *"ok: [", "enter")
        await wait_for(pilot, lambda: "/ok: [" in header_text(app), what="the search")
        view = log_view(app)
        assert view.search is not None
        first = view.search.total
        random.Random(2).shuffle(rest)
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        every = sum(1 for text in all_lines(app) if "ok: [" in text)
        assert every > first
        await wait_for(
            pilot, lambda: f"/{every} lines" in header_text(app), what="the count to catch up"
        )
        await press(pilot, "G", "n")  # wraps to the first match
        assert cursor_text(app).startswith("ok: [")


async def test_the_log_keeps_up_while_hidden_and_shows_everything_when_opened(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_linear", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        random.Random(4).shuffle(rest)
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_linear")
        await wait_for(pilot, lambda: "46 events" in header_text(app), what="all events")
        await press(pilot, "3")
        await frames_pass(pilot)
        view = log_view(app)
        assert view.is_following and view.cursor == view.run_log.lines - 1
        assert screen_lines(app)[-1].split()[0] == str(view.run_log.lines)


# ----------------------------------------------------------------------------- hostile

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


async def test_hostile_output_is_shown_as_data_and_cr_overwrites(tmp_path: Path) -> None:
    hostile = build_hostile_run(tmp_path, big_event_mb=0)
    app = JobEventsApp(hostile.ident_dir, watch=False, retry_for=QUICK_RETRY)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3", "g")
        view = log_view(app)
        seen: list[str] = []
        while True:
            shown = [view.render_line(y) for y in range(view.scrollable_content_region.height)]
            for strip in shown:
                for segment in strip:
                    assert not CONTROL.search(segment.text), repr(segment.text)
            seen += [strip.text for strip in shown]
            if view.scroll_offset.y >= view.max_scroll_y:
                break
            await press(pilot, "pagedown")
        text = "\n".join(seen)
        assert MARKUP_HOST[:40] in text  # markup as written, never interpreted
        assert "progress 100%" in text and "progress 10%" not in text


def test_a_huge_line_is_drawn_cut_and_never_with_half_an_escape() -> None:
    line = "a" * (MAX_LINE - 3) + "\x1b[31mred" + "b" * 50_000
    cut = _clip(line)
    assert cut == "a" * (MAX_LINE - 3) + "…"
    assert _clip("x" * 20) == "x" * 20
    whole = "\x1b[32m" + "y" * (MAX_LINE + 5)
    assert _clip(whole) == whole[:MAX_LINE] + "…"


async def test_s_in_the_log_says_the_filter_is_for_the_tree_views_and_shows_it() -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        await press(pilot, "s")
        await frames_pass(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("filters the Tasks and Hosts views" in m for m in messages), messages
        assert "status: failed (in the tree views)" in header_text(app)
        await press(pilot, "1")
        await frames_pass(pilot)
        header = header_text(app)
        assert "status: failed" in header and "(in the tree views)" not in header
