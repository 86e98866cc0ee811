"""`jobevents-tui dump`: the JSON contract of tree-json.md, the text tree, exit codes, packaging."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from jobevents.core.loading import load_path
from jobevents.core.render import dump_document, write_json
from jobevents.tui.cli import main

from ..fixtures.paths import committed_names, committed_run

KINDS = {"playbook", "play", "task", "host", "item", "retry", "async", "message"}
STATUSES = {"running", "ok", "changed", "failed", "ignored", "rescued", "skipped", "unreachable"}
REPO = Path(__file__).resolve().parents[2]


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    for child in node["children"]:
        out.extend(_nodes(child))
    return out


@pytest.mark.parametrize("name", committed_names())
def test_json_follows_the_contract(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(committed_run(name)), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"ident", "status", "events", "errors", "recap", "tree"}
    assert document["ident"] == committed_run(name).name
    assert document["tree"]["kind"] == "playbook"
    for node in _nodes(document["tree"]):
        assert node["kind"] in KINDS and node["status"] in STATUSES
        assert isinstance(node["name"], str) and isinstance(node["counter"], int)
        assert node["uuid"] is None or isinstance(node["uuid"], str)
        counters = [c["counter"] for c in node["children"]]
        assert counters == sorted(counters)
        if node["kind"] == "task":
            assert isinstance(node["handler"], bool) and "role" in node
        if node["kind"] in ("play", "task"):
            assert not node["uuid"].rsplit("-", 1)[-1].count("_")  # no _N suffix


@pytest.mark.parametrize("name", committed_names())
def test_streamed_json_is_the_whole_document(name: str) -> None:
    loaded = load_path(committed_run(name))
    buffer = io.BytesIO()
    write_json(buffer, loaded)
    assert json.loads(buffer.getvalue()) == json.loads(json.dumps(dump_document(loaded)))


def test_a_host_run_without_a_duration_is_dumped_with_its_end_less_its_start(
    tmp_path: Path,
) -> None:
    """Malformed input, made by hand: the real run with `duration` taken out of every
    result, as a runner that does not write it would. Host runs are dumped by a path of
    their own (`tree_json._plain_json`); their duration is then their end less their start."""
    path = tmp_path / "seed_linear"
    shutil.copytree(committed_run("seed_linear"), path)
    dropped = 0
    for file in (path / "job_events").glob("*.json"):
        event = json.loads(file.read_text())
        if event.get("event", "").startswith("runner_on_"):
            dropped += event["event_data"].pop("duration", None) is not None
            file.write_text(json.dumps(event))
    assert dropped
    buffer = io.BytesIO()
    write_json(buffer, load_path(path))
    hosts = [n for n in _nodes(json.loads(buffer.getvalue())["tree"]) if n["kind"] == "host"]
    timed = [n for n in hosts if "start" in n and "end" in n]
    assert timed
    for node in timed:
        start, end = (datetime.fromisoformat(node[k]) for k in ("start", "end"))
        assert node["duration"] == round((end - start).total_seconds(), 6)


def test_text_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(committed_run("seed_serial"))]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("seed.yml  [changed]")
    assert "|-- play preflight (2 batches)  [ok]  (9 ok)" in out
    assert "`-- play install (2 batches)" in out
    assert "|   |-- task check_space_requirements  [ok]  (3 ok)" in out
    assert "handler restart_tower  [changed]" in out
    assert "PLAY RECAP" in out and lines[-1].endswith("successful, 54 events")


def test_no_run_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no ansible-runner run" in err
    assert main(["dump", str(tmp_path / "missing")]) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a folder whatever its mode")
def test_an_unreadable_folder_exits_2_not_an_empty_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "job_events"
    shutil.copytree(committed_run("adhoc") / "job_events", events)
    events.chmod(0)
    try:
        code = main(["dump", str(tmp_path), "--format", "json"])
    finally:
        events.chmod(0o700)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.count("\n") == 1 and f"cannot read {events}" in captured.err


def test_list_and_ident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    for name in ("seed_linear", "adhoc"):
        shutil.copytree(committed_run(name), tmp_path / "artifacts" / name)
    assert main(["dump", str(tmp_path), "--list"]) == 0
    listed = capsys.readouterr().out
    assert "seed_linear\tsuccessful" in listed and "adhoc\tsuccessful" in listed
    assert main(["dump", str(tmp_path), "--ident", "adhoc", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ident"] == "adhoc"
    assert main(["dump", str(tmp_path), "--ident", "nope"]) == 2


def test_version_and_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("jobevents-tui ")
    assert (
        "watch"
        in subprocess.run(
            [sys.executable, "-m", "jobevents.tui.cli", "--help"], capture_output=True, text=True
        ).stdout
    )


@pytest.mark.slow
def test_a_real_install_has_every_module_and_file(tmp_path: Path) -> None:
    """The wheel, installed (not editable) in a fresh venv, run from elsewhere: every module
    of core/ and tui/ imports from it and every data file is in it.

    The editable install of the test run answers imports from the source tree, so a
    package missing from pyproject.toml would go unnoticed there. The fresh venv sees the
    test run's site-packages for the dependencies (a .pth line: its editable hook, itself a
    .pth there, is not run), so nothing is downloaded.
    """
    source = tmp_path / "src"  # built from a copy: a build writes build/ and egg-info
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    for package in ("core", "tui"):
        shutil.copytree(
            REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, source])
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    wheel = next(wheels.glob("jobevents_tui-*.whl"))
    _run([*pip, "--python", python, "install", "--no-deps", "--no-index", wheel])

    modules = sorted(
        "jobevents." + ".".join(path.relative_to(REPO).with_suffix("").parts)
        for package in ("core", "tui")
        for path in (REPO / package).rglob("*.py")
        if path.name != "__init__.py"
    )
    data = sorted(
        str(path.relative_to(REPO))
        for package in ("core", "tui")
        for path in (REPO / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    )
    check = f"""
import importlib, json, pathlib, sys
root = pathlib.Path(importlib.import_module("jobevents.core").__file__).parents[1]
missing = []
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except ImportError as exc:
        missing.append(f"{{name}}: {{exc}}")
files = [f for f in {data!r} if not (root / f).is_file()]
print(json.dumps({{"root": str(root), "missing": missing, "files": files}}))
"""
    found = json.loads(_run([python, "-I", "-c", check], cwd=tmp_path))
    assert found["root"].startswith(str(venv)), found["root"]  # not the source tree
    assert found["missing"] == [] and found["files"] == []
    dump = _run([venv / "bin" / "jobevents-tui", "dump", committed_run("seed_free")], cwd=tmp_path)
    assert "seed.yml  [changed]" in dump


def _run(command: list[str | Path], cwd: Path | None = None) -> str:
    """Run `command`; its stdout, stripped. Fails with its stderr."""
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
