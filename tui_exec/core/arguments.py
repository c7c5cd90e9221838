"""Which entry of its code object's tables an instruction's argument picks.

``LOAD_CONST 1`` reads ``co_consts[1]``; ``LOAD_GLOBAL 3`` reads ``co_names[1]`` (the low bit
says whether a NULL is pushed too); ``LOAD_FAST_LOAD_FAST 0x12`` reads two locals. The Explain
pane shows the table with those entries marked, so a learner sees where the value comes from.
"""

from __future__ import annotations

import dis
import sys
from types import CodeType
from typing import Literal, NamedTuple

from .bytecode import SUPERINSTRUCTIONS

Table = Literal["co_consts", "co_names", "co_varnames", "co_cellvars", "co_freevars"]

_V = sys.version_info[:2]
_CONST = frozenset(dis.opname[op] for op in dis.hasconst)
_NAME = frozenset(dis.opname[op] for op in dis.hasname)
_LOCAL = frozenset(dis.opname[op] for op in dis.haslocal)
_FREE = frozenset(dis.opname[op] for op in dis.hasfree)

# Name opcodes whose argument carries flags in its low bits: the name index is shifted.
_NAME_SHIFT = {"LOAD_GLOBAL": 1}
if _V >= (3, 12):
    _NAME_SHIFT |= {"LOAD_ATTR": 1, "LOAD_SUPER_ATTR": 2}
if _V >= (3, 15):
    _NAME_SHIFT |= {"IMPORT_NAME": 2}  # the low bits say `lazy import` (1) or eager (2)


class TableEntry(NamedTuple):
    """One entry of a code object's table: ``getattr(code, table)[position]``."""

    table: Table
    position: int


def table_entries(code: CodeType, opname: str, arg: int | None) -> tuple[TableEntry, ...]:
    """The table entries the argument ``arg`` of ``opname`` reads in ``code`` (none for an
    argument that is not an index into one, such as a jump or an operator number)."""
    if arg is None:
        return ()
    if opname in _CONST:
        return (TableEntry("co_consts", arg),)
    if opname in _NAME:
        return (TableEntry("co_names", arg >> _NAME_SHIFT.get(opname, 0)),)
    if opname in SUPERINSTRUCTIONS:
        # Two locals: the high four bits name the first, the low four the second.
        return (_local(code, arg >> 4), _local(code, arg & 15))
    if opname in _LOCAL or opname in _FREE:
        return (_local(code, arg),)
    return ()


def _local(code: CodeType, index: int) -> TableEntry:
    """Where the fast-locals slot ``index`` is listed.

    Since 3.11 a frame's slots are the local variables (``co_varnames``), then the cell
    variables that are not also arguments, then the free variables; a cell variable that
    is an argument keeps its argument's slot.
    """
    varnames = code.co_varnames
    if index < len(varnames):
        return TableEntry("co_varnames", index)
    index -= len(varnames)
    cells = [name for name in code.co_cellvars if name not in varnames]
    if index < len(cells):
        return TableEntry("co_cellvars", code.co_cellvars.index(cells[index]))
    return TableEntry("co_freevars", index - len(cells))


def entry_value(code: CodeType, entry: TableEntry) -> object:
    """The value the entry holds (a name for every table but the constants)."""
    return getattr(code, entry.table)[entry.position]
