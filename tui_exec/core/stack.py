"""The value stack before and after each instruction, computed statically with entry labels.

Public API (used by the Explain pane and ``dump``)::

    stack_before(analysis, instruction_id) -> tuple[StackEntry, ...] | None
    stack_after(analysis, instruction_id) -> tuple[StackEntry, ...] | None
    code_stacks(analysis, code_id) -> tuple[tuple[StackEntry, ...] | None, ...]
    exception_table(code) -> tuple[ExceptionEntry, ...]
    stacksize(analysis, code_id) -> int   # co_stacksize
    pops_pushes(opname, arg) -> tuple[int, int]

Stacks are listed bottom first; ``None`` means the instruction is unreachable. They are
computed lazily per code object and cached by analysis, so ``analyze()`` pays nothing.
"""

from __future__ import annotations

import dis
import sys
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, NamedTuple

from .bytecode import NOT_A_JUMP
from .span import Span

if TYPE_CHECKING:
    from .analysis import Analysis
    from .bytecode import Instruction
    from .syntax import Node


class StackEntry(NamedTuple):
    """One value on the stack: the source text of the expression that produced it (or a name
    such as ``NULL`` or ``exception`` for values no expression produced) and its span."""

    text: str
    span: Span | None


class ExceptionEntry(NamedTuple):
    """One row of ``co_exceptiontable``, in byte offsets: ``start <= offset < end`` jumps to
    ``target`` with the stack cut to ``depth`` (plus lasti when ``lasti``) and the exception."""

    start: int
    end: int
    target: int
    depth: int
    lasti: bool


_V = sys.version_info[:2]
_Count = int | Callable[[int], int]

