"""Which table entry an instruction's argument reads: checked against dis's own argval."""

from __future__ import annotations

import dis
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest

from tui_exec.core.arguments import TableEntry, entry_value, table_entries

from .stdlib_files import stdlib_files

# Loads of two locals in one instruction: 3.14 adds a borrowing form.
TWO_LOADS = {"LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW"}

V = sys.version_info[:2]

CLOSURES = """\
def outer(a, b):
    c = a
    def inner(d):
        nonlocal c
        c = d + b
        return a, c, d
    class K:
        x = c
        def m(self):
            return super().m() + b
    return inner, K
import os.path as p
print(p.join(outer(1, 2)[0](3)))
"""


def codes(code: CodeType) -> Iterator[CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from codes(const)


def check(code: CodeType) -> int:
    """Every argument that names a table entry reads dis's argval there; returns how many."""
    checked = 0
    for inner in codes(code):
        for ins in dis.get_instructions(inner):
            entries = table_entries(inner, ins.opname, ins.arg)
            op = ins.opcode
            indexes = op in dis.hasconst or op in dis.hasname
            indexes = indexes or op in dis.haslocal or op in dis.hasfree
            assert bool(entries) == (indexes and ins.arg is not None), ins
            values = tuple(entry_value(inner, entry) for entry in entries)
            if len(values) == 2:
                assert values == ins.argval, ins
            elif values and repr(ins.argval) == "<unknown>":
                # 3.11's dis leaves KW_NAMES' argval unknown: its constant is the names.
                assert ins.opname == "KW_NAMES", ins
                assert all(isinstance(name, str) for name in values[0]), ins  # type: ignore[attr-defined]
            elif values:
                assert values[0] is ins.argval or values[0] == ins.argval, ins
            checked += len(values)
    return checked


def test_constants_names_and_locals_by_hand() -> None:
    code = compile("x = 5.0\nprint(x)\n", "<t>", "exec")  # not a small int (3.14 loads those apart)
    found: dict[str, tuple[TableEntry, ...]] = {}
    for ins in dis.get_instructions(code):  # the first of each
        found.setdefault(ins.opname, table_entries(code, ins.opname, ins.arg))
    assert found["LOAD_CONST"] == (TableEntry("co_consts", 0),)
    assert code.co_consts[0] == 5.0
    assert found["STORE_NAME"] == (TableEntry("co_names", 0),)
    assert code.co_names == ("x", "print")


def test_global_and_attribute_flags_are_shifted_out() -> None:
    code = compile("def f():\n    return len(os.sep)\n", "<t>", "exec").co_consts[0]
    entries = {
        ins.opname: table_entries(code, ins.opname, ins.arg) for ins in dis.get_instructions(code)
    }
    # co_names is (len, os, sep): LOAD_GLOBAL's arg is 2*index (+1 for the NULL it pushes).
    assert code.co_names == ("len", "os", "sep")
    assert entries["LOAD_ATTR"] == (TableEntry("co_names", 2),)


def test_cells_and_free_variables() -> None:
    module = compile(CLOSURES, "<t>", "exec")
    outer = next(c for c in codes(module) if c.co_name == "outer")
    inner = next(c for c in codes(module) if c.co_name == "inner")
    assert outer.co_varnames[:2] == ("a", "b") and "c" in outer.co_cellvars
    derefs = [
        table_entries(outer, ins.opname, ins.arg)
        for ins in dis.get_instructions(outer)
        if ins.opname == "STORE_DEREF" and ins.argval == "c"
    ]
    assert derefs == [(TableEntry("co_cellvars", outer.co_cellvars.index("c")),)]
    loads = {
        ins.argval: table_entries(inner, ins.opname, ins.arg)
        for ins in dis.get_instructions(inner)
        if ins.opname == "LOAD_DEREF"
    }
    assert loads["a"] == (TableEntry("co_freevars", inner.co_freevars.index("a")),)
    assert check(module) > 20


@pytest.mark.skipif(V < (3, 13), reason="superinstructions on two locals are new in 3.13")
def test_two_locals_at_once() -> None:
    code = compile("def f(a, b):\n    return a + b\n", "<t>", "exec").co_consts[0]
    ins = next(i for i in dis.get_instructions(code) if i.opname in TWO_LOADS)
    assert table_entries(code, ins.opname, ins.arg) == (
        TableEntry("co_varnames", 0),
        TableEntry("co_varnames", 1),
    )


def test_a_jump_or_an_operator_reads_no_table() -> None:
    code = compile("while x:\n    x = x - 1\n", "<t>", "exec")
    for ins in dis.get_instructions(code):
        if ins.opcode in dis.hasjrel or ins.opname == "BINARY_OP":
            assert table_entries(code, ins.opname, ins.arg) == ()


def test_real_files_agree_with_dis() -> None:
    """A slice of the standard library, every instruction's entry equal to dis's argval."""
    files = [path for path in stdlib_files() if path.parent.name != "test"][::40]
    checked = 0
    for path in files:
        try:
            code = compile(Path(path).read_bytes(), str(path), "exec")
        except (SyntaxError, ValueError):
            continue
        checked += check(code)
    assert checked > 10_000
