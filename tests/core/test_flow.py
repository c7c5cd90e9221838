"""Control flow: jump targets, block starts and handlers checked against dis; lanes never clash."""

from __future__ import annotations

import dis
import sys
from pathlib import Path
from types import CodeType

import pytest

from tests.core.reference import NEVER_JUMPS, NO_FALL_THROUGH
from tests.core.stdlib_files import stdlib_files
from tui_exec.core import Analysis, analyze
from tui_exec.core.bytecode import walk_code
from tui_exec.core.flow import ARRIVES, Flow, code_flow

V = sys.version_info[:2]
JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
LOOP = """\
def f(xs):
    total = 0
    for x in xs:
        if x > 2:
            continue
        total += x
    return total
"""


def dis_target(ins: dis.Instruction) -> int | None:
    """The byte offset dis says a jump goes to."""
    if ins.opcode not in JUMPS or ins.opname in NEVER_JUMPS:
        return None
    return ins.jump_target if V >= (3, 13) else ins.argval  # type: ignore[attr-defined]


def check_against_dis(analysis: Analysis) -> None:
    assert analysis.module_code is not None
    for code_id, (code, _) in enumerate(walk_code(analysis.module_code)):
        flow = code_flow(analysis, code_id)
        check_code(analysis, code, flow)
        check_lanes(flow)


def check_code(analysis: Analysis, code: CodeType, flow: Flow) -> None:
    listed = list(dis.get_instructions(code))
    ids = {ins.offset: flow.first + i for i, ins in enumerate(listed)}
    assert [analysis.instructions[i].offset for i in ids.values()] == list(ids)
    table = dis._parse_exception_table(code)  # type: ignore[attr-defined]
    expected_starts = {listed[0].offset} | {entry.target for entry in table}
    for i, ins in enumerate(listed):
        target = dis_target(ins)
        ours = flow.target_of(ids[ins.offset])
        assert ours == (None if target is None else ids[target]), (code.co_name, ins)
        if target is not None:
            expected_starts.add(target)
        if (target is not None or ins.opname in NO_FALL_THROUGH) and i + 1 < len(listed):
            expected_starts.add(listed[i + 1].offset)
        # dis marks every jump and handler target: each starts a block.
        if ins.is_jump_target:
            assert ids[ins.offset] in flow.block_starts
    assert flow.block_starts == {ids[offset] for offset in expected_starts}
    assert [
        (h.entry.start, h.entry.end, h.entry.target, h.depth, h.lasti) for h in flow.handlers
    ] == [(e.start, e.end, e.target, e.depth, e.lasti) for e in table]
    for handler, entry in zip(flow.handlers, table, strict=True):
        protected = [ids[ins.offset] for ins in listed if entry.start <= ins.offset < entry.end]
        assert (handler.first, handler.last) == (protected[0], protected[-1])
        assert handler.target == ids[entry.target]


def check_lanes(flow: Flow) -> None:
    """Arrows in one lane never share a row; a jump goes far only when every lane was taken."""
    by_lane: dict[int, list[tuple[int, int]]] = {}
    drawn = set()
    for arrow in flow.arrows:
        by_lane.setdefault(arrow.lane, []).append((arrow.top, arrow.bottom))
        ends = {arrow.target, *arrow.sources}
        assert (arrow.top, arrow.bottom) == (min(ends), max(ends))
        drawn.update(arrow.sources)
        column = flow.lanes - 1 - arrow.lane
        for row in range(arrow.top, arrow.bottom + 1):
            cells = flow.gutter[row - flow.first]
            assert cells[column] != " "
            assert flow.owners[row - flow.first][column] == arrow.lane + 1
        assert flow.gutter[arrow.target - flow.first][-1] == ARRIVES
    for intervals in by_lane.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert end < start
    jumps = {flow.first + i for i, t in enumerate(flow.targets) if t is not None}
    assert drawn | flow.far == jumps and not drawn & flow.far
    far_bundles: dict[int, set[int]] = {}
    for source in flow.far:
        target = flow.target_of(source)
        assert target is not None
        far_bundles.setdefault(target, {target}).add(source)
    for ends in far_bundles.values():
        lo, hi = min(ends), max(ends)
        assert len({a.lane for a in flow.arrows if a.top <= hi and lo <= a.bottom}) == flow.lanes