# Pops and pushes of each opcode for the running version, from CPython's bytecodes.c /
# ceval.c of 3.11 to 3.15 (CPython exposes only their difference, dis.stack_effect). Fall-through
# edge; a jump edge pushes ``pops + stack_effect(jump=True)``. tests/core/test_stack.py checks
# pushes - pops against dis.stack_effect for every opcode and argument in the stdlib. An opcode
# missing here (one newer than this table) falls back to its net effect: see pops_pushes.
_TABLE: dict[str, tuple[_Count, _Count]] = {
    "POP_TOP": (1, 0),
    "PUSH_NULL": (0, 1),
    "NOP": (0, 0),
    "RESUME": (0, 0),
    "CACHE": (0, 0),
    "EXTENDED_ARG": (0, 0),
    # The frame resumes after it with the sent value; 3.13's count includes that, 3.11/3.12
    # leave it out (the walker adds it).
    "RETURN_GENERATOR": (0, 1) if _V >= (3, 13) else (0, 0),
    "COPY_FREE_VARS": (0, 0),
    "MAKE_CELL": (0, 0),
    "SETUP_ANNOTATIONS": (0, 0),
    "KW_NAMES": (0, 0),
    "PRECALL": (0, 0),
    "JUMP_FORWARD": (0, 0),
    "JUMP_BACKWARD": (0, 0),
    "JUMP_BACKWARD_NO_INTERRUPT": (0, 0),
    "JUMP": (0, 0),
    "JUMP_NO_INTERRUPT": (0, 0),
    "UNARY_POSITIVE": (1, 1),
    "UNARY_NEGATIVE": (1, 1),
    "UNARY_NOT": (1, 1),
    "UNARY_INVERT": (1, 1),
    "TO_BOOL": (1, 1),
    "BINARY_OP": (2, 1),
    "BINARY_SUBSCR": (2, 1),
    "BINARY_SLICE": (3, 1),
    "STORE_SLICE": (4, 0),
    "STORE_SUBSCR": (3, 0),
    "DELETE_SUBSCR": (2, 0),
    "COMPARE_OP": (2, 1),
    "IS_OP": (2, 1),
    "CONTAINS_OP": (2, 1),
    # 3.15 keeps two entries for a loop: the iterable or its iterator, and an index or NULL.
    "GET_ITER": (1, 2) if _V >= (3, 15) else (1, 1),
    "GET_YIELD_FROM_ITER": (1, 1),
    "GET_AWAITABLE": (1, 1),
    "GET_AITER": (1, 1),
    "GET_ANEXT": (1, 2),
    "GET_LEN": (1, 2),
    "MATCH_MAPPING": (1, 2),
    "MATCH_SEQUENCE": (1, 2),
    "MATCH_KEYS": (2, 3),
    "MATCH_CLASS": (3, 1),
    "CHECK_EXC_MATCH": (2, 2),
    "CHECK_EG_MATCH": (2, 2),
    "PREP_RERAISE_STAR": (2, 1),
    "PUSH_EXC_INFO": (1, 2),
    "POP_EXCEPT": (1, 0),
    # 3.14 keeps __exit__ and its self apart (LOAD_SPECIAL): one input more.
    "WITH_EXCEPT_START": (5, 6) if _V >= (3, 14) else (4, 5),
    "BEFORE_WITH": (1, 2),
    "BEFORE_ASYNC_WITH": (1, 2),
    "LOAD_BUILD_CLASS": (0, 1),
    "LOAD_ASSERTION_ERROR": (0, 1),
    "LOAD_LOCALS": (0, 1),
    "PRINT_EXPR": (1, 0),
    "IMPORT_STAR": (1, 0),
    "IMPORT_NAME": (2, 1),
    "IMPORT_FROM": (1, 2),
    "LOAD_CONST": (0, 1),
    "LOAD_SMALL_INT": (0, 1),
    "LOAD_COMMON_CONSTANT": (0, 1),
    "LOAD_FAST_BORROW": (0, 1),
    "LOAD_FAST_BORROW_LOAD_FAST_BORROW": (0, 2),
    "LOAD_SPECIAL": (1, 2),
    "NOT_TAKEN": (0, 0),
    "POP_ITER": (2, 0) if _V >= (3, 15) else (1, 0),
    "BUILD_TEMPLATE": (2, 1),
    "BUILD_INTERPOLATION": (lambda a: 2 + (a & 1), 1),
    "ANNOTATIONS_PLACEHOLDER": (0, 0),
    "JUMP_IF_FALSE": (1, 1),
    "JUMP_IF_TRUE": (1, 1),
    "LOAD_NAME": (0, 1),
    "LOAD_FAST": (0, 1),
    "LOAD_FAST_CHECK": (0, 1),
    "LOAD_FAST_AND_CLEAR": (0, 1),
    "LOAD_FAST_LOAD_FAST": (0, 2),
    "LOAD_DEREF": (0, 1),
    "LOAD_CLASSDEREF": (0, 1),
    "LOAD_CLOSURE": (0, 1),
    "LOAD_FROM_DICT_OR_GLOBALS": (1, 1),
    "LOAD_FROM_DICT_OR_DEREF": (1, 1),
    "LOAD_METHOD": (1, 2),
    "LOAD_GLOBAL": (0, lambda a: 1 + (a & 1)),
    "LOAD_ATTR": (1, (lambda a: 1 + (a & 1)) if _V >= (3, 12) else 1),
    "LOAD_SUPER_ATTR": (3, lambda a: 1 + (a & 1)),
    "STORE_NAME": (1, 0),
    "STORE_FAST": (1, 0),
    "STORE_FAST_MAYBE_NULL": (1, 0),
    "STORE_FAST_LOAD_FAST": (1, 1),
    "STORE_FAST_STORE_FAST": (2, 0),
    "STORE_GLOBAL": (1, 0),
    "STORE_DEREF": (1, 0),
    "STORE_ATTR": (2, 0),
    "DELETE_NAME": (0, 0),
    "DELETE_FAST": (0, 0),
    "DELETE_GLOBAL": (0, 0),
    "DELETE_DEREF": (0, 0),
    "DELETE_ATTR": (1, 0),
    "BUILD_TUPLE": (lambda a: a, 1),
    "BUILD_LIST": (lambda a: a, 1),
    "BUILD_SET": (lambda a: a, 1),
    "BUILD_STRING": (lambda a: a, 1),
    "BUILD_SLICE": (lambda a: a, 1),
    "BUILD_MAP": (lambda a: 2 * a, 1),
    "BUILD_CONST_KEY_MAP": (lambda a: a + 1, 1),
    "LIST_APPEND": (1, 0),
    "SET_ADD": (1, 0),
    "MAP_ADD": (2, 0),
    "LIST_EXTEND": (1, 0),
    "SET_UPDATE": (1, 0),
    "DICT_UPDATE": (1, 0),
    "DICT_MERGE": (1, 0),
    "LIST_TO_TUPLE": (1, 1),
    "UNPACK_SEQUENCE": (1, lambda a: a),
    "UNPACK_EX": (1, lambda a: (a & 0xFF) + (a >> 8) + 1),
    "FORMAT_VALUE": (lambda a: 2 if a & 4 else 1, 1),
    "FORMAT_SIMPLE": (1, 1),
    "FORMAT_WITH_SPEC": (2, 1),
    "CONVERT_VALUE": (1, 1),
    "MAKE_FUNCTION": (1, 1) if _V >= (3, 13) else (lambda a: 1 + bin(a & 0xF).count("1"), 1),
    "SET_FUNCTION_ATTRIBUTE": (2, 1),
    "CALL": (lambda a: a + 2, 1),
    "CALL_KW": (lambda a: a + 3, 1),
    # 3.14 always has the keyword-arguments entry (NULL when there are none); no argument.
    "CALL_FUNCTION_EX": (4, 1) if _V >= (3, 14) else (lambda a: 3 + (a & 1), 1),
    "CALL_INTRINSIC_1": (1, 1),
    "CALL_INTRINSIC_2": (2, 1),
    "EXIT_INIT_CHECK": (1, 0),
    "RAISE_VARARGS": (lambda a: a, 0),
    "RERAISE": (lambda a: 1 + (a != 0), lambda a: int(a != 0)),
    # 3.14 counts the value as pushed (in the caller's frame); this frame's stack ends empty.
    "RETURN_VALUE": (1, 1) if _V >= (3, 14) else (1, 0),
    "RETURN_CONST": (0, 0),
    "YIELD_VALUE": (1, 1),
    "ASYNC_GEN_WRAP": (1, 1),
    # 3.15: the receiver of a ``yield from``/``await`` has an index-or-NULL entry above it too.
    "SEND": (3, 3) if _V >= (3, 15) else (2, 2),
    "END_SEND": (3, 1) if _V >= (3, 15) else (2, 1),
    "CLEANUP_THROW": (4, 3) if _V >= (3, 15) else (3, 2),
    "END_ASYNC_FOR": (2, 0),
    "END_FOR": (2, 0) if _V == (3, 12) else (1, 0),
    "FOR_ITER": (2, 3) if _V >= (3, 15) else (1, 2),
    "POP_JUMP_IF_FALSE": (1, 0),
    "POP_JUMP_IF_TRUE": (1, 0),
    "POP_JUMP_IF_NONE": (1, 0),
    "POP_JUMP_IF_NOT_NONE": (1, 0),
    "POP_JUMP_FORWARD_IF_FALSE": (1, 0),
    "POP_JUMP_FORWARD_IF_TRUE": (1, 0),
    "POP_JUMP_FORWARD_IF_NONE": (1, 0),
    "POP_JUMP_FORWARD_IF_NOT_NONE": (1, 0),
    "POP_JUMP_BACKWARD_IF_FALSE": (1, 0),
    "POP_JUMP_BACKWARD_IF_TRUE": (1, 0),
    "POP_JUMP_BACKWARD_IF_NONE": (1, 0),
    "POP_JUMP_BACKWARD_IF_NOT_NONE": (1, 0),
    "JUMP_IF_FALSE_OR_POP": (1, 0),
    "JUMP_IF_TRUE_OR_POP": (1, 0),
    "COPY": (lambda a: a, lambda a: a + 1),
    "SWAP": (lambda a: a, lambda a: a),
    "INTERPRETER_EXIT": (1, 0),
}

