"""Kept scroll bars: drawn again only when they would look different, and then as Textual
draws them."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import ScrollableContainer
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import Static

from jobevents.tui.widgets.kept_scroll_bars import KeptScrollBar, KeptScrollBars
from jobevents.tui.widgets.lazy_tree import LazyTree


class Scroller(ScrollableContainer, KeptScrollBars):
    """A container wider and taller than its window, with kept bars."""

    DEFAULT_CSS = "Scroller { width: 30; height: 10; } Scroller Static { width: 200; }"


class Bars(App[None]):
    def compose(self) -> ComposeResult:
        with Scroller():
            yield Static("\n".join(f"line {n}" for n in range(100)))


def whole(bar: ScrollBar) -> Region:
    return Region(0, 0, bar.size.width, bar.size.height)


def segments(lines: list[Strip]) -> list[list[Any]]:
    return [list(line) for line in lines]


def textual_lines(bar: ScrollBar) -> list[Strip]:
    """The bar's lines drawn from nothing by Textual's own ScrollBar."""
    bar.refresh()
    return ScrollBar.render_lines(bar, whole(bar))


def test_the_trees_bars_are_kept() -> None:
    assert issubclass(LazyTree, KeptScrollBars)


async def test_a_bar_that_looks_the_same_is_not_drawn_again() -> None:
    app = Bars()
    async with app.run_test(size=(60, 20)) as pilot:
        scroller = app.query_one(Scroller)
        await pilot.pause()
        for bar in (scroller.vertical_scrollbar, scroller.horizontal_scrollbar):
            assert isinstance(bar, KeptScrollBar)
            first = bar.render_lines(whole(bar))
            draws: list[ScrollBar] = []
            bar._render_content = lambda bar=bar, draws=draws: draws.append(bar)  # type: ignore[method-assign]
            bar.refresh()  # what a layout of its widget does each frame
            assert segments(bar.render_lines(whole(bar))) == segments(first)
            assert draws == []


async def test_a_bar_whose_geometry_or_colour_changed_is_drawn_as_textual_draws_it() -> None:
    app = Bars()
    async with app.run_test(size=(60, 20)) as pilot:
        scroller = app.query_one(Scroller)
        await pilot.pause()
        vertical = scroller.vertical_scrollbar
        horizontal = scroller.horizontal_scrollbar
        before = {bar: segments(bar.render_lines(whole(bar))) for bar in (vertical, horizontal)}
        scroller.scroll_to(x=80, y=50, animate=False)
        await pilot.pause()
        assert vertical.position and horizontal.position
        for bar in (vertical, horizontal):
            kept = segments(bar.render_lines(whole(bar)))
            assert kept != before[bar]  # the thumb moved
            assert kept == segments(textual_lines(bar))
        plain = segments(vertical.render_lines(whole(vertical)))
        vertical.mouse_over = True  # the hover colour
        hovered = segments(vertical.render_lines(whole(vertical)))
        assert hovered != plain
        assert hovered == segments(textual_lines(vertical))


async def test_a_bar_whose_numbers_changed_but_not_its_cells_is_not_drawn_again() -> None:
    app = Bars()
    async with app.run_test(size=(60, 20)) as pilot:
        scroller = app.query_one(Scroller)
        await pilot.pause()
        bar = scroller.vertical_scrollbar
        first = segments(bar.render_lines(whole(bar)))
        draws: list[ScrollBar] = []
        bar._render_content = lambda: draws.append(bar)  # type: ignore[method-assign]
        # A live tree grows by a few rows a frame: the thumb (one cell, at the top) stays.
        bar.window_virtual_size += 1
        assert segments(bar.render_lines(whole(bar))) == first
        assert draws == []
        del bar._render_content
        assert first == segments(textual_lines(bar))
        bar.position = 50  # then the thumb moves: drawn anew, as Textual draws it
        moved = segments(bar.render_lines(whole(bar)))
        assert moved != first
        assert moved == segments(textual_lines(bar))


class Growing(ScrollView, KeptScrollBars):
    """A scroll view that sets its own virtual size, as a tree does: it grows by rows and
    follows its end, as a live tree in follow mode does each frame."""

    DEFAULT_CSS = "Growing { width: 30; height: 10; }"

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(f"row {y + self.scroll_offset.y}")])

    def grow(self, rows: int) -> None:
        self.virtual_size = Size(40, self.virtual_size.height + rows)
        self.scroll_to(y=self.max_scroll_y, animate=False)


class GrowingApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Growing()


async def test_a_growing_view_draws_its_bars_in_the_same_screen_update() -> None:
    app = GrowingApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(Growing)
        view.grow(100)
        await pilot.pause()
        await pilot.pause()
        updates: list[set[str]] = []
        screen = app.screen
        refresh = screen._compositor_refresh

        def counted() -> None:  # each screen update draws through here
            updates.append({type(w).__name__ for w in screen._dirty_widgets})
            refresh()

        screen._compositor_refresh = counted  # type: ignore[method-assign]
        vertical, horizontal = view.vertical_scrollbar, view.horizontal_scrollbar
        for _frame in range(3):
            updates.clear()
            view.grow(7)
            await pilot.pause()
            await pilot.pause()
            # One screen update a frame: Textual's layout asked both bars to repaint after
            # it, and a second update drew them (a thumb in between drawn by the first).
            assert len(updates) == 1, updates
            assert vertical.window_virtual_size == view.virtual_size.height
            assert vertical.position == view.scroll_y
            for bar in (vertical, horizontal):  # drawn as Textual draws the bar's numbers
                assert segments(bar.render_lines(whole(bar))) == segments(textual_lines(bar))
