"""CachedTreeLines: a Textual `Tree` that keeps its rendered lines by what they show.

Textual's own line cache is emptied by every structural change, which under a live run is
every frame; keyed by what a line shows instead, a frame renders only the lines that
changed. Textual's styled lines are kept by row, and a scroll moves every line to another
row: they are kept by what they show too, so a follow-mode frame styles only its new
lines. Kept apart from `LazyTree` (which rows exist, follow): this is only how they draw.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Tree

from .style_memo import StyleMemo
from .tree_row import RowLook, render_row, row_look

#: rendered lines kept: a few screens' worth, so scrolling back and forth stays cheap
STRIP_CACHE_SIZE = 4096
#: styled lines kept: a dozen screens of rows (only rows on screen are styled)
STYLED_CACHE_SIZE = 512

RowT = TypeVar("RowT")


class CachedTreeLines(Tree[RowT], Generic[RowT]):
    """A tree whose lines are drawn once while they look the same, across frames and focus."""

    def __init__(
        self, label: str | Text, data: RowT | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(label, data=data, id=id)
        #: rendered lines by what they show (see `_render_line`)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        #: the styles those lines were drawn in: a focus change keeps them, a theme not
        self._drawn_in = StyleMemo(self.COMPONENT_CLASSES)
        #: those lines styled as the screen shows them (padding, colours, filters), by what
        #: they show and how the widget looks (see `_styled_rows`)
        self._styled: LRUCache[tuple[object, ...], Strip] = LRUCache(STYLED_CACHE_SIZE)
        #: the widget's base style, looked up once a repaint instead of once a line
        self._pass_style: Style | None = None
        #: what this repaint's rows share (`row_look`): False outside a repaint, True in
        #: one until its first new row looks it up, None where Textual draws the rows
        self._look: RowLook | bool | None = False

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._drawn_in.changed(self):
            self._strips.clear()
            self._styled.clear()
            self._clear_line_cache()
        self._pass_style = self.rich_style  # walks every ancestor's styles: once a repaint
        self._look = True
        try:
            if not self._rows_alike():
                return super().render_lines(crop)
            self._pseudo_class_state = self.get_pseudo_class_state()  # as Tree's does
            return self._styled_rows(crop)
        finally:
            self._pass_style = None
            self._look = False

    def _rows_alike(self) -> bool:
        """Whether a line looks the same on whichever row of the widget it is drawn: no
        border, outline, hatch or padding above or below, no titles, no links."""
        styles = self.styles
        gutter = styles.gutter
        return (
            not gutter.top
            and not gutter.bottom
            and not any(edge for edge, _color in styles.outline)
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and self._border_title is None
            and self._border_subtitle is None
            and self.opacity == 1
            and not self.hover_style._link_id
        )

    def _styled_rows(self, crop: Region) -> list[Strip]:
        """Textual's styled lines (`StylesCache`), kept by what they show, not by row.

        Textual keeps a widget's styled lines by row, and a scroll moves every line to
        another row: in follow mode each frame styled every row again (padding, colours,
        the app's filters), most of them lines already drawn one row lower.
        """
        styles = self.styles
        size = self.region.size
        content_size = self.content_region.size
        padding = styles.padding
        base_background, background = self.background_colors
        filters = self.get_line_filters()
        app = self.app
        scroll_x, scroll_y = self.scroll_offset
        look = (
            scroll_x,
            size,
            content_size,
            padding,
            base_background,
            background,
            tuple(filters),
            app.ansi_theme,
            app.native_ansi_color,
        )
        styled = self._styled
        style_line = self._styles_cache.render_line
        strips: list[Strip] = []
        for y in crop.line_range:
            key = self._line_key(y + scroll_y)
            strip = styled.get((key, look)) if key is not None else None
            if strip is None:
                strip = style_line(
                    styles,
                    y,
                    size,
                    content_size,
                    padding,
                    base_background,
                    background,
                    self.render_line,
                    None,
                    None,
                    1.0,
                    app.ansi_theme,
                    app.native_ansi_color,
                )
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                if key is not None:
                    styled[(key, look)] = strip
            strips.append(strip)
        if crop.column_span != (0, size.width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        style = self._pass_style or self.rich_style
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, style)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """Textual's line, cached by what it shows rather than by the tree's version.

        Textual keys its cache on a counter that every added or expanded node bumps, so a
        live run re-renders every visible line every frame. A line looks the same while
        its node (label, expansion, cursor and hover: the node's `_updates`), its place
        (`y`, which the click handler reads back), its branch (whether it and each
        ancestor is a last child, for the guides), the ancestors' hover and cursor state,
        and the widget's style and size stay the same; that is `_line_key`.
        """
        key = self._line_key(y, base_style)
        if key is None:
            return super()._render_line(y, x1, x2, base_style)
        strip = self._strips.get(key)
        if strip is None:
            pad_width = max(self.virtual_size.width, self.size.width)
            strip = self._draw_row(y, pad_width, base_style)
            if strip is None:
                strip = super()._render_line(y, 0, pad_width, base_style)
            self._strips[key] = strip
        return strip.crop(x1, x2)

    def _draw_row(self, y: int, pad_width: int, base_style: Style) -> Strip | None:
        """Line `y` drawn by `render_row` (Textual's line, without its `Text`), during a
        repaint; None where Textual must draw it."""
        look = self._look
        if look is False:
            return None
        if look is True:
            look = self._look = row_look(self)
        if look is None:
            return None
        return render_row(self, look, y, self._tree_lines[y], pad_width, base_style)

    def _line_key(self, y: int, base_style: Style | None = None) -> tuple[object, ...] | None:
        """What line `y` of the tree shows (see `_render_line`); None past the last line."""
        lines = self._tree_lines
        if y >= len(lines):
            return None
        line = lines[y]
        path = line.path
        node = path[-1]
        width = self.size.width
        return (
            y,
            node._id,
            node._updates,
            line.last,
            tuple([(p._id, p.is_last, p._hover_, p._selected_) for p in path[:-1]]),
            self.cursor_line == y,
            self.hover_line == y,
            self._pseudo_class_state,
            base_style or self._pass_style or self.rich_style,
            width,
            max(self.virtual_size.width, width),
            self.guide_depth,
            self.show_root,
        )

    def clear(self) -> CachedTreeLines[RowT]:
        self._strips.clear()  # node ids start again from 0
        self._styled.clear()
        super().clear()
        return self

    def notify_style_update(self) -> None:
        # Not Tree's: it drops every cached line and lays the tree out again, and Textual
        # calls this at each focus change (a view switch). Lines are keyed by the
        # pseudo-classes; `render_lines` drops them when the styles really changed.
        Widget.notify_style_update(self)
        self.refresh()