# Inputs an opcode leaves in place under its results (bottom of its pops, pushed back as is).
_KEEPS = {
    "FOR_ITER": 2 if _V >= (3, 15) else 1,
    "GET_LEN": 1,  # mutation: equivalent (2 is cut to its 1 input)
    "MATCH_MAPPING": 1,  # mutation: equivalent (2 is cut to its 1 input)
    "MATCH_SEQUENCE": 1,  # mutation: equivalent (2 is cut to its 1 input)
    "MATCH_KEYS": 2,
    "CHECK_EXC_MATCH": 1,
    "CHECK_EG_MATCH": 1,
    "IMPORT_FROM": 1,  # mutation: equivalent (2 is cut to its 1 input)
    "GET_ANEXT": 1,  # mutation: equivalent (2 is cut to its 1 input)
    "WITH_EXCEPT_START": 5 if _V >= (3, 14) else 4,
    "SEND": 2 if _V >= (3, 15) else 1,
    "CLEANUP_THROW": 0,
    "STORE_FAST_LOAD_FAST": 0,
}

NO_FALL_THROUGH = frozenset(
    {
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP",
        "JUMP_NO_INTERRUPT",
        "RETURN_VALUE",
        "RETURN_CONST",
        "RAISE_VARARGS",
        "RERAISE",
    }
)


