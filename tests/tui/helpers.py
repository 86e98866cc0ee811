"""What the Pilot and snapshot tests share: waiting for frames, live folders, the visible tree."""

from __future__ import annotations

import io
import os
import random
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from jobevents.core.events import Event, decode_event
from jobevents.core.folder import event_file_key
from jobevents.core.nodes import Node
from jobevents.tui.app import JobEventsApp
from jobevents.tui.frame import FRAME_GAP
from jobevents.tui.views.hosts import HostsView
from jobevents.tui.widgets.lazy_tree import LazyTree
from jobevents.tui.widgets.run_header import RunHeader

from ..fixtures.paths import committed_run

SIZE = (120, 40)


# --------------------------------------------------------------------------- the app


@asynccontextmanager
async def running(app: JobEventsApp, size: tuple[int, int] = SIZE) -> AsyncIterator[Pilot]:
    """`app.run_test`, then stop the app's timers and its feed thread before it shuts down.

    A watching feed is a thread: left running, it would go on reading into the next test.
    """
    async with app.run_test(size=size) as pilot:
        try:
            yield pilot
        finally:
            halt(app)


def halt(app: App) -> None:
    """Stop the app's own timers (frames, run checks) and its feed thread."""
    for timer in list(app._timers):  # Textual keeps the intervals an app set here
        timer.stop()
    feed = getattr(app, "feed", None)
    if feed is not None:
        feed.stop()


async def settle(pilot: Pilot, frames: int = 2) -> None:
    """Wait until the feed has read the folder and a frame has shown all of it."""
    app = pilot.app
    assert isinstance(app, JobEventsApp)

    def shown() -> bool:
        # Read, every change taken by a frame, and a frame painted after the load ended
        # (`hold_follow` is set by frames during a first load and cleared after it).
        feed, tree = app.feed, app.run_tree
        return (
            feed is not None
            and tree is not None
            and feed.loaded.is_set()
            and not feed.has_changes()
            and not tree.hold_follow
        )

    await wait_for(pilot, shown, what="the run to be read and shown")
    await frames_pass(pilot, frames)


async def frames_pass(pilot: Pilot, frames: int = 2) -> None:
    """Let `frames` frames paint, then the callbacks they scheduled after the refresh."""
    await pilot.pause(FRAME_GAP * frames + 0.02)
    await pilot.pause()


async def wait_for(
    pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0, what: str = ""
) -> None:
    """Pause until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if not pilot.app.is_running:
            raise AssertionError(f"the app stopped while waiting for {what or condition}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.02)


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then let the cursor moves they scheduled after the refresh happen."""
    await pilot.press(*keys)
    await pilot.pause()


def header_text(app: App) -> str:
    """The header line as plain text."""
    return rendered_text(app.query_one(RunHeader).content)


def rendered_text(renderable: object, width: int = 200) -> str:
    """A Rich renderable as plain text."""
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)  # type: ignore[arg-type]
    return capture.get()


# ------------------------------------------------------------------- the tree shown


class Line(NamedTuple):
    """One visible tree line."""

    depth: int
    text: str
    expanded: bool


@dataclass(frozen=True)
class TreeState:
    """The visible tree: its lines, top to bottom, and the line under the cursor."""

    lines: tuple[Line, ...]
    cursor: int

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def expanded(self) -> list[str]:
        return [line.text for line in self.lines if line.expanded]

    @property
    def cursor_text(self) -> str:
        return self.lines[self.cursor].text

    def __str__(self) -> str:
        return "\n".join(
            f"{'>' if i == self.cursor else ' '}{'  ' * line.depth}"
            f"{'-' if line.expanded else ' '} {line.text}"
            for i, line in enumerate(self.lines)
        )


