"""The inline caches the Explain pane describes: their sizes are the gaps CPython leaves in
the bytecode after each instruction, and every part has words of ours."""

from __future__ import annotations

import dis
import opcode

import pytest

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
    parts = inline_cache("BINARY_OP")
    assert [part.name for part in parts] == list(opcode._cache_format["BINARY_OP"])  # type: ignore[attr-defined]
    counter = parts[0]
    assert counter.name == "counter" and counter.units == 1 and "specialize" in counter.words


def test_a_specialized_name_has_its_generic_instructions_cache() -> None:
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    for generic, names in table.items():
        for name in names:
            assert inline_cache(name) == inline_cache(generic), name


def test_fields_that_mean_something_else_behind_one_instruction() -> None:
    formats = opcode._cache_format  # type: ignore[attr-defined]
    if "descr" in formats.get("BINARY_OP", {}):
        (descr,) = [field for field in inline_cache("BINARY_OP") if field.name == "descr"]
        assert "BINARY_OP_EXTEND" in descr.words
    for field in inline_cache("LOAD_ATTR"):
        assert "no words" not in field.words


def test_a_field_the_table_lacks_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    formats = {name: dict(parts) for name, parts in opcode._cache_format.items()}  # type: ignore[attr-defined]
    formats["BINARY_OP"] = {**formats["BINARY_OP"], "fake_field": 2}
    monkeypatch.setattr(opcode, "_cache_format", formats)
    (fake,) = [field for field in inline_cache("BINARY_OP") if field.name == "fake_field"]
    assert fake.units == 2 and "no words" in fake.words
