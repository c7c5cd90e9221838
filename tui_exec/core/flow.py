"""Control flow of one code object: jump edges, basic blocks, exception handlers, arrow gutter.

Public API (used by the bytecode pane)::

    code_flow(analysis, code_id, lanes=4) -> Flow
    exception_handlers(analysis, code_id) -> tuple[Handler, ...]

Computed on demand per code object from what the analysis already holds (each instruction's
``jump_target`` and the parsed ``co_exceptiontable``), so ``analyze()`` pays nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .bytecode import NOT_A_JUMP
from .stack import NO_FALL_THROUGH, ExceptionEntry, exception_table_for

if TYPE_CHECKING:
    from .analysis import Analysis


# Box-drawing character for each set of directions a gutter cell connects.
_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8
_BOX = {
    0: " ",
    _UP | _DOWN: "│",
    _LEFT | _RIGHT: "─",
    _DOWN | _RIGHT: "┌",
    _UP | _RIGHT: "└",
    _UP | _DOWN | _RIGHT: "├",
    _UP | _DOWN | _LEFT | _RIGHT: "┼",
    _DOWN | _LEFT | _RIGHT: "┬",
    _UP | _LEFT | _RIGHT: "┴",
    _DOWN | _LEFT: "┐",
    _UP | _LEFT: "┘",
    _UP | _DOWN | _LEFT: "┤",
    _RIGHT: "╶",
    _LEFT: "╴",
    _UP: "╵",
    _DOWN: "╷",
}
ARRIVES = "►"
"""Gutter head where a jump lands (on the target row)."""
FAR = "→"
"""Gutter head of a jump that found no free lane: its argument names the target instead."""


class Arrow(NamedTuple):
    """The jumps to one target, drawn as one trunk in one lane from ``top`` to ``bottom``."""

    target: int
    sources: tuple[int, ...]
    lane: int
    """0 is the lane next to the instructions; larger lanes are further left."""
    top: int
    bottom: int
    """Instruction ids of the trunk's ends (the target is one of them, or between them)."""


class Handler(NamedTuple):
    """One exception-table entry in instruction ids: an exception raised by ``first..last``
    (inclusive) goes to ``target`` with the stack cut to ``depth`` entries (plus the offset
    it was raised at when ``lasti``), then the exception pushed."""

    first: int
    last: int
    target: int
    depth: int
    lasti: bool
    entry: ExceptionEntry
    """The same entry in byte offsets, as ``co_exceptiontable`` holds it."""


@dataclass(frozen=True, slots=True)
class Flow:
    """Control flow of one code object. Tuples are indexed by instruction id minus ``first``."""

    code: int
    first: int
    """Id of the code object's first instruction."""
    targets: tuple[int | None, ...]
    """Instruction id each jump may go to; None for instructions that do not jump."""
    block_starts: frozenset[int]
    """Instruction ids that start a basic block."""
    handlers: tuple[Handler, ...]
    gutter: tuple[str, ...]
    """Each row's arrow characters, ``lanes + 1`` cells: the lanes, then the arrow head."""
    owners: tuple[bytes, ...]
    """Each gutter cell's lane plus one (0: empty), to colour a lane's arrows alike."""
    arrows: tuple[Arrow, ...]
    far: frozenset[int]
    """Jumps (instruction ids) drawn without an arrow: every lane was taken along their way."""
    lanes: int

    def target_of(self, instruction_id: int) -> int | None:
        """Where ``instruction_id`` may jump to (an instruction id), or None."""
        return self.targets[instruction_id - self.first]

    def ends_block(self, instruction_id: int) -> bool:
        """Whether the next instruction of this code object starts a new basic block."""
        following = instruction_id + 1
        return following - self.first < len(self.targets) and following in self.block_starts

    def arrow_at(self, instruction_id: int) -> Arrow | None:
        """The arrow of the jump ``instruction_id`` makes, else of the jumps landing on it."""
        landing = None
        for arrow in self.arrows:
            if instruction_id in arrow.sources:
                return arrow
            if arrow.target == instruction_id:
                landing = arrow
        return landing

    def handlers_at(self, instruction_id: int) -> tuple[Handler, ...]:
        """The entries whose handler starts at ``instruction_id``."""
        return tuple(h for h in self.handlers if h.target == instruction_id)


