"""`render_row` draws a tree row exactly as Textual's `Tree._render_line` does."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input, Tree

from jobevents.tui.widgets.line_cache import CachedTreeLines
from jobevents.tui.widgets.tree_row import render_row, row_look


def label(i: int) -> Text:
    """Labels of every kind the views draw: plain, styled, spans, string styles, wide."""
    kinds = [
        Text(f"plain {i}"),
        Text(f"styled {i}", style="bold red"),
        Text.assemble(("ok", Style(color="green")), " ", (f"task {i}", "italic")),
        Text.assemble(("界面", "reverse"), (" ", ""), (f"wide {i}", Style(bgcolor="blue"))),
        Text(f"over {i}", spans=[]),
        Text(""),
    ]
    text = kinds[i % len(kinds)]
    if i % len(kinds) == 4:
        text.stylize("underline", 2, 40)  # a span past the label's end
    return text


class Trees(App[None]):
    def compose(self) -> ComposeResult:
        yield CachedTreeLines[int]("root", id="tree")
        yield Input(id="other")


def fill(tree: Tree[int]) -> None:
    """A tree with deep guides, last and middle children, collapsed and leaf nodes."""
    n = 0

    def grow(node: object, depth: int) -> None:
        nonlocal n
        for k in range(3 if depth < 4 else 2):
            n += 1
            if depth < 5 and k != 1:
                child = node.add(label(n), data=n, expand=n % 7 != 0)  # type: ignore[attr-defined]
                grow(child, depth + 1)
            else:
                node.add_leaf(label(n), data=n)  # type: ignore[attr-defined]

    grow(tree.root, 0)
    tree.root.expand()


def compare(tree: Tree[int], what: str) -> int:
    """Every line's row against Textual's; the count of lines compared."""
    look = row_look(tree)
    assert look is not None
    base = tree.rich_style
    lines = tree._tree_lines
    pad_width = max(tree.virtual_size.width, tree.size.width)
    compared = 0
    for x1, x2 in ((0, tree.size.width), (3, 12)):
        for y, line in enumerate(lines):
            tree._line_cache.clear()
            want = Tree._render_line(tree, y, x1, x2, base)
            row = render_row(tree, look, y, line, pad_width, base)
            if row is None:
                assert not line.node._label and not line.node.allow_expand
                continue
            got = row.crop(x1, x2)
            assert list(got) == list(want), f"{what} line {y} crop {x1}-{x2}"
            assert [s.style.meta for s in got if s.style] == [
                s.style.meta for s in want if s.style
            ], f"{what} line {y} crop {x1}-{x2}: meta"
            compared += 1
    return compared


async def test_rows_match_textuals_in_every_state() -> None:
    app = Trees()
    async with app.run_test(size=(60, 30)) as pilot:
        tree = app.query_one("#tree", CachedTreeLines)
        fill(tree)
        await pilot.pause()
        compared = 0
        for focused, width in ((True, 60), (False, 60), (True, 14)):
            tree.styles.width = width  # 14: rows wider than the tree
            app.set_focus(tree if focused else app.query_one("#other"))
            await pilot.pause()
            for show_root, guide_depth, show_guides in [
                (True, 4, True),
                (False, 2, True),
                (True, 6, False),
            ]:
                tree.show_root, tree.guide_depth, tree.show_guides = (
                    show_root,
                    guide_depth,
                    show_guides,
                )
                await pilot.pause()
                count = len(tree._tree_lines)
                for cursor, hover in [(0, -1), (5, 5), (count - 1, 3), (7, count - 2)]:
                    tree.cursor_line, tree.hover_line = cursor, hover
                    what = f"focus={focused} root={show_root} depth={guide_depth} {cursor}/{hover}"
                    compared += compare(tree, what)
        assert compared > 1000
