"""``tui-exec --serve FILE``: the explorer in a browser, one app process per tab.

Built on textual-serve (its page, its xterm.js front end and its process protocol); what is
ours is safety. The page is textual-serve's with the font from its own static files, so it
works offline. Each app is started without a shell, in its own session, told the server's pid
(:mod:`.served` makes it end if the server dies), and stopped within :data:`STOP_WITHIN`
seconds when its tab closes or the server stops: asked to quit, then SIGTERM, then SIGKILL for
it and every process under it. At most ``max_sessions`` run at once; the next browser is told.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server, to_int

from .served import start_app

FRAME_BYTES = 256
"""A write of the app at least this long is a frame (its start-up codes are shorter)."""
PAGE_FOLDER = Path(__file__).parent / "serve_page"
"""Our copy of textual-serve's page (offline font) and the page of a full server."""
STATIC_FOLDER = Path(sys.modules[Server.__module__].__file__ or ".").parent / "static"
"""textual-serve's own scripts, style sheet and fonts, served as they ship."""
QUIT_GRACE = 1.0
"""Seconds an app has to quit when asked, before SIGTERM."""
TERM_GRACE = 0.5
"""Seconds it has after SIGTERM, before SIGKILL."""
HEARTBEAT = 4.0
"""Seconds between pings of a tab; no answer within half of it and the tab is gone."""
STOP_WITHIN = QUIT_GRACE + TERM_GRACE + 0.5
"""The most a stop takes: the issue asks for 2 s."""


def descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (children, theirs...), from /proc; [] where there is none."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so from the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def kill_tree(pid: int, signal_number: int = signal.SIGKILL) -> None:
    """Send ``signal_number`` to ``pid``, its process group and every process under it."""
    for target in [*descendants(pid), pid]:
        with contextlib.suppress(OSError):
            os.kill(target, signal_number)
    if hasattr(os, "killpg"):  # POSIX: the app leads a process group of its own
        with contextlib.suppress(OSError):
            os.killpg(pid, signal_number)


class ExplorerProcess(AppService):
    """One tab's app: started without a shell in a session of its own, and surely stopped.

    It may start before its tab exists (the server keeps one ready, so a tab does not wait
    for Python and Textual to start): what it draws until then is kept and sent on
    :meth:`attach`, followed by the tab's size.
    """

    _process: PipedApp | None  # type: ignore[assignment]  # textual-serve's: an asyncio Process

    def __init__(self, argv: Sequence[str], download_manager: DownloadManager) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=self._to_tab,
            write_str=self._str_to_tab,
            close=self._close_tab,
            download_manager=download_manager,
        )
        self.argv = list(argv)
        self._stopped = False
        self._tab: web.WebSocketResponse | None = None
        self._early: list[bytes] = []
        self._drawn = False
        """The app has drawn a frame: it has laid out its start-up size already."""
        self._size: tuple[int, int] | None = None
        """The tab's size, to give again after the first frame."""

    async def _to_tab(self, data: bytes) -> None:
        first_frame = not self._drawn and len(data) >= FRAME_BYTES
        self._drawn = self._drawn or first_frame
        if self._tab is None:
            self._early.append(data)
            return
        await self._tab.send_bytes(data)
        if first_frame and self._size is not None:
            # A size given while the app started may come before its own start-up size
            # (80x24, both are posted to it from two threads): the tab's size again, after.
            await self.set_terminal_size(*self._size)

    async def set_terminal_size(self, width: int, height: int) -> None:
        self._size = (width, height)
        await super().set_terminal_size(width, height)

    async def _str_to_tab(self, text: str) -> None:
        if self._tab is not None:
            await self._tab.send_str(text)

    async def _close_tab(self) -> None:
        if self._tab is not None:
            await self._tab.close()

    @property
    def running(self) -> bool:
        """Started and not ended."""
        return self._process is not None and self._process.returncode is None

    async def attach(self, tab: web.WebSocketResponse, width: int, height: int) -> None:
        """From now on the app draws in ``tab``, at its size."""
        while self._early:
            await tab.send_bytes(self._early.pop(0))
        self._tab = tab  # no await since the last kept frame: nothing comes between
        await self.set_terminal_size(width, height)

    @property
    def pid(self) -> int | None:
        """The app's process id, once started."""
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        return await self.adopt(start_app(self.argv, width, height))

    async def adopt(self, popen: subprocess.Popen[bytes]) -> PipedApp:
        """Talk to an app already started (by :func:`.served.start_app`)."""
        self._process = process = await PipedApp.wrap(popen)
        self._stdin = process.stdin
        return process

    async def start_adopted(self, popen: subprocess.Popen[bytes]) -> None:
        """:meth:`start`, for an app already started."""
        await self.adopt(popen)
        self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        """Ask the app to quit; SIGTERM, then SIGKILL it and all under it, if it lingers."""
        if self._stopped:
            return
        self._stopped = True
        process, task = self._process, self._task
        if process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE / 2)
        if not await _ended(process, QUIT_GRACE):
            under = descendants(process.pid)
            kill_tree(process.pid, signal.SIGTERM)
            if not await _ended(process, TERM_GRACE):
                for pid in under:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                kill_tree(process.pid)
                await _ended(process, TERM_GRACE)
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            self._task = None

    def kill_now(self) -> None:
        """The server is leaving: kill the app and all under it at once (no event loop)."""
        if self._process is not None and self._process.returncode is None:
            kill_tree(self._process.pid)