def rows(analysis: Analysis, flow: Flow) -> list[str]:
    code = analysis.code_objects[flow.code]
    return [
        f"{flow.gutter[i - flow.first]} {analysis.instructions[i].opname}"
        for i in code.instruction_ids
    ]


def test_a_loop_with_continue_draws_two_arrows_to_its_head() -> None:
    analysis = analyze(LOOP)
    flow = code_flow(analysis, 1)
    code = analysis.code_objects[1]
    ops = [analysis.instructions[i].opname for i in code.instruction_ids]
    head = code.first_instruction + ops.index("FOR_ITER")
    back = [i for i in code.instruction_ids if flow.target_of(i) == head]
    # `continue` and the end of the body both go back to FOR_ITER: one trunk, two sources.
    assert len(back) == 2
    (arrow,) = [a for a in flow.arrows if a.target == head]
    assert arrow.sources == tuple(back)
    lines = rows(analysis, flow)
    column = flow.lanes - 1 - arrow.lane
    assert lines[head - flow.first][column] in "┌┬"
    assert lines[head - flow.first][flow.lanes] == ARRIVES
    assert lines[back[0] - flow.first][column] in "├┼"
    assert lines[back[-1] - flow.first][column] == "└"
    assert lines[back[-1] - flow.first][flow.lanes] == "─"
    # The loop's exit leaves FOR_ITER for the instruction after the loop.
    exit_target = flow.target_of(head)
    assert exit_target is not None and exit_target > back[-1]
    # The arrow at a row: the jump it makes first (FOR_ITER's exit), else the ones landing.
    assert flow.arrow_at(back[0]) == arrow
    exit_arrow = flow.arrow_at(head)
    assert exit_arrow is not None and exit_arrow.target == exit_target
    assert flow.arrow_at(head + 1) is None
    check_against_dis(analysis)


def test_try_except_handlers() -> None:
    analysis = analyze("try:\n    f()\nexcept ValueError as e:\n    g(e)\n")
    flow = code_flow(analysis, 0)
    ops = {i: analysis.instructions[i].opname for i in range(len(analysis.instructions))}
    handler = flow.handlers[0]
    assert ops[handler.target] == "PUSH_EXC_INFO"
    assert handler.depth == 0 and not handler.lasti
    assert "CALL" in {ops[i] for i in range(handler.first, handler.last + 1)}
    assert flow.handlers_at(handler.target) == (handler,)
    check_against_dis(analysis)


def test_too_many_crossing_jumps_go_far() -> None:
    # Each `if` jumps past the rest of its chain: nested forward jumps, more than 4 deep.
    source = "".join(f"{'    ' * i}if a{i}:\n" for i in range(7)) + "    " * 7 + "f()\n"
    analysis = analyze(source)
    flow = code_flow(analysis, 0, lanes=2)
    assert flow.far
    check_lanes(flow)


@pytest.mark.parametrize(
    "name", ["typing.py", "contextlib.py", "asyncio/tasks.py", "test/test_patma.py"]
)
def test_stdlib_files_agree_with_dis(name: str) -> None:
    path = Path(dis.__file__).parent / name
    check_against_dis(analyze(path.read_bytes(), str(path)))


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_the_stdlib_agrees_with_dis() -> None:
    """Every 4th file of the stdlib: well under two minutes, and still ~450 files."""
    for path in stdlib_files()[::4]:
        analysis = analyze(path.read_bytes(), str(path))
        if analysis.module_code is not None:
            check_against_dis(analysis)
