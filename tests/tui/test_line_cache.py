"""The views keep rendered lines across frames: a kept line must be the line Textual draws."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree

from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.hosts import HostsView
from jobevents.tui.widgets.lazy_tree import LazyTree

from .helpers import add_events, copy_run, frames_pass, press, running, settle, wait_for


def drawn(tree: LazyTree) -> list[Strip]:
    """The visible lines as the widget draws them now (from its caches where it can)."""
    tree._pass_style = tree.rich_style
    tree._pseudo_class_state = tree.get_pseudo_class_state()
    return [tree.render_line(y) for y in range(tree.size.height)]


def redrawn(tree: LazyTree) -> list[Strip]:
    """The same lines drawn from nothing, as Textual's Tree would draw them."""
    tree._strips.clear()
    tree._line_cache.clear()
    return drawn(tree)


def styled(tree: LazyTree) -> list[Strip]:
    """The visible lines styled as the screen shows them (from the widget's caches)."""
    return tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))


def restyled(tree: LazyTree) -> list[Strip]:
    """The same, drawn and styled from nothing the way Textual's Tree does, row by row."""
    tree._styled.clear()
    tree._strips.clear()
    tree._line_cache.clear()
    tree._styles_cache.clear()
    return Tree.render_lines(tree, Region(0, 0, tree.size.width, tree.size.height))


def assert_kept_lines_are_current(tree: LazyTree) -> None:
    kept = [list(strip) for strip in drawn(tree)]
    fresh = [list(strip) for strip in redrawn(tree)]
    for y, (a, b) in enumerate(zip(kept, fresh, strict=True)):
        assert a == b, f"line {y}: kept {Strip(a).text!r}, drawn now {Strip(b).text!r}"
    kept = [list(strip) for strip in styled(tree)]
    fresh = [list(strip) for strip in restyled(tree)]
    for y, (a, b) in enumerate(zip(kept, fresh, strict=True)):
        assert a == b, f"row {y}: kept {Strip(a).text!r}, styled now {Strip(b).text!r}"


async def test_kept_lines_match_a_fresh_render_as_events_and_keys_change_the_tree(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("features", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        tree, feed = app.run_tree, app.feed
        assert tree is not None and feed is not None
        read = feed.reader.read_count
        steps = ["j", "l", "k", "e", "j j j", "h", "f", "c", "n", "l", "e", "end", "home"]
        chunk = max(1, len(rest) // len(steps))
        for i, keys in enumerate(steps):
            # Warm the cache on this state, then change the tree under it and look again.
            drawn(tree)
            styled(tree)
            batch = rest[i * chunk : (i + 1) * chunk]
            add_events(ident_dir, batch)
            read += len(batch)
            await wait_for(pilot, lambda n=read: feed.reader.read_count >= n, what="the new events")
            await frames_pass(pilot)
            assert_kept_lines_are_current(tree)
            drawn(tree)
            styled(tree)
            await press(pilot, *keys.split())
            await frames_pass(pilot)
            assert_kept_lines_are_current(tree)


async def test_the_hosts_view_keeps_lines_that_match_a_fresh_render(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("hosts", tmp_path, fraction=0.2)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        view, feed = app.views.get("hosts"), app.feed
        assert isinstance(view, HostsView) and feed is not None
        read = feed.reader.read_count
        steps = ["home", "l", "j j", "e", "S", "k", "n", "h", "f", "c", "S", "e", "end", "home"]
        chunk = max(1, len(rest) // len(steps))
        for i, keys in enumerate(steps):
            drawn(view)
            styled(view)
            batch = rest[i * chunk : (i + 1) * chunk] if i < len(steps) - 1 else rest[i * chunk :]
            add_events(ident_dir, batch)
            read += len(batch)
            await wait_for(pilot, lambda n=read: feed.reader.read_count >= n, what="the new events")
            await frames_pass(pilot)
            assert_kept_lines_are_current(view)
            drawn(view)
            styled(view)
            await press(pilot, *keys.split())
            await frames_pass(pilot)
            assert_kept_lines_are_current(view)
