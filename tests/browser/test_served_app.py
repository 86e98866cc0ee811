"""The app served by `jobevents-tui serve`, in a real (headless) Chromium.

What a person sees: the tree appears, keys move the cursor and expand nodes, a live run
grows in the page; and what a page may not do: no token, another origin. Closing the
tab ends its app.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fixtures.paths import committed_run
from ..serving import Served, serving
from ..tui.helpers import add_events, copy_run, finish

SCREEN = """() => {
  const t = window.__xterms && window.__xterms[window.__xterms.length - 1];
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


def screen(tab: Any) -> str:
    return str(tab.evaluate(SCREEN))


def wait_screen(tab: Any, served: Served, test: Callable[[str], bool], what: str) -> str:
    """Poll the terminal until `test(text)` holds; on a timeout, say what was there."""
    deadline = time.monotonic() + 30
    text = ""
    while time.monotonic() < deadline:
        text = screen(tab)
        if test(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"no {what} in the page:\n{text}\n--- server log:\n{''.join(served.log)}")


def tree_part(text: str) -> str:
    """The tree's half of the screen (the detail pane is right of the `▏`)."""
    return "\n".join(line.split("▏", 1)[0] for line in text.splitlines()[1:])


def cursor_line(text: str) -> str:
    """The detail pane's first line: what the cursor is on."""
    return text.splitlines()[1].split("▏", 1)[1].strip()


def open_app(tab: Any, served: Served, playbook: str = "seed.yml") -> str:
    response = tab.goto(served.url)
    assert response is not None and response.status == 200
    text = wait_screen(tab, served, lambda t: playbook in t, "tree")
    tab.click(".xterm-screen")  # keys reach the app once the terminal has focus
    wait_screen(tab, served, lambda t: "Quit" in t, "footer (focus)")
    return text


def test_the_tree_appears_and_keys_move_and_expand(tab: Any) -> None:
    with serving(str(committed_run("seed_linear"))) as served:
        first = open_app(tab, served)
        assert "PLAY preflight" in first and "seed_linear" in first.splitlines()[0]
        before = cursor_line(screen(tab))
        tab.keyboard.press("f")  # stop following, then walk the tree
        tab.keyboard.press("Home")
        tab.keyboard.press("j")
        moved = wait_screen(tab, served, lambda t: cursor_line(t) != before, "cursor move")
        tab.keyboard.press("e")  # expand all: the hosts under each task show
        wait_screen(tab, served, lambda t: "tower1" in tree_part(t), "expanded tree")
        tab.keyboard.press("c")  # collapse all: they fold away again
        wait_screen(tab, served, lambda t: "tower1" not in tree_part(t), "collapsed tree")
        assert "seed.yml" in moved


def test_a_live_run_grows_in_the_page(tab: Any, tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.3)
    with serving(str(tmp_path)) as served:
        open_app(tab, served)
        count = wait_screen(tab, served, lambda t: " events" in t, "event count")
        assert "running" in count.splitlines()[0]
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        wait_screen(tab, served, lambda t: "successful" in t.splitlines()[0], "the run's end")
        total = len(rest) + round(len(rest) / 0.7 * 0.3)
        assert f"{total} events" in screen(tab).splitlines()[0] or "events" in screen(tab)


def test_a_wrong_token_and_another_origin_get_403(tab: Any) -> None:
    with serving(str(committed_run("seed_linear"))) as served:
        wrong = tab.goto(served.base + "not-the-token/")
        assert wrong is not None and wrong.status == 403
        bare = tab.goto(served.base)
        assert bare is not None and bare.status == 403
        # a page of another site that knows the URL (token and all) opens its websocket
        ws_url = served.url.replace("http://", "ws://") + "ws?width=80&height=24"
        evil = f"""<script>
          window.result = new Promise(done => {{
            const ws = new WebSocket({json.dumps(ws_url)});
            ws.onopen = () => done("open");
            ws.onclose = e => done("closed " + e.code);
          }});
        </script>"""
        tab.route(
            "http://evil.example/",
            lambda route: route.fulfill(status=200, content_type="text/html", body=evil),
        )
        tab.goto("http://evil.example/")
        assert tab.evaluate("window.result") == "closed 1006"  # the handshake was refused
        assert not served.apps()
        assert any('"GET /' in line and " 403 " in line for line in served.log)


def test_closing_the_tab_ends_its_app(tab: Any) -> None:
    with serving(str(committed_run("seed_linear"))) as served:
        open_app(tab, served)
        [app] = served.apps()
        tab.close()
        deadline = time.monotonic() + 10
        while _running(app) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(app)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_screenshot_of_the_browser_view(tab: Any, tmp_path: Path) -> None:
    """The picture in the README: written when JOBEVENTS_SCREENSHOT names a file."""
    target = os.environ.get("JOBEVENTS_SCREENSHOT")
    with serving(str(committed_run("features"))) as served:
        open_app(tab, served, "features.yml")
        tab.keyboard.press("n")  # the first failed host, its detail beside the tree
        wait_screen(tab, served, lambda t: "failed" in cursor_line(t) or "✘" in t, "failure")
        time.sleep(0.5)
        path = Path(target) if target else tmp_path / "browser.png"
        tab.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