# What leaves the frame: its stack is gone after it (3.14 counts a returned value as pushed,
# in the caller's frame).
_LEAVES_FRAME = frozenset({"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"})

# Loads of a constant: the literal it came from, or, when no expression wrote it, its value.
_CONSTANT_LOADS = frozenset({"LOAD_CONST", "LOAD_SMALL_INT", "LOAD_COMMON_CONSTANT"})
# Superinstructions that push two locals (3.13+; 3.14's borrowing form).
_TWO_LOADS = frozenset({"LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW"})

_ENTER = ("__enter__", "__aenter__")
# What an inlined builtin call of a generator expression (3.14+) builds its result with.
_INLINED_RESULTS = frozenset({"BUILD_LIST", "BUILD_SET", "CALL_INTRINSIC_1"})

_MOVED_START = frozenset(
    {"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR", "CALL", "CALL_KW", "CALL_FUNCTION_EX"}
)
_EXPANDS = frozenset({"Attribute", "Call"})
# Expressions a LOAD_CONST can stand for: a literal, or one the compiler folded into a
# constant (`2 * 3`, `-1`, `(1, 2)`, `x in [1, 2]`'s list, `"ab"[0]`), or a lambda's code.
_CONSTANT_SOURCES = frozenset(
    {"Constant", "BinOp", "UnaryOp", "Tuple", "List", "Set", "Subscript", "JoinedStr", "Lambda"}
)


def _constant_label(argrepr: str) -> str:
    """A constant's repr, a code object's as ``code of NAME`` (not its address)."""
    if argrepr.startswith("<code object "):
        name = argrepr.removeprefix("<code object ").split(" at 0x")[0].split(",")[0]
        return f"code of {name}"
    return argrepr


def pops_pushes(opname: str, arg: int | None) -> tuple[int, int]:
    """How many entries ``opname`` pops and pushes on its fall-through edge (running version).

    Instrumented opcodes count as their base opcode. An opcode this table does not know (one
    added after it was written) counts its net effect as pops or as pushes: the depths stay
    right, and what it pushes is labelled by the instruction itself.
    """
    counts = _TABLE.get(opname.removeprefix("INSTRUMENTED_"))
    if counts is None:
        return net_pops_pushes(opname, arg)
    pops, pushes = counts
    a = arg or 0
    return (pops(a) if callable(pops) else pops, pushes(a) if callable(pushes) else pushes)


def knows(opname: str) -> bool:
    """Whether the table says how many entries ``opname`` pops and pushes (not only the net)."""
    return opname.removeprefix("INSTRUMENTED_") in _TABLE


