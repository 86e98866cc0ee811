"""The app on a hostile folder: it keeps going, reports what it cannot read, shows text as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

import jobevents.tui.feed as feed_module
import jobevents.tui.frame as frame_module
from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.hostile import MARKUP_HOST, WIDE_TASK, HostileRun, build_hostile_run
from .helpers import header_text, press, rendered_text, running, settle, wait_for

ESCAPE_MARKS = ("\x1b]", "\x1b[2J", "\x1b[H", "\x1b[6n", "\x1b[?2004", "\x07", "\x9b")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    return build_hostile_run(tmp_path_factory.mktemp("hostile"), big_event_mb=8)


def _tree_labels(app: JobEventsApp) -> dict[str, object]:
    assert app.run_tree is not None
    out = {}
    for tree_node in app.run_tree._shown_nodes.values():
        if tree_node.data is not None:
            out[tree_node.data.name] = tree_node.label
    return out


async def test_the_app_reports_bad_files_and_shows_names_literally(hostile: HostileRun) -> None:
    app = JobEventsApp(hostile.ident_dir, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        header = header_text(app)
        assert f"{len(hostile.bad)} unreadable" in header
        await press(pilot, "e")
        labels = _tree_labels(app)
        label = labels[MARKUP_HOST]
        assert MARKUP_HOST in label.plain  # type: ignore[attr-defined]
        # No style came from the markup in the name: no link, no "bold red" span.
        styles = " ".join(str(span.style) for span in label.spans)  # type: ignore[attr-defined]
        assert "link" not in styles and "bold red" not in styles
        assert WIDE_TASK.split()[0] in labels[WIDE_TASK].plain  # type: ignore[attr-defined]
        assert all(len(lbl.plain) < 400 for lbl in labels.values())  # type: ignore[attr-defined]


async def test_the_first_loads_bad_files_are_told_once_at_its_end(
    hostile: HostileRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read an event at a time with a frame after each: every frame that found bad files
    # toasted three and a count, a storm over a big run's load. Now: once, at its end.
    monkeypatch.setattr(feed_module, "CHUNK", 1)
    monkeypatch.setattr(feed_module, "AHEAD_BATCH", 1)
    monkeypatch.setattr(frame_module, "LOADING_FRAME", 0.0)
    app = JobEventsApp(hostile.ident_dir, watch=False)
    app.NOTIFICATION_TIMEOUT = 600  # type: ignore[misc]
    async with running(app) as pilot:
        await settle(pilot)
        toasts = [(str(n.title), str(n.message)) for n in app._notifications]
        bad = [t for t in toasts if t[0].startswith("Unreadable")]
        assert len(bad) == 4, bad
        assert bad[-1] == ("Unreadable event files", f"and {len(hostile.bad) - 3} more")


async def test_escapes_in_output_never_reach_the_screen(hostile: HostileRun) -> None:
    app = JobEventsApp(hostile.ident_dir, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        assert app.run_tree is not None
        target = next(
            tn
            for tn in app.run_tree._shown_nodes.values()
            if tn.data is not None
            and tn.data.kind == "host"
            and tn.data.name == MARKUP_HOST
            and tn.data.parent is not None
            and tn.data.parent.name == WIDE_TASK
        )
        app.run_tree.move_cursor(target)
        body = app.query_one(DetailPane).query_one(Static)
        await wait_for(pilot, lambda: "red stays red" in rendered_text(body.content), timeout=10)
        shown = rendered_text(body.content)
        # `\r` overwrites as a terminal would: only the last version of the line stays.
        assert "progress 100%" in shown and "progress 10%" not in shown
        screen = app.export_screenshot()
        assert not any(mark in screen for mark in ESCAPE_MARKS)
        assert not any(mark in shown for mark in ESCAPE_MARKS)
        await press(pilot, "x")  # the raw JSON view escapes them too
        await wait_for(pilot, lambda: '"event"' in rendered_text(body.content), timeout=10)
        assert not any(mark in app.export_screenshot() for mark in ESCAPE_MARKS)


async def test_a_huge_event_does_not_stall_the_ui(hostile: HostileRun, tmp_path: Path) -> None:
    app = JobEventsApp(hostile.ident_dir, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None and app.run_tree is not None
        big = next(
            n
            for n in app.feed.tree.nodes()
            if n.ref is not None and n.ref[1].endswith(str(max(c for c, _ in hostile.good)))
        )
        assert app.run_tree.select_core_node(big)
        await pilot.pause(0.2)
        # While the 8 MB payload loads off the UI thread, keys are still handled.
        before = app.run_tree.cursor_line
        await press(pilot, "up")
        assert app.run_tree.cursor_line != before


async def test_the_timeline_shows_hostile_names_as_text(hostile: HostileRun) -> None:
    app = JobEventsApp(hostile.ident_dir, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        view = app.views["timeline"]
        chart = view.chart  # type: ignore[attr-defined]
        wide = next(i for i, row in enumerate(chart.rows) if row.node.name == WIDE_TASK)
        chart.cursor = wide
        await press(pilot, "right")  # its lanes: one is named with markup
        lanes = [row for row in chart.rows if row.kind == "lane" and row.node.name == WIDE_TASK]
        assert MARKUP_HOST in {row.host for row in lanes}
        chart.scroll_to(y=wide, animate=False, immediate=True)
        await pilot.pause()
        lines = [chart.render_line(y) for y in range(chart.scrollable_content_region.height)]
        texts = [strip.text for strip in lines]
        assert any("[bold red]pw" in text for text in texts)  # cut to the column, as typed
        styles = " ".join(str(seg.style) for strip in lines for seg in strip if seg.style)
        assert "link" not in styles
        assert not any(mark in app.export_screenshot() for mark in ESCAPE_MARKS)
        assert all(len(text) <= chart.scrollable_content_region.width for text in texts)
