"""Run summaries for the picker: small files and the first and last events of real runs."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from jobevents.core import folder
from jobevents.core.folder import RunFolder, find_runs
from jobevents.core.run_listing import RunListing
from jobevents.core.run_summary import RunSummaries, host_outcomes, read_summary

from ..fixtures.paths import committed_run


def _copy(name: str, dest: Path, ident: str | None = None) -> RunFolder:
    target = dest / "artifacts" / (ident or name)
    shutil.copytree(committed_run(name), target)
    return RunFolder(target / "job_events", target)


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_a_finished_run_is_summed_up_from_its_first_and_last_events(tmp_path: Path) -> None:
    summary = read_summary(_copy("features", tmp_path))
    assert summary.ident == "features"
    assert (summary.status, summary.rc, summary.playbook) == ("failed", 4, "features.yml")
    assert summary.events == 139
    assert summary.started == _stamp("2026-11-26T23:07:11.962510+00:00")
    assert summary.duration == pytest.approx(18.845, abs=0.001)
    # tower2 failed, deadhost unreachable, tower1 changed, pg1 only ok
    assert summary.hosts == {"failed": 1, "unreachable": 1, "changed": 1, "ok": 1}


def test_a_run_cut_short_has_no_host_counts(tmp_path: Path) -> None:
    summary = read_summary(_copy("killed", tmp_path))
    assert (summary.status, summary.playbook, summary.hosts) == ("canceled", "slow.yml", None)
    assert summary.ended == _stamp("2026-11-26T23:05:13.935656+00:00")


def test_no_events_yet_is_a_summary_too(tmp_path: Path) -> None:
    ident_dir = tmp_path / "artifacts" / "new"
    (ident_dir / "job_events").mkdir(parents=True)
    (ident_dir / "status").write_text("starting")
    summary = read_summary(RunFolder(ident_dir / "job_events", ident_dir))
    assert (summary.status, summary.playbook, summary.started, summary.events) == (
        "starting",
        None,
        None,
        0,
    )


@pytest.mark.slow
def test_warnings_before_the_playbook_starts_do_not_hide_it(tmp_path: Path) -> None:
    """An inventory that does not parse: a dozen warnings come before playbook_on_start."""
    from jobevents.core.run_history import playbook_of, previous_run

    from ..fixtures.runners import run_playbook

    runs = []
    for ident in ("first", "second"):
        ident_dir = run_playbook("seed.yml", tmp_path, ident=ident, inventory="unparsable.ini")
        runs.append(RunFolder(ident_dir / "job_events", ident_dir))
        os.utime(ident_dir, (len(runs), len(runs)))  # the second is the newer
    first_events = sorted(runs[1].job_events.iterdir(), key=lambda p: int(p.name.split("-")[0]))
    kinds = [json.loads(p.read_text())["event"] for p in first_events[:40]]
    assert kinds[:12] == ["verbose"] * 12 and "playbook_on_start" in kinds  # as ansible wrote it
    start = json.loads(first_events[kinds.index("playbook_on_start")].read_text())
    summary = read_summary(runs[1])
    assert summary.playbook == "seed.yml"
    assert summary.started == _stamp(start["created"])
    assert playbook_of(runs[1]) == "seed.yml"
    before = previous_run(runs[1])
    assert before is not None and before.ident == "first"


def test_hosts_by_their_worst_outcome() -> None:
    recap = {
        "ok": {"a": 3, "b": 1, "c": 2, "e": 0},
        "changed": {"a": 1},
        "failures": {"b": 1},
        "dark": {"d": 1},
        "skipped": {"e": 4},
        "processed": {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1},
    }
    assert host_outcomes(recap) == {
        "changed": 1,
        "failed": 1,
        "ok": 1,
        "unreachable": 1,
        "skipped": 1,
    }
    assert host_outcomes({"ok": "garbage", "processed": {"x": True}}) == {"ok": 1}


def test_filters_match_ident_playbook_and_status(tmp_path: Path) -> None:
    summary = read_summary(_copy("features", tmp_path))
    for text in ("FEAT", "features.yml", "fail", "  "):
        assert summary.matches(text)
    assert not summary.matches("successful")


def test_summaries_are_read_again_only_when_the_run_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _copy("killed", tmp_path)
    summaries = RunSummaries()
    first = summaries.get(run)
    reads: list[Path] = []
    real = folder.read_event_file

    def counting(path: Path, limit: int | None = None) -> dict[str, object]:
        reads.append(path)
        return real(path, limit)

    monkeypatch.setattr("jobevents.core.run_summary.read_event_file", counting)
    assert summaries.get(run) is first
    assert reads == []
    # runner writes status at the end: a new mtime, so the summary is read again
    status = run.ident_dir / "status"  # type: ignore[operator]
    status.write_text("failed")
    os.utime(status, ns=(1, os.stat(status).st_mtime_ns + 1_000_000))
    again = summaries.get(run)
    assert again.status == "failed" and reads


def test_a_listing_sees_new_runs_and_only_looks_again_when_artifacts_changes(
    tmp_path: Path,
) -> None:
    _copy("seed_linear", tmp_path, "one")
    listing = RunListing(tmp_path)
    assert [r.ident for r in listing.runs()] == ["one"]
    assert not listing.poll()
    # runner makes the run's folder, then its job_events/
    (tmp_path / "artifacts" / "two").mkdir()
    assert not listing.poll()
    (tmp_path / "artifacts" / "two" / "job_events").mkdir()
    assert listing.poll()
    assert {r.ident for r in listing.runs()} == {"one", "two"}
    assert listing.runs() == find_runs(tmp_path)
    assert listing.open("one").ident == "one"
