"""LogView (`3`): the run's stdout as ansible-playbook printed it, live, one line per event line.

The lines live in the core (`RunState.log`, built on the feed thread); this widget shows
the few on screen with Textual's line API, as Textual's `Log` and toolong's `LogLines`
do: a `ScrollView` whose `render_line` makes one `Strip`, cached by what the line shows,
so a log of half a million lines costs what its screen costs. Lines keep their colours
through the same sanitiser as the detail pane (only SGR survives). The cursor is a line;
it is pinned to its event, so lines arriving above it (a late event of a `free` run) do
not move what the user looks at.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollDown, ScrollTo, ScrollUp
from textual.strip import Strip

from jobevents.core.log_search import LogSearch
from jobevents.core.nodes import Node
from jobevents.core.query import Query
from jobevents.core.state import RunState

from ..ansi_text import ansi_line
from ..widgets.style_memo import StyleMemo
from .base import Frame, RunView

#: rendered lines kept: a few screens' worth, so scrolling back and forth stays cheap
STRIP_CACHE_SIZE = 2048
#: a first search over a big log is done in slices this long, this far apart
SEARCH_SLICE = 0.04
SEARCH_PAUSE = 0.01
TAB_SIZE = 8
#: a line is drawn up to this many characters (a megabyte of JSON on one line stays cheap)
MAX_LINE = 10_000


class LogView(ScrollView, RunView, can_focus=True):
    """Every line the run printed, in counter order, with line numbers and a cursor."""

    VIEW_ID = "log"
    VIEW_NAME = "Log"
    FILTERS_STATUS = False

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
    }
    LogView > .logview--number {
        color: $text-muted;
    }
    LogView > .logview--cursor {
        background: $boost;
    }
    LogView:focus > .logview--cursor {
        background: $primary-muted;
    }
    LogView > .logview--match {
        background: $warning-muted;
        text-style: bold;
    }
    LogView > .logview--empty {
        color: $text-muted;
        text-style: italic;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "logview--number",
        "logview--cursor",
        "logview--match",
        "logview--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        Binding("home,g", "first_line", "First line", show=False),
        Binding("end,G", "last_line", "Last line", show=False),
        Binding("left,h", "scroll_left", "Left", show=False),
        Binding("right,l", "scroll_right", "Right", show=False),
        Binding("enter", "open_task", "Task", id="log_open_task"),
        Binding("n", "next_match", "Next match", id="log_next_match"),
        Binding("N", "previous_match", "Prev match", show=False, id="log_previous_match"),
        Binding("f", "follow", "Follow", show=False, id="log_follow"),
    ]

    follow: reactive[bool] = reactive(True)
    """Keep the newest line in view; moving the cursor or scrolling away turns it off."""

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state
        self.run_log = state.log
        #: the line under the cursor
        self.cursor = 0
        #: the cursor's event and line in it: where the cursor stays when lines come in above
        self._anchor: tuple[int, str, int] | None = None
        #: the log's version last shown
        self._shown_version = -1
        self.search: LogSearch | None = None
        #: the widest line rendered so far, for the horizontal scrollbar
        self._widest = 0
        #: rendered lines by what they show
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        #: the styles those lines were drawn in: a focus change keeps them, a theme not
        self._drawn_in = StyleMemo(self.COMPONENT_CLASSES)
        #: lines read for the screen being painted (one core call per repaint)
        self._page: dict[int, str] = {}
        #: the widget's style and its component classes', looked up once
        self._pass_style: Style | None = None
        self._components: dict[str, Style] = {}
        #: the node last announced with `Highlighted`
        self._announced: Node | None = None
        #: go to a match when the search under way is done (unless the user moves first)
        self._jump_to_match = False
        #: a slice of the search is due (see `_search_more`)
        self._searching = False
        #: where a search typed a key at a time starts from: the cursor's line and whether it
        #: followed when the first key came (each longer query jumps from there, not from the
        #: match the shorter one found); the user moving the cursor sets a new one
        self._origin: tuple[int, bool] | None = None

    # ------------------------------------------------------------ view protocol

    def apply_frame(self, frame: Frame) -> None:
        if self.run_log.version == self._shown_version or not self.display:
            return
        if frame.loading and self.follow:
            # A first load streams in: follow jumps once, when it is done (as the tree
            # does), and the screen shown meanwhile does not change (no line to redraw).
            self._set_virtual_size()
            return
        self._catch_up()

    def selected_node(self) -> Node | None:
        if not self.run_log.lines:
            return None
        with self.state.lock:
            return self.state.node_at_line(min(self.cursor, self.run_log.lines - 1))

    def select_node(self, node: Node) -> bool:
        line = self.state.first_line(node)
        if line is None:
            return False
        self.follow = False
        self._origin = None
        self._catch_up()
        self._move_to(line, center=True, announce=False)
        return True

    def set_query(self, query: Query) -> None:
        text = query.text
        if text == (self.search.text if self.search is not None else ""):
            return
        self._strips.clear()
        self.refresh()
        if not text:
            self.search = None
            self._origin = None
            return
        if self._origin is None:
            self._origin = (self.cursor, self.follow)
        self.search = LogSearch(self.run_log, text)
        self._jump_to_match = True
        self._search_more()

    def _search_more(self) -> None:
        """Search on for a while, then let keys and frames in (a big log takes several turns).

        Once the whole log has been searched the cursor goes to a match, as `less` does:
        while following, the newest one; else the next one down.
        """
        self._searching = False
        search = self.search
        if search is None or search.done:
            return
        with self.state.lock:
            changed = search.update(SEARCH_SLICE)
            if search.done and self._jump_to_match:
                self._jump_to_match = False
                self._go_to_first_match(search)
        if changed:
            self.refresh()
        if not search.done:
            self._searching = True
            self.set_timer(SEARCH_PAUSE, self._search_more)

    def _go_to_first_match(self, search: LogSearch) -> None:
        if not self.run_log.lines:
            return
        here, following = self._origin or (self.cursor, self.follow)
        here = min(here, self.run_log.lines - 1)
        if following:
            target = search.next_match(self.run_log.lines, backwards=True)
        elif search.is_match(here):
            target = here
        else:
            target = search.next_match(here)
        if target is not None:
            self.follow = False
            self._move_to(target, center=True)

    def refresh_filter(self) -> None:
        if not self._searching:  # lines arrived: search them (a slice at a time, if many)
            self._search_more()

    def filter_summary(self) -> str:
        search = self.search
        if search is None:
            return ""
        if not search.done:
            return f"searching… {search.total:,} lines so far"
        if not search.total:
            return "no match"
        rank = search.rank(self.cursor)
        if rank is None:
            return f"{search.total:,} lines"
        return f"{rank:,}/{search.total:,} lines"

    @property
    def is_following(self) -> bool:
        return self.follow

    def start_following(self) -> None:
        if self.follow:
            self._follow_now()
        self.follow = True

    # ------------------------------------------------------------- keeping up

    def _catch_up(self) -> None:
        """Show the log as it is now: new size, the cursor on its event, or at the end."""
        log = self.run_log
        self._shown_version = log.version
        self._set_virtual_size()
        if self.follow:
            self._follow_now()
            return
        if self._anchor is None or not log.lines:
            return
        counter, uuid, offset = self._anchor
        start = log.position(counter, uuid)
        if start is None:
            return
        moved = start + offset - self.cursor
        if moved:
            self.cursor += moved
            # What the user looks at stays where it was on screen.
            self.scroll_to(y=self.scroll_offset.y + moved, animate=False, immediate=True)
        self.refresh()

    def _follow_now(self) -> None:
        """Put the cursor on the last line and the last line in view."""
        log = self.run_log
        self._set_virtual_size()
        if not log.lines:
            return
        self._set_cursor(log.lines - 1)
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.refresh()
        self._announce(following=True)

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        # The bar appears once a wide line has been drawn, and takes the last row.
        if self.follow:
            self.call_after_refresh(self._keep_end)

    def on_resize(self, _event: events.Resize) -> None:
        if self.follow:
            self.call_after_refresh(self._keep_end)

    def _keep_end(self) -> None:
        if self.follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def _set_virtual_size(self) -> None:
        self.virtual_size = Size(self._gutter_width() + self._widest, max(self.run_log.lines, 1))

    def _gutter_width(self) -> int:
        return max(len(str(self.run_log.lines)), 3) + 1

    # ---------------------------------------------------------------- cursor

    def _set_cursor(self, line: int) -> None:
        """Move the cursor without scrolling, and pin it to its event."""
        log = self.run_log
        line = max(0, min(line, log.lines - 1))
        old = self.cursor
        self.cursor = line
        if log.lines:
            entry = log.entry(line)
            self._anchor = (entry.counter, entry.uuid, entry.line)
        self.refresh_line(old)
        self.refresh_line(line)

    def _move_to(self, line: int, *, center: bool = False, announce: bool = True) -> None:
        """Put the cursor on `line` (by the user) and bring it into view."""
        with self.state.lock:
            if not self.run_log.lines:
                return
            self._set_cursor(line)
            self._scroll_cursor_into_view(center=center)
            if announce:
                self._announce(following=False)

    def _scroll_cursor_into_view(self, *, center: bool) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        line = self.cursor
        if not height:
            # Not laid out yet (just switched to): place it once the size is known.
            self.call_after_refresh(self._scroll_cursor_into_view, center=center)
            return
        if center and not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 2), animate=False, immediate=True)
        elif line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def _announce(self, *, following: bool) -> None:
        """Tell the app which node the cursor's line belongs to (following: if it changed).

        A move by the user is always told: the header's "3/12 lines" follows the cursor.
        """
        if not self.run_log.lines:
            return
        node = self.state.node_at_line(self.cursor)
        if following and node is self._announced:
            return
        self._announced = node
        self.post_message(RunView.Highlighted(self, node, following=following))

    def _user_moved(self) -> None:
        self._jump_to_match = False
        self._origin = None
        if self.follow:
            self.follow = False

    def watch_follow(self, follow: bool) -> None:
        self.post_message(RunView.FollowChanged(self, follow))
        if follow:
            self._origin = None
            with self.state.lock:
                self._follow_now()

    # ------------------------------------------------------------- rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        with self.state.lock:
            if self._shown_version != self.run_log.version:
                self._set_virtual_size()  # hidden until now: the lines grew meanwhile
            if self._drawn_in.changed(self):
                self._strips.clear()
            top = int(self.scroll_offset.y) + crop.y
            lines = self.run_log.lines_between(top, top + crop.height)
            self._page = dict(enumerate(lines, top))
            # Styles walk every ancestor's: looked up once a repaint, not once a line.
            self._pass_style = self.rich_style
            try:
                return super().render_lines(crop)
            finally:
                self._page = {}
                self._pass_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        width = self.scrollable_content_region.width
        style = self._pass_style or self.rich_style
        log = self.run_log
        if number >= log.lines:
            if number == 0:
                return self._empty_line(width, style)
            return Strip.blank(width, style)
        text = self._page.get(number)
        if text is None:
            with self.state.lock:
                text = log.line(number)
        cursor = number == self.cursor
        gutter = self._gutter_width()
        body = self._body(text, cursor, style)
        if body.cell_length > self._widest:
            self._widest = body.cell_length
            self.call_after_refresh(self._set_virtual_size)
        pad = style + Style(bgcolor=self._cursor_style().bgcolor) if cursor else style
        body = body.crop_extend(scroll_x, scroll_x + max(width - gutter, 0), pad)
        return Strip.join([self._number(number + 1, gutter, cursor, style), body])

    def _body(self, text: str, cursor: bool, style: Style) -> Strip:
        """A line's text as a strip, uncropped, cached by what it shows."""
        search = self.search
        pattern_text = search.text if search is not None else ""
        key = (text, self._cursor_state(cursor), pattern_text, style)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        line = ansi_line(_clip(text))
        line.stylize_before(style)  # under the line's own colours
        if search is not None:
            match_style = self._component("logview--match")
            for match in search.pattern.finditer(line.plain):
                line.stylize(match_style, *match.span())
        if cursor:  # the line's own colours stay: only the background says "cursor"
            line.stylize(Style(bgcolor=self._cursor_style().bgcolor))
        if "\t" in line.plain:
            line.expand_tabs(TAB_SIZE)
        segments = [s for s in line.render(self.app.console) if s.text != "\n"]
        strip = Strip(segments, line.cell_len)
        self._strips[key] = strip
        return strip

    def _number(self, number: int, width: int, cursor: bool, style: Style) -> Strip:
        key = ("#", number, width, self._cursor_state(cursor), style)
        strip = self._strips.get(key)
        if strip is None:
            number_style = style + self._component("logview--number")
            if cursor:
                number_style += self._cursor_style()
            strip = Strip([Segment(f"{number:>{width - 1}} ", number_style)], width)
            self._strips[key] = strip
        return strip

    def _component(self, name: str) -> Style:
        """A component class's style, kept until the styles change (looked up per line)."""
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = self.get_component_rich_style(name)
        return style

    def _cursor_state(self, cursor: bool) -> str:
        """What a line's look depends on besides its text: the cursor's colour says
        whether the log has focus; other lines do not care."""
        if not cursor:
            return ""
        return "focused" if self.has_focus else "blurred"

    def _cursor_style(self) -> Style:
        return self._component("logview--cursor")

    def _empty_line(self, width: int, style: Style) -> Strip:
        empty = style + self._component("logview--empty")
        return Strip([Segment(" Nothing printed yet.", empty)]).crop_extend(0, width, style)

    def notify_style_update(self) -> None:
        # Lines stay (each focus change comes here): `render_lines` drops them when the
        # styles they were drawn in changed.
        self._components.clear()
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self._components.clear()  # the cursor's colour says whether the log has focus
        super()._on_focus(event)

    def _on_blur(self, event: events.Blur) -> None:
        self._components.clear()
        super()._on_blur(event)

    # --------------------------------------------------------------- actions

    def action_cursor_up(self) -> None:
        """Move the cursor up a line."""
        self._user_moved()
        self._move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move the cursor down a line."""
        self._user_moved()
        self._move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move the cursor up a page."""
        self._user_moved()
        height = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_to(y=max(0, self.scroll_offset.y - height), animate=False, immediate=True)
        self._move_to(self.cursor - height)

    def action_page_down(self) -> None:
        """Move the cursor down a page."""
        self._user_moved()
        height = max(self.scrollable_content_region.height - 1, 1)
        self.scroll_to(y=self.scroll_offset.y + height, animate=False, immediate=True)
        self._move_to(self.cursor + height)

    def action_first_line(self) -> None:
        """Go to the first line."""
        self._user_moved()
        self._move_to(0)

    def action_last_line(self) -> None:
        """Go to the last line (f follows from there)."""
        self._user_moved()
        self._move_to(self.run_log.lines - 1)

    async def action_open_task(self) -> None:
        """Show the line's event in the Tasks view."""
        if not self.run_log.lines:
            return
        self._user_moved()
        search = self.search
        if search is not None:
            node = self.selected_node()
            query = Query(text=search.text)
            if node is not None and not any(query.matches(n) for n in (node, *node.ancestors())):
                # The tree would filter the node away by the log's search: drop the search.
                await self.app.run_action("clear_filter")
        await self.app.run_action("show_view('tasks')")

    def action_next_match(self) -> None:
        """Go to the next line that matches the search."""
        self._jump(backwards=False)

    def action_previous_match(self) -> None:
        """Go to the previous line that matches the search."""
        self._jump(backwards=True)

    def _jump(self, *, backwards: bool) -> None:
        search = self.search
        if search is None:
            self.notify("Press / to search the log.", title="Search")
            return
        with self.state.lock:
            search.update()
            if self._jump_to_match:  # the search's own jump comes first ("enter n": the 2nd)
                self._jump_to_match = False
                self._go_to_first_match(search)
            target = search.next_match(self.cursor, backwards=backwards)
        if target is None:
            # what was typed is shown as typed: `[x]` is text, not markup
            self.notify(f"No line matches {search.text!r}.", title="Search", markup=False)
            return
        self._user_moved()
        self._move_to(target, center=True)

    def action_follow(self) -> None:
        """Follow the newest line."""
        self.follow = True

    # ----------------------------------------------------------------- mouse

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_offset.y) + event.y
        if 0 <= line < self.run_log.lines:
            self._user_moved()
            self._move_to(line)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._user_moved()
        super()._on_mouse_scroll_up(event)

    @on(ScrollUp)
    @on(ScrollDown)
    @on(ScrollTo)
    def _scrollbar_used(self, _event: ScrollUp | ScrollDown | ScrollTo) -> None:
        self._user_moved()


def _clip(text: str) -> str:
    """`text` cut to `MAX_LINE` characters, without half an escape sequence at the end."""
    if len(text) <= MAX_LINE:
        return text
    cut = text[:MAX_LINE]
    escape = cut.rfind("\x1b")
    if escape >= 0 and "m" not in cut[escape:]:
        cut = cut[:escape]
    return cut + "…"
