"""Reading CPython's value stack from a frame: the layout probe, the words' tags, the depths.

The values themselves are checked end to end, through ``tui-exec run --stack-values``, in
tests/test_stack_values.py.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from tui_exec.core import analyze
from tui_exec.core import value_stack as vs
from tui_exec.core.bytecode import walk_code
from tui_exec.core.stack import stack_before

V = sys.version_info[:2]


def test_the_probe_reads_this_interpreters_frames() -> None:
    """Every supported CPython (3.11-3.15, the default build) passes the layout check."""
    reader, why = vs.probe([])
    assert why == ""
    assert reader is not None
    assert reader.layout == vs.LAYOUTS[V]


def test_an_unknown_version_is_refused_before_any_memory_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(vs.LAYOUTS, V)
    reader, why = vs.probe([])
    assert reader is None
    assert why == f"Python {V[0]}.{V[1]} is newer than tui-exec's frame layouts"


def test_a_free_threaded_or_debug_build_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "abiflags", "t", raising=False)
    assert vs.unsupported_reason() == "a free-threaded build keeps its frames differently"
    monkeypatch.setattr(sys, "abiflags", "d", raising=False)
    assert vs.unsupported_reason() == "a debug build keeps its objects differently"


def test_a_layout_that_does_not_hold_fails_the_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Locals one slot off: the code object is found, the values are not the known ones."""
    good = vs.LAYOUTS[V]
    monkeypatch.setitem(vs.LAYOUTS, V, good._replace(localsplus=good.localsplus + 8))
    reader, why = vs.probe([])
    assert reader is None
    assert why.startswith("the frame layout check failed (")


def test_tagged_words_of_3_14() -> None:
    assert vs.decode_word(1, tagged=True) == vs.Entry("null", 0)
    assert vs.decode_word((7 << 2) | 3, tagged=True) == vs.Entry("int", 7)
    assert vs.decode_word(0x7F00_0000_1001, tagged=True) == vs.Entry("object", 0x7F00_0000_1000)
    assert vs.decode_word(0x7F00_0000_1000, tagged=True) == vs.Entry("object", 0x7F00_0000_1000)
    assert vs.decode_word(0, tagged=False) == vs.Entry("null", 0)
    assert vs.decode_word(0x7F00_0000_1000, tagged=False) == vs.Entry("object", 0x7F00_0000_1000)


SAMPLE = b"""\
def outer(a, b):
    def inner():
        return a + b
    try:
        x = [i * a for i in range(b) if i]
    except ValueError as e:
        x = None
    finally:
        b = 0
    with open(__file__) as f:
        pass
    for k, v in {1: 2}.items():
        if k and v or not k:
            print(k, v)
    return inner, x

async def agen():
    yield 1
    async for y in agen():
        await y

def gen():
    got = yield 1
    yield from range(got)

print(outer(1, 2), f"{3!r:>4}", 1 if 2 else 3)
"""


def _depth_pairs(source: bytes) -> list[tuple[str, int, int, int]]:
    """(opname, offset, static depth from the value reader, length of stack.py's stack)."""
    analysis = analyze(source)
    assert analysis.module_code is not None
    codes = [code for code, _ in walk_code(analysis.module_code)]
    pairs = []
    for code_object in analysis.code_objects:
        depths = vs.static_depths(codes[code_object.id])
        for ins in analysis.instructions[
            code_object.first_instruction : code_object.end_instruction
        ]:
            stack = stack_before(analysis, ins.id)
            known = depths[ins.offset // 2]
            pairs.append((ins.opname, ins.offset, known, -1 if stack is None else len(stack)))
    return pairs


def test_static_depths_agree_with_the_labelled_stacks() -> None:
    """On 3.12 and 3.13 the frame does not save its stack's top at instruction events, so
    the reader uses these depths: they must be the labelled stacks' (checked against
    ``co_stacksize`` and ``dis.stack_effect`` on the whole stdlib)."""
    pairs = _depth_pairs(SAMPLE)
    assert len(pairs) > 150
    assert [p for p in pairs if p[2] != p[3]] == []


@pytest.mark.slow
def test_static_depths_agree_with_the_labelled_stacks_on_the_stdlib() -> None:
    from tests.core.stdlib_files import stdlib_files

    checked = 0
    for path in stdlib_files()[::4]:
        source = path.read_bytes()
        if not analyze(source).compiled:
            continue
        wrong = [p for p in _depth_pairs(source) if p[2] != p[3]]
        assert wrong == [], path
        checked += 1
    assert checked > 100


def _saved_depths(function: types.FunctionType, *args: Any) -> list[tuple[int, int, int]]:
    """(offset, saved depth, static depth) at each instruction of a call of ``function``."""
    code = function.__code__
    reader = vs.FrameReader(vs.LAYOUTS[V], [code])
    statics = vs.static_depths(code)
    seen: list[tuple[int, int, int]] = []
    layout = reader.layout

    def check(frame: types.FrameType, offset: int) -> None:
        address = reader.frame_address(frame)
        depth = reader.depth(address, 0, offset)
        saved = layout.top_kind != "static"
        seen.append((offset, depth if saved else -2, statics[offset // 2]))

    vs._run_probe(code, check, lambda: function(*args))
    return seen


def _busy(n: int) -> object:
    total = 0
    for i in range(n):
        try:
            total += [i, i * 2][i % 2] // (i - 1)
        except ZeroDivisionError:
            total -= 1
        with open(__file__) as handle:
            total += len(handle.read(1))
    return total, {k: v for k, v in zip("ab", (1, 2), strict=True)}, f"{total!r}"


@pytest.mark.skipif(vs.LAYOUTS[V].top_kind == "static", reason="3.12/3.13 save no top")
def test_the_saved_top_is_the_static_depth_at_every_instruction() -> None:
    """Where the frame saves its stack's top (3.11, 3.14, 3.15), the depth it gives equals
    the static one at every instruction of a run with a loop, a handler and a with block."""
    seen = _saved_depths(_busy, 4)
    assert len(seen) > 100
    assert [row for row in seen if row[1] != row[2]] == []
