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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, overload

from .objects import ObjectsField, Snapshot, snapshot
from .recorded_stacks import RecordedStacks, read_stacks
from .trace import (
    HAS_NOTES,
    LINES_FILE,
    NEW_LINE,
    NO_LINE,
    RESULT_FILE,
    STATE_COLUMNS,
    STATES_FILE,
    STEPS_FILE,
    WAITING_FILE,
    WAITING_VARIABLE,
)

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
    """Bytes of stdout and stderr together, as UTF-8; the rest is dropped with a notice."""
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
    objects: ObjectsField | tuple[()] = ()
    """The objects the locals refer to, as recorded (one tuple shared by the records of a
    chunk where they did not change); :attr:`snapshot` decodes them."""

    @property
    def snapshot(self) -> Snapshot:
        """The variables and the objects they refer to (decoded when asked: records stay
        small)."""
        return snapshot(self.locals, self.objects)

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
    lines: Sequence[LineRecord] = field(repr=False)
    """The state records (:class:`LineRecords` for a recorded run)."""
    exception: RaisedException | None = None
    detail: str = ""
    specialized: dict[int, dict[int, str]] = field(default_factory=dict, repr=False)
    """For runs without recording: code id → offset → specialized (adaptive) opname."""
    stdout_bytes: bytes = field(default=b"", repr=False)
    """stdout as written: line records count its bytes (see :meth:`stdout_before`)."""
    inputs: tuple[tuple[int, str], ...] = ()
    """What the user typed in an interactive run: (bytes of stdout written before it, the
    line), so a transcript can show it where a terminal would echo it."""
    signal_number: int | None = None
    """The signal that killed the program (status ``signal``)."""
    stacks: RecordedStacks | None = field(default=None, repr=False)
    """The value stack before each step, read from CPython's frames (when asked for and
    readable on this Python)."""
    stacks_note: str = ""
    """Why the value stacks were not recorded, when they were asked for and were not."""

    def transcript(self) -> str:
        """stdout with the typed input echoed where it was typed, as a terminal shows it."""
        return transcript(self.stdout_bytes, self.inputs)

    """Why it ended, for people (the limit hit, the signal, why it failed to start)."""

    @classmethod
    def cannot_start(cls, detail: str) -> RunResult:
        """The result of a run whose interpreter could not be started."""
        return cls("failed", None, 0.0, "", "", array("I"), (), None, detail)

    @classmethod
    def does_not_compile(cls, report: str) -> RunResult:
        """The result of pressing F5 on a program that does not compile: nothing runs, and
        stderr holds what ``python FILE`` prints (see :func:`compile_error_report`)."""
        detail = f"{DOES_NOT_COMPILE}: python would print this and exit with status 1"
        return cls("failed", None, 0.0, "", report, array("I"), (), None, detail)

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
        if self.status == "failed":
            return head  # it never ran: no time, no steps
        count = self.step_count
        steps = f"{count:,} step" + ("" if count == 1 else "s")
        recorded = f"{steps} recorded" if self.steps else "not recorded"
        return f"{head} in {self.seconds:.2f} s · {recorded}"


DOES_NOT_COMPILE = "the program does not compile"


