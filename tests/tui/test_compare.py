"""`d`: comparing the run shown with another run of the same artifacts/, through Pilot on the
real drift_a / drift_b pair: the picker's default, the marks, `n` through the differences,
`d` again, and marks that follow a live run."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from textual.widgets import OptionList

from jobevents.core.comparison import compare_trees
from jobevents.core.diff_marks import diff_marks, next_difference
from jobevents.core.folder import NoRunError
from jobevents.core.loading import load_path
from jobevents.core.pair_loading import RunSource, outline_run
from jobevents.tui.app import JobEventsApp
from jobevents.tui.outline_process import OutlineJob
from jobevents.tui.widgets.compare_picker import ComparePicker

from ..fixtures.paths import committed_run
from .helpers import (
    add_events,
    copy_run,
    cursor_data,
    finish,
    frames_pass,
    header_text,
    press,
    running,
    settle,
    tree_state,
    wait_for,
)
from .test_timeline import chart, screen_lines


def drift_pair(root: Path, b_fraction: float = 1.0) -> tuple[Path, list[Path]]:
    """drift_a, then drift_b (newer) under `root/artifacts/`: drift_b's folder and the
    event files of it left out."""
    a_dir, _ = copy_run("drift_a", root)
    b_dir, rest = copy_run("drift_b", root, fraction=b_fraction)
    hour_ago = time.time() - 3600
    os.utime(a_dir, (hour_ago, hour_ago))
    return b_dir, rest


async def compare_with_default(pilot, app: JobEventsApp) -> None:  # type: ignore[no-untyped-def]
    """`d`, then enter on the run the picker highlights; wait for the marks."""
    await press(pilot, "d")
    await wait_for(pilot, lambda: isinstance(app.screen, ComparePicker), what="the picker")
    await pilot.pause()
    await press(pilot, "enter")
    await wait_for(pilot, lambda: app.comparing.marks is not None, timeout=30, what="the marks")
    await frames_pass(pilot)


def labels(app: JobEventsApp) -> dict[str, list[str]]:
    """Visible tree lines by the name they start with (after the glyph)."""
    out: dict[str, list[str]] = {}
    for text in tree_state(app).texts:
        name = text.split("  ")[0][2:]
        out.setdefault(name, []).append(text)
    return out


async def test_d_compares_with_the_previous_run_and_marks_the_tree(tmp_path: Path) -> None:
    drift_pair(tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        await frames_pass(pilot)
        before = tree_state(app).texts
        await press(pilot, "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ComparePicker), what="the picker")
        picker = app.screen.query_one(OptionList)
        await pilot.pause()
        highlighted = picker.get_option_at_index(picker.highlighted or 0)
        assert "drift_a" in str(highlighted.prompt)
        assert "← the previous run" in str(highlighted.prompt)
        await press(pilot, "enter")
        await wait_for(
            pilot,
            lambda: "vs drift_a: loading" in header_text(app) or app.comparing.marks is not None,
            what="the header to say the comparison loads",
        )
        await wait_for(pilot, lambda: app.comparing.marks is not None, timeout=30, what="marks")
        await frames_pass(pilot)
        header = header_text(app)
        assert "vs drift_a: 1 new failure, 1 fixed, 21 changed, 1 slower, tasks +2 −2" in header
        shown = labels(app)
        assert all("Δ" not in t and "new task" not in t for t in before)
        assert shown["slow step"][0].endswith("▲ +3.07s  Δ 1 changed")
        assert shown["migrate"][0].endswith("+ new task")
        assert shown["renamed"][0].endswith("+ new task")
        assert shown["check config"][0].endswith("Δ 1 fixed, 1 changed")
        assert shown["restart service"][1].endswith("Δ 1 new failure, 2 changed")
        assert "Δ" not in shown["PLAY deploy"][0]
        web1 = [t for t in tree_state(app).texts if t.startswith("✘ web1")]
        assert web1 and web1[0].endswith("✘ new ok→failed")

        await press(pilot, "d")  # again: the comparison ends, the lines are as before
        await frames_pass(pilot)
        await wait_for(pilot, lambda: "vs drift_a" not in header_text(app), what="the header")
        assert tree_state(app).texts == before


async def test_n_steps_through_the_differences_while_comparing(tmp_path: Path) -> None:
    drift_pair(tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await compare_with_default(pilot, app)
        assert app.feed is not None
        tree = app.feed.tree
        expected = diff_marks(compare_trees(load_path(committed_run("drift_a")).tree, tree))
        await press(pilot, "home")
        seen = []
        here = cursor_data(app)
        for _ in range(12):
            await press(pilot, "n")
            seen.append(cursor_data(app))
        want = []
        for _ in range(12):
            here = next_difference(tree.root, expected, here)
            want.append(here)
        assert [n.id for n in seen] == [n.id for n in want]  # type: ignore[union-attr]
        await press(pilot, "N")
        assert cursor_data(app) is want[-2]
        footer = " ".join(str(b.binding.description) for b in app.active_bindings.values())
        assert "Next diff" in footer and "Next failed" not in footer

        await press(pilot, "d")
        await frames_pass(pilot)
        await press(pilot, "home", "n")  # back to failures
        failed = cursor_data(app)
        assert (failed.kind, failed.status) == ("host", "failed")


async def test_the_timeline_shows_the_marks_too(tmp_path: Path) -> None:
    drift_pair(tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await compare_with_default(pilot, app)
        await press(pilot, "4")
        await frames_pass(pilot)
        lines = screen_lines(app)
        slow = next(line for line in lines if "slow step" in line)
        assert "6.17s ▲ +3.07s" in slow
        assert any("migrate" in line and "+ new" in line for line in lines)
        await press(pilot, "d")
        await frames_pass(pilot)
        assert not any("+ new" in line for line in screen_lines(app))
        assert chart(app).marks is None


async def test_escape_closes_the_picker_and_a_lone_run_has_nothing_to_compare_with(
    tmp_path: Path,
) -> None:
    drift_pair(tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ComparePicker), what="the picker")
        await press(pilot, "escape")
        await frames_pass(pilot)
        assert app.comparing.phase == "off" and "vs " not in header_text(app)
    lone = JobEventsApp(committed_run("seed_linear"), watch=False)
    async with running(lone) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        await wait_for(
            pilot,
            lambda: any("No other run" in str(n.message) for n in lone._notifications),
            what="the notice",
        )
        assert lone.comparing.phase == "off"


@pytest.mark.parametrize("seed", [2])
async def test_the_marks_follow_a_live_run(tmp_path: Path, seed: int) -> None:
    b_dir, rest = drift_pair(tmp_path, b_fraction=0.4)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await compare_with_default(pilot, app)
        assert "new failure" not in header_text(app)  # the failing task has not run yet
        random.Random(seed).shuffle(rest)
        add_events(b_dir, rest)
        finish(b_dir, "drift_b")
        await wait_for(pilot, lambda: "79 events" in header_text(app), what="all events")
        await wait_for(
            pilot,
            lambda: "vs drift_a: 1 new failure, 1 fixed, 21 changed" in header_text(app),
            timeout=10,
            what="marks of the whole run",
        )
        assert app.comparing.marks is not None
        b_tree = load_path(committed_run("drift_b")).tree
        expected = diff_marks(compare_trees(load_path(committed_run("drift_a")).tree, b_tree))
        assert dict(app.comparing.marks.counts) == dict(expected.counts)


async def test_a_run_gone_before_it_is_read_says_so(tmp_path: Path) -> None:
    import shutil

    drift_pair(tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        await wait_for(pilot, lambda: isinstance(app.screen, ComparePicker), what="the picker")
        shutil.rmtree(tmp_path / "artifacts" / "drift_a")
        await press(pilot, "enter")
        await wait_for(
            pilot,
            lambda: any("Cannot compare" in str(n.message) for n in app._notifications),
            timeout=30,
            what="the notice",
        )
        assert app.comparing.phase == "off" and app.comparing.marks is None
        # the header is repainted on the frame clock, not at once
        await wait_for(pilot, lambda: "vs " not in header_text(app), what="the header")


def test_a_run_outlined_in_its_own_process_is_the_one_outlined_here() -> None:
    source = RunSource(committed_run("drift_a"))
    assert OutlineJob(source).result() == outline_run(source)


def test_outline_process_says_why_it_failed(tmp_path: Path) -> None:
    with pytest.raises(NoRunError):
        OutlineJob(RunSource(tmp_path)).result()
    job = OutlineJob(RunSource(committed_run("drift_b")))
    job.cancel()
    with pytest.raises(RuntimeError, match="canceled"):
        job.result()
