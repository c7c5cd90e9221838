"""``tui-exec run``: the recording F5 makes, printed for scripts (JSON) or people (text).

The JSON is written step by step: a run of two million steps is a few hundred megabytes of
JSON, and building it as one object first would take gigabytes.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, TextIO

from .core import Analysis, analyze
from .core.objects import ObjectInfo
from .core.run import (
    DOES_NOT_COMPILE,
    LineRecord,
    ProgramRun,
    RunLimits,
    RunResult,
    compile_error_report,
)

# How a run ended, in the words of the JSON's "exit.reason".
_REASONS = {
    "exited": "exited",
    "exception": "exception",
    "timeout": "time-limit",
    "step-limit": "step-limit",
    "output-limit": "output-limit",
    "signal": "signal",
    "stopped": "stopped",
    "failed": "cannot-start",
}


def record_run(
    data: bytes,
    name: str,
    *,
    path: str | None,
    limits: RunLimits,
    stdin: bytes = b"",
    args: tuple[str, ...] = (),
    stack_values: bool = False,
) -> tuple[Analysis, RunResult]:
    """Analyse the program and run it exactly as F5 does (the file's own folder and name;
    a program from stdin runs from a temporary folder)."""
    analysis = analyze(data, name)
    if not analysis.compiled:
        shown = os.path.abspath(path) if path is not None else name
        report = compile_error_report(data, shown)
        if report is None:  # mutation: equivalent (the analysis and compile() agree)
            report = "\n".join(error.describe() for error in analysis.errors) + "\n"
        return analysis, RunResult.does_not_compile(report)
    program = ProgramRun(
        path or "program.py",
        source=data if path is None else None,
        stdin=stdin,
        limits=limits,
        args=args,
        stack_values=stack_values,
    )
    try:
        program.start()
    except OSError as exc:
        program.cleanup()
        return analysis, RunResult.cannot_start(f"could not start Python: {exc}")
    return analysis, program.wait()


# What ``tui-exec run`` exits with when the program did not exit by itself.
EXIT_CANNOT_READ = 2
"""FILE (or --stdin's file) cannot be read."""
EXIT_LIMIT = 124
"""A limit ended the run (time, steps or output), as the shell's ``timeout`` says."""
EXIT_CANNOT_START = 126
"""Python could not be started, or could not run FILE."""
EXIT_SIGNAL_BASE = 128
"""Killed by signal N: 128 + N (137 for SIGKILL), as a shell says."""
EXIT_STATUSES = f"""\
exit status:
  N      the program's own status when it exited (0 when it ended normally)
  1      an uncaught exception, or FILE does not compile (as python FILE)
  {EXIT_CANNOT_READ}      FILE cannot be read
  {EXIT_LIMIT}    a limit ended the run: --time-limit, --step-limit or --output-limit
  {EXIT_CANNOT_START}    Python could not be started, or could not run FILE
  128+N  the program was killed by signal N (137 for SIGKILL)
Unless the program exited, a line on standard error says how the run ended, and the
JSON's exit.status is null."""


def exit_status(result: RunResult) -> int:
    """What ``tui-exec run`` exits with (see :data:`EXIT_STATUSES`)."""
    if result.status in ("exited", "exception") and result.exit_code is not None:
        return result.exit_code
    if result.status in ("timeout", "step-limit", "output-limit"):
        return EXIT_LIMIT
    if result.status == "signal" and result.signal_number is not None:
        return EXIT_SIGNAL_BASE + result.signal_number
    if result.status == "failed" and not result.detail.startswith(DOES_NOT_COMPILE):
        return EXIT_CANNOT_START
    return 1


def ending_note(result: RunResult, name: str) -> str:
    """For standard error: how a run that did not exit by itself ended, and the status
    ``tui-exec run`` gives it; empty when the program exited."""
    if result.status in ("exited", "exception"):
        return ""
    how = result.detail or result.status
    if how.startswith(DOES_NOT_COMPILE):  # what python prints is in the recording's stderr
        how = DOES_NOT_COMPILE
    return f"tui-exec: {name}: {how} (exit status {exit_status(result)})"


def write_json(
    analysis: Analysis, result: RunResult, out: TextIO, *, stack_values: bool = False
) -> None:
    """The recording as JSON, in the shape ``tui-exec run --format json`` documents; with
    ``stack_values``, each step has its ``stack`` (null where it was not read) and the
    head says whether values were read (``stack_values``: ``recorded``, ``why`` not)."""
    dumps = json.dumps
    head = {
        "python": analysis.python,
        "exit": {
            "reason": _REASONS.get(result.status, result.status),
            "status": result.exit_code,
            "seconds": round(result.seconds, 6),
        },
        "stdout": result.stdout,
        "stderr": result.stderr,
        "code_objects": [
            {
                "id": code.id,
                "qualname": code.qualname,
                "firstlineno": code.firstlineno,
                "instructions": [
                    {"offset": ins.offset, "opname": ins.opname}
                    for ins in analysis.instructions[code.first_instruction : code.end_instruction]
                ],
            }
            for code in analysis.code_objects
        ],
    }
    if result.detail:
        head["exit"]["detail"] = result.detail  # type: ignore[index]
    stacks = result.stacks if stack_values else None
    if stack_values:
        head["stack_values"] = {"recorded": stacks is not None, "why": result.stacks_note}
    out.write(dumps(head)[:-1])  # the steps and snapshots follow inside the same object
    out.write(', "steps": [')
    for number, (code, offset, line, frames, _) in enumerate(_steps(analysis, result)):
        step: dict[str, Any] = {"code": code, "offset": offset, "line": line, "frames": frames}
        if stack_values:
            values = stacks.at(number) if stacks is not None else None
            step["stack"] = (
                None if values is None else [{"repr": v.repr, "type": v.type} for v in values]
            )
        out.write(("," if number else "") + dumps(step))
    out.write('], "snapshots": [')
    for number, record in enumerate(result.lines):
        snapshot = {
            "step": record.step,
            "locals": dict(record.locals),
            "objects": [_object_json(info) for info in record.snapshot.objects.values()],
        }
        out.write(("," if number else "") + dumps(snapshot))
    out.write("]}\n")


def write_text(
    analysis: Analysis, result: RunResult, out: TextIO, *, stack_values: bool = False
) -> None:
    """The recording for people: how it ended, the output, one line per step (with
    ``stack_values``, the value stack before each step, bottom first)."""
    out.write(f"# {analysis.filename}: Python {analysis.python}, {result.describe()}\n")
    stacks = result.stacks if stack_values else None
    if stack_values and stacks is None:
        out.write(f"# no stack values: {result.stacks_note or 'none were recorded'}\n")
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if text:
            out.write(f"== {name}\n{text}" + ("" if text.endswith("\n") else "\n"))
    out.write("== steps (step: code object @offset opname, line; the frames' variables)\n")
    starts = [record.step for record in result.lines]
    shown = -1
    names = [code.qualname for code in analysis.code_objects]
    for step, (code, offset, line, _, opname) in enumerate(_steps(analysis, result)):
        i = bisect_right(starts, step) - 1
        if i > shown and i >= 0 and result.lines[i].step == step:
            shown = i
            out.write(f"          {_locals_text(result.lines[i])}\n")
        qualname = names[code] if code < len(names) else "?"
        where = f", line {line}" if line is not None else ""
        shown_stack = ""
        if stacks is not None:
            values = stacks.at(step)
            shown_stack = (
                "  ["
                + ("?" if values is None else " | ".join(v.repr or "NULL" for v in values))
                + "]"
            )
        out.write(f"{step:>8}: {qualname} @{offset} {opname}{where}{shown_stack}\n")


def _steps(
    analysis: Analysis, result: RunResult
) -> Iterator[tuple[int, int, int | None, list[int], str]]:
    """Per step: code id, offset, the instruction's line, the frames' code ids (outermost
    first) and the opname."""
    known = {(ins.code, ins.offset): (ins.line, ins.opname) for ins in analysis.instructions}
    records = result.lines
    starts = [record.step for record in records]
    steps = result.steps
    shown = -1
    stack: tuple[int, ...] = ()
    for step in range(result.step_count):
        code, offset = int(steps[2 * step]), int(steps[2 * step + 1])
        i = bisect_right(starts, step) - 1
        if i != shown and i >= 0:  # a record is decoded once, not once per step
            shown, stack = i, records[i].stack
        frames = list(stack) if i >= 0 else [code]
        line, opname = known.get((code, offset), (None, "?"))
        yield code, offset, line, frames, opname


def _object_json(info: ObjectInfo) -> dict[str, Any]:
    """One object a snapshot's variables reach: who is bound to it and what it holds."""
    items = None
    if info.items is not None:
        items = [
            {"label": label, "value": None if ref is not None else text, "ref": ref}
            for label, text, ref in info.items
        ]
    return {
        "id": info.id,
        "type": info.type,
        "names": list(info.names),
        "callers": [{"code": code, "name": name} for code, name in info.callers],
        "size": None if info.size < 0 else info.size,
        "text": info.text,
        "items": items,
    }


def _locals_text(record: LineRecord) -> str:
    shown: list[Any] = [f"{name}={value}" for name, value in record.locals]
    return "(" + (", ".join(shown) or "no variables") + ")"
