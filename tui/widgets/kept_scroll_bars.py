"""Scroll bars drawn again only when what they show changed.

Textual repaints a widget's scroll bars whenever the widget lays out or refreshes, and
redraws each from scratch (a Rich renderable, cut into strips, then styled). A live tree
lays out every frame: its horizontal bar, whose geometry rarely moves, was drawn anew each
frame. `KeptScrollBar` keeps its last lines and gives them back while its size, the
bar's geometry and every colour it is drawn in are the same.

And each of those layouts cost a second screen update: Textual gives a widget's bars their
new numbers while it lays the screen out, and asks them to repaint, after the screen took
what it will draw; each bar then asks the screen for an update of its own. `KeptScrollBars`
puts its bars into the update of the layout that repainted them.
"""

from __future__ import annotations

from rich.segment import Segments
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget


class KeptScrollBar(ScrollBar):
    """A `ScrollBar` that reuses its last lines while they would come out the same."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        #: the look last drawn, its crop and line filters, and its lines
        self._kept: tuple[object, object, list[Strip]] | None = None
        #: Textual's caches hold an older look (see `render_lines`)
        self._stale = False

    def _look(self, crop: Region) -> object:
        """Everything the lines are drawn from: the cells the bar yields at this size (its
        thumb and colours), the crop and size, and the styles Textual paints them in.

        The cells, not the bar's numbers: a tree that grows every frame moves its thumb by
        an eighth of a cell every few frames, and Textual draws what the bar yields.
        """
        bar = self.render()
        app = self.app
        width, height = size = self.size
        options = app.console_options.update(highlight=False, width=width, height=height)
        cells = [
            (type(part), tuple(part.segments), part.new_lines)
            if isinstance(part, Segments)
            else part
            for part in bar.__rich_console__(app.console, options)  # type: ignore[union-attr]
        ]
        return (
            type(bar),
            tuple(cells),
            crop,
            size,
            self.region.size,
            self.visual_style,
            self.rich_style,
            self.background_colors,
            tuple(self.get_line_filters()),
            app.ansi_theme,
            app.native_ansi_color,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        kept = self._kept
        # Nothing asked for a repaint since these were drawn (Textual's own caches work
        # so; the line filters, which it applies at each call, are checked here).
        if (
            kept is not None
            and not self._dirty_regions
            and kept[1] == (crop, tuple(self.get_line_filters()))
        ):
            return list(kept[2])
        look = self._look(crop)
        if kept is not None and kept[0] == look:
            # Asked to repaint, but it would come out the same: no longer dirty. Textual's
            # own caches are not drawn anew, so they are marked stale for the next draw.
            self._dirty_regions.clear()
            self._stale = True
            return list(kept[2])
        if self._stale:
            self._stale = False
            self._set_dirty()
        lines = super().render_lines(crop)
        self._kept = (look, (crop, tuple(self.get_line_filters())), list(lines))
        return lines

    def notify_style_update(self) -> None:
        self._kept = None  # a new stylesheet or theme: draw again
        super().notify_style_update()


class KeptScrollBars(Widget):
    """A widget whose scroll bars are `KeptScrollBar`s (Textual's own properties, with
    that class: Textual makes each bar the first time it is asked for)."""

    def _scroll_update(self, virtual_size: Size) -> None:
        # Called from the screen's layout (`Screen._refresh_layout`, via `_size_updated`),
        # and by `OwnLayout` in a frame that makes no layout: either way the screen update
        # that follows draws what its compositor holds as dirty. A bar asked to repaint
        # here is put there, and its own request (a screen update after this one, each
        # frame of a live tree) is taken back.
        super()._scroll_update(virtual_size)
        screen = self.screen
        if not screen.is_current or self.app._batch_count:
            return  # the layout's draw comes later (or not at all): Textual's way
        compositor = screen._compositor
        for bar in (self._vertical_scrollbar, self._horizontal_scrollbar):
            if (
                isinstance(bar, KeptScrollBar)
                and bar._repaint_required
                and not bar._layout_required
                and bar in compositor.visible_widgets
            ):
                bar._repaint_required = False
                compositor.update_widgets({bar})

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        if self._vertical_scrollbar is None:
            self._vertical_scrollbar = self._new_bar(vertical=True)
        return self._vertical_scrollbar

    @property
    def horizontal_scrollbar(self) -> ScrollBar:
        if self._horizontal_scrollbar is None:
            self._horizontal_scrollbar = self._new_bar(vertical=False)
        return self._horizontal_scrollbar

    def _new_bar(self, *, vertical: bool) -> KeptScrollBar:
        """A bar made as Textual makes its own: hidden, started as a child of this widget."""
        thickness = self.scrollbar_size_vertical if vertical else self.scrollbar_size_horizontal
        bar = KeptScrollBar(
            vertical=vertical, name="vertical" if vertical else "horizontal", thickness=thickness
        )
        bar.display = False
        self.app._start_widget(self, bar)
        return bar
