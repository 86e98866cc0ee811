"""The Timeline view (`4`) through Pilot: its rows and keys on finished real runs, the
selection shared with the Tasks view, filters, and bars that grow on a live folder."""

from __future__ import annotations

import random
from pathlib import Path

from jobevents.core.nodes import Node
from jobevents.core.timeline import TimelineRow
from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.timeline import TimelineView
from jobevents.tui.widgets.timeline_chart import TimelineChart

from .helpers import (
    add_events,
    copy_run,
    cursor_data,
    finish,
    finished,
    frames_pass,
    header_text,
    press,
    rendered_text,
    running,
    settle,
    wait_for,
)


def timeline(app: JobEventsApp) -> TimelineView:
    view = app.views["timeline"]
    assert isinstance(view, TimelineView)
    return view


def chart(app: JobEventsApp) -> TimelineChart:
    return timeline(app).chart


def shape(rows: list[TimelineRow]) -> list[tuple[str, str, str | None]]:
    return [(row.kind, row.node.name, row.host) for row in rows]


def cursor_row(app: JobEventsApp) -> tuple[str, str, str | None]:
    row = chart(app).cursor_row
    assert row is not None
    return (row.kind, row.node.name, row.host)


def screen_lines(app: JobEventsApp) -> list[str]:
    """The chart's visible lines as plain text."""
    view = chart(app)
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def open_timeline(app: JobEventsApp, pilot) -> TimelineChart:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await press(pilot, "4")
    await frames_pass(pilot)
    assert app.view_id == "timeline"
    return chart(app)


# ------------------------------------------------------------------------ rows and keys


async def test_4_shows_every_task_under_its_play_following_the_newest() -> None:
    app = finished("seed_serial")
    async with running(app) as pilot:
        view = await open_timeline(app, pilot)
        assert "Timeline" in header_text(app)
        assert shape(view.rows) == [
            ("play", "preflight", None),
            ("task", "check_space_requirements", None),
            ("task", "check_ram", None),
            ("task", "check_umask", None),
            ("play", "install", None),
            ("task", "install_tower", None),
            ("task", "install_postgres", None),
            ("task", "restart_tower", None),
        ]
        assert cursor_row(app) == ("task", "restart_tower", None)
        assert "│ following │" in header_text(app)
        lines = screen_lines(app)
        # each task's wall time at the end of its row, as `profile` counts it
        assert lines[3].rstrip().endswith("7.05s") and "check_umask" in lines[3]
        assert "█" in lines[3]
        axis = rendered_text(timeline(app).axis.content)
        assert "▏0s" in axis and "▏5s" in axis and "▏10s" in axis
        # the detail pane follows the timeline's cursor
        await wait_for(pilot, lambda: app.detail.node is view.cursor_row.target)  # type: ignore[union-attr]


async def test_lanes_open_lazily_and_arrows_move_between_rows() -> None:
    app = finished("seed_serial")
    async with running(app) as pilot:
        view = await open_timeline(app, pilot)
        await press(pilot, "home")
        await wait_for(pilot, lambda: "│ paused (f) │" in header_text(app), what="the header")
        assert not any(row.kind == "lane" for row in view.rows)
        await press(pilot, "j", "j")
        assert cursor_row(app) == ("task", "check_ram", None)
        await press(pilot, "right")
        assert [row.host for row in view.rows if row.kind == "lane"] == ["tower1", "tower2", "pg1"]
        assert cursor_row(app) == ("task", "check_ram", None)
        assert "▾" in screen_lines(app)[2]
        await press(pilot, "l")
        assert cursor_row(app) == ("lane", "check_ram", "tower1")
        lane = timeline(app).selected_node()
        assert lane is not None and (lane.kind, lane.host) == ("host", "tower1")
        await press(pilot, "h")
        assert cursor_row(app) == ("task", "check_ram", None)
        await press(pilot, "left")
        assert not any(row.kind == "lane" for row in view.rows)
        await press(pilot, "left")
        assert cursor_row(app) == ("play", "preflight", None)
        await press(pilot, "j", "space")
        assert [row.node.name for row in view.rows if row.kind == "lane"] == [
            "check_space_requirements"
        ] * 3
        await press(pilot, "space")
        assert not any(row.kind == "lane" for row in view.rows)
        await press(pilot, "end")
        assert cursor_row(app) == ("task", "restart_tower", None)
        await press(pilot, "f")
        await wait_for(pilot, lambda: "│ following │" in header_text(app), what="the header")


async def test_zoom_pan_and_reset() -> None:
    app = finished("seed_linear")
    async with running(app) as pilot:
        view = await open_timeline(app, pilot)
        whole = view.window()
        assert whole is not None
        await press(pilot, "minus")  # the whole run is as far out as it goes
        assert view.zoom.level == 1 and view.window() == whole
        await press(pilot, "plus")
        zoomed = view.window()
        assert view.zoom.level == 2 and zoomed is not None
        assert abs(zoomed.length - whole.length / 2) < 1e-6
        assert "×2" in rendered_text(timeline(app).axis.content)
        await press(pilot, "k", "plus")  # the cursor's bar stays under the same cells
        assert view.zoom.level == 4
        start = view.window().start  # type: ignore[union-attr]
        await press(pilot, "less_than_sign")
        panned = view.window()
        assert panned is not None and panned.start < start
        await press(pilot, "greater_than_sign", "greater_than_sign")
        assert view.window().start > panned.start  # type: ignore[union-attr]
        await press(pilot, "0")
        assert view.zoom.level == 1 and view.window() == whole
        assert "×" not in rendered_text(timeline(app).axis.content)


