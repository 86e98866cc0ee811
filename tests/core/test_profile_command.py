"""`jobevents-tui profile`: the JSON contract of the issue, the text, the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobevents.tui.cli import main

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run
from .timing_oracle import oracle


def _profile(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["profile", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _check_json(document: dict, ident_dir: Path, top: int) -> None:  # type: ignore[type-arg]
    expected = oracle(ident_dir)
    tasks, hosts = document["tasks"], document["hosts"]
    assert len(tasks) == min(top, len(expected.tasks))
    for entry in tasks:
        assert {"play", "task", "wall_s", "slowest_host", "slowest_host_s"} <= set(entry)
    walls = [t["wall_s"] for t in tasks]
    assert walls == sorted(walls, reverse=True)
    want = sorted(expected.tasks.values(), key=lambda t: -t[1])[:top]
    assert [round(w, 3) for _, w, _, _ in want] == walls
    by_name = {(t["task"], t["wall_s"]): t for t in tasks}
    for name, wall, host, seconds in want:
        entry = by_name[(name, round(wall, 3))]
        assert (entry["slowest_host"], entry["slowest_host_s"]) == (host, round(seconds, 3))
    assert len(hosts) == min(top, len(expected.hosts))
    for entry in hosts:
        assert {"host", "total_s", "slowest_task"} <= set(entry)
        assert entry["total_s"] == round(expected.hosts[entry["host"]][0], 3)
    totals = [h["total_s"] for h in hosts]
    assert totals == sorted(totals, reverse=True)


@pytest.mark.parametrize("name", ["seed_linear", "seed_free", "seed_serial", "drift_b"])
def test_json_is_the_issues_shape_with_the_event_files_numbers(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = _profile(capsys, str(committed_run(name)), "--format", "json")
    assert (code, err) == (0, "")
    _check_json(json.loads(out), committed_run(name), 20)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed_free", "seed_serial"])
def test_fresh_free_and_serial_runs(
    capsys: pytest.CaptureFixture[str], live_runs: LiveRuns, name: str
) -> None:
    code, out, _ = _profile(capsys, str(live_runs[name]), "--format", "json", "--top", "2")
    assert code == 0
    _check_json(json.loads(out), live_runs[name], 2)


def test_top_and_ident(capsys: pytest.CaptureFixture[str]) -> None:
    run = committed_run("seed_serial")
    code, out, _ = _profile(
        capsys, str(run.parent), "--ident", "seed_serial", "--top", "2", "--format", "json"
    )
    document = json.loads(out)
    assert code == 0 and len(document["tasks"]) == len(document["hosts"]) == 2
    assert document["run"]["ident"] == "seed_serial"
    code, out, _ = _profile(capsys, str(run), "--top", "0", "--format", "json")
    assert len(json.loads(out)["tasks"]) == 6


def test_text_reads_like_a_better_profile_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, str(committed_run("seed_serial")))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("seed_serial: seed.yml, successful, 14.4s from 2026-")
    at = lines.index(next(line for line in lines if line.startswith("Slowest tasks (6 tasks")))
    assert lines[at + 1].split() == ["wall", "busy", "share", "slowest", "host", "task"]
    first = lines[at + 2]
    assert first.split()[:5] == ["7.05s", "3.18s", "49.0%", "tower2", "2.24s"]
    assert first.endswith("preflight / check_umask")
    assert any(line.endswith("install / restart_tower (handler)") for line in lines)
    hosts = lines.index(next(line for line in lines if line.startswith("Slowest hosts (3 hosts")))
    assert lines[hosts + 2].split()[:4] == ["8.36s", "58.1%", "6", "tower2"]


def test_a_killed_run_says_what_did_not_end(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _profile(capsys, str(committed_run("killed")))
    assert code == 0 and "slow / slow_2 (2 not ended)" in out


def test_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _profile(capsys, str(tmp_path / "nothing"))
    assert code == 2 and "no ansible-runner run" in err
    code, _, err = _profile(capsys, str(committed_run("seed_linear")), "--top", "-1")
    assert code == 2 and "--top" in err
