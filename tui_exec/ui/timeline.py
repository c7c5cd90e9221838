"""A finished run laid over the analysis it ran: what the Run pane steps through and searches."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from functools import cached_property
from itertools import compress

from ..core import Analysis
from ..core.run import LineRecord, LineRecords, RunResult
from ..core.trace import NO_LINE


class Timeline:
    """A finished run laid over an analysis: step → instruction, line records, searches."""

    def __init__(self, analysis: Analysis, result: RunResult) -> None:
        self.analysis = analysis
        self.result = result
        self._by_offset: list[dict[int, int]] = [{} for _ in analysis.code_objects]
        for ins in analysis.instructions:
            self._by_offset[ins.code][ins.offset] = ins.id
        lines = result.lines
        self.records = lines if isinstance(lines, LineRecords) else LineRecords.of(lines)
        """The run's state records, with the columns stepping reads."""
        records = self.records
        # Every record holds the state at its step; those where a line starts also mark
        # where ↓ and ↑ stop and what the line counts count.
        self._line_steps = array("q", compress(records.steps, records.new_lines))

    @cached_property
    def instruction_counts(self) -> dict[int, int]:
        """How many times each instruction ran (counted when first shown: a 2M-step run
        takes a few hundred milliseconds)."""
        # Counted in C: each step is one 8-byte (code, offset) word.
        per_pair = Counter(memoryview(self.result.steps).cast("B").cast("Q"))
        counts: dict[int, int] = {}
        code_shift, offset_shift = (0, 32) if sys.byteorder == "little" else (32, 0)
        for pair, count in per_pair.items():
            code = (pair >> code_shift) & 0xFFFFFFFF
            if code < len(self._by_offset):
                found = self._by_offset[code].get((pair >> offset_shift) & 0xFFFFFFFF)
                if found is not None:
                    counts[found] = count
        return counts

    @cached_property
    def line_counts(self) -> dict[int, int]:
        """How many times each line started (counted when first shown)."""
        records = self.records
        counts = dict(Counter(compress(records.line_numbers, records.new_lines)))
        counts.pop(NO_LINE, None)  # records of instructions without a line
        return counts

    @cached_property
    def qualnames(self) -> list[str]:
        """Each code object's qualified name, by code id (listed once, not per frame drawn)."""
        return [code.qualname for code in self.analysis.code_objects]

    @cached_property
    def _raw(self) -> bytes:
        """The steps as bytes, to search (made when first searched: 16 MB for 2M steps)."""
        return self.result.steps.tobytes()

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
        """The state in force at ``step`` (the last record taken at or before it)."""
        i = self.records.last_at(step)
        return self.records[i] if i >= 0 else None

    def next_line(self, step: int, direction: int, *, into: bool = False) -> int | None:
        """The step where the next (or previous) line starts in the same frame, as a
        debugger's step over: a call on the line runs through, and leaving the frame stops
        in the caller (right after the return, even in the middle of its line). With
        ``into``: the next line wherever it runs, inside calls too."""
        if into:
            steps = self._line_steps
            i = bisect_right(steps, step)
            if direction < 0:
                i -= 2 if i and steps[i - 1] == step else 1
            return steps[i] if 0 <= i < len(steps) else None
        records = self.records
        steps, depths, new_lines = records.steps, records.depths, records.new_lines
        i = records.last_at(step)
        if i < 0:
            return steps[0] if steps and direction > 0 else None
        limit = depths[i]
        # Forwards from the record after this one; backwards from this one (the start of
        # the current line does not count when the step is that start).
        i += 1 if direction > 0 else 0
        while 0 <= i < len(steps):
            depth = depths[i]
            if depth < limit:
                if direction > 0:
                    return steps[i]  # the frame was left: stop in the caller
                limit = depth  # going back past the frame's start: now in the caller
            if new_lines[i] and depth <= limit and steps[i] != step:
                return steps[i]
            i += 1 if direction > 0 else -1
        return None

    def leave_call(self, step: int, direction: int) -> int | None:
        """Forwards: the caller's instruction right after the current call returns.
        Backwards: the caller's instruction that made the call (the step before the call's
        first)."""
        steps, depths = self.records.steps, self.records.depths
        i = self.records.last_at(step)
        if i < 0:
            return None
        depth = depths[i]
        if direction > 0:
            for j in range(i + 1, len(depths)):
                if depths[j] < depth:
                    return steps[j]
            return None
        while i > 0 and depths[i - 1] >= depth:
            i -= 1
        first = steps[i]  # where the current call began
        return first - 1 if i > 0 and first > 0 else None

    def notes_at(self, step: int) -> tuple[str, ...]:
        """What happened just before ``step``: returns, yields, exceptions (at the last
        step, also what followed it: an exception leaving every frame)."""
        if step == self.count - 1:
            return self._noted_at(step) + self._noted_at(self.count)
        return self._noted_at(step)

    def _noted_at(self, step: int) -> tuple[str, ...]:
        """The notes of the record taken right before ``step`` (after the last step: the
        events that ended the run), if one was."""
        i = self.records.last_at(step)
        return self.records.notes(i) if i >= 0 and self.records.steps[i] == step else ()

    def raises_at(self, step: int) -> bool:
        """Whether the instruction at ``step`` raised an exception (one not caught at once
        by its own instruction): the next step says so, or the run ended with it."""
        if step == self.count - 1 and self.result.status == "exception":
            return True
        return any(" raised in " in note for note in self._noted_at(step + 1))

    def next_event(self, step: int, direction: int) -> int | None:
        """The next (or previous) step that comes right after a return or an exception."""
        steps, noted = self.records.steps, self.records.noted
        if direction > 0:
            j = bisect_right(noted, self.records.last_at(step))
            # The events after the last step (the module returned, an exception ended the
            # run) are shown at the last step.
            found = min(steps[noted[j]], self.count - 1) if j < len(noted) else None
            return found if found is not None and found > step else None
        # Backwards: the last noted record before this step.
        j = bisect_left(noted, self.records.last_at(step - 1) + 1) - 1
        return steps[noted[j]] if j >= 0 else None

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
