"""Driving tui-exec in a real terminal (tmux), for what only a terminal shows: key bursts,
colours, bytes written. Waits poll the screen until a condition holds; the deadline only
turns a hang into a failure, it never decides a result."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from types import TracebackType

import pytest

DEADLINE = 30.0


class Terminal:
    """One tui-exec in its own tmux server (a private socket), at a fixed size."""

    def __init__(
        self, argv: Sequence[str], *, size: tuple[int, int] = (80, 24), env: str = ""
    ) -> None:
        if shutil.which("tmux") is None:
            pytest.skip("tmux is not installed")
        self.socket = f"tui-exec-test-{uuid.uuid4().hex[:8]}"
        self.size = size
        command = list(argv)
        if command[0] == "tui-exec":
            command = [sys.executable, "-m", "tui_exec", *command[1:]]
        # The app sizes itself from the terminal, unless COLUMNS and LINES say otherwise: under
        # pytest the window's shell had them at 80x24 whatever the size asked for.
        self.command = "env -u COLUMNS -u LINES " + (env + " " if env else "") + shlex.join(command)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def __enter__(self) -> Terminal:
        width, height = self.size
        self._tmux(
            "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), self.command
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def screen(self, *, escapes: bool = False) -> str:
        """What the terminal shows (with colour escapes if asked)."""
        return self._tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "t")

    def scribble(self, text: str, *, row: int) -> None:
        """Write ``text`` at the start of 1-based ``row`` behind the app's back, as another
        program writing to the same terminal would."""
        tty = self._tmux("display-message", "-p", "-t", "t", "#{pane_tty}").strip()
        with open(tty, "w") as terminal:
            terminal.write(f"\x1b[{row};1H{text}")

    def send(self, *keys: str) -> None:
        """Type ``keys`` in one go, as a burst arriving over SSH would."""
        self._tmux("send-keys", "-t", "t", *keys)

    def wait_until(self, condition: Callable[[str], bool]) -> str:
        """The screen, once ``condition`` holds for it."""
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never matched; it shows:\n{screen}")
            time.sleep(0.05)

    def wait_for(self, text: str) -> str:
        """The screen, once it shows ``text``."""
        return self.wait_until(lambda screen: text in screen)

    def wait_for_row(self, prefix: str) -> str:
        """The screen, once one of its rows starts with ``prefix`` (the status line's
        `` 12:4 ``, a pane's one row at 80x24)."""
        return self.wait_until(
            lambda screen: any(row.startswith(prefix) for row in screen.splitlines())
        )
