"""The marshal reader: every type code, references and offsets, checked against marshal."""

from __future__ import annotations

import marshal
import struct
import sys
from types import CodeType

import pytest

from tests.core.marshal_compare import assert_same
from tui_exec.core import marshal_reader as mr


def _fresh(text: str) -> str:
    """A str built at run time, so not interned by the compiler."""
    return "".join(list(text))


SHARED = [1, 2]

CASES: list[tuple[str, object, int]] = [
    (mr.NONE, None, 4),
    (mr.TRUE, True, 4),
    (mr.FALSE, False, 4),
    (mr.STOPITER, StopIteration, 4),
    (mr.ELLIPSIS, ..., 4),
    (mr.INT, 7, 4),
    (mr.INT, -(2**31), 4),
    (mr.LONG, 2**31, 4),
    (mr.LONG, -(2**100) + 12345, 4),
    (mr.BINARY_FLOAT, 1.5, 4),
    (mr.BINARY_FLOAT, -0.0, 4),
    (mr.BINARY_FLOAT, float("inf"), 4),
    (mr.TEXT_FLOAT, 2.25, 1),
    (mr.BINARY_COMPLEX, 1 - 2j, 4),
    (mr.TEXT_COMPLEX, 3 + 0.5j, 1),
    (mr.BYTES, b"\x00\xffab", 4),
    (mr.UNICODE, _fresh("h\u00e9llo \ud800"), 4),
    (mr.INTERNED, sys.intern(_fresh("caf\u00e9")), 4),
    (mr.ASCII, _fresh("x" * 300), 4),
    (mr.ASCII_INTERNED, sys.intern(_fresh("y" * 300)), 4),
    (mr.SHORT_ASCII, _fresh("abc"), 4),
    (mr.SHORT_ASCII_INTERNED, sys.intern(_fresh("abd")), 4),
    (mr.SMALL_TUPLE, (1, "a", None), 4),
    (mr.TUPLE, tuple(range(256)), 4),
    (mr.LIST, [1, [2.0], ()], 4),
    (mr.DICT, {"a": 1, 2: (3,), None: {}}, 4),
    (mr.SET, {1, "b"}, 4),
    (mr.FROZENSET, frozenset({1, 2}), 4),
    (mr.FROZENSET, frozenset(), 4),
]


def _case_id(part: object) -> str:
    """A test id that is the same in every process: a set's repr follows the hash seed,
    which differs between pytest-xdist's workers (they must collect the same ids)."""
    if isinstance(part, (set, frozenset)):
        items = ", ".join(sorted(repr(item) for item in part))
        return f"{type(part).__name__}({items})"[:24]
    return repr(part)[:24]


@pytest.mark.parametrize(("code", "value", "version"), CASES, ids=_case_id)
def test_each_type_code_reads_as_marshal_loads(code: str, value: object, version: int) -> None:
    data = marshal.dumps(value, version)
    stream = mr.read(data)
    assert stream.root.type == code  # the case really exercises that type code
    assert (stream.root.start, stream.root.end) == (0, len(data))
    assert_same(mr.to_value(stream), marshal.loads(data))


def test_int64_and_slice_are_read_though_marshal_4_never_writes_them() -> None:
    int64 = b"I" + struct.pack("<q", -(2**40))
    assert mr.to_value(mr.read(int64)) == marshal.loads(int64) == -(2**40)
    # 3.14's TYPE_SLICE: start, stop, step as three objects.
    stream = mr.read(b":" + b"i\x01\x00\x00\x00" + b"N" + b"i\x02\x00\x00\x00")
    assert mr.to_value(stream) == slice(1, None, 2)
    assert [item.type for item in stream.root.items] == [mr.INT, mr.NONE, mr.INT]


def test_offsets_of_nested_items_are_exact() -> None:
    data = marshal.dumps((_fresh("ab"), _fresh("xyz").encode()))
    # ')' n=2 | 'z' len=2 'a' 'b' | 's' len(4 bytes) 'x' 'y' 'z'
    assert data == b")\x02z\x02abs\x03\x00\x00\x00xyz"
    ab, xyz = mr.read(data).root.items
    assert (ab.start, ab.data_start, ab.end) == (2, 4, 6)
    assert (xyz.start, xyz.data_start, xyz.end) == (6, 11, 14)
    assert data[xyz.data_start : xyz.end] == b"xyz"


