"""Start-up and keys as a person sees them: measured from outside, in a real terminal (tmux).

Run: ``uv run python -m benchmarks.bench_startup [--runs 5] [--direct]``. For each file, each
run launches ``uv run tui-exec FILE`` (``--direct``: this interpreter, no uv) in a fresh tmux
server at 160x50 and measures:

- launch -> the first key answered: Down is sent as soon as the file's text is on screen, and
  the clock stops when the status line shows the cursor on line 2;
- a far jump: ``g``, the line, Enter -> the status line shows that line;
- bytes the app wrote to the terminal for that jump, and for one Tab (from tmux's pipe-pane).

Targets (issue 8): first key <= 0.5 s on typing.py, <= 0.8 s on _pydecimal.py, <= 1.5 s on
20k lines; far jump <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import STDLIB, twenty_k_lines

SIZE = (160, 50)
POLL = 0.002
DEADLINE = 60.0


class Tmux:
    """One tmux server running one command, with its output logged."""

    def __init__(self, command: str, log: Path) -> None:
        self.socket = f"bench-{uuid.uuid4().hex[:8]}"
        self.log = log
        self.command = command

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def start(self) -> float:
        # The session starts with a shell that waits; the logging is attached before the
        # program starts, so every byte it writes is counted.
        width, height = SIZE
        self.run("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), "cat")
        self.run("pipe-pane", "-t", "b", "-o", f"cat >> {shlex.quote(str(self.log))}")
        started = time.perf_counter()
        self.run("respawn-pane", "-k", "-t", "b", self.command)
        return started

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "b")

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", "b", *keys)

    def wait(self, condition: Callable[[str], bool]) -> float:
        deadline = time.perf_counter() + DEADLINE
        while True:
            if condition(self.screen()):
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise TimeoutError(self.screen())
            time.sleep(POLL)

    def written(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _status(screen: str) -> str:
    lines = screen.rstrip("\n").splitlines()
    return lines[-2] if len(lines) >= 2 else ""


def _settled_bytes(tmux: Tmux) -> int:
    """Bytes written once the app has been quiet for a while (frames come at 60 Hz)."""
    size = tmux.written()
    while True:
        time.sleep(0.15)
        now = tmux.written()
        if now == size:
            return size
        size = now


def measure_once(path: Path, first_line: str, jump_line: int, direct: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "out.log"
        launcher = f"{shlex.quote(sys.executable)} -m tui_exec" if direct else "uv run tui-exec"
        tmux = Tmux(f"{launcher} {shlex.quote(str(path))}", log)
        try:
            started = tmux.start()
            painted = tmux.wait(lambda s: first_line in s)
            tmux.send("Down")
            answered = tmux.wait(lambda s: _status(s).lstrip().startswith("2:"))
            tmux.wait(lambda s: "4 Bytecode ·" in s)  # the analysis is on screen
            before = _settled_bytes(tmux)
            tmux.send("g")
            tmux.wait(lambda s: "Go to line" in s)
            _settled_bytes(tmux)
            before_jump = tmux.written()
            sent = time.perf_counter()
            tmux.send(*str(jump_line), "Enter")
            jumped = tmux.wait(lambda s: _status(s).lstrip().startswith(f"{jump_line}:"))
            jump_bytes = _settled_bytes(tmux) - before_jump
            tab_from = _settled_bytes(tmux)
            tmux.send("Tab")
            tmux.wait(lambda s: True)
            tab_bytes = _settled_bytes(tmux) - tab_from
            del before
        finally:
            tmux.stop()
    return {
        "first_paint_s": painted - started,
        "first_key_s": answered - started,
        "far_jump_ms": (jumped - sent) * 1000,
        "far_jump_kb": jump_bytes / 1000,
        "tab_kb": tab_bytes / 1000,
    }


def _files() -> list[tuple[str, Path, int]]:
    big = Path(tempfile.gettempdir()) / "tui-exec-bench-20k.py"
    big.write_bytes(twenty_k_lines()[1])
    return [
        ("typing.py", STDLIB / "typing.py", 2000),
        ("_pydecimal.py", STDLIB / "_pydecimal.py", 4000),
        ("20k lines", big, 15000),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--direct", action="store_true", help="this interpreter, not uv run")
    args = parser.parse_args()
    env = "PYTHONDONTWRITEBYTECODE" in os.environ
    print(f"Python {platform.python_version()}, PYTHONDONTWRITEBYTECODE set: {env}")
    results = {}
    for label, path, jump in _files():
        first = next(line for line in path.read_text().splitlines() if line.strip())[:40]
        runs = [measure_once(path, first, jump, args.direct) for _ in range(args.runs)]
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        results[label] = medians
        print(
            f"{label:>14}: first paint {medians['first_paint_s']:.2f} s, "
            f"first key {medians['first_key_s']:.2f} s, far jump {medians['far_jump_ms']:.0f} ms "
            f"({medians['far_jump_kb']:.0f} KB), Tab {medians['tab_kb']:.0f} KB"
        )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
