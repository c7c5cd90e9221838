"""co_linetable (3.11+) decoded entry by entry, with the bytes each entry occupies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

# An entry starts with a byte whose top bit is set: bits 3-6 are its kind, bits 0-2 the number
# of code units it covers, minus one. Kinds 0-9 are "short": same line, the start column is
# kind*8 + the next byte's high nibble, the length its low nibble. 10-12: line moves by
# kind-10, then one byte each for the start and end columns. 13: a signed line delta, no
# columns. 14: a signed line delta, then end-line delta, start column + 1, end column + 1 as
# varints. 15: no position at all.
SHORT_LAST = 9
ONE_LINE_FIRST, ONE_LINE_LAST = 10, 12
NO_COLUMNS, LONG, NO_LOCATION = 13, 14, 15

KIND_NAMES = {
    **{kind: f"short form {kind}" for kind in range(SHORT_LAST + 1)},
    **{kind: f"one-line form {kind}" for kind in range(ONE_LINE_FIRST, ONE_LINE_LAST + 1)},
    NO_COLUMNS: "no columns",
    LONG: "long form",
    NO_LOCATION: "no location",
}
"""Names of the entry kinds, for people."""

Positions = tuple[int | None, int | None, int | None, int | None]


class LinetableError(ValueError):
    """The bytes do not decode as a 3.11+ location table."""


class LineEntry(NamedTuple):
    """One entry of co_linetable: which code units it covers and the position they share."""

    start: int
    """Offset of its first byte in co_linetable."""
    end: int
    """Offset just past its last byte."""
    kind: int
    """0-15, see :data:`KIND_NAMES`."""
    first_offset: int
    """Byte offset in co_code of the first instruction it covers."""
    end_offset: int
    """Byte offset in co_code just past the code units it covers."""
    positions: Positions
    """(line, end line, column, end column) as ``co_positions()`` gives them; columns in
    UTF-8 bytes."""

    @property
    def kind_name(self) -> str:
        """What the kind code means, in a few words."""
        return KIND_NAMES[self.kind]


def decode_linetable(table: bytes, firstlineno: int) -> Iterator[LineEntry]:
    """Every entry of ``table`` in order; lines start from the code object's firstlineno."""
    reader = _Bytes(table)
    line = firstlineno
    offset = 0
    while reader.pos < len(table):
        start = reader.pos
        head = reader.byte()
        if not head & 0x80:
            raise LinetableError(f"byte {start}: an entry must start with its top bit set")
        kind = (head >> 3) & 15
        units = (head & 7) + 1
        positions: Positions
        if kind <= SHORT_LAST:
            second = reader.byte()
            column = kind * 8 + (second >> 4)
            positions = (line, line, column, column + (second & 15))
        elif kind <= ONE_LINE_LAST:
            line += kind - ONE_LINE_FIRST
            positions = (line, line, reader.byte(), reader.byte())
        elif kind == NO_COLUMNS:
            line += reader.signed_varint()
            positions = (line, line, None, None)
        elif kind == LONG:
            line += reader.signed_varint()
            end_line = line + reader.varint()
            column = reader.varint() - 1
            end_column = reader.varint() - 1
            positions = (
                line,
                end_line,
                None if column < 0 else column,
                None if end_column < 0 else end_column,
            )
        else:
            positions = (None, None, None, None)
        yield LineEntry(start, reader.pos, kind, offset, offset + 2 * units, positions)
        offset += 2 * units


def entry_for_offset(table: bytes, firstlineno: int, offset: int) -> LineEntry | None:
    """The entry that covers the instruction at byte ``offset`` of co_code, if any."""
    for entry in decode_linetable(table, firstlineno):
        if entry.first_offset <= offset < entry.end_offset:
            return entry
    return None


class _Bytes:
    """A cursor with the two varint forms the table uses (6 bits a byte, 0x40 = more)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise LinetableError(f"byte {self.pos}: the table ends inside an entry")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 63) << shift
            shift += 6
            if not byte & 64:
                return value

    def signed_varint(self) -> int:
        value = self.varint()
        return -(value >> 1) if value & 1 else value >> 1
