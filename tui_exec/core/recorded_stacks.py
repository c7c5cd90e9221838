"""The value stacks a run recorded (see :mod:`value_stack`), read back for the app and ``run``."""

from __future__ import annotations

import marshal
import sys
from array import array
from pathlib import Path
from typing import NamedTuple

from .value_stack import (
    NULL_ENTRY,
    STACK_ENDS_FILE,
    STACK_REFS_FILE,
    STACK_VALUES_FILE,
    UNKNOWN_ENTRY,
)


class StackValue(NamedTuple):
    """One entry of CPython's value stack as recorded."""

    repr: str | None
    """The value's repr, cut like the variables' (None: NULL, a slot with no object)."""
    type: str | None
    """Its type's name (None for NULL)."""


NULL = StackValue(None, None)


class RecordedStacks:
    """Per step, the value stack just before the step ran, bottom first."""

    def __init__(
        self,
        ends: array[int],
        refs: array[int],
        table: list[tuple[str | None, str | None]],
    ) -> None:
        self._ends = ends
        self._refs = refs
        self._table = table
        """(type name, repr) per value id, as recorded (made StackValues when asked for:
        a long run has hundreds of thousands)."""

    def __len__(self) -> int:
        return len(self._ends)

    def at(self, step: int) -> tuple[StackValue, ...] | None:
        """The stack before ``step`` ran, or None when it was not read at that step."""
        if not 0 <= step < len(self._ends):
            return None
        start = self._ends[step - 1] if step else 0
        ids = self._refs[start : self._ends[step]]
        table = self._table
        if len(ids) == 1 and ids[0] == UNKNOWN_ENTRY or any(i >= len(table) for i in ids):
            return None
        return tuple(
            NULL if table[i][0] is None else StackValue(table[i][1], table[i][0]) for i in ids
        )


def read_stacks(folder: Path, steps: int) -> RecordedStacks | None:
    """The stacks recorded in ``folder`` for its first ``steps`` steps (the files are
    written in chunks: a run killed mid-chunk keeps the steps every file covers)."""
    try:
        ends = _uint32s(folder / STACK_ENDS_FILE)
        refs = _uint32s(folder / STACK_REFS_FILE)
        data = (folder / STACK_VALUES_FILE).read_bytes()
    except OSError:
        return None
    table: list[tuple[str | None, str | None]] = []
    position = 0
    while position + 4 <= len(data):
        size = int.from_bytes(data[position : position + 4], "little")
        chunk = data[position + 4 : position + 4 + size]
        if len(chunk) < size:
            break
        try:
            table.extend(marshal.loads(chunk))
        except (ValueError, EOFError, TypeError):
            break
        position += 4 + size
    if len(table) <= UNKNOWN_ENTRY or table[NULL_ENTRY] != (None, None):
        return None
    kept = min(len(ends), steps)
    while kept and ends[kept - 1] > len(refs):
        kept -= 1
    del ends[kept:]
    return RecordedStacks(ends, refs, table)


def _uint32s(path: Path) -> array[int]:
    """A file of little-endian uint32s (a partial last one left out)."""
    data = path.read_bytes()
    values = array("I")
    values.frombytes(data[: len(data) - len(data) % 4])
    if sys.byteorder != "little":
        values.byteswap()
    return values
