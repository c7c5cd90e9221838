"""A marshal reader that keeps the byte offsets of every object (marshal itself gives none)."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple, cast

FLAG_REF = 0x80
"""Set on a type byte: the object goes into the reference table, for later TYPE_REF items."""

# Type codes, as characters. Marshal version 4 (3.11-3.13) writes all but INT64, TEXT_FLOAT,
# TEXT_COMPLEX, UNKNOWN and SLICE (3.14's version 5); the reader accepts those too.
NULL, NONE, FALSE, TRUE, STOPITER, ELLIPSIS = "0", "N", "F", "T", "S", "."
INT, INT64, LONG = "i", "I", "l"
TEXT_FLOAT, BINARY_FLOAT, TEXT_COMPLEX, BINARY_COMPLEX = "f", "g", "x", "y"
BYTES, INTERNED, UNICODE = "s", "t", "u"
ASCII, ASCII_INTERNED, SHORT_ASCII, SHORT_ASCII_INTERNED = "a", "A", "z", "Z"
TUPLE, SMALL_TUPLE, LIST, DICT, SET, FROZENSET = "(", ")", "[", "{", "<", ">"
CODE, REF, SLICE, UNKNOWN = "c", "r", ":", "?"
BARE_INT = ""
"""Not a type code: a code object's 32-bit integer fields are written with no type byte."""

TYPE_NAMES = {
    NONE: "None",
    FALSE: "False",
    TRUE: "True",
    STOPITER: "StopIteration",
    ELLIPSIS: "Ellipsis",
    INT: "int (32-bit)",
    INT64: "int (64-bit)",
    LONG: "int (15-bit digits)",
    TEXT_FLOAT: "float (text)",
    BINARY_FLOAT: "float",
    TEXT_COMPLEX: "complex (text)",
    BINARY_COMPLEX: "complex",
    BYTES: "bytes",
    INTERNED: "str (interned)",
    UNICODE: "str",
    ASCII: "str (ASCII)",
    ASCII_INTERNED: "str (ASCII, interned)",
    SHORT_ASCII: "str (short ASCII)",
    SHORT_ASCII_INTERNED: "str (short ASCII, interned)",
    TUPLE: "tuple",
    SMALL_TUPLE: "tuple (small)",
    LIST: "list",
    DICT: "dict",
    SET: "set",
    FROZENSET: "frozenset",
    CODE: "code",
    REF: "reference",
    SLICE: "slice",
    BARE_INT: "int32",
}
"""Short names of the type codes, for people."""

CODE_FIELDS = (
    "co_argcount",
    "co_posonlyargcount",
    "co_kwonlyargcount",
    "co_stacksize",
    "co_flags",
    "co_code",
    "co_consts",
    "co_names",
    "co_localsplusnames",
    "co_localspluskinds",
    "co_filename",
    "co_name",
    "co_qualname",
    "co_firstlineno",
    "co_linetable",
    "co_exceptiontable",
)
"""A code object's fields in stream order, the same on 3.11, 3.12 and 3.13."""
INT_FIELDS = frozenset(
    {
        "co_argcount",
        "co_posonlyargcount",
        "co_kwonlyargcount",
        "co_stacksize",
        "co_flags",
        "co_firstlineno",
    }
)
"""The fields written as bare 32-bit integers (no type byte); the others are whole objects."""

_MAX_DEPTH = 2000  # marshal's own nesting limit
_I32 = struct.Struct("<i").unpack_from
_U32 = struct.Struct("<I").unpack_from
_I64 = struct.Struct("<q").unpack_from
_F64 = struct.Struct("<d").unpack_from
_U16 = struct.Struct("<H").unpack_from


class MarshalError(ValueError):
    """The bytes are not a marshal stream this reader understands."""


