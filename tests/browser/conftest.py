"""Headless Chromium from Debian's `chromium` package, driven by Playwright.

Playwright's own browser download cannot work here, so the tests use the system's
binary. Without it they skip and say why; with `CI` set (`.ci/run` installs it) a
missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: the real binary (`/usr/bin/chromium` is a shell wrapper around it)
CHROMIUM = Path(os.environ.get("JOBEVENTS_CHROMIUM", "/usr/lib/chromium/chromium"))

#: catches each xterm Terminal as it is made: textual-serve draws on a canvas, and this
#: is how the tests read the screen (the terminal's buffer model, not the renderer)
CATCH_TERMINALS = """
(() => {
  window.__xterms = [];
  Object.defineProperty(Object.prototype, '_addonManager', {
    configurable: true,
    set(value) {
      Object.defineProperty(this, '_addonManager',
        {value, writable: true, configurable: true, enumerable: false});
      window.__xterms.push(this);
    },
  });
})();
"""


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and the browser tests cannot run: {why}")
    pytest.skip(why)


@pytest.fixture
def chromium() -> Iterator[Any]:
    """One browser a test: Playwright's sync API keeps an event loop running in the thread
    while it is started, which would break every asyncio test after it in this worker."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM}: `apt-get install chromium` runs these tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    """A fresh tab that reaches nothing but this machine (the page links a web font)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(CATCH_TERMINALS)

    def local_only(route: Any) -> None:
        host = route.request.url.split("/")[2].rsplit(":", 1)[0]
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
