"""The virtual machine at work: a timeline of executed instructions, and the program's output."""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Log

from ...core import Analysis
from ...core.run import LineRecord, RunLimits, RunResult


class Timeline:
    """A finished run laid over an analysis: step → instruction, line records, searches."""

    def __init__(self, analysis: Analysis, result: RunResult) -> None:
        self.analysis = analysis
        self.result = result
        self._by_offset: list[dict[int, int]] = [{} for _ in analysis.code_objects]
        for ins in analysis.instructions:
            self._by_offset[ins.code][ins.offset] = ins.id
        self._line_steps = [record.step for record in result.lines]
        self._raw = result.steps.tobytes()
        # Execution counts, counted in C: each step is one 8-byte (code, offset) word.
        per_pair = Counter(memoryview(self._raw).cast("Q"))
        self.instruction_counts: dict[int, int] = {}
        code_shift, offset_shift = (0, 32) if sys.byteorder == "little" else (32, 0)
        for pair, count in per_pair.items():
            code = (pair >> code_shift) & 0xFFFFFFFF
            if code < len(self._by_offset):
                found = self._by_offset[code].get((pair >> offset_shift) & 0xFFFFFFFF)
                if found is not None:
                    self.instruction_counts[found] = count
        self.line_counts: dict[int, int] = dict(Counter(r.line for r in result.lines))

    @property
    def count(self) -> int:
        """Steps recorded."""
        return self.result.step_count

    def instruction(self, step: int) -> int | None:
        """The instruction id executed at ``step`` (None if the analysis does not have it)."""
        steps = self.result.steps
        code: int = steps[2 * step]
        if code >= len(self._by_offset):
            return None
        return self._by_offset[code].get(int(steps[2 * step + 1]))

    def record(self, step: int) -> LineRecord | None:
        """The line record in force at ``step`` (the last one taken at or before it)."""
        i = bisect_right(self._line_steps, step) - 1
        return self.result.lines[i] if i >= 0 else None

    def next_line(self, step: int, direction: int) -> int | None:
        """The step where the next (or previous) line starts."""
        i = bisect_right(self._line_steps, step)
        if direction > 0:
            return self._line_steps[i] if i < len(self._line_steps) else None
        i -= 2 if i and self._line_steps[i - 1] == step else 1
        return self._line_steps[i] if i >= 0 else None

    def leave_call(self, step: int, direction: int) -> int | None:
        """Forwards: the first line after the current call returns. Backwards: the caller's
        line that made this call."""
        here = self.record(step)
        if here is None:
            return None
        depth = len(here.stack)
        lines = self.result.lines
        i = bisect_right(self._line_steps, step) - 1
        i += direction
        while 0 <= i < len(lines):
            if len(lines[i].stack) < depth:
                return lines[i].step
            i += direction
        return None

    def next_run_of(self, instruction_id: int, after: int) -> int | None:
        """The next step after ``after`` that executes ``instruction_id`` (wrapping around)."""
        ins = self.analysis.instructions[instruction_id]
        pattern = (ins.code).to_bytes(4, "little") + (ins.offset).to_bytes(4, "little")
        raw = self._raw
        for start, stop in (((after + 1) * 8, len(raw)), (0, (after + 1) * 8)):
            position = raw.find(pattern, start, stop)
            while position >= 0 and position % 8:
                position = raw.find(pattern, position + 1, stop)
            if position >= 0:
                return position // 8
        return None