def test_a_shared_object_is_written_once_then_referenced() -> None:
    data = marshal.dumps((SHARED, SHARED))
    stream = mr.read(data)
    first, second = stream.root.items
    assert first.type == mr.LIST and first.ref is not None
    assert second.type == mr.REF and second.value == first.ref
    assert stream.resolve(second) is stream.refs[first.ref]
    value = mr.to_value(stream)
    assert isinstance(value, tuple) and value[0] is value[1] and value == marshal.loads(data)
    assert mr.to_value(stream, second) == SHARED  # a reference alone: built from its target


def test_reference_slots_are_numbered_parent_first() -> None:
    inner = [SHARED]
    data = marshal.dumps((inner, inner, SHARED))
    stream = mr.read(data)
    flagged = [item for item in stream.walk() if item.ref is not None]
    assert [item.ref for item in flagged] == list(range(len(flagged)))
    assert [item.start for item in flagged] == sorted(item.start for item in flagged)


def test_a_list_that_contains_itself() -> None:
    loop: list[object] = [1]
    loop.append(loop)
    value = mr.to_value(mr.read(marshal.dumps(loop)))
    assert isinstance(value, list) and value[0] == 1 and value[1] is value


SOURCE = """\
import os
X = 10 ** 20
def outer(a, /, b=1.5, *c, d, **e):
    x = 1
    def inner():
        return a + x
    return inner, lambda: b"\\x00"
class C:
    def m(self):
        try:
            return {1, 2} | frozenset({3})
        except ValueError:
            return None
"""


def _code_items(stream: mr.Stream) -> list[mr.Item]:
    return [stream.resolve(i) for i in stream.walk() if stream.resolve(i).type == mr.CODE]


def test_code_objects_have_named_fields_equal_to_the_real_attributes() -> None:
    code = compile(SOURCE, "sample.py", "exec", dont_inherit=True)
    data = b"\x00" * 16 + marshal.dumps(code)  # at an offset, as in a .pyc
    stream = mr.read(data, 16)
    assert stream.root.start == 16 and stream.root.end == len(data)
    assert [field.field for field in stream.root.items] == list(mr.CODE_FIELDS)
    assert_same(mr.to_value(stream), code)
    codes = _code_items(stream)
    assert len(codes) == 6  # module, outer, inner, <lambda>, C, C.m
    for item in codes:
        co_code = stream.resolve(item.get("co_code"))
        assert data[co_code.data_start : co_code.end] == co_code.value
    flags = stream.root.get("co_flags")
    assert flags.type == mr.BARE_INT and flags.end - flags.start == 4
    assert flags.value == code.co_flags


def test_code_fields_come_back_as_plain_values() -> None:
    code = compile("def f(): pass", "f.py", "exec", dont_inherit=True)
    fields = mr.to_value(mr.read(marshal.dumps(code)))
    assert isinstance(fields, mr.CodeFields)
    nested = fields.co_consts[0]
    assert isinstance(nested, mr.CodeFields) and not isinstance(nested, CodeType)
    assert nested.co_qualname == "f"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ends inside"),
        (b"i\x01\x00", "ends inside"),
        (b"\x01", "unknown type code 0x01"),
        (b"0", "NULL"),
        (b")\x01r\x05\x00\x00\x00", "reference 5"),
        (b"l\x01\x00\x00\x00\x00\x00", "unnormalized"),
        (b"u\x01\x00\x00\x00\xff", "not UTF-8"),
        (b"s\xff\xff\xff\xff", "^offset 1: negative size -1$"),  # the size starts at 1
        # Two digits from offset 5, the second (offset 7) over 15 bits.
        (b"l\x02\x00\x00\x00\x01\x00\x00\x80", "^offset 7: digit out of range in a long$"),
    ],
)
def test_bad_streams_raise_marshal_error(data: bytes, message: str) -> None:
    with pytest.raises(mr.MarshalError, match=message):
        mr.read(data)


def test_a_tuple_that_refers_to_itself_is_refused_not_recursed_into() -> None:
    """A flagged small tuple (0x29 | 0x80) of one item, a reference to slot 0: itself. Only a
    hand-made stream holds this (marshal.loads returns a tuple inside itself); building it
    here would recurse for ever, so the reader says what is wrong."""
    data = b"\xa9\x01r\x00\x00\x00\x00"
    with pytest.raises(mr.MarshalError, match="^offset 2: an immutable object contains itself$"):
        mr.to_value(mr.read(data))