def net_pops_pushes(opname: str, arg: int | None) -> tuple[int, int]:
    """``dis.stack_effect`` as (pops, pushes) when only the net is known; (0, 0) for a name
    the running interpreter does not have or whose effect it cannot tell."""
    opcode = dis.opmap.get(opname)
    if opcode is None:
        return (0, 0)
    try:
        effect = dis.stack_effect(
            opcode, (arg or 0) if opcode >= dis.HAVE_ARGUMENT else None, jump=False
        )
    except ValueError:
        return (0, 0)
    return (max(0, -effect), max(0, effect))


def exception_table(code: CodeType) -> tuple[ExceptionEntry, ...]:
    """Parse ``co_exceptiontable`` (varints of 6 bits, high bit 0x40 continues, 0x80 marks an
    entry's first byte): start, length, target, depth<<1|lasti, in code units."""
    data = code.co_exceptiontable
    entries: list[ExceptionEntry] = []
    pos = 0

    def varint() -> int:
        nonlocal pos
        byte = data[pos]
        pos += 1
        value = byte & 63
        while byte & 64:
            byte = data[pos]
            pos += 1
            value = (value << 6) | (byte & 63)
        return value

    while pos < len(data):
        start = varint() * 2
        length = varint() * 2
        target = varint() * 2
        dl = varint()
        entries.append(ExceptionEntry(start, start + length, target, dl >> 1, bool(dl & 1)))
    return tuple(entries)


_Stack = tuple[StackEntry, ...]


class _Cached(NamedTuple):
    analysis: Analysis
    codes: list[CodeType]
    stacks: dict[int, tuple[_Stack | None, ...]]


# The few most recent analyses (an Analysis is frozen and slotted: no weak references). Holding
# the analysis itself keeps id() from being reused while its entry lives.
_recent: list[_Cached] = []


def _cached(analysis: Analysis) -> _Cached:
    for entry in _recent:
        if entry.analysis is analysis:
            return entry
    from .bytecode import walk_code

    module = analysis.module_code
    codes = [code for code, _ in walk_code(module)] if module is not None else []
    entry = _Cached(analysis, codes, {})
    _recent.insert(0, entry)
    del _recent[3:]
    return entry


def code_stacks(analysis: Analysis, code_id: int) -> tuple[_Stack | None, ...]:
    """The stack before each instruction of code object ``code_id`` (None: unreachable)."""
    per_code = _cached(analysis).stacks
    found = per_code.get(code_id)
    if found is None:
        found = per_code[code_id] = _Walker(analysis, code_id).run()
    return found


def stack_before(analysis: Analysis, instruction_id: int) -> _Stack | None:
    """The stack, bottom first, just before instruction ``instruction_id`` runs."""
    ins = analysis.instructions[instruction_id]
    code = analysis.code_objects[ins.code]
    return code_stacks(analysis, ins.code)[instruction_id - code.first_instruction]


def stack_after(analysis: Analysis, instruction_id: int) -> _Stack | None:
    """The stack just after the instruction on its fall-through edge (its jump edge for
    unconditional jumps; ``()`` after a return or raise)."""
    ins = analysis.instructions[instruction_id]
    before = stack_before(analysis, instruction_id)
    if before is None:
        return None
    if ins.opname.removeprefix("INSTRUMENTED_") in _LEAVES_FRAME:
        return ()
    walker = _Walker(analysis, ins.code)
    return walker.step(
        ins, before, jump=ins.opname in NO_FALL_THROUGH and ins.jump_target is not None
    )