class RunPane(Widget, can_focus=True):
    """Step through the recorded run: the instruction, call stack, locals and output so far."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", "Next step", show=False, id="run.next_step"),
        Binding("left", "step(-1)", "Previous step", show=False, id="run.previous_step"),
        Binding("down", "line(1)", "Next line", show=False, id="run.next_line"),
        Binding("up", "line(-1)", "Previous line", show=False, id="run.previous_line"),
        Binding("pagedown", "call(1)", "Step out of the call", show=False, id="run.call_out"),
        Binding("pageup", "call(-1)", "Back to the call site", show=False, id="run.call_back"),
        Binding("home", "edge(0)", "First step", show=False, id="run.first"),
        Binding("end", "edge(1)", "Last step", show=False, id="run.last"),
    ]

    @dataclass
    class StepChanged(Message):
        """The user moved to another step."""

        pane: RunPane
        step: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, RunPane.StepChanged)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline: Timeline | None = None
        self.step = 0
        self.status = ""

    def show_timeline(self, timeline: Timeline | None, status: str) -> None:
        """Show a finished run (or None while running / before any run)."""
        self.timeline = timeline
        self.status = status
        self.step = 0
        self.refresh()

    def go(self, step: int, *, user: bool) -> None:
        """Move to ``step`` (clamped)."""
        if self.timeline is None or not self.timeline.count:
            return
        self.step = max(0, min(step, self.timeline.count - 1))
        self.refresh()
        if user:
            self.post_message(self.StepChanged(self, self.step))

    def action_step(self, delta: int) -> None:
        """One instruction forwards or back."""
        self.go(self.step + delta, user=True)

    def action_line(self, direction: int) -> None:
        """To the start of the next or previous line."""
        if self.timeline is not None:
            target = self.timeline.next_line(self.step, direction)
            if target is not None:
                self.go(target, user=True)

    def action_call(self, direction: int) -> None:
        """Out of the current call, forwards or back."""
        if self.timeline is not None:
            target = self.timeline.leave_call(self.step, direction)
            if target is not None:
                self.go(target, user=True)

    def action_edge(self, end: int) -> None:
        """To the first or last step."""
        if self.timeline is not None:
            self.go(self.timeline.count - 1 if end else 0, user=True)

    def render(self) -> RenderableType:
        timeline = self.timeline
        if timeline is None:
            return Text(self.status or "Press F5 to run the program.", style="italic")
        analysis = timeline.analysis
        heading = Text(no_wrap=True, overflow="ellipsis")
        if not timeline.count:
            hint = (
                "Ran without recording (F7): no timeline. Press s to see the bytecode as "
                "CPython specialized it while running."
                if timeline.result.specialized or not timeline.result.steps
                else "No instruction of this file was recorded."
            )
            return Group(Text(self.status), Text(hint, style="italic"))
        heading.append(f"Step {self.step + 1:,} / {timeline.count:,}  ", style="bold")
        instruction = timeline.instruction(self.step)
        record = timeline.record(self.step)
        if instruction is not None:
            ins = analysis.instructions[instruction]
            code = analysis.code_objects[ins.code]
            heading.append(f"{ins.opname} {ins.argrepr}".rstrip(), style="bold")
            where = f" @{ins.offset} in {code.qualname}"
            if record is not None:
                where += f", line {record.line}"
            heading.append(where)
        parts: list[RenderableType] = [heading, Text(self.status, style="italic")]
        if record is not None:
            names = [analysis.code_objects[c].qualname for c in record.stack]
            parts.append(Text.assemble(("Call stack  ", "bold"), " → ".join(names) or "-"))
            table = Table.grid(padding=(0, 1))
            table.add_column(style="bold", no_wrap=True)
            table.add_column(no_wrap=True, overflow="ellipsis")
            for name, value in record.locals:
                table.add_row(name, value)
            parts.append(Text("Locals", style="bold"))
            parts.append(table if record.locals else Text("(none)", style="italic"))
            written = timeline.result.stdout[: record.stdout]
            tail = written.splitlines()[-5:]
            parts.append(Text(f"Output so far ({record.stdout:,} characters)", style="bold"))
            parts.append(Text("\n".join(tail) or "(nothing yet)", no_wrap=True))
        return Group(*parts)


class OutputPane(Log):
    """The complete stdout and stderr of the last run, and how it ended."""

    def show_result(self, result: RunResult, limits: RunLimits) -> None:
        """Replace the text with ``result``'s output."""
        self.clear()
        lines: list[str] = []
        if result.stdout:
            lines.append("── stdout " + "─" * 30)
            lines.extend(result.stdout.splitlines())
        if result.stderr:
            lines.append("── stderr " + "─" * 30)
            lines.extend(result.stderr.splitlines())
        if not result.stdout and not result.stderr:
            lines.append("(no output)")
        lines.append("── " + result.describe())
        self.write_lines(lines)
        self.scroll_end(animate=False)

    def show_running(self, seconds: float, limits: RunLimits) -> None:
        """A one-line note while the program runs."""
        self.clear()
        self.write_lines(
            [
                f"Running… {seconds:.1f} s. Press F5 to stop.",
                f"Limits: {limits.wall_time:g} s, {limits.max_output:,} characters of output, "
                f"{limits.max_steps:,} recorded steps (see tui-exec --help to change them).",
            ]
        )
