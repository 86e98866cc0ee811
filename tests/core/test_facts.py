"""A host's facts from runner's fact cache: both forms ansible writes, and files that lie."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from jobevents.core.facts import (
    FACT_CACHE,
    common_facts,
    fact_file,
    holds_facts,
    read_facts,
    unwrap,
)

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run

REACHABLE = ("web2", "web10", "db1")


def _cache() -> Path:
    return committed_run("hosts") / FACT_CACHE


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A copy of the hosts run's fact cache, to add bad files to."""
    return Path(shutil.copytree(_cache(), tmp_path / FACT_CACHE))


def test_each_reachable_host_has_its_facts_and_the_unreachable_one_none() -> None:
    for host in REACHABLE:
        found = read_facts(_cache(), host)
        assert found.problem is None and found.facts is not None, host
        assert found.path is not None and found.path.name.endswith(host)
        assert found.facts["ansible_distribution"]
    missing = read_facts(_cache(), "deadhost")
    assert missing.facts is None and missing.path is None and missing.problem is None


def test_the_common_facts_are_os_kernel_and_addresses_in_one_line_each() -> None:
    facts = read_facts(_cache(), "web2").facts
    assert facts is not None
    common = dict(common_facts(facts))
    assert common["os"].startswith(facts["ansible_distribution"])
    assert facts["ansible_kernel"] in common["kernel"]
    for address in facts["ansible_all_ipv4_addresses"]:
        assert address in common["addresses"]
    assert common["ipv4"].startswith(facts["ansible_default_ipv4"]["address"])
    assert all("\n" not in value for value in common.values())
    assert [label for label, _ in common_facts(facts)][:3] == ["hostname", "os", "kernel"]


def test_the_older_form_without_a_payload_wrapper_reads_the_same(cache: Path) -> None:
    """ansible-core before 2.19 wrote `fact_cache/<host>` holding the facts themselves."""
    wrapped = next(cache.glob("s*_web2"))
    facts = unwrap(json.loads(wrapped.read_text()))
    wrapped.unlink()
    (cache / "web2").write_text(json.dumps(facts))
    found = read_facts(cache, "web2")
    assert found.facts == facts
    assert found.path == cache / "web2"


def test_the_newest_schema_wins_and_names_must_match_exactly(cache: Path) -> None:
    source = next(cache.glob("s*_web2"))
    shutil.copyfile(source, cache / "web2")
    shutil.copyfile(source, cache / "s7_web2")
    assert fact_file(cache, "web2") == cache / "s7_web2"
    assert fact_file(cache, "eb2") is None
    assert fact_file(cache, "2") is None
    shutil.copyfile(source, cache / "sx_web3")
    assert fact_file(cache, "web3") is None


@pytest.mark.parametrize("host", ["../hosts", "a/b", "..", ".", "", "x\0y"])
def test_a_host_name_never_reaches_outside_the_cache(cache: Path, host: str) -> None:
    assert fact_file(cache, host) is None
    assert read_facts(cache, host).facts is None


def test_bad_files_are_reported_in_one_line_never_raised(cache: Path) -> None:
    (cache / "s1_notjson").write_text("{not json")
    (cache / "s1_list").write_text("[1, 2]")
    (cache / "s1_badpayload").write_text(json.dumps({"__payload__": "[oops"}))
    (cache / "s1_huge").write_bytes(b" " * 2048)
    (cache / "s1_dir").mkdir()
    os.mkfifo(cache / "s1_fifo")
    (cache / "s1_loop").symlink_to(cache / "s1_loop")
    for host in ("notjson", "list", "badpayload", "dir", "fifo", "loop"):
        found = read_facts(cache, host)
        assert found.facts is None and found.problem, host
        assert "\n" not in found.problem
    assert "larger than" in (read_facts(cache, "huge", limit=1024).problem or "")


def test_no_fact_cache_folder_means_no_facts(tmp_path: Path) -> None:
    assert read_facts(tmp_path / "absent", "web2").facts is None


def test_holds_facts_says_whether_any_file_is_there(tmp_path: Path, cache: Path) -> None:
    assert holds_facts(cache)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not holds_facts(empty)
    assert not holds_facts(tmp_path / "absent")
    assert not holds_facts(None)
    assert not holds_facts(cache / "s1_web2")  # a file, not a folder
    (empty / "s1_late").write_text("{}")  # a play that gathers facts later in the run
    assert holds_facts(empty)


def test_odd_fact_types_are_left_out_of_the_common_ones() -> None:
    """Facts are data a managed host sent: a wrong type costs its line, nothing more."""
    odd = {
        "ansible_distribution": ["not", "a", "string"],
        "ansible_kernel": True,
        "ansible_default_ipv4": "10.0.0.1",
        "ansible_all_ipv4_addresses": "10.0.0.1",
        "ansible_interfaces": [1, None, {"x": 1}, "eth0"],
        "ansible_memtotal_mb": "lots",
        "ansible_hostname": "h\x1b[31mred",
    }
    common = dict(common_facts(odd))
    assert "os" not in common and "kernel" not in common and "ipv4" not in common
    assert common["interfaces"] == "1, eth0"
    assert common["hostname"] == "h\x1b[31mred"  # raw here: the pane shows it through safe_line


@pytest.mark.slow
def test_a_real_run_that_gathers_facts_leaves_them_for_each_reachable_host(
    live_runs: LiveRuns,
) -> None:
    """Runner points ansible's jsonfile cache at artifacts/<ident>/fact_cache/ by itself."""
    cache = live_runs["hosts"] / FACT_CACHE
    for host in REACHABLE:
        found = read_facts(cache, host)
        assert found.facts is not None, (host, found)
        assert dict(common_facts(found.facts)).keys() >= {"os", "kernel", "addresses"}
    assert read_facts(cache, "deadhost").facts is None
