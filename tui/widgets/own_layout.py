"""A widget whose content changes in frames that need no layout of the screen.

A live tree's frame adds lines: Textual asks for a layout of the whole screen for that
(each change of its lines, and of its virtual size, asks), about a tenth of a live
frame's CPU, though the tree's place on the screen stays where it was. `OwnLayout` lets
the layouts asked for `while_applying` go when the widget's size is its layout's alone
and that layout was made: it gives its scroll bars their numbers itself, as the layout
would (a bar shown or hidden still lays the screen out).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from textual.geometry import Region

from .kept_scroll_bars import KeptScrollBars


class OwnLayout(KeptScrollBars):
    """Scroll bars kept, and the layouts its frames ask for made by itself."""

    #: set while a frame's changes are applied (class attribute: Textual's `__init__`
    #: refreshes before ours runs)
    _applying = False

    @contextmanager
    def while_applying(self) -> Iterator[None]:
        """Layouts asked for in this block are the widget's own (see `refresh`)."""
        self._applying = True
        try:
            yield
        finally:
            self._applying = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if layout and self._applying and self._sized_by_screen():
            shown = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
            self._applying = False  # what the bars' update asks for is Textual's to do
            try:
                self._scroll_update(self.virtual_size)
            finally:
                self._applying = True
            # a bar shown or hidden changes the room the lines have: the screen lays out
            layout = shown != (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _sized_by_screen(self) -> bool:
        """Whether none of the widget's size is its content's, and its layout was made
        (and no other is waiting)."""
        return (
            self.is_mounted
            and not self._layout_required
            and bool(self.container_size)
            and not self.styles.auto_dimensions
        )