def tree_state(app: JobEventsApp, view: LazyTree[Any] | None = None) -> TreeState:
    """What a tree widget shows (the Tasks view's unless `view` is given): each line's
    depth, plain label and expanded flag, and where the cursor is."""
    tree = view if view is not None else app.run_tree
    assert tree is not None, "no run is shown"
    if isinstance(tree, HostsView):
        tree.labels_now()  # labels of lines off screen are built when drawn
    lines = []
    for number in range(tree.last_line + 1):
        node = tree.get_node_at_line(number)
        assert node is not None
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        lines.append(Line(depth, node.label.plain, node.is_expanded))
    return TreeState(tuple(lines), tree.cursor_line)


def finished(name: str) -> JobEventsApp:
    """The app on a committed, finished run, read once (no watcher)."""
    return JobEventsApp(committed_run(name), watch=False)


def cursor_data(app: JobEventsApp) -> Node:
    """The core node under the Tasks view's cursor."""
    assert app.run_tree is not None and app.run_tree.cursor_node is not None
    data = app.run_tree.cursor_node.data
    assert data is not None
    return data


# ---------------------------------------------------------------- live run folders


def event_files(job_events: Path) -> list[Path]:
    """A run's event files in counter order."""
    found = [p for p in job_events.iterdir() if event_file_key(p.name) is not None]
    return sorted(found, key=lambda p: event_file_key(p.name) or (0, ""))


def copy_run(
    name: str,
    dest: Path,
    *,
    fraction: float = 1.0,
    status: str | None = None,
    ident: str | None = None,
) -> tuple[Path, list[Path]]:
    """Copy committed run `name` into `dest/artifacts/<ident>/`, only its first events.

    Returns the new ident folder and the committed event files left out, in counter order.
    With fraction < 1 and no `status`, the status file says "running" and there is no rc.
    """
    source = committed_run(name)
    target = dest / "artifacts" / (ident or source.name)
    (target / "job_events").mkdir(parents=True)
    files = event_files(source / "job_events")
    keep = round(len(files) * fraction)
    for path in files[:keep]:
        shutil.copyfile(path, target / "job_events" / path.name)
    finished = keep == len(files)
    for extra in ("stdout", "stderr", *(("rc",) if finished else ())):
        if (source / extra).is_file():
            shutil.copyfile(source / extra, target / extra)
    if status is None:
        status = (source / "status").read_text() if finished else "running"
    (target / "status").write_text(status)
    return target, files[keep:]


def write_event(job_events: Path, name: str, data: bytes) -> None:
    """Write an event file the way runner does: `<name>.tmp`, then a rename."""
    tmp = job_events / f"{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, job_events / name)


def add_events(ident_dir: Path, files: Iterable[Path]) -> None:
    """Add committed event files to a live run folder, each through `.tmp` and a rename."""
    for path in files:
        write_event(ident_dir / "job_events", path.name, path.read_bytes())


def finish(ident_dir: Path, name: str) -> None:
    """Write the committed run's final status and rc into a live folder."""
    source = committed_run(name)
    for extra in ("rc", "status"):
        shutil.copyfile(source / extra, ident_dir / extra)


#: a retry window short enough for tests (the app's default is 5 s)
QUICK_RETRY = 0.3


def first_event_then_rest(name: str, dest: Path) -> list[Event]:
    """A live run at `dest/artifacts/live` holding committed run `name`'s first event; its
    other events decoded, in the order runner wrote them, for a test to apply in frames it
    makes itself (the feed's own batching depends on timing)."""
    live = dest / "artifacts" / "live" / "job_events"
    live.mkdir(parents=True)
    (live.parent / "status").write_text("running")
    first, *rest = event_files(committed_run(name) / "job_events")
    shutil.copyfile(first, live / first.name)
    return [decode_event(path.read_bytes()) for path in rest]


def first_event_then_shuffled(name: str, dest: Path, seed: int) -> list[Event]:
    """`first_event_then_rest`, the rest shuffled."""
    events = first_event_then_rest(name, dest)
    random.Random(seed).shuffle(events)
    return events


def apply_as_frame(app: JobEventsApp, events: list[Event]) -> None:
    """`events` into the app's run as the feed applies a batch, then one frame painted."""
    feed = app.feed
    assert feed is not None
    with feed.lock:
        feed.state.add_all(events, feed._changes)
    app.frames.paint()
