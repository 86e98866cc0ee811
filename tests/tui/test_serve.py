"""`jobevents-tui serve`: what it refuses, over plain HTTP and websocket handshakes.

The browser tests (tests/browser) drive the served app; these check the guards from
outside a browser, where a request can carry any header.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from jobevents.tui.cli import parse_args
from jobevents.tui.commands.serve import UsageError, check_address, served_command
from jobevents.tui.web import web_origin

from ..fixtures.paths import committed_run
from ..serving import REPO, cmdline, serving


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


async def _handshake(url: str, origin: str | None) -> int | aiohttp.ClientWebSocketResponse:
    """The handshake's HTTP status when refused, else the open websocket (closed after)."""
    ws_url = url.replace("http://", "ws://") + "ws?width=80&height=24"
    session = aiohttp.ClientSession()
    try:
        ws = await session.ws_connect(ws_url, origin=origin, timeout=aiohttp.ClientWSTimeout(10))
    except aiohttp.WSServerHandshakeError as exc:
        await session.close()
        return exc.status
    await ws.close()
    await session.close()
    return ws


def _wait(condition, timeout: float = 20.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_every_path_needs_the_token_and_nothing_is_listed() -> None:
    with serving(str(committed_run("seed_linear"))) as served:
        assert served.url.startswith("http://127.0.0.1:") and len(served.token) >= 32
        assert _status(served.url) == 200
        assert _status(served.url + "static/js/textual.js") == 200
        assert _status(served.url + "static/") == 403  # no listing
        assert _status(served.url + "static/js/") == 403
        for path in ("", "ws", "static/js/textual.js", "x" + served.token + "/"):
            assert _status(served.base + path) == 403, path
        wrong = served.base + served.token[:-1] + ("A" if served.token[-1] != "A" else "B") + "/"
        assert _status(wrong) == 403
        assert asyncio.run(_handshake(served.base + "nope/", None)) == 403


def test_a_websocket_from_another_origin_is_refused_and_starts_no_app() -> None:
    with serving(str(committed_run("seed_linear"))) as served:
        for origin in ("http://evil.example", "null", served.base.rstrip("/") + ".evil.example"):
            assert asyncio.run(_handshake(served.url, origin)) == 403, origin
        assert not served.apps()
        own = web_origin(served.url)
        assert not isinstance(asyncio.run(_handshake(served.url, own)), int)


def test_no_more_apps_than_max_sessions() -> None:
    with serving(str(committed_run("seed_linear")), "--max-sessions", "1") as served:

        async def two_tabs() -> tuple[object, object]:
            ws_url = served.url.replace("http://", "ws://") + "ws"
            async with aiohttp.ClientSession() as session:
                first = await session.ws_connect(ws_url)
                try:
                    await session.ws_connect(ws_url)
                except aiohttp.WSServerHandshakeError as exc:
                    second: object = exc.status
                else:
                    second = "accepted"
                await first.close()
                return first, second

        _first, second = asyncio.run(two_tabs())
        assert second == 503


def test_the_command_is_quoted_word_by_word(tmp_path: Path) -> None:
    odd = tmp_path / "a b; touch pwned $(touch pwned2) `touch pwned3`"
    odd.mkdir()
    with serving(str(odd), cwd=tmp_path) as served:

        async def tab() -> None:
            ws_url = served.url.replace("http://", "ws://") + "ws"
            async with aiohttp.ClientSession() as session:
                ws = await session.ws_connect(ws_url)
                deadline = time.monotonic() + 20
                while not served.apps() and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                [app] = [p for p in served.apps() if cmdline(p)[0] == sys.executable]
                assert cmdline(app)[-2:] == ["watch", str(odd)]
                await ws.close()

        asyncio.run(tab())
    assert not list(tmp_path.glob("pwned*"))


def test_sigterm_stops_the_server_and_its_apps_promptly() -> None:
    with serving(str(committed_run("seed_linear"))) as served:

        async def connected_then_term() -> float:
            ws_url = served.url.replace("http://", "ws://") + "ws"
            async with aiohttp.ClientSession() as session:
                ws = await session.ws_connect(ws_url)
                deadline = time.monotonic() + 20
                while not served.apps() and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                assert served.apps(), "no app started"
                await asyncio.sleep(1.0)  # the app is up and drawing
                started = time.monotonic()
                os.kill(served.process.pid, signal.SIGTERM)
                while served.process.poll() is None and time.monotonic() - started < 30:
                    await asyncio.sleep(0.02)
                took = time.monotonic() - started
                await ws.close()
                return took

        apps_before = served.apps()
        took = asyncio.run(connected_then_term())
        assert served.process.returncode == 0
        # textual-serve alone waits ~23 s on an open tab; the guard closes tabs and apps
        assert took < 2.0, f"took {took:.1f} s"  # about 0.5 s here
        _wait(lambda: not any(os.path.exists(f"/proc/{p}") for p in apps_before), 3, "apps")
        for pid in apps_before:
            assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# ------------------------------------------------------------------ command line


def _args(*argv: str):  # type: ignore[no-untyped-def]
    return parse_args(["serve", *argv])


def test_what_serve_refuses() -> None:
    with pytest.raises(UsageError, match="needs --public-url"):
        check_address(_args("--host", "0.0.0.0"))
    check_address(_args("--host", "0.0.0.0", "--public-url", "https://jobs.example/"))
    with pytest.raises(UsageError, match="not an http"):
        check_address(_args("--public-url", "javascript:alert(1)"))
    with pytest.raises(UsageError, match="no stdin"):
        served_command(_args("-"))
    with pytest.raises(UsageError, match="reads stdin"):
        served_command(_args("--", "watch", "-"))
    for not_an_app in ("dump", "serve", "rm"):
        with pytest.raises(UsageError, match="serve one of"):
            served_command(_args("--", not_an_app, "x"))
    assert served_command(_args("--", "run", "site.yml", "-i", "h,")) == [
        sys.executable,
        "-m",
        "jobevents.tui.cli",
        "run",
        "site.yml",
        "-i",
        "h,",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 2 and "--public-url" in done.stderr


def test_origins() -> None:
    assert web_origin("http://127.0.0.1:8000/tok/") == "http://127.0.0.1:8000"
    assert web_origin("https://Jobs.Example:443/x") == "https://jobs.example"
    assert web_origin("http://[::1]:9/") == "http://[::1]:9"
