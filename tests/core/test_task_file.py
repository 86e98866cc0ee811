"""Finding the playbook file behind a task: the rules, and real runs' task_paths."""

from __future__ import annotations

import uuid
from pathlib import Path, PurePosixPath

import pytest

from jobevents.core.folder import open_run
from jobevents.core.loading import load_run
from jobevents.core.nodes import Node
from jobevents.core.task_file import (
    LINE_CHARS,
    READ_LIMIT,
    SourceExcerpt,
    SourceMissing,
    SourceRoots,
    TaskPath,
    candidates,
    load_task_source,
    locate,
    parse_task_path,
    private_data_dir_of,
    task_path_of,
    where_looked,
)

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run
from ..fixtures.runners import PLAYBOOKS_DIR

#: a directory that exists on no machine, so a path "as written" under it is stale
NOWHERE = f"/nonexistent-{uuid.uuid4().hex}"


def _tasks(ident_dir: Path) -> list[Node]:
    tree, _reader = load_run(open_run(ident_dir))
    return [n for n in tree.nodes() if n.kind == "task" and n.path]


# ------------------------------------------------------------------------ the rules


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("/p/site.yml:12", TaskPath("/p/site.yml", 12)),
        ("/p/a:b/site.yml:3", TaskPath("/p/a:b/site.yml", 3)),
        ("/p/site.yml", TaskPath("/p/site.yml", None)),
        ("/p/site.yml:", TaskPath("/p/site.yml:", None)),
        ("/p/site.yml:x1", TaskPath("/p/site.yml:x1", None)),
        ("/p/site.yml:²", TaskPath("/p/site.yml:²", None)),  # a digit, not an ASCII one
        (":7", TaskPath(":7", None)),
        ("", None),
        (None, None),
    ],
)
def test_parse_task_path(text: str | None, parsed: TaskPath | None) -> None:
    assert parse_task_path(text) == parsed


def test_candidates_in_order_project_then_as_written_then_the_private_data_dir() -> None:
    roots = SourceRoots((Path("/proj"),), Path("/pdd"))
    found = candidates(TaskPath("/runner/project/roles/r/tasks/main.yml", 4), roots)
    assert [(str(c.path), c.how) for c in found] == [
        ("/proj/runner/project/roles/r/tasks/main.yml", "--project"),
        ("/proj/project/roles/r/tasks/main.yml", "--project"),
        ("/proj/roles/r/tasks/main.yml", "--project"),
        ("/proj/r/tasks/main.yml", "--project"),
        ("/proj/tasks/main.yml", "--project"),
        ("/proj/main.yml", "--project"),
        ("/runner/project/roles/r/tasks/main.yml", "as written"),
        ("/pdd/project/roles/r/tasks/main.yml", "execution environment"),
        ("/pdd/project/runner/project/roles/r/tasks/main.yml", "private data dir"),
        ("/pdd/project/project/roles/r/tasks/main.yml", "private data dir"),
        ("/pdd/project/roles/r/tasks/main.yml", "private data dir"),
        ("/pdd/project/r/tasks/main.yml", "private data dir"),
        ("/pdd/project/tasks/main.yml", "private data dir"),
        ("/pdd/project/main.yml", "private data dir"),
    ]


def test_only_yaml_files_and_no_climbing_out_of_a_root() -> None:
    roots = SourceRoots((Path("/proj"),), Path("/pdd"))
    for name in ("/home/u/.ssh/id_rsa:1", "/etc/passwd:1", "/p/site.json:2", "/p/x.yml.bak:1"):
        task = parse_task_path(name)
        assert task is not None
        assert candidates(task, roots) == []
        assert "not a .yml or .yaml file" in where_looked(task, roots)
    climbing = candidates(TaskPath("/a/../../etc/x.yml", 1), roots)
    assert all(".." not in c.path.parts for c in climbing if c.how != "as written")
    assert not any(c.how == "execution environment" for c in climbing)
    escape = candidates(TaskPath("/runner/../etc/x.YAML", 1), roots)
    assert not any(c.how == "execution environment" for c in escape)


def test_where_looked_names_every_place_in_one_line() -> None:
    task = TaskPath("/runner/project/site.yml", 9)
    line = where_looked(task, SourceRoots((Path("/proj"),), Path("/pdd")))
    assert "\n" not in line
    assert line == (
        "site.yml not found: looked under /proj (--project), "
        "at /runner/project/site.yml (as written), "
        "at /pdd/project/site.yml (execution environment), under /pdd/project"
    )
    bare = where_looked(TaskPath("/old/site.yml", 9), SourceRoots())
    assert bare == (
        "site.yml not found: looked at /old/site.yml (as written); "
        "--project DIR says where the playbooks are"
    )


def test_private_data_dir_of_a_run_folder() -> None:
    assert private_data_dir_of(Path("/x/pdd/artifacts/42")) == Path("/x/pdd")
    assert private_data_dir_of(Path("/x/elsewhere/42")) is None
    assert private_data_dir_of(None) is None


# ------------------------------------------------------------ on a real file system


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_longest_existing_tail_under_a_project_wins(tmp_path: Path) -> None:
    role_file = _write(tmp_path / "roles/r/tasks/main.yml", "- name: role task\n")
    _write(tmp_path / "main.yml", "- name: a different main.yml\n")
    task = TaskPath(f"{NOWHERE}/site/roles/r/tasks/main.yml", 1)
    found = locate(task, SourceRoots((tmp_path,)))
    assert found is not None and found.path == role_file and found.how == "--project"


