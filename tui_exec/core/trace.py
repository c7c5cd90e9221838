"""The recorder that runs inside the traced subprocess: ``python -m tui_exec.core.trace``.

It runs the user's file as ``__main__`` and records every executed instruction of the file's
own code objects as (code id, offset) pairs, numbered like :func:`bytecode.walk_code` numbers
them so the app can map them onto its analysis. At each new line it also records the call
stack, the frame's locals (reprs, truncated) and how much output was written so far.

Records are written in compact binary chunks while the program runs (8 bytes a step), so a
run of millions of steps costs megabytes, not gigabytes, and can be read back incrementally.
Standard library only: this module is imported by the child interpreter, not the app.
"""

from __future__ import annotations

import builtins
import io
import json
import marshal
import os
import sys
import time
import traceback
import types
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .bytecode import walk_code

STEPS_FILE = "steps.bin"
"""Little-endian uint32 pairs: (code id, instruction offset), one pair per executed step."""
LINES_FILE = "lines.bin"
"""Chunks of line records (see :data:`LINE_FIELDS`): a little-endian uint32 byte count, then
a marshal'ed list. The count lets the reader slice chunks out of one read of the file."""
RESULT_FILE = "result.json"
LINE_FIELDS = ("step", "code", "line", "stack", "locals", "stdout", "stderr")
"""A line record: (step index it precedes, code id, line, call stack of code ids (innermost
last, at most :data:`STACK_LIMIT`), locals as ((name, repr), ...), stdout chars, stderr chars)."""

REPR_LIMIT = 80
STACK_LIMIT = 64
_CHUNK = 1 << 15
OUTPUT_NOTICE = "\n[tui-exec: output limit reached; the rest of the output was dropped]\n"


class CountingStream(io.TextIOBase):
    """Wraps stdout/stderr: counts characters written and drops what exceeds the cap."""

    def __init__(self, target: TextIO, budget: list[int]) -> None:
        self._target = target
        self._budget = budget  # shared by stdout and stderr: [characters left]
        self.written = 0
        self._noticed = False

    def write(self, text: str) -> int:
        left = self._budget[0]
        if left <= 0:
            if not self._noticed:
                self._noticed = True
                self._target.write(OUTPUT_NOTICE)
            return len(text)
        kept = text[:left]
        self._budget[0] = left - len(kept)
        self.written += len(kept)
        self._target.write(kept)
        if len(kept) < len(text) and not self._noticed:
            self._noticed = True
            self._target.write(OUTPUT_NOTICE)
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return False


class Recorder:
    """Collects steps and line records and flushes them to ``out_dir`` in chunks."""

    def __init__(self, out_dir: Path, codes: list[types.CodeType], max_steps: int) -> None:
        self.index = {code: i for i, code in enumerate(codes)}
        self.codes = codes
        self.max_steps = max_steps
        self.steps = array("I")
        self.step_count = 0
        self.lines: list[tuple[Any, ...]] = []
        self.line_count = 0
        self._steps_file = open(out_dir / STEPS_FILE, "wb")  # noqa: SIM115 (open for the run)
        self._lines_file = open(out_dir / LINES_FILE, "wb")  # noqa: SIM115
        self.stdout: CountingStream | None = None
        self.stderr: CountingStream | None = None
        self.on_limit: Callable[[], None] = lambda: None

    def step(self, code_id: int, offset: int) -> None:
        steps = self.steps
        steps.append(code_id)
        steps.append(offset)
        if len(steps) >= _CHUNK:
            self.flush_steps()

    def _write_steps(self) -> None:
        """Append the buffered steps to the steps file (little-endian) and empty the buffer."""
        self.step_count += len(self.steps) // 2
        if sys.byteorder != "little":
            self.steps.byteswap()
        self.steps.tofile(self._steps_file)
        self.steps = array("I")

    def flush_steps(self) -> None:
        self._write_steps()
        if self.step_count >= self.max_steps:
            self.on_limit()

    def line(self, frame: types.FrameType, code_id: int, line: int) -> None:
        stack: list[int] = []
        current: types.FrameType | None = frame
        index = self.index
        while current is not None and len(stack) < STACK_LIMIT:
            found = index.get(current.f_code)
            if found is not None:
                stack.append(found)
            current = current.f_back
        stack.reverse()
        values = []
        for name, value in list(frame.f_locals.items()):
            if name.startswith("__") and name.endswith("__"):
                continue
            try:
                text = repr(value)
            except Exception as exc:  # a broken __repr__ must not break the run
                text = f"<repr failed: {type(exc).__name__}>"
            if len(text) > REPR_LIMIT:
                text = text[: REPR_LIMIT - 1] + "…"
            values.append((name, text))
        self.lines.append(
            (
                self.step_count + len(self.steps) // 2,
                code_id,
                line,
                tuple(stack),
                tuple(values),
                self.stdout.written if self.stdout else 0,
                self.stderr.written if self.stderr else 0,
            )
        )
        if len(self.lines) >= 4096:
            self.flush_lines()

    def flush_lines(self) -> None:
        if self.lines:
            blob = marshal.dumps(self.lines)
            self._lines_file.write(len(blob).to_bytes(4, "little") + blob)
            self.line_count += len(self.lines)
            self.lines = []

    def close(self) -> None:
        self.flush_lines()
        self._write_steps()
        self._steps_file.close()
        self._lines_file.close()


