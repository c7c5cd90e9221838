"""Bytecode rows: every code object reachable from the module, and every instruction of dis."""

from __future__ import annotations

import dis
import sys
from dataclasses import dataclass
from types import CodeType
from typing import NamedTuple

from .source import Source
from .span import Span

_JUMP_OPCODES = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
NOT_A_JUMP = frozenset({"END_ASYNC_FOR", "INSTRUMENTED_END_ASYNC_FOR"})
"""Opcodes whose argument dis reads as a jump but that never go there: 3.14's END_ASYNC_FOR
points back at the END_SEND its loop came from ("from L6"), for sys.monitoring's branch events."""

_LOCAL_OPNAMES = frozenset(dis.opname[op] for op in dis.haslocal)
SUPERINSTRUCTIONS = frozenset(
    f"{first}_{second}"
    for first in _LOCAL_OPNAMES
    for second in _LOCAL_OPNAMES
    if f"{first}_{second}" in _LOCAL_OPNAMES
)
"""3.13+ fold two loads/stores of locals into one instruction, named by its two parts
(``LOAD_FAST_LOAD_FAST``, 3.14's ``LOAD_FAST_BORROW_LOAD_FAST_BORROW``), whose argument packs
both slots and whose position is the first operand's."""


class Instruction(NamedTuple):
    """One instruction as :func:`dis.get_instructions` lists it, positioned in characters."""

    id: int
    """Index in :attr:`Analysis.instructions` (all code objects, in code-object order)."""
    code: int
    """Id of the code object it belongs to."""
    offset: int
    opname: str
    arg: int | None
    argrepr: str
    jump_target: int | None
    """Byte offset this instruction may jump to, for jumps."""
    line: int | None
    """Source line from co_positions (0 for the module's synthetic RESUME); None if none."""
    starts_line: bool
    is_jump_target: bool
    span: Span | None
    """None when CPython records no columns (compiler-generated cleanup code)."""
    operands: tuple[str, ...] = ()
    """For superinstructions, the names of both operands."""


@dataclass(frozen=True, slots=True)
class CodeObject:
    """A code object: the module, a function, class body, lambda, comprehension..."""

    id: int
    name: str
    qualname: str
    parent: int | None
    firstlineno: int
    flags: int
    first_instruction: int
    end_instruction: int
    """Instructions are ``first_instruction .. end_instruction - 1`` in Analysis.instructions."""
    load_span: Span | None
    """Span of the LOAD_CONST that creates it in its parent: the defining node's span."""

    @property
    def instruction_ids(self) -> range:
        """Ids of this code object's instructions."""
        return range(self.first_instruction, self.end_instruction)


_NO_POSITION: tuple[None, None, None, None] = (None, None, None, None)


def walk_code(module: CodeType) -> list[tuple[CodeType, int | None]]:
    """Every code object under ``module`` (co_consts recursion), parents first, with parent ids."""
    found: list[tuple[CodeType, int | None]] = []
    stack: list[tuple[CodeType, int | None]] = [(module, None)]
    while stack:
        code, parent = stack.pop()
        me = len(found)
        found.append((code, parent))
        nested = [const for const in code.co_consts if isinstance(const, CodeType)]
        stack.extend((child, me) for child in reversed(nested))
    return found


def disassemble(
    module: CodeType, source: Source
) -> tuple[tuple[CodeObject, ...], tuple[Instruction, ...]]:
    """List all code objects and their instructions with character spans."""
    codes = walk_code(module)
    index_of = {id(code): i for i, (code, _) in enumerate(codes)}
    load_spans: dict[int, Span] = {}
    rows: list[Instruction] = []
    bounds: list[tuple[int, int]] = []
    span_of = source.span_from_bytes
    non_ascii = source.non_ascii_lines
    is_313 = sys.version_info >= (3, 13)
    new = tuple.__new__  # NamedTuple._make without its length check: see tokens._collect
    append = rows.append
    for code_id, (code, _parent) in enumerate(codes):
        first = len(rows)
        for ins in dis.get_instructions(code):
            line, end_line, col, end_col = ins.positions or _NO_POSITION
            span: Span | None
            if line is None or end_line is None or col is None or end_col is None:
                span = None  # none, or a partial position (3.11 gives some)
            elif line in non_ascii or end_line in non_ascii:
                span = span_of(line, col, end_line, end_col)
            else:  # byte columns are character columns: skip the conversion
                span = new(Span, (line, col, end_line, end_col))
            argval = ins.argval
            argrepr = ins.argrepr
            opname = ins.opname
            if isinstance(argval, CodeType):
                # dis prints the object's address, which changes on every run.
                argrepr = f"<code object {argval.co_name}, line {argval.co_firstlineno}>"
                if span is not None:
                    load_spans.setdefault(index_of[id(argval)], span)
            is_jump = ins.opcode in _JUMP_OPCODES
            if is_313:
                # Both are Python properties on 3.13; jump_target costs ~1 us an instruction,
                # so only jumps ask for it.
                jump_target = ins.jump_target if is_jump else None  # type: ignore[attr-defined]
                is_target = ins.label is not None  # type: ignore[attr-defined]
                starts_line = bool(ins.starts_line)
            else:
                jump_target = argval if is_jump else None
                is_target = ins.is_jump_target
                starts_line = ins.starts_line is not None
            operands = (
                tuple(argval) if opname in SUPERINSTRUCTIONS and isinstance(argval, tuple) else ()
            )
            append(
                new(
                    Instruction,
                    (
                        len(rows),
                        code_id,
                        ins.offset,
                        opname,
                        ins.arg,
                        argrepr,
                        jump_target,
                        line,
                        starts_line,
                        is_target,
                        span,
                        operands,
                    ),
                )
            )
        bounds.append((first, len(rows)))
    objects = tuple(
        CodeObject(
            i,
            code.co_name,
            code.co_qualname,
            parent,
            code.co_firstlineno,
            code.co_flags,
            bounds[i][0],
            bounds[i][1],
            load_spans.get(i),
        )
        for i, (code, parent) in enumerate(codes)
    )
    return objects, tuple(rows)