def test_an_execution_environment_path_is_rebased_onto_the_private_data_dir(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "pdd/project/site.yml", "- hosts: all\n  tasks:\n    - name: t\n")
    name = f"jobevents-test-{uuid.uuid4().hex}.yml"
    _write(tmp_path / "pdd/project" / name, "a: 1\nb: 2\n")
    roots = SourceRoots(private_data_dir=tmp_path / "pdd")
    source = load_task_source(f"/runner/project/{name}:2", roots)
    assert isinstance(source, SourceExcerpt)
    assert source.found.how == "execution environment"
    assert source.found.path == tmp_path / "pdd/project" / name
    assert (source.first, source.lines) == (1, ("a: 1", "b: 2"))


def test_a_private_data_dir_moved_with_its_project_still_finds_it(tmp_path: Path) -> None:
    _write(tmp_path / "moved/project/site.yml", "x: 1\n")
    source = load_task_source(
        f"{NOWHERE}/old/project/site.yml:1", SourceRoots(private_data_dir=tmp_path / "moved")
    )
    assert isinstance(source, SourceExcerpt) and source.found.how == "private data dir"


def test_lines_around_the_task_sanitised_and_capped(tmp_path: Path) -> None:
    lines = [f"line {n}" for n in range(1, 31)]
    lines[11] = "evil \x1b]52;c;aGk=\x07\x1b[2Jline 12 \u202e[bold]x[/]\r"
    lines[13] = "y" * 10_000
    path = _write(tmp_path / "site.yml", "\r\n".join(lines) + "\r\n")
    source = load_task_source(f"{path}:12", SourceRoots())
    assert isinstance(source, SourceExcerpt) and source.found.how == "as written"
    assert source.first == 9 and len(source.lines) == 3 + 1 + 6
    assert source.lines[:3] == ("line 9", "line 10", "line 11")
    assert source.lines[3] == "evil line 12 [bold]x[/]"
    assert source.lines[5] == "y" * LINE_CHARS + "…"
    assert source.lines[-1] == "line 18"
    assert source.problem is None


def test_a_file_that_changed_since_the_run(tmp_path: Path) -> None:
    path = _write(tmp_path / "short.yml", "a: 1\nb: 2\n")
    source = load_task_source(f"{path}:40", SourceRoots())
    assert isinstance(source, SourceExcerpt)
    assert source.lines == () and source.problem is not None
    assert "ends before line 40" in source.problem
    near_end = load_task_source(f"{path}:2", SourceRoots())
    assert isinstance(near_end, SourceExcerpt)
    assert near_end.lines == ("a: 1", "b: 2") and near_end.problem is None


def test_a_huge_one_line_file_costs_no_more_than_the_read_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yml"
    with open(path, "wb") as fh:
        fh.write(b"x" * (READ_LIMIT + 1024 * 1024))
        fh.write(b"\nsecond: line\n")
    source = load_task_source(f"{path}:2", SourceRoots())
    assert isinstance(source, SourceExcerpt)
    assert source.problem is not None and "past the first" in source.problem
    first = load_task_source(f"{path}:1", SourceRoots())
    assert isinstance(first, SourceExcerpt) and first.lines[0] == "x" * LINE_CHARS + "…"


def test_a_missing_file_says_where_it_was_looked_for(tmp_path: Path) -> None:
    source = load_task_source(f"{NOWHERE}/site.yml:3", SourceRoots((tmp_path,)))
    assert isinstance(source, SourceMissing)
    assert str(tmp_path) in source.looked and f"{NOWHERE}/site.yml" in source.looked


# ------------------------------------------------------------------------ real runs


@pytest.mark.parametrize("name", ["features", "seed_free", "seed_serial", "killed"])
def test_every_task_of_a_copied_run_is_found_under_project_at_its_line(name: str) -> None:
    """The committed runs were made elsewhere: --project finds each task at its own line."""
    tasks = _tasks(committed_run(name))
    assert tasks
    roots = SourceRoots((PLAYBOOKS_DIR,))
    for task in tasks:
        source = load_task_source(task.path or "", roots)
        assert isinstance(source, SourceExcerpt), task.path
        assert source.found.how == "--project"
        assert source.found.path.is_relative_to(PLAYBOOKS_DIR)
        assert PurePosixPath(source.task.file).name == source.found.path.name
        line = source.task.line
        assert line is not None
        marked = source.lines[line - source.first]
        assert marked.strip() == f"- name: {task.name}", (task.path, marked)


def test_task_path_of_host_runs_is_their_tasks() -> None:
    tree, _reader = load_run(open_run(committed_run("features")))
    for node in tree.nodes():
        path = task_path_of(node)
        if node.kind == "task":
            assert path == (node.path or None)
        elif node.kind in ("host", "item", "retry", "async"):
            task = next(a for a in node.ancestors() if a.kind == "task")
            assert path == (task.path or None)
        else:
            assert path is None


@pytest.mark.slow
def test_a_live_run_finds_its_files_as_written(live_runs: LiveRuns) -> None:
    ident_dir = live_runs["features"]
    roots = SourceRoots(private_data_dir=private_data_dir_of(ident_dir))
    for task in _tasks(ident_dir):
        source = load_task_source(task.path or "", roots)
        assert isinstance(source, SourceExcerpt), task.path
        assert source.found.how == "as written"
        assert source.found.path.is_relative_to(ident_dir.parent.parent / "project")