class PipedApp:
    """A started app's process with asyncio streams on its pipes: what textual-serve's
    AppService reads and writes (an asyncio subprocess can only be one asyncio started)."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr

    @classmethod
    async def wrap(cls, popen: subprocess.Popen[bytes]) -> PipedApp:
        assert popen.stdin is not None and popen.stdout is not None and popen.stderr is not None
        loop = asyncio.get_running_loop()
        readers = []
        for pipe in (popen.stdout, popen.stderr):
            reader = asyncio.StreamReader(limit=2**24)
            await loop.connect_read_pipe(partial(asyncio.StreamReaderProtocol, reader), pipe)
            readers.append(reader)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, popen.stdin
        )
        writer = asyncio.StreamWriter(transport, protocol, None, loop)
        return cls(popen, writer, readers[0], readers[1])

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    async def wait(self) -> int:
        """Its exit status, once it exits (polled: no child watcher for a process asyncio
        did not start)."""
        while (code := self.popen.poll()) is None:
            await asyncio.sleep(0.02)
        return code


async def _ended(process: PipedApp, seconds: float) -> bool:
    """Whether ``process`` ends within ``seconds``."""
    try:
        await asyncio.wait_for(process.wait(), seconds)
    except TimeoutError:
        return False
    return True


class ExplorerServer(Server):
    """textual-serve's server with a limit of sessions, our page, and surely stopped apps."""

    def __init__(
        self,
        app_argv: Sequence[str],
        *,
        host: str,
        port: int,
        title: str,
        max_sessions: int,
        first: subprocess.Popen[bytes] | None = None,
    ) -> None:
        super().__init__(
            " ".join(app_argv),
            host=host,
            port=port,
            title=title,
            statics_path=STATIC_FOLDER,
            templates_path=PAGE_FOLDER,
        )
        self.app_argv = list(app_argv)
        self.max_sessions = max_sessions
        self.sessions: set[ExplorerProcess] = set()
        self.spare: ExplorerProcess | None = None
        """An app started before any tab asks, while fewer than ``max_sessions`` run."""
        self.download_manager = DownloadManager()
        self._stopping = False
        self._starting = 0
        """Tabs let in whose app is not in :attr:`sessions` yet."""
        self._spare_lock = asyncio.Lock()
        self._first = first
        """The first app, started before the web server was imported."""

    @property
    def full(self) -> bool:
        """Whether ``max_sessions`` apps are running."""
        return len(self.sessions) + self._starting >= self.max_sessions

    def initialize_logging(self) -> None:
        """No request log: the terminal shows the URL and what goes wrong."""

    async def on_startup(self, app: web.Application) -> None:
        """Start the first app (textual-serve printed its logo; :meth:`listening` says where
        to go)."""
        first, self._first = self._first, None
        if first is not None and first.poll() is None:
            self.spare = ExplorerProcess(self.app_argv, self.download_manager)
            await self.spare.start_adopted(first)
        await self._keep_spare()

    async def _keep_spare(self) -> None:
        """Start an app for the next tab, if there is room and none is ready."""
        async with self._spare_lock:
            if self._stopping or self.full:
                return
            if self.spare is not None and self.spare.running:
                return
            self.spare = ExplorerProcess(self.app_argv, self.download_manager)
            await self.spare.start(80, 24)

    async def _session(self, width: int, height: int) -> ExplorerProcess:
        """The spare app if it is ready, else a new one."""
        async with self._spare_lock:
            spare, self.spare = self.spare, None
        if spare is not None and spare.running:
            return spare
        if spare is not None:
            await spare.stop()
        session = ExplorerProcess(self.app_argv, self.download_manager)
        await session.start(width, height)
        return session

    def listening(self, aiohttp_message: str) -> None:
        """Once the port is open: the URL to open."""
        print(f"tui-exec: serving {self.title} at {self.public_url}/ (Ctrl+C stops)", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        self._stopping = True
        everyone = [*self.sessions, *([self.spare] if self.spare is not None else [])]
        await asyncio.gather(*(session.stop() for session in everyone))

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM; then every app started is stopped."""
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(number, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=self.listening,
                access_log=None,
                shutdown_timeout=STOP_WITHIN,
            )
        finally:
            for session in [*self.sessions, *([self.spare] if self.spare is not None else [])]:
                session.kill_now()
            if self._first is not None:  # never adopted: the server did not start
                kill_tree(self._first.pid)
                self._first.wait()
            with contextlib.suppress(Exception):
                loop.close()

    def request_exit(self) -> None:
        raise GracefulExit()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page; a page that says so, when every session is taken."""
        if self.full:
            return aiohttp_jinja2.render_template(
                "busy.html", request, {"max_sessions": self.max_sessions}, status=503
            )
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        scheme = "wss" if request.secure else "ws"
        # From the address the browser used: right for 127.0.0.1, a host name and 0.0.0.0 alike.
        context = {
            "font_size": font_size,
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its app, pass keys and screen between them, stop it when done."""
        # A tab whose network went silent (no close, no reset) is found by its missed pings.
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        await websocket.prepare(request)
        if self.full:
            message = f"All {self.max_sessions} sessions are in use: try again later."
            await websocket.send_bytes(f"\x1b[2J\x1b[H{message}\r\n".encode())
            await websocket.close()
            return websocket
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        self._starting += 1
        try:
            session = await self._session(width, height)
        finally:
            self._starting -= 1
        self.sessions.add(session)
        try:
            await session.attach(websocket, width, height)
            await self._keep_spare()
            await self._relay(websocket, session)
        except asyncio.CancelledError:
            pass
        finally:
            await session.stop()
            self.sessions.discard(session)
            with contextlib.suppress(Exception):
                await websocket.close()
            with contextlib.suppress(Exception):
                await self._keep_spare()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, session: ExplorerProcess) -> None:
        """The browser's messages to the app, until the tab goes or the app ends."""
        task = session._task
        reading = asyncio.ensure_future(self._process_messages(websocket, session))
        waiting = [reading] if task is None else [reading, task]
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not reading.done():
            reading.cancel()
            with contextlib.suppress(BaseException):
                await reading

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        async for message in websocket:
            if message.type == WSMsgType.TEXT:
                await _pass_on(message.json(), websocket, app_service)


async def _pass_on(envelope: object, websocket: web.WebSocketResponse, app: AppService) -> None:
    """One message from textual-serve's page, as its own server handles it."""
    if not isinstance(envelope, list) or not envelope:
        return
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(data, str):
        await app.send_bytes(data.encode("utf-8"))
    elif kind == "resize" and isinstance(data, dict):
        width, height = to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
        await app.set_terminal_size(width, height)
    elif kind == "ping":
        await websocket.send_json(["pong", data])
    elif kind == "blur":
        await app.blur()
    elif kind == "focus":
        await app.focus()


def public_url(host: str, port: int) -> str:
    """The address to print: the host given, or this machine's name for a wildcard."""
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def serve(
    app_argv: Sequence[str],
    *,
    title: str,
    host: str,
    port: int,
    max_sessions: int,
    first: subprocess.Popen[bytes] | None = None,
) -> int:
    """Serve the explorer that ``app_argv`` starts until Ctrl+C (``first``: the first app,
    already started); 0, or 1 if it cannot listen."""
    server = ExplorerServer(
        app_argv, host=host, port=port, title=title, max_sessions=max_sessions, first=first
    )
    server.public_url = public_url(host, port)
    try:
        server.serve()
    except OSError as exc:
        print(f"tui-exec: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