def compile_error_report(data: bytes, filename: str) -> str | None:
    """What ``python FILE`` prints when FILE does not compile (the SyntaxError, its line and
    caret), or None when it compiles. Compiling runs none of the program."""
    import io

    try:
        compile(data, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        # The interpreter's own printer: before 3.13 it is C code that strips the line's
        # indentation and drops a caret that points into it, unlike the traceback module.
        shown = io.StringIO()
        with contextlib.redirect_stderr(shown):
            sys.__excepthook__(type(exc), exc.with_traceback(None), None)
        return shown.getvalue()
    except ValueError as exc:  # 3.11: a NUL byte ("source code string cannot contain ...")
        return f"SyntaxError: {exc}\n"
    return None


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
        stack_values: bool = False,
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
        self.stack_values = stack_values
        """Record the value stack at each step too (see :mod:`value_stack`)."""
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
            ("record-values" if self.stack_values else "record") if self.record else "plain",
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
            if asked is not None:
                if now - asked > _SAVE_GRACE:
                    self._signal(signal.SIGKILL)  # stuck in C code, or it caught SIGTERM
                else:
                    # The recorder saves, then exits. Sent again at each tick: one that came
                    # while it recorded a step waits for the next, which may never come.
                    self._signal(signal.SIGTERM)
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
        signal_number = None
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
                signal_number = -returncode
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
        # Only a program that exited has a status: one ended by a limit, a signal or the user
        # did not exit (the recorder's own exit code after a limit is not the program's).
        exit_code = returncode if returncode >= 0 and status in ("exited", "exception") else None
        if isinstance(result.get("exit_code"), int) and status in ("exited", "exception"):
            exit_code = int(result["exit_code"])  # type: ignore[call-overload]
        specialized: dict[int, dict[int, str]] = {}
        raw_specialized = result.get("specialized")
        if isinstance(raw_specialized, dict):
            for code_id, pairs in raw_specialized.items():
                specialized[int(code_id)] = {int(offset): str(name) for offset, name in pairs}
        stdout = self._bytes("stdout")
        # The recorder checks the step limit once per chunk of steps, so it stops a little
        # past it: keep exactly the steps the limit allows, and the records taken before them.
        last = self.limits.max_steps if status == "step-limit" else None
        steps = read_steps(self._dir / STEPS_FILE)
        if last is not None:
            del steps[2 * last :]
        stacks = read_stacks(self._dir, len(steps) // 2) if self.stack_values else None
        stacks_note = str(result.get("stack_values", ""))
        if self.stack_values and stacks is None and not stacks_note:
            stacks_note = "the run recorded none"
        return RunResult(
            specialized=specialized,
            status=status,
            exit_code=exit_code,
            seconds=seconds,
            stdout=_decode(stdout),
            stderr=_decode(self._bytes("stderr")),
            stdout_bytes=stdout,
            inputs=tuple(self._inputs),
            steps=steps,
            lines=read_lines(self._dir / LINES_FILE, self._dir / STATES_FILE, before=last),
            exception=exception,
            detail=detail,
            signal_number=signal_number,
            stacks=stacks,
            stacks_note=stacks_note,
        )

    def _bytes(self, name: str) -> bytes:
        try:
            data = (self._dir / name).read_bytes()
        except OSError:
            return b""
        # Room for the recorder's notice past the limit ("output limit reached..."), which a
        # small limit cut in the middle: the same bound as the wait loop's.
        return data[: 4 * self.limits.max_output + 65536]

    def cleanup(self) -> None:
        """Remove the run's temporary files."""
        for child in self._dir.glob("*"):
            child.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._dir.rmdir()


def read_steps(path: Path) -> array:  # type: ignore[type-arg]
    """The recorded (code id, offset) pairs, read in large chunks."""
    steps = _read_uint32s(path)
    if len(steps) % 2:
        steps.pop()
    return steps


def _read_uint32s(path: Path) -> array[int]:
    """A file of little-endian uint32s, read at once (a partial last one is left out)."""
    values = array("I")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            values.fromfile(handle, size // values.itemsize)
    except (OSError, EOFError):
        pass
    if sys.byteorder != "little":
        values.byteswap()
    return values


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


def read_lines(lines_path: Path, states_path: Path, before: int | None = None) -> LineRecords:
    """A run's line records: the chunks sliced out of one read, and their state columns;
    a chunk cut short by a kill ends the list. With ``before``, only the records taken
    before that step."""
    try:
        data = lines_path.read_bytes()
        states = _read_uint32s(states_path)
    except OSError:
        return LineRecords((), array("I"))
    if before is not None:
        width = len(STATE_COLUMNS)
        kept = bisect_left(states[0 : len(states) - len(states) % width : width], before)
        del states[kept * width :]
    view = memoryview(data)
    chunks = []
    position = 0
    while position + 8 <= len(view):  # mutation: equivalent (a cut header's end is past it)
        size = int.from_bytes(view[position : position + 4], "little")
        count = int.from_bytes(view[position + 4 : position + 8], "little")
        start, position = position + 8, position + 8 + size
        if position > len(view):
            break
        chunks.append((count, view[start:position]))
    return LineRecords(chunks, states)


_NEW_LINE_OF_FLAGS = bytes((flags & 1) == NEW_LINE for flags in range(256))
_NOTES_OF_FLAGS = bytes(bool(flags & HAS_NOTES) for flags in range(256))


def _positions(data: bytes, value: int) -> list[int]:
    """Every index where ``data`` holds the byte ``value``."""
    found, needle = [], bytes([value])
    i = data.find(needle)
    while i >= 0:
        found.append(i)
        i = data.find(needle, i + 1)
    return found


class LineRecords(Sequence[LineRecord]):
    """A run's line records, kept as the recorder wrote them (marshalled chunks) and decoded
    a chunk at a time when a record in it is wanted.

    A run of 2M steps takes about half a million records: as objects they held ~300 MB and
    took seconds to build. Stepping reads only a few numbers of each (its step, frame depth,
    why it was taken, whether it has notes), which the recorder writes apart as columns.
    """

    _CACHED_CHUNKS = 4

    def __init__(
        self, chunks: Sequence[tuple[int, bytes | memoryview]], states: array[int]
    ) -> None:
        self._chunks = [blob for _, blob in chunks]
        self._starts = array("q", [0])
        """Index of each chunk's first record (and one past the last)."""
        for count, _ in chunks:
            self._starts.append(self._starts[-1] + count)
        width = len(STATE_COLUMNS)
        total = min(self._starts[-1], len(states) // width)
        self.steps: array[int] = states[0 : total * width : width]
        """Per record: the step it precedes (sorted)."""
        self.depths: array[int] = states[3 : total * width : width]
        """Per record: how many of the file's frames were on the call stack."""
        lines = states[2 : total * width : width]
        # The flags fit in a byte: take each one's low byte and translate it, all in C.
        flags = states[4 : total * width : width]
        if sys.byteorder != "little":
            flags.byteswap()
        low = flags.tobytes()[::4]
        self.new_lines = low.translate(_NEW_LINE_OF_FLAGS)
        """Per record: 1 if a new line starts at its step (see :attr:`LineRecord.new_line`)."""
        self.line_numbers: array[int] = lines
        """Per record: its line (:data:`trace.NO_LINE` for none)."""
        self.noted = _positions(low.translate(_NOTES_OF_FLAGS), 1)
        """Indexes of the records with notes (a return, an exception...), in order."""
        self._decoded: dict[int, list[tuple[object, ...]]] = {}

    @classmethod
    def of(cls, records: Sequence[LineRecord | tuple[object, ...]]) -> LineRecords:
        """Records made in memory (tests, and results built another way)."""
        rows = [LineRecord(*row) for row in records]  # type: ignore[arg-type]
        states = array("I")
        for r in rows:
            line = NO_LINE if r.line is None else r.line
            flags = r.event | (HAS_NOTES if r.notes else 0)
            states.extend((r.step, r.code, line, len(r.stack), flags))
        blob = marshal.dumps([tuple(row) for row in rows])
        return cls([(len(rows), blob)] if rows else [], states)

    def notes(self, index: int) -> tuple[str, ...]:
        """The notes of record ``index`` (decoded only when it has some)."""
        pos = bisect_left(self.noted, index)
        if pos < len(self.noted) and self.noted[pos] == index:
            return self[index].notes
        return ()

    def __len__(self) -> int:
        return len(self.steps)  # records whose chunk and columns were both written

    @overload
    def __getitem__(self, index: int) -> LineRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[LineRecord]: ...
    def __getitem__(self, index: int | slice) -> LineRecord | Sequence[LineRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        chunk = bisect_right(self._starts, index) - 1
        return LineRecord(*self._rows(chunk)[index - self._starts[chunk]])  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[LineRecord]:
        left = len(self)
        for chunk in range(len(self._chunks)):
            for row in self._rows(chunk)[:left]:
                yield LineRecord(*row)  # type: ignore[arg-type]
            left -= self._starts[chunk + 1] - self._starts[chunk]
            if left <= 0:
                return

    def _rows(self, chunk: int) -> list[tuple[object, ...]]:
        rows = self._decoded.get(chunk)
        if rows is None:
            if len(self._decoded) >= self._CACHED_CHUNKS:
                del self._decoded[next(iter(self._decoded))]
            rows = self._decoded[chunk] = marshal.loads(self._chunks[chunk])
        return rows

    def last_at(self, step: int) -> int:
        """Index of the last record taken at or before ``step`` (-1 if none)."""
        return bisect_right(self.steps, step) - 1
