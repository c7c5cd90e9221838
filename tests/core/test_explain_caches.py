"""The inline caches the Explain pane describes: their sizes are the gaps CPython leaves in
the bytecode after each instruction, and every part has words of ours."""

from __future__ import annotations

import dis
import opcode

from tui_exec.core.explain.caches import field_words, inline_cache

SOURCE = """\
import os
x = a + b
y = os.path.join(x, "c")
z = x < y
for item in y:
    z[item] = x.attr
if z:
    a, b = b, a
"""


def test_each_instructions_cache_fills_the_gap_dis_leaves_after_it() -> None:
    checked = 0
    code = compile(SOURCE, "<test>", "exec")
    instructions = list(dis.get_instructions(code))
    for ins, after in zip(instructions, instructions[1:], strict=False):
        gap_units = (after.offset - ins.offset) // 2 - 1
        units = sum(field.units for field in inline_cache(ins.opname))
        assert units == gap_units, ins.opname
        checked += bool(units)
    assert checked >= 8


def test_every_field_the_running_python_has_is_explained() -> None:
    fields = {name for parts in opcode._cache_format.values() for name in parts}  # type: ignore[attr-defined]
    words = field_words()
    assert fields <= set(words)
    assert all(len(text) > 20 for text in words.values())
    assert inline_cache("NOP") == ()
    (counter,) = inline_cache("BINARY_OP")
    assert counter.name == "counter" and counter.units == 1 and "specialize" in counter.words