def _install_monitoring(recorder: Recorder) -> Callable[[], None]:
    """3.12+: sys.monitoring INSTRUCTION and LINE events on the file's code objects only."""
    mon = sys.monitoring  # type: ignore[attr-defined]
    tool = mon.DEBUGGER_ID
    index = recorder.index
    step = recorder.step
    line = recorder.line
    getframe = sys._getframe

    def on_instruction(code: types.CodeType, offset: int) -> None:
        step(index[code], offset)

    def on_line(code: types.CodeType, lineno: int) -> None:
        line(getframe(1), index[code], lineno)

    mon.use_tool_id(tool, "tui-exec")
    mon.register_callback(tool, mon.events.INSTRUCTION, on_instruction)
    mon.register_callback(tool, mon.events.LINE, on_line)
    events = mon.events.INSTRUCTION | mon.events.LINE
    for code in recorder.codes:
        mon.set_local_events(tool, code, events)

    def remove() -> None:
        for code in recorder.codes:
            mon.set_local_events(tool, code, 0)
        mon.register_callback(tool, mon.events.INSTRUCTION, None)
        mon.register_callback(tool, mon.events.LINE, None)
        mon.free_tool_id(tool)

    return remove


def _install_settrace(recorder: Recorder) -> Callable[[], None]:
    """3.11: settrace with opcode events, armed the way that works on every version."""
    index = recorder.index
    step = recorder.step
    line = recorder.line

    def local(frame: types.FrameType, event: str, arg: object) -> Any:
        if event == "opcode":
            step(index[frame.f_code], frame.f_lasti)
        elif event == "line":
            line(frame, index[frame.f_code], frame.f_lineno)
        return local

    def global_(frame: types.FrameType, event: str, arg: object) -> Any:
        if frame.f_code in index:
            frame.f_trace = local  # before f_trace_opcodes (3.13 needs this order)
            frame.f_trace_opcodes = True
            return local
        return None

    sys._getframe().f_trace_opcodes = True  # before settrace (3.12 needs this)
    sys.settrace(global_)

    def remove() -> None:
        sys.settrace(None)

    return remove