class Item(NamedTuple):
    """One object of a marshal stream and the bytes it occupies."""

    type: str
    """Its type code character, FLAG_REF removed (:data:`BARE_INT` for a code object's integer
    fields)."""
    start: int
    """Offset of its type byte (of its first byte, for a bare int)."""
    end: int
    """Offset just past its last byte (children included)."""
    ref: int | None = None
    """Its index in the reference table, when FLAG_REF was set."""
    value: object = None
    """The Python value of a scalar; for :data:`REF`, the index it refers to."""
    items: tuple[Item, ...] = ()
    """Children in stream order: elements; a dict's key, value, key, value...; a code
    object's fields (see :data:`CODE_FIELDS`)."""
    field: str = ""
    """Its name as a code object's field (``co_code``...), else empty."""

    @property
    def data_start(self) -> int:
        """Where the payload of a bytes or str item begins, after its type byte and length."""
        if self.type in (SHORT_ASCII, SHORT_ASCII_INTERNED):
            return self.start + 2
        if self.type in (BYTES, INTERNED, UNICODE, ASCII, ASCII_INTERNED):
            return self.start + 5
        return self.start

    def get(self, field: str) -> Item:
        """A code object's field by name."""
        for child in self.items:
            if child.field == field:
                return child
        raise KeyError(field)


@dataclass(frozen=True, slots=True)
class Stream:
    """A whole marshal stream read: its root object and its reference table."""

    root: Item
    refs: tuple[Item, ...]
    """Index → the item that FLAG_REF put there."""

    def resolve(self, item: Item) -> Item:
        """``item`` itself, or for a back-reference the item it refers to."""
        while item.type == REF:
            item = self.refs[cast(int, item.value)]
        return item

    def walk(self, item: Item | None = None) -> Iterator[Item]:
        """Every item under ``item`` (the root by default) in stream order, refs not followed."""
        stack = [self.root if item is None else item]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(current.items))


@dataclass(frozen=True, slots=True)
class CodeFields:
    """The marshalled fields of a code object, as plain values (never a live code object)."""

    co_argcount: int
    co_posonlyargcount: int
    co_kwonlyargcount: int
    co_stacksize: int
    co_flags: int
    co_code: bytes
    co_consts: tuple[object, ...]
    co_names: tuple[str, ...]
    co_localsplusnames: tuple[str, ...]
    co_localspluskinds: bytes
    co_filename: str
    co_name: str
    co_qualname: str
    co_firstlineno: int
    co_linetable: bytes
    co_exceptiontable: bytes


def read(data: bytes, start: int = 0) -> Stream:
    """Read the one marshal object at ``data[start:]``; offsets are indexes into ``data``."""
    reader = _Reader(data, start)
    root = reader.read_object()
    if root.type == NULL:
        raise MarshalError(f"offset {start}: NULL where an object was expected")
    # Every slot was filled: read_object fills the slot it reserves, or raises.
    return Stream(root, tuple(cast(Item, item) for item in reader.refs))