class _Walker:
    """One code object's abstract interpretation over labels."""

    def __init__(self, analysis: Analysis, code_id: int) -> None:
        self.analysis = analysis
        self.code = analysis.code_objects[code_id]
        self.rows = analysis.instructions[self.code.first_instruction : self.code.end_instruction]
        self.at_offset = {ins.offset: i for i, ins in enumerate(self.rows)}
        self.text = analysis.source.text
        self.offset = analysis.source.offset

    def label(self, ins: Instruction, text: str | None = None) -> StackEntry:
        span = ins.span
        if text is not None:
            return StackEntry(text, span)
        if span is None or span.is_empty:
            return StackEntry(ins.argrepr or ins.opname, None)
        if ins.opname in _MOVED_START:
            # A multi-line attribute access or method call is positioned from the attribute
            # name's line on (3.11+): label it with the whole expression.
            node_id = self.analysis.index.node_for_instruction(ins.id)
            if node_id is not None:
                node = self.analysis.nodes[node_id]
                if node.span is not None and node.span != span and node.type in _EXPANDS:
                    span = node.span
        return StackEntry(self.source_text(span), span)

    def node_of(self, ins: Instruction) -> Node | None:
        node_id = self.analysis.index.node_for_instruction(ins.id)
        return None if node_id is None else self.analysis.nodes[node_id]

    def second_operand(self, ins: Instruction) -> tuple[StackEntry]:
        nodes = self.analysis.index.nodes_for_instruction(ins.id)
        span = self.analysis.nodes[nodes[1]].span if len(nodes) == 2 else None
        if span is None:
            return (StackEntry(ins.operands[1] if len(ins.operands) == 2 else ins.argrepr, None),)
        return (StackEntry(self.source_text(span), span),)

    def source_text(self, span: Span) -> str:
        return self.text[
            self.offset(span.start_line, span.start_col) : self.offset(span.end_line, span.end_col)
        ]

    def step(self, ins: Instruction, before: _Stack, jump: bool) -> _Stack:
        name = ins.opname.removeprefix("INSTRUMENTED_")
        arg = ins.arg or 0
        if name == "SWAP":
            s = list(before)
            s[-1], s[-arg] = s[-arg], s[-1]
            return tuple(s)
        if name == "COPY":
            node = self.node_of(ins)
            if arg == 1 and node is not None and node.type == "NamedExpr" and node.span:
                # `(x := v)`: one copy is stored, the other is the walrus's value.
                return (
                    *before[:-1],
                    StackEntry(self.source_text(node.span), node.span),
                    before[-1],
                )
            return (*before, before[-arg])
        if name in ("JUMP_IF_TRUE_OR_POP", "JUMP_IF_FALSE_OR_POP") and jump:
            return before
        pops, pushes = pops_pushes(name, arg)
        if jump and ins.jump_target is not None:
            opcode = dis.opmap[ins.opname]
            effect = dis.stack_effect(
                opcode, arg if opcode >= dis.HAVE_ARGUMENT else None, jump=True
            )
            pushes = pops + effect
        cut = len(before) - pops
        below, popped = before[:cut], before[cut:]
        if jump and name == "SEND":
            # The ``yield from`` is over: 3.11 replaces the receiver with the value it returns,
            # 3.12+ leave the receiver (and 3.15 its index) under that value for END_SEND.
            keep = 0 if _V < (3, 12) else len(popped) - 1
        else:
            keep = min(_KEEPS.get(name, 0), pushes, len(popped))
        made = self.made(ins, name, popped, pushes - keep, jump)
        return (*below, *popped[:keep], *made)

    def made(self, ins: Instruction, name: str, popped: _Stack, n: int, jump: bool) -> _Stack:
        if n <= 0:
            return ()
        if name == "PUSH_NULL":
            return (StackEntry("NULL", None),)
        if name in _CONSTANT_LOADS:
            node = self.node_of(ins)
            call = self.inlined_call(ins) if ins.argrepr in ("True", "False") else None
            if call is not None and call.span is not None:
                # 3.14's inlined `any(...)`/`all(...)`: the True or False the call returns.
                return (StackEntry(self.source_text(call.span), call.span),)
            if node is None or node.type not in _CONSTANT_SOURCES:
                # No expression wrote this constant: the compiler added it (an implicit
                # `return None`, an import's level, a function's defaults, its code).
                # LOAD_SMALL_INT's argument is the value itself (dis shows no argrepr).
                value = str(ins.arg) if name == "LOAD_SMALL_INT" else ins.argrepr
                return (StackEntry(_constant_label(value), None),)
        if name in ("LOAD_GLOBAL", "LOAD_ATTR", "LOAD_SUPER_ATTR") and n == 2:
            null = StackEntry("NULL", None)
            own = self.label(ins)
            return (own, null) if _V >= (3, 13) and name == "LOAD_GLOBAL" else (null, own)
        if name in _TWO_LOADS or name == "STORE_FAST_LOAD_FAST":
            # 3.13 superinstructions carry the first operand's span; the index finds the second.
            second = self.second_operand(ins)
            return second if name == "STORE_FAST_LOAD_FAST" else (self.label(ins), *second)
        if name in ("GET_ITER", "GET_AITER", "GET_YIELD_FROM_ITER"):
            inner = popped[-1].text if popped else "…"
            span = popped[-1].span if popped else ins.span
            iterator = StackEntry(f"iterator of {inner}", span)
            # 3.15: a list or tuple is walked in place by an index; other iterables get an
            # iterator and NULL there.
            return (iterator, StackEntry("index or NULL", span))[:n]
        if name == "LOAD_SPECIAL":
            return self.special_method(ins, popped)[:n]
        if name == "TO_BOOL" and (outer := self.double_not(ins)) is not None:
            assert outer.span is not None
            return (StackEntry(self.source_text(outer.span), outer.span),)
        if name in _INLINED_RESULTS and (call := self.inlined_call(ins)):
            # 3.14 runs `tuple(x for x in y)` in place when `tuple` is the builtin: a list is
            # filled, then made the tuple the call returns; 3.15 `list(...)` and `set(...)` too,
            # whose container is the result.
            assert call.span is not None
            text = self.source_text(call.span)
            if name == "BUILD_LIST" and text.startswith("tuple"):
                return (StackEntry(f"list for {text}", call.span),)
            return (StackEntry(text, call.span),)
        if name == "FOR_ITER":
            return tuple(StackEntry("next item", ins.span) for _ in range(n))
        if name == "PUSH_EXC_INFO":
            return (StackEntry("previous exception", None), popped[-1])
        if name == "CALL" and len(popped) == 2 and popped[0].text.endswith(_ENTER):
            # 3.14: the call of the __enter__ that LOAD_SPECIAL found.
            manager = popped[0].text.rpartition(".")[0]
            return (self.label(ins, f"result of entering {manager}"),)
        if name in ("BEFORE_WITH", "BEFORE_ASYNC_WITH"):
            return (
                StackEntry("with-block exit", popped[-1].span),
                self.label(ins, f"result of entering {popped[-1].text}"),
            )
        if name == "SEND" and jump:
            return tuple(self.label(ins) for _ in range(n))
        if name in ("YIELD_VALUE", "SEND", "RETURN_GENERATOR"):
            return tuple(StackEntry("sent value", ins.span) for _ in range(n))
        if name in ("CHECK_EXC_MATCH", "CHECK_EG_MATCH"):
            return tuple(self.label(ins, "exception matches?") for _ in range(n))
        own = self.label(ins)
        return tuple(own for _ in range(n))

    def inlined_call(self, ins: Instruction) -> Node | None:
        """The call an instruction positioned on the called name belongs to (3.14's inlined
        ``tuple()``, ``all()`` and ``any()`` of a generator expression)."""
        node = self.node_of(ins)
        if node is None or node.type != "Name" or node.field != "func" or node.parent is None:
            return None
        call = self.analysis.nodes[node.parent]
        return call if call.type == "Call" and call.span is not None else None

    def double_not(self, ins: Instruction) -> Node | None:
        """``not not x``, which 3.15 compiles to one TO_BOOL positioned at the inner ``not``:
        its value is the outer one's."""
        node = self.node_of(ins)
        if node is None or node.type != "UnaryOp" or node.detail != "Not" or node.parent is None:
            return None
        outer = self.analysis.nodes[node.parent]
        if node.field != "operand" or outer.type != "UnaryOp" or outer.detail != "Not":
            return None
        return outer if outer.span is not None else None

    def special_method(self, ins: Instruction, popped: _Stack) -> _Stack:
        """3.14's LOAD_SPECIAL: a with-statement's ``__enter__``/``__exit__`` (or their async
        forms) found on the context manager, and the manager again as their ``self``."""
        owner = popped[-1] if popped else StackEntry("…", ins.span)
        if ins.argrepr.endswith(_ENTER):
            method = StackEntry(f"{owner.text}.{ins.argrepr}", owner.span)
        else:
            method = StackEntry("with-block exit", owner.span)
        return (method, owner)

    def run(self) -> tuple[_Stack | None, ...]:
        rows = self.rows
        stacks: list[_Stack | None] = [None] * len(rows)
        handlers = exception_table_for(self.analysis, self.code.id)
        todo = [0] if rows else []
        if rows:
            stacks[0] = ()
        while todo:
            i = todo.pop()
            ins = rows[i]
            before = stacks[i]
            assert before is not None
            # PUSH_EXC_INFO opens its handler's protected range but cannot raise: an edge
            # from it would bring the stack from before it (the new exception where the
            # handler keeps the previous one) to the cleanup handler.
            for entry in handlers if ins.opname != "PUSH_EXC_INFO" else ():
                if entry.start <= ins.offset < entry.end:
                    base = before[: entry.depth]
                    extra = (StackEntry("lasti", None),) if entry.lasti else ()
                    self.flow(
                        stacks,
                        todo,
                        self.at_offset[entry.target],
                        (*base, *extra, StackEntry("exception", None)),
                    )
            name = ins.opname
            if ins.jump_target in self.at_offset and name not in NOT_A_JUMP:
                self.flow(
                    stacks, todo, self.at_offset[ins.jump_target], self.step(ins, before, jump=True)
                )
            if name not in NO_FALL_THROUGH and i + 1 < len(rows):
                after = self.step(ins, before, jump=False)
                if name == "RETURN_GENERATOR" and _V < (3, 13):
                    after = (*after, StackEntry("sent value", None))
                self.flow(stacks, todo, i + 1, after)
        return tuple(stacks)

    def flow(self, stacks: list[_Stack | None], todo: list[int], i: int, new: _Stack) -> None:
        old = stacks[i]
        if old is None:
            stacks[i] = new
            todo.append(i)
            return
        if old == new or len(old) != len(new):
            return
        merged = tuple(a if a == b else self.join(a, b) for a, b in zip(old, new, strict=True))
        if merged != old:
            stacks[i] = merged
            todo.append(i)

    def join(self, a: StackEntry, b: StackEntry) -> StackEntry:
        """The smallest expression containing both producers (the IfExp, the BoolOp)."""
        if a.span is None or b.span is None:
            return a if a.span is None else b
        span = Span(*min(a.span[:2], b.span[:2]), *max(a.span[2:], b.span[2:]))
        if span == a.span:
            return a
        if span == b.span:
            return b
        nodes = self.analysis.nodes
        node_id = self.analysis.index.node_at(span.start_line, span.start_col)
        while node_id is not None:
            node = nodes[node_id]
            if node.span is not None and node.span.contains(span):
                return StackEntry(self.source_text(node.span), node.span)
            node_id = node.parent
        return StackEntry(self.source_text(span), span)


def stacksize(analysis: Analysis, code_id: int) -> int:
    """``co_stacksize`` of code object ``code_id``: the deepest the stack may get."""
    codes = _cached(analysis).codes
    return codes[code_id].co_stacksize if code_id < len(codes) else 0


def exception_table_for(analysis: Analysis, code_id: int) -> tuple[ExceptionEntry, ...]:
    """The exception table of code object ``code_id`` of ``analysis``."""
    codes = _cached(analysis).codes
    return exception_table(codes[code_id]) if code_id < len(codes) else ()