def main(argv: list[str]) -> int:
    """``OUT_DIR MAX_STEPS MAX_OUTPUT MODE SCRIPT [ARGS...]``: run SCRIPT into OUT_DIR.

    MODE ``record`` records every step; ``plain`` records nothing and, at the end, collects
    the specialized (adaptive) instructions, which only a run without tracing produces:
    measured, under settrace or sys.monitoring CPython specializes (almost) nothing.
    """
    out_dir, max_steps, max_output, mode, script, *args = argv
    out = Path(out_dir)
    script_path = os.path.abspath(script)
    with open(script_path, "rb") as handle:
        source = handle.read()
    code = compile(source, script_path, "exec", dont_inherit=True)
    codes = [c for c, _ in walk_code(code)]
    recorder = Recorder(out, codes, int(max_steps))
    budget = [int(max_output)]
    real_stdout, real_stderr = sys.stdout, sys.stderr
    recorder.stdout = CountingStream(real_stdout, budget)
    recorder.stderr = CountingStream(real_stderr, budget)
    result: dict[str, Any] = {"status": "exited", "exit_code": 0}
    started = time.perf_counter()

    def finish(status: str, exit_code: int) -> None:
        result["status"] = status
        result["exit_code"] = exit_code
        result["seconds"] = time.perf_counter() - started
        result["steps"] = recorder.step_count
        result["lines"] = recorder.line_count
        if mode == "plain":
            result["specialized"] = _specialized(codes)
        with open(out / RESULT_FILE, "w", encoding="utf-8") as handle:
            json.dump(result, handle)

    real_exit = os._exit

    def save_and_exit(status: str, exit_code: int) -> None:
        """Save everything recorded, then end the process at once."""
        remove()
        recorder.close()
        recorder.stdout.flush()  # type: ignore[union-attr]
        recorder.stderr.flush()  # type: ignore[union-attr]
        finish(status, exit_code)
        real_stdout.flush()
        real_stderr.flush()
        real_exit(exit_code)

    # At the step limit, ending the process is the only way user code cannot catch and
    # carry on; and os._exit skips every finally and flush, so save before it too.
    recorder.on_limit = lambda: save_and_exit("step-limit", 0)
    os._exit = lambda status: save_and_exit("exited", status)  # type: ignore[assignment,return-value]
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(
        {"__file__": script_path, "__builtins__": builtins, "__cached__": None}
    )
    sys.modules["__main__"] = main_module
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script_path)
    sys.stdout, sys.stderr = recorder.stdout, recorder.stderr  # type: ignore[assignment]
    if mode == "record":
        install = _install_monitoring if sys.version_info >= (3, 12) else _install_settrace
        remove = install(recorder)
    else:

        def remove() -> None:
            """Nothing was installed."""

    status, exit_code = "exited", 0
    try:
        exec(code, main_module.__dict__)
    except SystemExit as exc:
        remove()
        exit_code = _exit_code(exc)
    except BaseException as exc:  # the program's own uncaught exception
        remove()
        status, exit_code = "exception", 1
        result["exception"] = _describe(exc, recorder.index)
        # As Python prints it, without the recorder's own frame.
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
    else:
        remove()
    os._exit = real_exit
    recorder.close()
    sys.stdout.flush()
    sys.stderr.flush()
    finish(status, exit_code)
    return exit_code


def _specialized(codes: list[types.CodeType]) -> dict[str, list[tuple[int, str]]]:
    """Per code id, the (offset, specialized name) of instructions the run specialized."""
    import dis

    found: dict[str, list[tuple[int, str]]] = {}
    for code_id, code in enumerate(codes):
        plain = {i.offset: i.opname for i in dis.get_instructions(code)}
        changed = [
            (i.offset, i.opname)
            for i in dis.get_instructions(code, adaptive=True)
            if i.offset in plain and i.opname != plain[i.offset]
        ]
        if changed:
            found[str(code_id)] = changed
    return found


def _exit_code(exc: SystemExit) -> int:
    """The process status ``sys.exit(value)`` asks for, printing a non-int value as Python does."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _describe(exc: BaseException, index: dict[types.CodeType, int]) -> dict[str, Any]:
    """Type, message and the file's own frames (code id, offset, line), outermost first."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        found = index.get(tb.tb_frame.f_code)
        if found is not None:
            frames.append((found, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    return {"type": type(exc).__name__, "message": str(exc), "frames": frames}


def cli() -> None:
    """The child's entry point: record, then leave without interpreter teardown.

    Started as ``python -c "from tui_exec.core.trace import cli; cli()" ARGS``: measured, the
    same code run as ``python -m tui_exec.core.trace`` records 2.3x slower per event.
    """
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Atexit handlers and the program's threads already ran (exec returned); tracing must
    # not record the interpreter's shutdown.
    os._exit(code)


if __name__ == "__main__":
    cli()
