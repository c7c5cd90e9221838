"""Starting ``tui-exec --serve`` for a test, talking to it as a browser tab does, and finding
the processes it started: every wait bounded."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="serving needs textual-serve, not installed here")

import aiohttp  # noqa: E402  (textual-serve's own dependency)

from tui_exec.serve import descendants  # noqa: E402

ROOT = Path(__file__).parent.parent.parent
DEMO = ROOT / "demo_scripts" / "fibonacci.py"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    """A running ``tui-exec --serve``: its process, URL and what it printed."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, started: float) -> None:
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.started = started
        self.printed = ""

    def wait_listening(self, seconds: float = 20.0) -> str:
        """Read what it prints until the URL; the line that has it."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.printed.splitlines():
                if "serving" in line:
                    return line
            ready, _, _ = select.select([fd], [], [], 0.02)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                self.printed += chunk.decode(errors="replace")
        raise AssertionError(f"the server did not say where it listens: {self.printed!r}")

    def processes(self) -> list[int]:
        """The processes under the server now (its apps and what they run)."""
        return descendants(self.process.pid)


@contextmanager
def serving(*options: str, file: Path = DEMO) -> Iterator[Served]:
    """``tui-exec --serve FILE`` on a free loopback port; stopped (and its tree killed) after."""
    port = free_port()
    command = [sys.executable, "-m", "tui_exec", "--serve", str(file), "--port", str(port)]
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    served = Served(process, port, started)
    try:
        yield served
    finally:
        under = descendants(process.pid)
        for pid in [*under, process.pid]:
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


def programs(pids: list[int]) -> list[int]:
    """Those of ``pids`` that are not tui-exec apps (the programs F5 ran)."""
    found = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--served" not in command:
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    """Wait up to ``seconds`` for all of ``pids`` to end; those still running."""
    deadline = time.monotonic() + seconds
    while True:
        left = [pid for pid in pids if alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def wait_for(check: object, seconds: float, every: float = 0.05) -> object:
    """Call ``check`` until it returns something true (returned), for up to ``seconds``."""
    assert callable(check)
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Tab:
    """A browser tab as the server sees it: a websocket that sends keys and gets the screen."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.loop = asyncio.new_event_loop()
        self.session: aiohttp.ClientSession | None = None
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self.received = b""

    def open(self) -> Tab:
        async def connect() -> None:
            self.session = aiohttp.ClientSession()
            url = f"ws://127.0.0.1:{self.served.port}/ws?width=100&height=30"
            self.socket = await self.session.ws_connect(url)

        self.loop.run_until_complete(asyncio.wait_for(connect(), 10))
        return self

    def read(self, seconds: float, until: bytes | None = None) -> bytes:
        """What the app sends for up to ``seconds`` (less once ``until`` came, or it closed)."""
        assert self.socket is not None
        socket = self.socket

        async def reading() -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    message = await asyncio.wait_for(
                        socket.receive(), max(0.01, deadline - time.monotonic())
                    )
                except TimeoutError:
                    return
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.received += message.data
                    if until is not None and until in self.received:
                        return
                elif message.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.CLOSING,
                ):
                    return

        self.loop.run_until_complete(reading())
        return self.received

    @property
    def closed(self) -> bool:
        return self.socket is None or self.socket.closed

    def send_keys(self, text: str) -> None:
        """Keys as the page sends them: ["stdin", text]."""
        assert self.socket is not None
        self.loop.run_until_complete(self.socket.send_json(["stdin", text]))

    def close(self) -> None:
        async def closing() -> None:
            if self.socket is not None:
                await self.socket.close()
            if self.session is not None:
                await self.session.close()

        with suppress(TimeoutError, OSError, aiohttp.ClientError):
            self.loop.run_until_complete(asyncio.wait_for(closing(), 5))
        self.loop.close()