async def test_n_goes_to_failed_rows_and_wraps() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await open_timeline(app, pilot)
        await press(pilot, "home", "n")
        assert cursor_row(app) == ("task", "fail_one_host", None)
        await press(pilot, "n")
        assert cursor_row(app) == ("task", "ping_dead_host", None)
        await press(pilot, "n")
        assert cursor_row(app) == ("task", "fail_one_host", None)
        await press(pilot, "N")
        assert cursor_row(app) == ("task", "ping_dead_host", None)


# ------------------------------------------------------------------------ selection


async def test_the_selection_goes_both_ways_with_the_tasks_view() -> None:
    app = finished("features")
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # the Tasks view: the failed host run
        failed = cursor_data(app)
        assert (failed.kind, failed.name) == ("host", "tower2")
        await press(pilot, "4")
        await frames_pass(pilot)
        # its task opened to its lanes, the cursor on the failed host's lane
        assert cursor_row(app) == ("lane", "fail_one_host", "tower2")
        assert timeline(app).selected_node() is failed
        await press(pilot, "k")
        above = timeline(app).selected_node()
        assert isinstance(above, Node) and above.kind == "host" and above is not failed
        await press(pilot, "enter")
        await frames_pass(pilot)
        assert app.view_id == "tasks"
        assert cursor_data(app) is above


async def test_search_and_status_filter_keep_the_rows_with_hits() -> None:
    app = finished("features")
    async with running(app) as pilot:
        view = await open_timeline(app, pilot)
        await press(pilot, "slash", *"loop_items", "enter")
        await wait_for(pilot, lambda: "1 task" in header_text(app), what="the filter summary")
        assert shape(view.rows) == [("play", "features", None), ("task", "loop_items", None)]
        await press(pilot, "escape")
        await wait_for(pilot, lambda: len(view.rows) > 20, what="every row again")
        await press(pilot, "s")
        await wait_for(pilot, lambda: "status: failed" in header_text(app))
        assert [r for r in shape(view.rows) if r[0] == "task"] == [
            ("task", "fail_one_host", None),
            ("task", "ping_dead_host", None),
        ]
        assert "2 tasks" in header_text(app)


# ------------------------------------------------------------------------ live


async def test_running_bars_grow_with_the_clock_and_new_tasks_follow(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.5)
    now = [0.0]
    app = JobEventsApp(tmp_path, clock=lambda: now[0])
    async with running(app) as pilot:
        await settle(pilot)
        times = app.feed.state.times  # type: ignore[union-attr]
        start, last = times.span()
        assert start is not None and last is not None
        now[0] = last + 1.0
        view = await open_timeline(app, pilot)
        row = view.cursor_row
        assert row is not None and row.kind == "task" and row.node.status == "running"
        index = view.cursor
        line = screen_lines(app)[index]
        timed = times.task_time(row.node, now[0])
        assert timed is not None and timed.end == now[0]  # a running bar ends now
        window = view.window()
        assert window is not None and abs(window.end - now[0]) < 1e-6

        now[0] += 30.0  # half a minute later, nothing new arrived: the bar and axis grow
        await frames_pass(pilot, 12)  # the heartbeat brings a frame at least every 0.5 s
        grown = view.window()
        assert grown is not None and abs(grown.end - now[0]) < 1e-6
        later = screen_lines(app)[index]
        shape = view.geometry()
        bar_of = slice(shape.bar_x, shape.bar_x + shape.bar)
        # it ends at the right edge (now), and its share of the window grew
        assert line[bar_of].rstrip()[-1] in "▏▎▍▌▋▊▉█"
        assert later[bar_of].rstrip()[-1] in "▏▎▍▌▋▊▉█" and len(later[bar_of].rstrip()) == shape.bar
        assert len(later[bar_of].strip()) > len(line[bar_of].strip())

        random.Random(5).shuffle(rest)
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await wait_for(pilot, lambda: "successful" in header_text(app), what="the status")
        await frames_pass(pilot)
        assert cursor_row(app) == ("task", "restart_tower", None)  # follow kept up
        assert [r.node.name for r in view.rows if r.kind == "play"] == ["preflight", "install"]
        assert not any(r.status == "running" for r in view.rows)
        now[0] += 60.0  # a finished run stops growing
        await frames_pass(pilot, 2)
        assert view.window().end == times.span()[1]  # type: ignore[union-attr]


async def test_a_timeline_opened_before_the_run_exists_fills_in(tmp_path: Path) -> None:
    """A view is built when first shown; hidden again, it keeps its rows as events arrive,
    and shown, it paints them at once."""
    ident_dir, rest = copy_run("seed_linear", tmp_path, fraction=0.2)
    app = JobEventsApp(tmp_path, clock=lambda: 0.0)
    async with running(app) as pilot:
        await settle(pilot)
        assert "timeline" not in app.views  # nothing built for a view never shown
        await press(pilot, "4")
        before = len(chart(app).rows)
        await press(pilot, "1")
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_linear")
        await wait_for(pilot, lambda: "successful" in header_text(app), what="the status")
        await frames_pass(pilot)
        assert len(chart(app).rows) == 8 > before
        await press(pilot, "4")
        await frames_pass(pilot)
        assert any("install_postgres" in line for line in screen_lines(app))
