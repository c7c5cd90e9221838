"""Instructions against dis itself: jump targets and the instructions jumped to."""

from __future__ import annotations

import dis
import sys

from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code

PROGRAM = """\
def f(items):
    total = 0
    for item in items:
        if item > 2 and item % 2:
            continue
        while total < item:
            total += 1
    return total if total else None
"""


def test_jump_targets_match_dis() -> None:
    analysis = analyze(PROGRAM)
    assert analysis.module_code is not None
    expected = []
    for code, _ in walk_code(analysis.module_code):
        for ins in dis.get_instructions(code):
            if sys.version_info >= (3, 13):
                target = ins.jump_target  # type: ignore[attr-defined]
            else:
                target = ins.argval if ins.opcode in dis.hasjrel + dis.hasjabs else None
            expected.append((ins.offset, target, ins.is_jump_target))
    found = [(i.offset, i.jump_target, i.is_jump_target) for i in analysis.instructions]
    assert found == expected
    assert any(target is not None for _, target, _ in found)  # the program has jumps
    assert any(is_target for _, _, is_target in found)
