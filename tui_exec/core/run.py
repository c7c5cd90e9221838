"""Running a program in a subprocess, under limits, with every executed instruction recorded.

Running is always an explicit user action; the analysis never executes anything. The child is
``python -m tui_exec.core.trace`` (same interpreter), in its own process group so that a stop
or a time-out also ends whatever it spawned.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .trace import LINES_FILE, NEW_LINE, RESULT_FILE, STEPS_FILE, WAITING_FILE, WAITING_VARIABLE

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
_POLL = 0.05
# How long a run asked to end may take to save its recording before it is killed.
_SAVE_GRACE = 1.0


@dataclass(frozen=True, slots=True)
class RunLimits:
    """What a run may use before it is ended."""

    wall_time: float = 10.0
    """Seconds."""
    max_output: int = 1_000_000
    """Characters of stdout and stderr together; the rest is dropped with a notice."""
    max_steps: int = 2_000_000
    """Recorded instructions; reaching it ends the run."""


DEFAULT_LIMITS = RunLimits()


class LineRecord(NamedTuple):
    """The state just before step ``step`` ran: see :data:`trace.LINE_FIELDS`."""

    step: int
    code: int
    line: int
    stack: tuple[int, ...]
    locals: tuple[tuple[str, str], ...]
    stdout: int
    """Bytes of stdout written before the step."""
    stderr: int
    """Bytes of stderr written before the step."""
    event: int = NEW_LINE
    """Why it was taken: a new line starts (NEW_LINE), or the state changed in the middle of
    a line (STATE_CHANGED: a call, a return, output...)."""
    notes: tuple[str, ...] = ()
    """What happened in the file's frames just before the step: ``fact returned 120``,
    ``ValueError raised in bad: …``, ``ValueError caught in safe``."""

    @property
    def new_line(self) -> bool:
        """Whether a new line starts at this record's step."""
        return self.event == NEW_LINE


