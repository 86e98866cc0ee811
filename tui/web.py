"""The app in a browser: textual-serve, made safe to leave running.

textual-serve (pinned) serves one app process per browser tab, but trusts whoever
connects: no authentication, no Origin check (any web page could drive the app), no cap
on processes, a listing of its static folder, and a shutdown that waits on open tabs.
`GuardedServer` keeps textual-serve's app handling and adds what is missing: every path
lives under a random token (403 without it), a websocket whose Origin is not the page's
own is refused (403), at most `max_sessions` apps run at once (503 past that), no
directory listings, and a shutdown that closes the tabs and ends their apps at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("jobevents.web")

#: an app still running this long after its tab was closed at shutdown is killed
STOP_GRACE = 0.4
#: terminal sizes a page may ask for
MAX_CELLS = 1000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def web_origin(url: str) -> str:
    """The Origin a browser sends for pages of `url`: scheme://host[:port], no default port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class GuardedServer(Server):
    """textual-serve's Server behind a token, an Origin check and a cap on sessions."""

    def __init__(
        self,
        command: str,
        *,
        token: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        max_sessions: int = 8,
        title: str = "jobevents-tui",
        announce: Callable[[str], None] = print,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.token = token
        self.prefix = f"/{token}/"
        self.max_sessions = max_sessions
        self.given_public_url = public_url
        self.announce = announce
        self.sessions: set[web.WebSocketResponse] = set()
        self.services: set[AppService] = set()

    @property
    def url(self) -> str:
        """The page to open: the public URL with the token."""
        return self.public_url.rstrip("/") + self.prefix

    @property
    def origin(self) -> str:
        return web_origin(self.public_url)

    # ----------------------------------------------------------------- the app

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        prefix = self.prefix
        app.add_routes(
            [
                web.get(prefix, self.handle_index, name="index"),
                web.get(prefix + "ws", self.handle_websocket, name="websocket"),
                web.get(prefix + "download/{key}", self.handle_download, name="download"),
                web.static(prefix + "static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """403 without the token or from a foreign page; 503 past the cap on sessions."""
        path = request.raw_path.split("?", 1)[0]
        if not hmac.compare_digest(path[: len(self.prefix)].encode(), self.prefix.encode()):
            raise web.HTTPForbidden(text="forbidden\n")
        if path == self.prefix + "ws":
            origin = request.headers.get("Origin")
            if origin is not None and origin.lower() != self.origin:
                raise web.HTTPForbidden(text="forbidden: this page's origin may not connect\n")
            if len(self.sessions) >= self.max_sessions:
                raise web.HTTPServiceUnavailable(
                    text=f"{self.max_sessions} sessions are open already\n"
                )
        response = await handler(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, with the session counted and the app kept track of."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = min(max(to_int(request.query.get("width", "80"), 80), 1), MAX_CELLS)
        height = min(max(to_int(request.query.get("height", "24"), 24), 1), MAX_CELLS)
        self.sessions.add(websocket)  # before the first await: the cap cannot be raced
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.services.add(service)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("session failed")
        finally:
            self.sessions.discard(websocket)
            if service is not None:
                await service.stop()
                self.services.discard(service)
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        self.announce(self.url)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every app and close every tab at once, without waiting on the browsers."""
        await asyncio.gather(
            *(self._end_app(service) for service in list(self.services)),
            *(self._close_tab(websocket) for websocket in list(self.sessions)),
        )

    async def _end_app(self, service: AppService) -> None:
        """Ask the app to quit, as closing its tab does; past STOP_GRACE, kill it."""
        process: Any = getattr(service, "_process", None)
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(service.send_meta({"type": "quit"}), STOP_GRACE)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def _close_tab(self, websocket: web.WebSocketResponse) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping"),
                STOP_GRACE,
            )

    # ------------------------------------------------------------------- serve

    def serve(self, debug: bool = False) -> None:
        """Bind (port 0: a free one), say the URL, and serve until SIGTERM or ctrl+c."""
        import signal

        self.debug = debug
        self.initialize_logging()
        sock = bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        if self.given_public_url is None:
            host = f"[{self.host}]" if ":" in self.host else self.host
            self.public_url = f"http://{host}:{self.port}"
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(),
            sock=sock,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
            shutdown_timeout=STOP_GRACE * 2,
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (IPv4 or IPv6 as the host says)."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    sock.setblocking(False)
    return sock
