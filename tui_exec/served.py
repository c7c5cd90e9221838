"""The served app's half of "no orphans": it ends when its server does, however that ends.

``tui-exec --serve`` starts one app process per browser tab, with ``--served``. A server that
stops normally tells each app to quit, and kills it if it does not; a server killed with
SIGKILL can do nothing, and its apps used to keep running (one at 94 % CPU for minutes: its
output pipe was gone, so each frame it drew failed). So the app watches for itself: the kernel
sends it SIGTERM when the server dies (Linux's parent-death signal), and a thread checks every
quarter second that its parent is still the server. Either way it stops the program it runs
and leaves, by force if quitting takes longer than a second.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

SERVER_PID_VARIABLE = "TUI_EXEC_SERVER_PID"
"""The server's pid, given to each app it starts: a different parent means it is gone."""
CHECK_EVERY = 0.25
"""Seconds between two checks of the parent."""
FORCE_EXIT_AFTER = 1.0
"""Seconds the app has to quit on its own once its server is gone."""
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """Ask Linux to send this process SIGTERM when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


class ServerWatch:
    """Ends the served app when its server is gone: stop the program, ask the app to quit,
    and exit by force :data:`FORCE_EXIT_AFTER` seconds later whatever happens."""

    def __init__(self, stop_program: Callable[[], None], quit_app: Callable[[], None]) -> None:
        self._stop_program = stop_program
        self._quit_app = quit_app
        self._ending = threading.Lock()
        self._ended = False
        try:
            self.server_pid = int(os.environ.get(SERVER_PID_VARIABLE, "") or os.getppid())
        except ValueError:
            self.server_pid = os.getppid()

    def start(self) -> None:
        """Set the parent-death signal and start the watching thread."""
        die_with_parent()
        threading.Thread(target=self._watch, name="tui-exec-server-watch", daemon=True).start()

    def server_gone(self) -> bool:
        """Whether the parent is no longer the server (it died; this process was adopted)."""
        return os.getppid() != self.server_pid

    def _watch(self) -> None:
        stopped = threading.Event()
        while not stopped.wait(CHECK_EVERY):
            if self.server_gone():
                self.end()
                return

    def end(self) -> None:
        """Stop the program and quit; force the exit if the app does not manage to."""
        with self._ending:
            if self._ended:
                return
            self._ended = True
        force = threading.Timer(FORCE_EXIT_AFTER, os._exit, args=(0,))
        force.daemon = True
        force.start()
        for step in (self._stop_program, self._quit_app):
            with contextlib.suppress(Exception):  # on the way out, each step is tried
                step()


def start_app(argv: list[str], width: int = 80, height: int = 24) -> subprocess.Popen[bytes]:
    """Start one served app as textual-serve does (its web driver, talking through pipes),
    without a shell, in a session of its own, told the server's pid. Here, not in
    :mod:`.serve`, so that ``--serve`` starts its first app before it imports the web server."""
    environment = dict(os.environ)
    environment.update(
        TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
        TEXTUAL_FPS="60",
        TEXTUAL_COLOR_SYSTEM="truecolor",
        TERM_PROGRAM="textual",
        COLUMNS=str(width),
        ROWS=str(height),
    )
    environment[SERVER_PID_VARIABLE] = str(os.getpid())
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,  # Ctrl+C goes to the server, which stops each app in turn
    )
