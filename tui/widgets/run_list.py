"""RunList: rows of one line each, rendered only when on screen.

A list of a thousand runs must open at once. Textual's OptionList measures every option
to lay itself out (seconds for a thousand rows on a busy machine); this list knows its
height from its row count and renders a row only when it is shown, as toolong's
LogLines renders log lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class RunList(ScrollView, can_focus=True):
    """`count` rows; `row(i)` gives row i as text, asked only while it is visible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"run-list--cursor"}

    DEFAULT_CSS = """
    RunList { height: 1fr; }
    RunList > .run-list--cursor { background: $block-cursor-blurred-background; }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)
    """The row under the cursor (None when there are no rows)."""

    class Selected(Message):
        """Row `index` was chosen (enter or a click)."""

        def __init__(self, run_list: RunList, index: int) -> None:
            super().__init__()
            self.run_list = run_list
            self.index = index

        @property
        def control(self) -> RunList:
            return self.run_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = 0
        self._row: Callable[[int], Text] = lambda _i: Text()

    def set_rows(self, count: int, row: Callable[[int], Text], highlighted: int | None) -> None:
        """Show `count` rows drawn by `row`, the cursor on `highlighted`."""
        self.count = count
        self._row = row
        if self.virtual_size.height != count:  # the same count (an opening again) lays out nothing
            self.virtual_size = Size(self.size.width, count)
        self.highlighted = highlighted if count else None
        self.refresh()

    def row_text(self, index: int) -> Text:
        """Row `index` as it is drawn."""
        return self._row(index)

    def watch_highlighted(self, highlighted: int | None) -> None:
        if highlighted is not None:
            self.scroll_to_region(Region(0, highlighted, 1, 1), animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= self.count:
            return Strip.blank(width, base)
        text = self._row(index)
        segments = list(text.render(self.app.console))
        strip = Strip(
            [Segment(s.text, base + s.style if s.style else base) for s in segments if s.text]
        )
        strip = strip.crop_extend(self.scroll_offset.x, self.scroll_offset.x + width, base)
        if index == self.highlighted:
            strip = strip.apply_style(self.get_component_rich_style("run-list--cursor"))
        return strip

    def _move(self, to: int) -> None:
        if self.count:
            self.highlighted = max(0, min(self.count - 1, to))

    def action_cursor_down(self) -> None:
        """Next row."""
        self._move((self.highlighted if self.highlighted is not None else -1) + 1)

    def action_cursor_up(self) -> None:
        """Previous row."""
        self._move((self.highlighted or 0) - 1)

    def action_page_down(self) -> None:
        """A screenful down."""
        self._move((self.highlighted or 0) + max(1, self.scrollable_content_region.height))

    def action_page_up(self) -> None:
        """A screenful up."""
        self._move((self.highlighted or 0) - max(1, self.scrollable_content_region.height))

    def action_first(self) -> None:
        """The first row."""
        self._move(0)

    def action_last(self) -> None:
        """The last row."""
        self._move(self.count - 1)

    def action_select(self) -> None:
        """Choose the highlighted row."""
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self.count:
            if index == self.highlighted:
                self.post_message(self.Selected(self, index))
            self.highlighted = index
