"""`jobevents-tui diff`: which runs A and B are, the report, the JSON, the exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jobevents.core.folder import NoRunError
from jobevents.core.loading import load_path
from jobevents.core.pair_loading import RunSource, outline_pair
from jobevents.tui.cli import main

from ..fixtures.paths import committed_run
from .diff_spec import check_diff_document


def _diff(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["diff", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private data dir holding, oldest first: drift_a, seed_linear, drift_b."""
    tmp_path = tmp_path_factory.mktemp("pdd")
    for age, name in enumerate(["drift_a", "seed_linear", "drift_b"]):
        dest = tmp_path / "artifacts" / name
        shutil.copytree(committed_run(name), dest)
        when = 1_700_000_000 + 3600 * age
        for folder in (dest / "job_events", dest):
            os.utime(folder, (when, when))
    return tmp_path


def test_two_runs_text_new_failures_first_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _diff(capsys, committed_run("drift_a"), committed_run("drift_b"))
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith("A: drift_a, drift.yml, failed, 63 events")
    assert lines[1].startswith("B: drift_b, drift.yml, failed, 79 events")
    titles = [line for line in lines if line and not line.startswith(" ")][2:]
    assert titles[:3] == [
        "New failures in B (1)",
        "Fixed in B (1)",
        "Other status changes (21; 13 of hosts in one run only, not listed)",
    ]
    assert lines[lines.index("New failures in B (1)") + 1].split() == [
        "ok",
        "→",
        "failed",
        "deploy",
        "/",
        "restart",
        "service:",
        "web1",
    ]
    assert "  ok → changed  deploy / configure: web1, web2" in lines
    assert "Slower (1; at least 1.5x and 1s)" in lines
    assert "Hosts only in A: web3" in lines and "Hosts only in B: web4" in lines
    assert lines[-1] == "B has 1 new failure."


def test_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = committed_run("drift_a"), committed_run("drift_b")
    code, out, _ = _diff(capsys, a, b, "--format", "json")
    assert code == 1
    document = json.loads(out)
    check_diff_document(document, load_path(a).tree, load_path(b).tree)
    assert document["a"]["ident"] == "drift_a" and document["b"]["events"] == 79
    assert [e["task"] for e in document["slower"]] == ["slow step"]
    assert document["thresholds"] == {"ratio": 1.5, "seconds": 1.0}


def test_no_new_failures_exit_0_and_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = committed_run("seed_linear"), committed_run("seed_free")
    code, out, _ = _diff(capsys, a, b)
    assert code == 0 and out.splitlines()[-1] == "No new failures in B."
    code, out, _ = _diff(capsys, a, b, "--ratio", "1", "--seconds", "0", "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["slower"] + document["faster"]
    assert document["thresholds"] == {"ratio": 1.0, "seconds": 0.0}
    code, _, err = _diff(capsys, a, b, "--ratio", "0.5")
    assert code == 2 and "--ratio" in err


def test_one_folder_compares_the_newest_with_the_previous_run_of_its_playbook(
    capsys: pytest.CaptureFixture[str], artifacts: Path
) -> None:
    """seed_linear lies between them in time, but plays another playbook."""
    for path in (artifacts, artifacts / "artifacts", artifacts / "artifacts" / "drift_b"):
        code, out, _ = _diff(capsys, path, "--format", "json")
        document = json.loads(out)
        assert code == 1
        assert (document["a"]["ident"], document["b"]["ident"]) == ("drift_a", "drift_b")


def test_idents_of_one_folder(capsys: pytest.CaptureFixture[str], artifacts: Path) -> None:
    code, out, _ = _diff(
        capsys, artifacts, "--a-ident", "drift_b", "--b-ident", "drift_a", "--format", "json"
    )
    document = json.loads(out)
    assert (document["a"]["ident"], document["b"]["ident"]) == ("drift_b", "drift_a")
    assert code == 1  # web2 failing "check config" is new in drift_a, seen from drift_b
    code, out, _ = _diff(
        capsys, artifacts / "artifacts" / "seed_linear", "--a-ident", "drift_a", "--format", "json"
    )
    assert (json.loads(out)["a"]["ident"], code) == ("drift_a", 0)
    code, out, _ = _diff(
        capsys, artifacts, artifacts, "--a-ident", "seed_linear", "--format", "json"
    )
    assert (json.loads(out)["a"]["ident"], json.loads(out)["b"]["ident"]) == (
        "seed_linear",
        "drift_b",
    )


def test_errors_exit_2(capsys: pytest.CaptureFixture[str], artifacts: Path, tmp_path: Path) -> None:
    code, _, err = _diff(capsys, artifacts, "--b-ident", "drift_a")
    assert code == 2 and "no run of drift.yml before drift_a" in err
    code, _, err = _diff(capsys, artifacts, "--b-ident", "nope")
    assert code == 2 and "no run with ident 'nope'" in err
    code, _, err = _diff(capsys, artifacts / "missing", committed_run("drift_b"))
    assert code == 2 and "no ansible-runner run" in err
    lone = tmp_path / "events"
    shutil.copytree(committed_run("drift_b") / "job_events", lone)
    code, _, err = _diff(capsys, lone)
    assert code == 2 and "name run A as well" in err
    code, _, err = _diff(capsys, artifacts, artifacts, artifacts)
    assert code == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder whatever its mode")
def test_an_unreadable_folder_is_an_error_not_an_empty_run(
    capsys: pytest.CaptureFixture[str], artifacts: Path
) -> None:
    events = artifacts / "artifacts" / "drift_a" / "job_events"
    events.chmod(0)
    try:
        code, _, err = _diff(capsys, artifacts / "artifacts" / "drift_a", artifacts)
    finally:
        events.chmod(0o700)
    assert code == 2 and "cannot read" in err


def test_loading_side_by_side_equals_one_after_the_other(artifacts: Path) -> None:
    a = RunSource(artifacts, "drift_a")
    b = RunSource(artifacts / "artifacts" / "drift_b")
    assert outline_pair(a, b, parallel=True) == outline_pair(a, b, parallel=False)
    with pytest.raises(NoRunError, match="no run with ident 'gone'"):
        outline_pair(RunSource(artifacts, "gone"), b, parallel=True)


def test_the_installed_command_in_its_own_process(artifacts: Path) -> None:
    """As a CI gate runs it: a fresh process (where A loads in a forked child)."""
    done = subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", "diff", str(artifacts), "--format", "json"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert [e["host"] for e in document["new_failures"]] == ["web1"]


def test_a_run_whose_folder_went_away_is_an_error(tmp_path: Path) -> None:
    """What an unreadable folder does for root too: `load_path` read it as empty."""
    from jobevents.core.pair_loading import require_readable

    shutil.copytree(committed_run("drift_a"), tmp_path / "drift_a")
    loaded = load_path(tmp_path / "drift_a")
    require_readable(loaded)
    shutil.rmtree(tmp_path / "drift_a" / "job_events")
    with pytest.raises(NoRunError, match="cannot read"):
        require_readable(loaded)


def test_runs_of_two_playbooks_are_compared_with_a_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _diff(capsys, committed_run("adhoc"), committed_run("seed_linear"))
    lines = out.splitlines()
    assert code == 0 and lines[2] == "Note: A and B played different playbooks."
    assert "Tasks added (6)" in lines and "Tasks removed (1)" in lines
    code, out, _ = _diff(capsys, committed_run("seed_free"), committed_run("seed_linear"))
    assert "Note:" not in out
