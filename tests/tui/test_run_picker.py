"""The run picker (`r`): every run with what it did, typing filters, enter opens one."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.run_picker import RunPicker

from .helpers import copy_run, header_text, press, running, settle, wait_for

#: folder times, oldest first: the picker lists newest first
RUNS = (("killed", 1_000_000_000), ("features", 1_100_000_000), ("seed_linear", 1_200_000_000))


def three_runs(tmp_path: Path) -> Path:
    """artifacts/ holding a canceled, a failed and (newest) a successful run."""
    for name, stamp in RUNS:
        ident_dir, _ = copy_run(name, tmp_path)
        for path in (ident_dir / "job_events", ident_dir):
            os.utime(path, (stamp, stamp))
    return tmp_path


async def open_picker(pilot) -> RunPicker:  # type: ignore[no-untyped-def]
    await press(pilot, "r")
    app = pilot.app
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, RunPicker) and app.screen.complete,
        what="every run's summary",
    )
    assert isinstance(app.screen, RunPicker)
    return app.screen


def rows(picker: RunPicker) -> list[str]:
    return picker.row_texts()


async def test_the_picker_lists_every_run_with_what_it_did(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        picker = await open_picker(pilot)
        shown = rows(picker)
        assert [row.split()[:4] for row in shown] == [
            ["●", "seed_linear", "seed.yml", "successful"],
            ["features", "features.yml", "failed", "2026-11-26"],
            ["killed", "slow.yml", "canceled", "2026-11-26"],
        ]
        # duration, then hosts: all, then the ones that did not end ok, by status
        assert shown[0].endswith("13.7s   3 ~3")
        assert shown[1].endswith("18.8s   4 ✘1 ⊘1 ~1")
        assert shown[2].endswith("-")  # canceled: no recap, no host counts
        assert picker.run_list.highlighted == 0  # the run shown


async def test_typing_filters_by_ident_playbook_and_status_and_enter_opens(
    tmp_path: Path,
) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        picker = await open_picker(pilot)
        assert app.focused is picker.query_one(Input)
        await press(pilot, *"fail")
        assert [row.split()[0] for row in rows(picker)] == ["features"]
        await press(pilot, *["backspace"] * 4, *"slow.yml")
        assert [row.split()[0] for row in rows(picker)] == ["killed"]
        await press(pilot, *["backspace"] * 8, *"LINEAR")
        assert [row.split()[1] for row in rows(picker)] == ["seed_linear"]
        await press(pilot, *["backspace"] * 6, *"s")  # successful, slow.yml, features.yml
        assert len(rows(picker)) == 3
        await press(pilot, "down", "down", "up", "enter")
        assert not isinstance(app.screen, RunPicker)
        await settle(pilot)
        assert app.feed is not None and app.feed.run.ident == "features"
        assert header_text(app).startswith("Tasks features │ features.yml │ failed")


async def test_nothing_matches_and_enter_keeps_the_run(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        picker = await open_picker(pilot)
        await press(pilot, *"no such run", "enter")
        assert rows(picker) == [] and app.screen is picker
        await press(pilot, "escape")
        assert app.feed is not None and app.feed.run.ident == "seed_linear"


async def test_switching_runs_lets_the_old_ones_go(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)

        def alive(kind: type) -> int:
            gc.collect()
            return sum(1 for o in gc.get_objects() if type(o) is kind)

        keys = None
        for ident in ("features", "killed", "seed_linear"):
            picker = await open_picker(pilot)
            await press(pilot, *ident, "enter")
            await wait_for(pilot, lambda: app.feed is not None and app.feed.run.ident == ident)  # noqa: B023
            await settle(pilot)
            assert picker not in app.screen_stack
            gc.unfreeze()  # a feed freezes what it built; count everything
            keys = keys if keys is not None else alive(FooterKey)
        # the footer's keys are made again at each focus change: the old ones must go
        assert alive(FooterKey) == keys
        assert alive(RunPicker) <= 1


async def test_the_picker_opens_again_as_new_without_being_made_again(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        picker = await open_picker(pilot)
        await press(pilot, *"fail")
        assert [row.split()[0] for row in rows(picker)] == ["features"]
        await press(pilot, "escape")
        again = await open_picker(pilot)
        # the same screen, its widgets kept: nothing composed or laid out again
        assert again is picker and picker.query_one(Input).value == ""
        assert [row.split()[0] for row in rows(picker)] == ["●", "features", "killed"]
        assert picker.run_list.highlighted == 0
        await press(pilot, *"features", "enter")
        await wait_for(pilot, lambda: app.feed is not None and app.feed.run.ident == "features")
        await settle(pilot)
        again = await open_picker(pilot)
        # the run shown now is marked and highlighted; the filter typed before is gone
        assert again is picker and picker.query_one(Input).value == ""
        assert [row.split()[:2] for row in rows(picker)] == [
            ["seed_linear", "seed.yml"],
            ["●", "features"],
            ["killed", "slow.yml"],
        ]
        assert picker.run_list.highlighted == 1
        await press(pilot, "down", "enter")
        await wait_for(pilot, lambda: app.feed is not None and app.feed.run.ident == "killed")


async def test_a_switch_releases_the_run_it_replaces(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None and app.view is not None
        old_state, old_view = weakref.ref(app.feed.state), weakref.ref(app.view)
        assert gc.get_freeze_count()  # the first run's load froze what it built
        await open_picker(pilot)
        await press(pilot, *"features", "enter")
        await wait_for(pilot, lambda: app.feed is not None and app.feed.run.ident == "features")
        await settle(pilot)
        # no gc.unfreeze here: the switch itself must let the old run out of the freeze
        gc.collect()
        assert old_state() is None and old_view() is None


async def test_asking_for_the_picker_while_it_is_open_keeps_one(tmp_path: Path) -> None:
    app = JobEventsApp(three_runs(tmp_path), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        picker = await open_picker(pilot)
        app.action_pick_run()  # as the palette's "runs" would, over the picker
        await pilot.pause()
        assert app.screen is picker and app.screen_stack.count(picker) == 1
        await press(pilot, "escape")
        assert not isinstance(app.screen, RunPicker)
