"""A frame's new lines lay the screen out only when the widget's place on it changes."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from jobevents.tui.widgets.lazy_tree import LazyTree
from jobevents.tui.widgets.own_layout import OwnLayout


class Lines(ScrollView, OwnLayout):
    """Sets its own virtual size, as a tree does, and follows its end."""

    DEFAULT_CSS = "Lines { width: 30; height: 10; }"

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(f"row {y + self.scroll_offset.y}")])

    def grow(self, rows: int, width: int = 40) -> None:
        with self.while_applying():
            self.virtual_size = Size(width, self.virtual_size.height + rows)
            self.scroll_to(y=self.max_scroll_y, animate=False)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


def lines_of(bar: ScrollBar) -> list[list[Any]]:
    return [list(line) for line in bar.render_lines(Region(0, 0, *bar.size))]


def textual_lines(bar: ScrollBar) -> list[list[Any]]:
    bar.refresh()
    return [list(line) for line in ScrollBar.render_lines(bar, Region(0, 0, *bar.size))]


def test_the_trees_lay_themselves_out() -> None:
    assert issubclass(LazyTree, OwnLayout)


async def test_new_lines_need_no_layout_and_the_bars_follow() -> None:
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        view.grow(100)
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        layouts: list[bool] = []
        refresh_layout = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(True)
            refresh_layout(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        vertical, horizontal = view.vertical_scrollbar, view.horizontal_scrollbar
        for _frame in range(3):
            view.grow(7)
            await pilot.pause()
            await pilot.pause()
            assert layouts == []  # Textual laid the screen out for each
            assert vertical.window_virtual_size == view.virtual_size.height
            assert horizontal.window_virtual_size == view.virtual_size.width
            assert vertical.position == view.scroll_y == view.max_scroll_y
            for bar in (vertical, horizontal):
                assert lines_of(bar) == textual_lines(bar)
        # Wider than the window at last: the horizontal bar shows, which takes a layout.
        view.grow(0, width=20)
        await pilot.pause()
        await pilot.pause()
        assert not horizontal.display
        view.grow(1, width=50)
        await pilot.pause()
        await pilot.pause()
        assert layouts
        assert horizontal.display and horizontal.window_virtual_size == 50
        assert lines_of(horizontal) == textual_lines(horizontal)


async def test_a_view_that_shows_its_first_bar_is_laid_out() -> None:
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Lines)
        await pilot.pause()
        assert not view.vertical_scrollbar.display
        view.grow(5, width=20)  # fits the window: no bar
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        view.grow(30, width=20)
        await pilot.pause()
        await pilot.pause()
        bar = view.vertical_scrollbar
        assert bar.display and bar.window_virtual_size == 35
        assert view.scroll_y == view.max_scroll_y > 0
        assert lines_of(bar) == textual_lines(bar)