@dataclass(frozen=True, slots=True)
class RaisedException:
    """The program's uncaught exception: type, message, and its frames in the file."""

    type: str
    message: str
    frames: tuple[tuple[int, int, int], ...]
    """(code id, instruction offset, line), outermost first."""


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a run ended, its output, and its recorded steps."""

    status: str
    """exited, exception, timeout, stopped, step-limit, output-limit, signal or failed."""
    exit_code: int | None
    seconds: float
    stdout: str
    """What the program wrote, decoded as UTF-8 (other bytes shown as escapes: ``\\xff``)."""
    stderr: str
    steps: array = field(repr=False)  # type: ignore[type-arg]
    """Pairs: steps[2*i] is the code id and steps[2*i+1] the offset of step i."""
    lines: tuple[LineRecord, ...] = field(repr=False)
    exception: RaisedException | None = None
    detail: str = ""
    specialized: dict[int, dict[int, str]] = field(default_factory=dict, repr=False)
    """For runs without recording: code id → offset → specialized (adaptive) opname."""
    stdout_bytes: bytes = field(default=b"", repr=False)
    """stdout as written: line records count its bytes (see :meth:`stdout_before`)."""
    inputs: tuple[tuple[int, str], ...] = ()
    """What the user typed in an interactive run: (bytes of stdout written before it, the
    line), so a transcript can show it where a terminal would echo it."""

    def transcript(self) -> str:
        """stdout with the typed input echoed where it was typed, as a terminal shows it."""
        return transcript(self.stdout_bytes, self.inputs)

    """Why it ended, for people (the limit hit, the signal, why it failed to start)."""

    @classmethod
    def cannot_start(cls, detail: str) -> RunResult:
        """The result of a run whose interpreter could not be started."""
        return cls("failed", None, 0.0, "", "", array("I"), (), None, detail)

    def stdout_before(self, record: LineRecord) -> str:
        """What stdout held when ``record`` was taken, decoded as :attr:`stdout` is."""
        return _decode(self.stdout_bytes[: record.stdout])

    @property
    def step_count(self) -> int:
        """How many instructions were recorded."""
        return len(self.steps) // 2

    def short_description(self) -> str:
        """A few words for a title: ``exit 0 · 0.12 s``, ``ValueError · 0.03 s``."""
        if self.status == "exited":
            head = f"exit {self.exit_code}"
        elif self.status == "exception" and self.exception is not None:
            head = self.exception.type
        else:
            head = self.status
        return f"{head} · {self.seconds:.2f} s"

    def describe(self) -> str:
        """One line: ``exited with status 0 in 0.12 s · 1,234 steps``."""
        if self.status == "exited":
            head = f"exited with status {self.exit_code}"
        elif self.status == "exception" and self.exception is not None:
            head = f"raised {self.exception.type}: {self.exception.message}"
        else:
            head = self.detail or self.status
        recorded = f"{self.step_count:,} steps recorded" if self.steps else "not recorded"
        return f"{head} in {self.seconds:.2f} s · {recorded}"


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Without debug ranges CPython records no columns at all: never inherit that.
    env.pop("PYTHONNODEBUGRANGES", None)
    env["PYTHONIOENCODING"] = "utf-8"
    paths = [_PACKAGE_ROOT, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


class ProgramRun:
    """One run of one file. ``start()``, then ``wait()`` (from a worker thread), or ``stop()``."""

    def __init__(
        self,
        path: str,
        *,
        args: Sequence[str] = (),
        stdin: bytes = b"",
        limits: RunLimits = DEFAULT_LIMITS,
        python: str = sys.executable,
        record: bool = True,
        source: bytes | None = None,
        interactive: bool = False,
    ) -> None:
        """Run the file at ``path``; or, given ``source``, run those bytes (a program that
        came on stdin, the sample) from a file in the run's own temporary folder."""
        self._dir = Path(tempfile.mkdtemp(prefix="tui-exec-run-"))
        if source is not None:
            path = str(self._dir / "program.py")
            Path(path).write_bytes(source)
        self.path = os.path.abspath(path)
        self.args = tuple(args)
        self.stdin = stdin
        self.limits = limits
        self.python = python
        self.record = record
        self.interactive = interactive
        """Standard input is a pipe the user types into (:meth:`send_input`), not a file; the
        time the program spends waiting for it does not count toward the time limit."""
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = threading.Event()
        self._started_at = 0.0
        self._inputs: list[tuple[int, str]] = []

    def start(self) -> None:
        """Start the child; raises OSError when it cannot even start."""
        stdin_path = self._dir / "stdin"
        stdin_path.write_bytes(self.stdin)
        command = [
            self.python,
            "-c",
            "from tui_exec.core.trace import cli; cli()",
            str(self._dir),
            str(self.limits.max_steps),
            str(self.limits.max_output),
            "record" if self.record else "plain",
            self.path,
            *self.args,
        ]
        env = _child_env()
        if self.interactive:
            env[WAITING_VARIABLE] = str(self._dir / WAITING_FILE)
        with (
            open(stdin_path, "rb") as stdin,
            open(self._dir / "stdout", "wb") as stdout,
            open(self._dir / "stderr", "wb") as stderr,
        ):
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if self.interactive else stdin,
                stdout=stdout,
                stderr=stderr,
                cwd=os.path.dirname(self.path),
                env=env,
                start_new_session=True,  # its own process group: stop() ends its children too
            )
        self._started_at = time.perf_counter()

    @property
    def waiting_for_input(self) -> bool:
        """Whether the program is blocked reading its standard input (interactive runs)."""
        return self.interactive and (self._dir / WAITING_FILE).exists()

    def send_input(self, text: str | None) -> None:
        """Give the program a line of input as if typed (None: end of file, as Ctrl+D)."""
        process = self._process
        if process is None or process.stdin is None or process.stdin.closed:
            return
        try:
            if text is None:
                process.stdin.close()
                return
            self._inputs.append((self._size("stdout"), text + "\n"))
            process.stdin.write((text + "\n").encode("utf-8"))
            process.stdin.flush()
        except OSError:  # it ended meanwhile
            pass

    def _size(self, name: str) -> int:
        try:
            return (self._dir / name).stat().st_size
        except OSError:
            return 0

    def stop(self, *, save: bool = True) -> None:
        """End the run (the user pressed stop, or the app is quitting). With ``save`` the
        recorder is asked to save what it recorded, and :meth:`wait` kills the program if it
        has not ended within a second; without, it is killed at once. Never blocks."""
        self._stopped.set()
        self._signal(signal.SIGTERM if save else signal.SIGKILL)

    def _signal(self, number: int) -> None:
        """Send ``number`` to the program and everything it started (its process group)."""
        process = self._process
        if process is None:
            return
        try:
            os.killpg(process.pid, number)
        except (ProcessLookupError, PermissionError):
            if process.poll() is None:
                process.send_signal(number)

    def output_tail(self, limit: int = 16_384) -> tuple[str, str]:
        """The end of stdout (with what the user typed, where a terminal would echo it) and
        of stderr written so far, decoded: what the program has printed while it runs."""
        if self._inputs:
            stdout = transcript(self._bytes("stdout"), self._inputs)[-limit:]
        else:
            stdout = _decode(self._tail("stdout", limit))
        return stdout, _decode(self._tail("stderr", limit))

    def _tail(self, name: str, limit: int) -> bytes:
        try:
            with open(self._dir / name, "rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(size - limit, 0))
                return handle.read(limit)
        except OSError:
            return b""

    def _output_size(self) -> int:
        return self._size("stdout") + self._size("stderr")

    def wait(self, on_tick: Callable[[float], None] | None = None) -> RunResult:
        """Wait for the end (enforcing the limits) and read everything back."""
        process = self._process
        assert process is not None, "start() first"
        status = ""
        detail = ""
        asked: float | None = None  # when the program was asked to save and end
        waited = 0.0  # time spent waiting for the user's input: not counted
        last = self._started_at
        while process.poll() is None:
            now = time.perf_counter()
            if self.waiting_for_input:
                waited += now - last
            last = now
            elapsed = now - self._started_at - waited
            if not status:
                if self._stopped.is_set():
                    status, detail = "stopped", "stopped by you"
                elif elapsed > self.limits.wall_time:
                    status = "timeout"
                    detail = f"ended after the {self.limits.wall_time:g} s time limit"
                elif self._output_size() > 4 * self.limits.max_output + 65536:
                    # Only writes that bypass sys.stdout (child processes, os.write) get here.
                    status = "output-limit"
                    detail = "ended: it wrote far past the output limit"
            if status and asked is None:
                asked = now
                self._signal(signal.SIGTERM)  # the recorder saves, then exits
            elif asked is not None and now - asked > _SAVE_GRACE:
                self._signal(signal.SIGKILL)  # stuck in C code, or it caught SIGTERM
            if on_tick is not None:
                on_tick(elapsed)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(_POLL)
        seconds = time.perf_counter() - self._started_at - waited
        self._signal(signal.SIGKILL)  # whatever the program started must not outlive it
        if not status and self._stopped.is_set():
            # stop() killed it between two checks of the loop.
            status, detail = "stopped", "stopped by you"
        try:
            return self._collect(process.returncode, status, detail, seconds)
        finally:
            self.cleanup()

    def _collect(self, returncode: int, status: str, detail: str, seconds: float) -> RunResult:
        result: dict[str, object] = {}
        result_path = self._dir / RESULT_FILE
        if result_path.exists():
            try:
                result = json.loads(result_path.read_text(encoding="utf-8"))
            except ValueError:
                result = {}
        if not status:
            if result:
                status = str(result.get("status", "exited"))
                if status == "step-limit":
                    detail = f"ended at the limit of {self.limits.max_steps:,} recorded steps"
            elif returncode < 0:
                status = "signal"
                name = (
                    signal.Signals(-returncode).name
                    if -returncode in signal.valid_signals()
                    else str(-returncode)
                )
                detail = f"killed by {name}"
            else:
                status = "failed"
                detail = f"the program could not be run (status {returncode})"
        exception = None
        raised = result.get("exception")
        if isinstance(raised, dict):
            exception = RaisedException(
                str(raised.get("type")),
                str(raised.get("message")),
                tuple(tuple(f) for f in raised.get("frames", ())),  # type: ignore[misc]
            )
        exit_code = returncode if returncode >= 0 else None
        if isinstance(result.get("exit_code"), int) and status in ("exited", "exception"):
            exit_code = int(result["exit_code"])  # type: ignore[call-overload]
        specialized: dict[int, dict[int, str]] = {}
        raw_specialized = result.get("specialized")
        if isinstance(raw_specialized, dict):
            for code_id, pairs in raw_specialized.items():
                specialized[int(code_id)] = {int(offset): str(name) for offset, name in pairs}
        stdout = self._bytes("stdout")
        return RunResult(
            specialized=specialized,
            status=status,
            exit_code=exit_code,
            seconds=seconds,
            stdout=_decode(stdout),
            stderr=_decode(self._bytes("stderr")),
            stdout_bytes=stdout,
            inputs=tuple(self._inputs),
            steps=read_steps(self._dir / STEPS_FILE),
            lines=read_lines(self._dir / LINES_FILE),
            exception=exception,
            detail=detail,
        )

    def _bytes(self, name: str) -> bytes:
        try:
            data = (self._dir / name).read_bytes()
        except OSError:
            return b""
        return data[: 4 * self.limits.max_output]

    def cleanup(self) -> None:
        """Remove the run's temporary files."""
        for child in self._dir.glob("*"):
            child.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._dir.rmdir()


def read_steps(path: Path) -> array:  # type: ignore[type-arg]
    """The recorded (code id, offset) pairs, read in large chunks."""
    steps = array("I")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            steps.fromfile(handle, size // steps.itemsize)
    except (OSError, EOFError):
        pass
    if sys.byteorder != "little":
        steps.byteswap()
    if len(steps) % 2:
        steps.pop()
    return steps


def transcript(stdout: bytes, inputs: Sequence[tuple[int, str]]) -> str:
    """``stdout`` with each typed line inserted at the byte count it was typed at."""
    parts, start = [], 0
    for position, line in inputs:
        parts.append(_decode(stdout[start:position]))
        parts.append(line)
        start = max(start, position)
    parts.append(_decode(stdout[start:]))
    return "".join(parts)


def _decode(data: bytes) -> str:
    """Output as text: UTF-8, and any other byte as its escape, so nothing is hidden."""
    return data.decode("utf-8", "backslashreplace")


def read_lines(path: Path) -> tuple[LineRecord, ...]:
    """The line records, chunk by chunk; a chunk cut short by a kill ends the list."""
    records: list[LineRecord] = []
    try:
        data = memoryview(path.read_bytes())
    except OSError:
        return ()
    position = 0
    # One read, then chunk by chunk: marshal.load() on a file is slow (small reads).
    while position + 4 <= len(data):
        size = int.from_bytes(data[position : position + 4], "little")
        start, position = position + 4, position + 4 + size
        if position > len(data):
            break
        try:
            chunk = marshal.loads(data[start:position])
        except (EOFError, ValueError, TypeError):
            break
        records.extend(LineRecord(*row) for row in chunk)
    return tuple(records)
