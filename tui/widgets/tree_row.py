"""TreeRows: Textual's `Tree._render_line`, drawn straight to segments.

Textual builds each row as rich `Text` (guides, then `render_label`'s prefix and label),
looks up the tree's component styles again for every row and renders the `Text` to
segments: about 0.2 ms a row, most of the first frame's tree. This draws the same row
from the same spans in the same order, with the component styles looked up once a
repaint, so the segments (and the screen) are exactly Textual's. Anything it does not
cover (an overridden `render_label`, guides without a style, an empty label) is left
to Textual.
"""

from __future__ import annotations

from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual._segment_tools import line_pad
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets._tree import TOGGLE_STYLE

if TYPE_CHECKING:
    from rich.console import Console
    from textual.widgets._tree import _TreeLine

_SpanT = tuple[int, int, "Style | str"]
_first_two = itemgetter(0, 1)


class RowLook(NamedTuple):
    """What every row of one repaint shares: the tree's component styles and state."""

    guide_styles: tuple[Style, Style, Style]  # plain, hover, selected
    guide_hidden: tuple[bool, bool, bool]
    guides: dict[tuple[int, bool], tuple[str, str, str, str]]
    highlight_line: Style
    label_styles: tuple[Style, Style, Style, Style]  # by (hover line) + 2 * (cursor line)
    has_focus: bool
    hover_line: int
    cursor_line: int
    console: Console


def row_look(tree: Tree[Any]) -> RowLook | None:
    """The look of `tree`'s rows this repaint; None where Textual must draw them."""
    if type(tree).render_label is not Tree.render_label:
        return None
    base = tree.get_component_rich_style("tree--guides", partial=True)
    if not base:
        return None  # an unstyled guide is no span: its text would join the next one
    hidden = (
        tree.get_component_styles("tree--guides").color.a == 0,
        tree.get_component_styles("tree--guides-hover").color.a == 0,
        tree.get_component_styles("tree--guides-selected").color.a == 0,
    )
    styles = (
        base,
        base + tree.get_component_rich_style("tree--guides-hover", partial=True),
        base + tree.get_component_rich_style("tree--guides-selected", partial=True),
    )
    guides: dict[tuple[int, bool], tuple[str, str, str, str]] = {}
    depth = max(0, tree.guide_depth - 2)
    for which, style in enumerate(styles):
        for is_hidden in (False, True):
            if tree.show_guides and not is_hidden:
                lines = tree.LINES["default"]
                if style.bold:
                    lines = tree.LINES["bold"]
                elif style.underline2:
                    lines = tree.LINES["double"]
            else:
                lines = ("  ", "  ", "  ", "  ")
            guide = tuple(f"{chars[0]}{chars[1] * depth} " for chars in lines)
            guides[(which, is_hidden)] = guide  # type: ignore[assignment]
    label = tree.get_component_rich_style("tree--label", partial=True)
    highlight = tree.get_component_rich_style("tree--highlight", partial=True)
    cursor = tree.get_component_rich_style("tree--cursor", partial=False)
    return RowLook(
        styles,
        hidden,
        guides,
        tree.get_component_rich_style("tree--highlight-line"),
        (label, label + highlight, label + cursor, label + highlight + cursor),
        tree.has_focus,
        tree.hover_line,
        tree.cursor_line,
        tree.app.console,
    )


def render_row(
    tree: Tree[Any],
    look: RowLook,
    y: int,
    line: _TreeLine[Any],
    pad_width: int,
    base_style: Style,
) -> Strip | None:
    """Line `y` as `Tree._render_line(y, 0, pad_width, base_style)` draws it; None where
    Textual must draw it (an empty label)."""
    path = line.path
    node = path[-1]
    node_label = node._label
    label_len = len(node_label)
    prefix = ""
    if node._allow_expand:
        prefix = tree.ICON_NODE_EXPANDED if node.is_expanded else tree.ICON_NODE
    if not label_len and not prefix:
        return None
    hover_line = look.hover_line
    is_hover = hover_line >= 0 and any(p._hover for p in path)
    line_style = (look.highlight_line if is_hover else base_style) + Style(meta={"line": y})

    # the guides, as Textual's loop picks them (see `Tree._render_line`)
    has_focus = look.has_focus
    parts: list[str] = []
    spans: list[_SpanT] = []
    offset = 0
    which = 0
    hidden = True
    hover = path[0]._hover
    selected = path[0]._selected and has_focus
    guide_hidden = look.guide_hidden
    guide_styles = look.guide_styles
    guides = look.guides
    for p in path[1:]:
        hidden = guide_hidden[0]
        if hover:
            which = 1
            hidden = guide_hidden[1]
        if selected:
            which = 2
            hidden = guide_hidden[2]
        if p is not node:
            space, vertical, _, _ = guides[(which, hidden)]
            guide = space if p.is_last else vertical
            parts.append(guide)
            spans.append((offset, offset + len(guide), guide_styles[which]))
            offset += len(guide)
        hover = hover or p._hover
        selected = (selected or p._selected) and has_focus
    if len(path) > 1:
        _, _, terminator, cross = guides[(which, hidden)]
        guide = terminator if line.last else cross
        parts.append(guide)
        spans.append((offset, offset + len(guide), guide_styles[which]))
        offset += len(guide)
    guides_len = offset

    # the label, as `render_label` assembles it, then the node's meta over it all
    if prefix:
        parts.append(prefix)
        spans.append((offset, offset + len(prefix), line_style + TOGGLE_STYLE))
        offset += len(prefix)
    if label_len:
        label_style = look.label_styles[(hover_line == y) + 2 * (look.cursor_line == y)]
        if node_label.style:
            spans.append((offset, offset + label_len, node_label.style))
        spans.extend((offset + s, offset + e, st) for s, e, st in node_label._spans)
        if label_style:
            spans.append((offset, offset + label_len, label_style))
        parts.append(node_label.plain)
        offset += label_len
    spans.append((guides_len, offset, Style(meta={"node": node._id})))

    text = "".join(parts)
    segments = _render_spans(text, line_style, spans, look.console)
    return Strip(line_pad(segments, 0, pad_width - cell_len(text), line_style))


def _render_spans(text: str, base: Style, spans: list[_SpanT], console: Console) -> list[Segment]:
    """`rich.text.Text.render` of `text` in `base` with `spans` (never empty)."""
    null = Style.null()
    style_map: dict[int, Style] = {0: base}
    marks: list[tuple[int, bool, int]] = [(0, False, 0)]
    for index, (start, _end, style) in enumerate(spans, 1):
        style_map[index] = (
            style if isinstance(style, Style) else console.get_style(style, default=null)
        )
        marks.append((start, False, index))
    marks.extend((end, True, index) for index, (_, end, _) in enumerate(spans, 1))
    marks.append((len(text), True, 0))
    marks.sort(key=_first_two)
    stack: list[int] = []
    cache: dict[tuple[Style, ...], Style] = {}
    combine = Style.combine
    segments: list[Segment] = []
    for (offset, leaving, style_id), (next_offset, _, _) in pairwise(marks):
        if leaving:
            stack.remove(style_id)
        else:
            stack.append(style_id)
        if next_offset > offset:
            styles = tuple([style_map[i] for i in sorted(stack)])
            current = cache.get(styles)
            if current is None:
                current = cache[styles] = combine(styles)
            segments.append(Segment(text[offset:next_offset], current))
    return segments
