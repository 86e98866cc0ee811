"""What a view switch redoes: the footer keeps its key widgets, views keep their drawn lines.

A switch used to recompose the footer from scratch and redraw every visible line of the
view shown (Textual drops a widget's cached lines at each focus change): a third of a
second of CPU. Counted here, not timed (tests/bench/switch_cost.py has the figures).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Tree
from textual.widgets._footer import FooterKey

from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.log import LogView
from jobevents.tui.views.tasks import TasksView
from jobevents.tui.widgets.key_footer import KeyFooter

from ..fixtures.paths import committed_run
from .helpers import press, running, settle


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many rows of the Tasks view Textual drew (our line cache missed)."""
    count = [0]
    draw = Tree._render_line

    def counted(self: Tree[object], y: int, *args: object) -> object:
        if isinstance(self, TasksView) and y < len(self._tree_lines):
            count[0] += 1
        return draw(self, y, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Tree, "_render_line", counted)
    yield count


def _footer(app: JobEventsApp) -> list[FooterKey]:
    return list(app.query_one(KeyFooter).query(FooterKey))


async def test_switching_views_keeps_the_footer_keys_and_changes_their_text() -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        before = _footer(app)
        assert "Next failed" in [key.description for key in before]
        await press(pilot, "3")
        await pilot.pause(0.1)
        after = _footer(app)
        descriptions = [key.description for key in after]
        assert "Next match" in descriptions and "Next failed" not in descriptions  # the Log's keys
        assert set(map(id, before)) & set(map(id, after)), "the footer was rebuilt"
        kept = [key for key in after if key in before]
        assert len(kept) >= min(len(before), len(after))


async def test_switching_back_draws_no_line_again(drawn: list[int]) -> None:
    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        for key in ("2", "3", "1", "2", "1"):  # every view drawn once, focused and not
            await press(pilot, key)
            await pilot.pause(0.1)
        for timer in list(app._timers):  # no frames: nothing changes but the view shown
            timer.stop()
        log = app.views["log"]
        assert isinstance(log, LogView)
        drawn[0] = 0
        log_lines = len(log._strips)
        for key in ("2", "3", "1"):
            await press(pilot, key)
            await pilot.pause(0.1)
        # The cursor's row may be drawn again (the selection comes back from the other
        # views); the 30-odd other rows on screen come from the cache.
        assert drawn[0] <= 2, f"{drawn[0]} rows of the Tasks view drawn again"
        assert len(log._strips) >= log_lines > 0
