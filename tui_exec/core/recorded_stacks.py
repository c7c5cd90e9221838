"""The value stacks a run recorded (see :mod:`value_stack`), read back for the app and ``run``."""

from __future__ import annotations

import marshal
import sys
from array import array
from bisect import bisect_right
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
_DECODED_CHUNKS = 8
"""Chunks of the value table kept decoded (stepping stays within a few)."""


class RecordedStacks:
    """Per step, the value stack just before the step ran, bottom first.

    The table of values stays as the recorder wrote it, in marshal'ed chunks, each decoded
    when a step first shows one of its values: a 2M-step run describes hundreds of
    thousands of values, and decoding them all cost 100+ MB and a quarter second.
    """

    def __init__(
        self, ends: array[int], refs: array[int], chunks: list[tuple[int, bytes]], count: int
    ) -> None:
        self._ends = ends
        self._refs = refs
        self._starts = [start for start, _ in chunks]
        """The first value id of each chunk."""
        self._blobs = [blob for _, blob in chunks]
        self._count = count
        """Value ids recorded."""
        self._decoded: dict[int, list[tuple[str | None, str | None]]] = {}

    def __len__(self) -> int:
        return len(self._ends)

    def at(self, step: int) -> tuple[StackValue, ...] | None:
        """The stack before ``step`` ran, or None when it was not read at that step."""
        if not 0 <= step < len(self._ends):
            return None
        start = self._ends[step - 1] if step else 0
        ids = self._refs[start : self._ends[step]]
        if len(ids) == 1 and ids[0] == UNKNOWN_ENTRY or any(i >= self._count for i in ids):
            return None
        return tuple(self._value(i) for i in ids)

    def _value(self, value_id: int) -> StackValue:
        if value_id == NULL_ENTRY:
            return NULL
        chunk = bisect_right(self._starts, value_id) - 1
        rows = self._decoded.get(chunk)
        if rows is None:
            if len(self._decoded) >= _DECODED_CHUNKS:
                self._decoded.pop(next(iter(self._decoded)))
            rows = self._decoded[chunk] = marshal.loads(self._blobs[chunk])
        kind, text = rows[value_id - self._starts[chunk]]
        return NULL if kind is None else StackValue(text, kind)


def read_stacks(folder: Path, steps: int) -> RecordedStacks | None:
    """The stacks recorded in ``folder`` for its first ``steps`` steps (the files are
    written in chunks: a run killed mid-chunk keeps the steps every file covers)."""
    try:
        ends = _uint32s(folder / STACK_ENDS_FILE)
        refs = _uint32s(folder / STACK_REFS_FILE)
        data = (folder / STACK_VALUES_FILE).read_bytes()
    except OSError:
        return None
    chunks: list[tuple[int, bytes]] = []
    first = 0
    position = 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position : position + 4], "little")
        count = int.from_bytes(data[position + 4 : position + 8], "little")
        blob = data[position + 8 : position + 8 + size]
        if len(blob) < size:
            break
        chunks.append((first, blob))
        first += count
        position += 8 + size
    if not chunks or first <= UNKNOWN_ENTRY:
        return None
    kept = min(len(ends), steps)
    while kept and ends[kept - 1] > len(refs):
        kept -= 1
    del ends[kept:]
    return RecordedStacks(ends, refs, chunks, first)


def _uint32s(path: Path) -> array[int]:
    """A file of little-endian uint32s (a partial last one left out)."""
    data = path.read_bytes()
    values = array("I")
    values.frombytes(data[: len(data) - len(data) % 4])
    if sys.byteorder != "little":
        values.byteswap()
    return values
