"""`watch`'s start until its first frame: what it imports, and the collector paused meanwhile.

`watch` runs in a process of its own, headless, and at its first frame (the first refresh
after the app mounted, as the benchmark's first paint) writes which modules are imported
and whether the collector runs; a second note comes a few frames later. What the first
screen does not need stays out of it, so the start cannot silently grow back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..fixtures.paths import committed_run

REPO = Path(__file__).resolve().parents[2]

#: imported only when the user asks for what needs them (a view, a key, a command)
LAZY = (
    "pygments",  # a task's source beside the tree: shown after the first frame
    "rich.syntax",
    "yaml",  # `x`: the event as YAML
    "jobevents.tui.detail_raw",
    "jobevents.tui.host_detail",  # the Hosts view's detail
    "jobevents.tui.views.hosts",
    "jobevents.tui.views.log",
    "jobevents.tui.views.timeline",
    "jobevents.tui.widgets.timeline_chart",
    "jobevents.tui.widgets.help_screen",  # `?`
    "jobevents.tui.widgets.run_picker",  # `r`
    "jobevents.tui.widgets.compare_picker",  # `d`
    "jobevents.core.comparison",
    "jobevents.core.pair_loading",
    "jobevents.tui.outline_process",
    "jobevents.tui.widgets.worker_output",  # `o`, a worker stream's
    "jobevents.core.stream_source",  # `watch -`
    "jobevents.tui.web",  # `serve`
    "textual_serve",
    "secrets",
    "importlib.metadata",  # `--version`
    "jobevents.core.diff_marks",  # `d`: marks of a comparison
    "jobevents.tui.launch",  # `run`, `demo`
    "jobevents.tui.widgets.quit_dialog",  # leaving a run this app started
    "jobevents.tui.copying",  # `y`
    "jobevents.core.node_copy",
    "jobevents.tui.editor",  # `E`
    "jobevents.tui.go_to",  # a palette pick
    "jobevents.core.facts",  # a host's facts: the Hosts view's detail
    "jobevents.core.run_summary",  # the run picker's lines
    "jobevents.core.run_history",  # `d`: which run is the previous one
    "shlex",  # a detail showing a command line
)

_WATCH_HEADLESS = """
import gc, json, sys
from jobevents.tui import app as app_module

out = sys.argv[1]
App = app_module.JobEventsApp
notes = {}
mount, run = App.on_mount, App.run

def on_mount(self):
    notes["gc_at_mount"] = gc.isenabled()
    mount(self)
    self.call_after_refresh(first_frame, self)

def first_frame(self):
    notes["modules"] = sorted(sys.modules)
    notes["dataclasses"] = sorted(
        f"{name}.{key}"
        for name, module in list(sys.modules.items())
        if name.startswith("jobevents.")
        for key, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == name
        and "__dataclass_fields__" in vars(value)
    )
    self.set_timer(0.3, lambda: later(self))

def later(self):
    notes["gc_later"] = gc.isenabled()
    with open(out, "w") as f:
        json.dump(notes, f)
    self.exit(0)

App.on_mount = on_mount
App.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
from jobevents.tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_watch_imports_only_what_its_first_frame_needs(tmp_path: Path) -> None:
    out = tmp_path / "notes.json"
    run = committed_run("features")
    args = ["watch", str(run), "--project", str(REPO / "tests/fixtures/playbooks")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _WATCH_HEADLESS, str(out), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    notes = json.loads(out.read_text())
    modules = set(notes["modules"])
    assert "jobevents.tui.views.tasks" in modules  # the check sees the app's own imports
    imported = [name for name in LAZY if name in modules]
    assert imported == [], f"imported before the first frame: {imported}"
    # a @dataclass takes 0.2-0.4 ms to make (its methods are compiled from source), a
    # msgspec Struct 0.01 ms: the classes made before the first frame are Structs
    assert notes["dataclasses"] == []
    # the collector is paused from before the imports until the first frame, then runs
    assert notes["gc_at_mount"] is False
    assert notes["gc_later"] is True