class _Reader:
    """A cursor over the bytes; one method per family of type codes."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        self.pos = start
        self.refs: list[Item | None] = []
        self.depth = 0
        readers: dict[str, Callable[[str, int, int | None], Item]] = {
            NULL: self._constant,
            NONE: self._constant,
            FALSE: self._constant,
            TRUE: self._constant,
            STOPITER: self._constant,
            ELLIPSIS: self._constant,
            INT: self._int,
            INT64: self._int64,
            LONG: self._long,
            TEXT_FLOAT: self._text_float,
            BINARY_FLOAT: self._binary_float,
            TEXT_COMPLEX: self._text_complex,
            BINARY_COMPLEX: self._binary_complex,
            BYTES: self._string,
            INTERNED: self._string,
            UNICODE: self._string,
            ASCII: self._string,
            ASCII_INTERNED: self._string,
            SHORT_ASCII: self._string,
            SHORT_ASCII_INTERNED: self._string,
            TUPLE: self._sequence,
            SMALL_TUPLE: self._sequence,
            LIST: self._sequence,
            SET: self._sequence,
            FROZENSET: self._sequence,
            DICT: self._dict,
            CODE: self._code,
            REF: self._ref,
            SLICE: self._slice,
        }
        self.readers = {ord(code): method for code, method in readers.items()}

    def take(self, count: int) -> int:
        """Advance over ``count`` bytes; return where they start."""
        at = self.pos
        if count < 0 or at + count > len(self.data):
            raise MarshalError(f"offset {at}: stream ends inside an object")
        self.pos = at + count
        return at

    def i32(self) -> int:
        return int(_I32(self.data, self.take(4))[0])

    def size(self) -> int:
        count = self.i32()
        if count < 0:
            raise MarshalError(f"offset {self.pos - 4}: negative size {count}")
        return count

    def read_object(self) -> Item:
        start = self.take(1)
        byte = self.data[start]
        method = self.readers.get(byte & ~FLAG_REF)
        if method is None:
            raise MarshalError(f"offset {start}: unknown type code {byte:#04x}")
        ref: int | None = None
        if byte & FLAG_REF:
            # The slot is taken before the children are read, as marshal does, so children's
            # own slots come after their parent's.
            ref = len(self.refs)
            self.refs.append(None)
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise MarshalError(f"offset {start}: nested too deeply")
        try:
            item = method(chr(byte & ~FLAG_REF), start, ref)
        finally:
            self.depth -= 1
        if ref is not None:
            self.refs[ref] = item
        return item

    def _constant(self, code: str, start: int, ref: int | None) -> Item:
        value = _CONSTANTS[code]
        return Item(code, start, self.pos, ref, value)

    def _int(self, code: str, start: int, ref: int | None) -> Item:
        value = self.i32()
        return Item(code, start, self.pos, ref, value)

    def _int64(self, code: str, start: int, ref: int | None) -> Item:
        value = int(_I64(self.data, self.take(8))[0])
        return Item(code, start, self.pos, ref, value)

    def _long(self, code: str, start: int, ref: int | None) -> Item:
        count = self.i32()
        digits = abs(count)
        at = self.take(2 * digits)
        value = 0
        for i in range(digits):
            digit = int(_U16(self.data, at + 2 * i)[0])
            if digit >= 1 << 15:
                raise MarshalError(f"offset {at + 2 * i}: digit out of range in a long")
            if digit == 0 and i == digits - 1:
                raise MarshalError(f"offset {at + 2 * i}: unnormalized long")
            value |= digit << (15 * i)
        return Item(code, start, self.pos, ref, -value if count < 0 else value)

    def _float_text(self) -> float:
        length = self.data[self.take(1)]
        at = self.take(length)
        try:
            return float(self.data[at : at + length].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise MarshalError(f"offset {at}: bad float text") from None

    def _text_float(self, code: str, start: int, ref: int | None) -> Item:
        value = self._float_text()
        return Item(code, start, self.pos, ref, value)

    def _binary_float(self, code: str, start: int, ref: int | None) -> Item:
        value = float(_F64(self.data, self.take(8))[0])
        return Item(code, start, self.pos, ref, value)

    def _text_complex(self, code: str, start: int, ref: int | None) -> Item:
        real = self._float_text()
        imag = self._float_text()
        return Item(code, start, self.pos, ref, complex(real, imag))

    def _binary_complex(self, code: str, start: int, ref: int | None) -> Item:
        at = self.take(16)
        real, imag = _F64(self.data, at)[0], _F64(self.data, at + 8)[0]
        return Item(code, start, self.pos, ref, complex(real, imag))

    def _string(self, code: str, start: int, ref: int | None) -> Item:
        if code in (SHORT_ASCII, SHORT_ASCII_INTERNED):
            length = self.data[self.take(1)]
        else:
            length = self.size()
        at = self.take(length)
        raw = bytes(self.data[at : at + length])
        value: str | bytes
        if code == BYTES:
            value = raw
        elif code in (UNICODE, INTERNED):
            try:
                value = raw.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                raise MarshalError(f"offset {at}: string is not UTF-8") from None
        else:  # the ASCII kinds are read byte for byte, as latin-1
            value = raw.decode("latin-1")
        return Item(code, start, self.pos, ref, value)

    def _sequence(self, code: str, start: int, ref: int | None) -> Item:
        count = self.data[self.take(1)] if code == SMALL_TUPLE else self.size()
        items = tuple(self._element(start) for _ in range(count))
        return Item(code, start, self.pos, ref, None, items)

    def _element(self, container: int) -> Item:
        item = self.read_object()
        if item.type == NULL:
            raise MarshalError(f"offset {item.start}: NULL inside the object at {container}")
        return item

    def _dict(self, code: str, start: int, ref: int | None) -> Item:
        items: list[Item] = []
        while True:
            key = self.read_object()
            if key.type == NULL:
                break
            items.append(key)
            items.append(self._element(start))
        return Item(code, start, self.pos, ref, None, tuple(items))

    def _code(self, code: str, start: int, ref: int | None) -> Item:
        fields: list[Item] = []
        for name in CODE_FIELDS:
            if name in INT_FIELDS:
                at = self.pos
                value = self.i32()
                fields.append(Item(BARE_INT, at, self.pos, None, value, (), name))
            else:
                fields.append(self._element(start)._replace(field=name))
        return Item(code, start, self.pos, ref, None, tuple(fields))

    def _ref(self, code: str, start: int, ref: int | None) -> Item:
        index = int(_U32(self.data, self.take(4))[0])
        if index >= len(self.refs):
            raise MarshalError(f"offset {start}: reference {index} to nothing yet")
        return Item(code, start, self.pos, ref, index)

    def _slice(self, code: str, start: int, ref: int | None) -> Item:
        items = tuple(self._element(start) for _ in range(3))
        return Item(code, start, self.pos, ref, None, items)


_CONSTANTS: dict[str, object] = {
    NULL: None,
    NONE: None,
    FALSE: False,
    TRUE: True,
    STOPITER: StopIteration,
    ELLIPSIS: Ellipsis,
}


def to_value(stream: Stream, item: Item | None = None) -> object:
    """The Python value of ``item`` (the root by default), equal to what ``marshal.loads``
    returns, except that code objects become :class:`CodeFields`. Shared references stay
    shared, as in marshal."""
    return _Builder(stream).build(stream.root if item is None else item)


class _Builder:
    """Turns items into values, remembering each referenced object once."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.done: dict[int, object] = {}
        self.building: set[int] = set()
        """References whose immutable object was begun (finished ones are in ``done``, which
        build() checks first, so they need not leave this set)."""

    def build(self, item: Item) -> object:
        if item.type == REF:
            index = cast(int, item.value)
            if index in self.done:
                return self.done[index]
            if index in self.building:
                raise MarshalError(f"offset {item.start}: an immutable object contains itself")
            return self.build(self.stream.refs[index])
        if item.ref is not None and item.ref in self.done:
            return self.done[item.ref]
        if not item.items and item.type not in _CONTAINERS:
            return self._keep(item, item.value)
        kind = item.type
        # Mutable containers exist before their children, so children may refer back to them.
        if kind == LIST:
            result_list: list[object] = []
            self._keep(item, result_list)
            result_list.extend(self.build(child) for child in item.items)
            return result_list
        if kind == DICT:
            result_dict: dict[object, object] = {}
            self._keep(item, result_dict)
            pairs = iter(item.items)
            for key in pairs:
                result_dict[self._hashable(key)] = self.build(next(pairs))
            return result_dict
        if kind == SET:
            result_set: set[object] = set()
            self._keep(item, result_set)
            result_set.update(self._hashable(child) for child in item.items)
            return result_set
        if item.ref is not None:
            self.building.add(item.ref)
        children = [self.build(child) for child in item.items]
        value: object
        if kind in (TUPLE, SMALL_TUPLE):
            value = tuple(children)
        elif kind == FROZENSET:
            value = frozenset(self._check_hashable(child, item) for child in children)
        elif kind == SLICE:
            value = slice(*children)
        else:
            value = _code_fields(children, item)
        return self._keep(item, value)

    def _keep(self, item: Item, value: object) -> object:
        if item.ref is not None:
            self.done[item.ref] = value
        return value

    def _hashable(self, item: Item) -> object:
        return self._check_hashable(self.build(item), item)

    @staticmethod
    def _check_hashable(value: object, item: Item) -> object:
        try:
            hash(value)
        except TypeError:
            raise MarshalError(f"offset {item.start}: unhashable set element or key") from None
        return value


_CONTAINERS = frozenset({TUPLE, SMALL_TUPLE, LIST, DICT, SET, FROZENSET, CODE, SLICE})

_CODE_TYPES: dict[str, type | tuple[type, ...]] = {
    "co_code": bytes,
    "co_consts": tuple,
    "co_names": tuple,
    "co_localsplusnames": tuple,
    "co_localspluskinds": bytes,
    "co_filename": str,
    "co_name": str,
    "co_qualname": str,
    "co_linetable": bytes,
    "co_exceptiontable": bytes,
}


def _code_fields(values: list[object], item: Item) -> CodeFields:
    for name, value in zip(CODE_FIELDS, values, strict=True):
        expected = _CODE_TYPES.get(name, int)
        if not isinstance(value, expected):
            raise MarshalError(f"offset {item.start}: code field {name} is {type(value).__name__}")
    return CodeFields(*values)  # type: ignore[arg-type]
