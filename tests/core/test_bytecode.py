"""Instructions against dis itself: jump targets, the instructions jumped to, and spans."""

from __future__ import annotations

import dis
import sys
from types import CodeType

from tui_exec.core import Span, analyze

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


def _codes_in_preorder(code: CodeType) -> list[CodeType]:
    """The module, then each nested code object (co_consts order), depth first."""
    nested = [c for c in code.co_consts if isinstance(c, CodeType)]
    return [code, *(inner for child in nested for inner in _codes_in_preorder(child))]


def test_jump_targets_match_dis() -> None:
    analysis = analyze(PROGRAM)
    expected = []
    module = compile(PROGRAM, "<string>", "exec", dont_inherit=True)
    for code in _codes_in_preorder(module):
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


def test_a_multi_line_instruction_ending_on_a_non_ascii_line_ends_in_characters() -> None:
    # `print(1,` then ` "é")`: the call ends after `)`, the 5th character of line 2, which is
    # its 6th byte (é is two bytes in UTF-8). co_positions counts bytes; spans count characters.
    source = 'print(1,\n "é")\n'
    (call,) = [
        i
        for i in dis.get_instructions(compile(source, "<string>", "exec", dont_inherit=True))
        if i.opname == "CALL"
    ]
    assert call.positions is not None
    assert (call.positions.end_lineno, call.positions.end_col_offset) == (2, 6)
    (ours,) = [i for i in analyze(source).instructions if i.opname == "CALL"]
    assert ours.span == Span(1, 0, 2, 5)


def test_a_multi_line_instruction_from_a_non_ascii_line_to_an_ascii_one() -> None:
    """The call starts after ``é = `` (5 bytes, 4 characters) and ends on an ASCII line:
    each end converts with its own line's text."""
    source = 'é = f("é",\n  1)\n'
    lines = source.splitlines()
    analysis = analyze(source.encode())
    code = compile(source, "<s>", "exec", dont_inherit=True)

    def chars(line: int, byte_col: int) -> int:
        return len(lines[line - 1].encode()[:byte_col].decode())

    calls = [i for i in dis.get_instructions(code) if i.opname == "CALL"]
    ours = [i for i in analysis.instructions if i.opname == "CALL"]
    assert len(calls) == len(ours) == 1
    line, end_line, col, end_col = calls[0].positions  # type: ignore[misc]
    assert (line, end_line) == (1, 2)
    assert ours[0].span == Span(line, chars(line, col), end_line, chars(end_line, end_col))
    assert ours[0].span == Span(1, 4, 2, 4)