def code_flow(analysis: Analysis, code_id: int, lanes: int = 4) -> Flow:
    """The control flow of code object ``code_id``, with arrows in at most ``lanes`` lanes."""
    code = analysis.code_objects[code_id]
    first = code.first_instruction
    rows = analysis.instructions[first : code.end_instruction]
    offsets = [ins.offset for ins in rows]
    at_offset = {offset: i for i, offset in enumerate(offsets)}
    targets: list[int | None] = [None] * len(rows)
    starts = {0} if rows else set()
    for i, ins in enumerate(rows):
        if ins.jump_target is not None and ins.opname not in NOT_A_JUMP:
            target = at_offset.get(ins.jump_target)
            if target is not None:
                targets[i] = first + target
                starts.add(target)
            starts.add(i + 1)
        elif ins.opname in NO_FALL_THROUGH:
            starts.add(i + 1)
    handlers = exception_handlers(analysis, code_id)
    starts.update(h.target - first for h in handlers)
    gutter, owners, arrows, far = _draw(targets, first, lanes)
    return Flow(
        code_id,
        first,
        tuple(targets),
        frozenset(first + i for i in starts if i < len(rows)),
        handlers,
        gutter,
        owners,
        arrows,
        far,
        lanes,
    )


def exception_handlers(analysis: Analysis, code_id: int) -> tuple[Handler, ...]:
    """The exception table of code object ``code_id`` in instruction ids, in table order."""
    code = analysis.code_objects[code_id]
    first = code.first_instruction
    offsets = [ins.offset for ins in analysis.instructions[first : code.end_instruction]]
    handlers = []
    for entry in exception_table_for(analysis, code_id):
        lo = bisect_left(offsets, entry.start)
        hi = bisect_left(offsets, entry.end) - 1
        target = bisect_left(offsets, entry.target)
        if hi < lo or target == len(offsets) or offsets[target] != entry.target:
            continue
        handlers.append(
            Handler(first + lo, first + hi, first + target, entry.depth, entry.lasti, entry)
        )
    return tuple(handlers)


def _draw(
    targets: list[int | None], first: int, lanes: int
) -> tuple[tuple[str, ...], tuple[bytes, ...], tuple[Arrow, ...], frozenset[int]]:
    """Give each jump target's arrows one lane, nearest jumps innermost, and draw them."""
    # All jumps to one target share a lane: a trunk from the farthest source to the target.
    bundles: dict[int, list[int]] = {}
    for source, target in enumerate(targets):
        if target is not None:
            bundles.setdefault(target - first, []).append(source)
    spans = []
    for target, sources in bundles.items():
        lo, hi = min(target, *sources), max(target, *sources)
        spans.append((hi - lo, lo, hi, target, sources))
    spans.sort()
    taken: list[list[tuple[int, int]]] = [[] for _ in range(lanes)]  # sorted (lo, hi) per lane
    width = lanes + 1
    n = len(targets)
    cells = [[0] * width for _ in range(n)]
    owner = [bytearray(width) for _ in range(n)]
    heads = [""] * n
    far: set[int] = set()
    arrows: list[Arrow] = []
    for _, lo, hi, target, sources in spans:
        lane = next((k for k in range(lanes) if _free(taken[k], lo, hi)), None)
        if lane is None:
            far.update(first + s for s in sources)
            for s in sources:
                heads[s] = heads[s] or FAR
            heads[target] = ARRIVES
            continue
        intervals = taken[lane]
        intervals.insert(bisect_left(intervals, (lo, hi)), (lo, hi))
        arrows.append(
            Arrow(first + target, tuple(first + s for s in sources), lane, first + lo, first + hi)
        )
        column = width - 2 - lane
        ends = {target, *sources}
        for row in range(lo, hi + 1):
            mask = (_DOWN if row < hi else 0) | (_UP if row > lo else 0)
            if row in ends:
                mask |= _RIGHT
                line, mark = cells[row], owner[row]
                for c in range(column + 1, width - 1):
                    line[c] |= _LEFT | _RIGHT
                    mark[c] = mark[c] or lane + 1
                mark[width - 1] = lane + 1 if row == target or not heads[row] else mark[width - 1]
                heads[row] = ARRIVES if row == target else heads[row] or "─"
            cells[row][column] |= mask
            owner[row][column] = lane + 1
    gutter = tuple(
        "".join(_BOX[m] for m in line[:-1]) + (heads[row] or " ") for row, line in enumerate(cells)
    )
    return gutter, tuple(bytes(mark) for mark in owner), tuple(arrows), frozenset(far)


def _free(intervals: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether closed interval ``lo..hi`` overlaps none of the sorted, disjoint ``intervals``."""
    i = bisect_left(intervals, (lo, hi))
    if i < len(intervals) and intervals[i][0] <= hi:
        return False
    return not (i > 0 and intervals[i - 1][1] >= lo)
