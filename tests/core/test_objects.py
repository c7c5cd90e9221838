"""The objects a state's variables refer to: aliasing, bounded items and depth, reprs that
never build a huge value whole; recorded in a real run and decoded again."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tui_exec.core.objects import Snapshot, snapshot
from tui_exec.core.run import ProgramRun, RunLimits
from tui_exec.core.trace import DETAIL_LIMIT, ITEM_LIMIT, REPR_LIMIT, ObjectGraph


def take(variables: dict[str, Any]) -> Snapshot:
    """What the recorder writes for these variables, decoded as the app reads it."""
    locals_, objects = ObjectGraph().snapshot(variables)
    return snapshot(locals_, objects)


def test_two_names_bound_to_one_list_are_one_object_with_both_names() -> None:
    shared = [1, 2, 3]
    taken = take({"a": shared, "b": shared, "c": [1, 2, 3], "n": 7})
    by_name = {variable.name: variable for variable in taken.variables}
    assert by_name["a"].ref == by_name["b"].ref == id(shared)
    assert by_name["c"].ref not in (None, id(shared))
    assert by_name["n"].ref is None and by_name["n"].text == "7" and by_name["n"].type == "int"
    assert taken.objects[id(shared)].names == ("a", "b")
    assert taken.aliases() == {id(shared): ("a", "b")}
    assert [item.text for item in taken.objects[id(shared)].items or ()] == ["1", "2", "3"]
    assert taken.numbers() == {id(shared): 1, by_name["c"].ref: 2}


def test_items_are_cut_at_the_limit_and_say_how_many_there_are() -> None:
    big = list(range(1000))
    info = take({"big": big}).objects[id(big)]
    assert info.size == 1000 and info.items is not None and len(info.items) == ITEM_LIMIT
    assert info.items_cut
    assert info.text is not None and info.text.startswith("[0, 1, 2") and info.text_cut
    assert len(info.text) == DETAIL_LIMIT


def test_containers_inside_are_objects_and_deeper_ones_only_typed() -> None:
    inner = [1]
    middle = [inner]
    outer = {"m": middle, "s": "short"}
    taken = take({"outer": outer})
    top = taken.objects[id(outer)]
    assert top.items is not None
    assert [(item.label, item.ref, item.text) for item in top.items] == [
        ("'m'", id(middle), ""),
        ("'s'", None, "'short'"),
    ]
    assert taken.objects[id(middle)].items is not None  # depth 2: items recorded
    deepest = taken.objects[id(inner)]  # depth 3: type and size only
    assert deepest.items is None and deepest.text is None and deepest.size == 1


def test_an_instance_shows_its_attributes() -> None:
    class Point:
        def __init__(self) -> None:
            self.x = 1
            self.tags = ["a"]

    point = Point()
    info = take({"p": point}).objects[id(point)]
    assert info.type == "Point"
    assert info.items is not None
    assert [(item.label, item.text, item.ref) for item in info.items] == [
        ("x", "1", None),
        ("tags", "", id(point.tags)),
    ]


def test_a_list_that_contains_itself() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    info = take({"loop": loop}).objects[id(loop)]
    assert info.text == "[1, [...]]"
    assert info.items is not None and info.items[1].ref == id(loop)


def test_a_huge_value_is_never_built_whole() -> None:
    huge = ["x" * 100] * 2_000_000
    started = time.perf_counter()
    taken = take({"huge": huge, "text": "y" * 10_000_000})
    assert time.perf_counter() - started < 1.0  # repr(huge) alone takes seconds
    assert len(taken.objects[id(huge)].text or "") == DETAIL_LIMIT
    text = next(v for v in taken.variables if v.name == "text")
    assert len(text.text) == REPR_LIMIT and text.text.endswith("…") and text.ref is not None


def test_a_broken_repr_or_iteration_does_not_break_the_record() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise ValueError("no")

        def __getattribute__(self, name: str) -> Any:
            if name == "__dict__":
                raise RuntimeError("no dict")
            return object.__getattribute__(self, name)

    broken = Broken()
    taken = take({"b": broken})
    assert taken.variables[0].text == "<repr failed: ValueError>"
    assert taken.objects[id(broken)].items is None


def test_dunder_names_are_left_out() -> None:
    taken = take({"__name__": "__main__", "__builtins__": {}, "x": 1})
    assert [variable.name for variable in taken.variables] == ["x"]


def test_a_recorded_run_keeps_aliasing_as_the_list_changes(tmp_path: Path) -> None:
    path = tmp_path / "alias.py"
    path.write_text(
        "a = [1, 2]\nb = a\nb.append(3)\n"
        "def f(xs):\n    ys = xs\n    ys.append(4)\n    return ys\n"
        "f(a)\ndone = True\n",
        encoding="utf-8",
    )
    program = ProgramRun(str(path), stdin=b"", limits=RunLimits())
    program.start()
    result = program.wait()
    assert result.status == "exited"
    records = list(result.lines)
    in_f = [r for r in records if r.line == 7][0].snapshot
    (shared,) = in_f.aliases().values()
    assert shared == ("xs", "ys")
    info = next(iter(in_f.objects.values()))
    # The caller's names for the same list: what f changes, the module sees.
    assert info.callers == ((0, "a"), (0, "b"))
    assert [item.text for item in info.items or ()] == ["1", "2", "3", "4"]
    last = records[-1].snapshot
    assert set(last.aliases().values()) == {("a", "b")}
    after_append = [r for r in records if r.line == 4][0].snapshot  # after b.append(3)
    a = next(v for v in after_append.variables if v.name == "a")
    assert a.text == "[1, 2, 3]"


def test_values_shown_inline_say_their_type() -> None:
    values = {
        "i": -12,
        "f": 1.5,
        "e": 1e300,
        "inf": float("inf"),
        "c": 2j,
        "t": True,
        "n": None,
        "s": "it's",
        "b": b"x",
        "big": 10**30,
    }
    assert {v.name: v.type for v in take(values).variables} == {
        "i": "int",
        "f": "float",
        "e": "float",
        "inf": "float",
        "c": "complex",
        "t": "bool",
        "n": "NoneType",
        "s": "str",
        "b": "bytes",
        "big": "int",
    }
    assert take({"x": 1, "y": "two"}).objects == {}


def test_a_bounded_repr_is_the_start_of_the_whole_repr() -> None:
    from tui_exec.core.trace import _bounded_repr

    nested: list[Any] = [1]
    nested.append(nested)
    values: list[Any] = [
        list(range(5000)),
        tuple(str(i) for i in range(300)),
        {i: [i] * 3 for i in range(400)},
        {"a": 1},
        (1,),
        [],
        nested,
        set(range(1000)),
        "é" * 500,
        b"\x00" * 500,
        [[list(range(50))] * 50] * 50,
        {frozenset({1, 2}), frozenset({3})},
        {(1,), (22,), ("x",)},
        frozenset({(1, 2), (3,)}),
    ]
    for value in values:
        whole = repr(value)
        # Every cut of a short repr (where the bookkeeping of each bracket shows), and a few
        # of the long ones.
        for limit in range(1, len(whole) + 2) if len(whole) < 100 else (5, 80, 2000):
            shown = _bounded_repr(value, limit)
            if len(whole) <= limit:
                assert shown == whole
            else:
                assert len(shown) == limit and shown == whole[: limit - 1] + "…"


def test_callers_names_are_asked_for_only_when_there_are_objects() -> None:
    asked: list[bool] = []

    def callers() -> list[tuple[int, Any]]:
        asked.append(True)
        return [(3, {"mine": shared, "other": [], "__x__": shared})]

    shared = [1]
    locals_, objects = ObjectGraph().snapshot({"n": 1}, callers)
    assert objects == () and not asked
    locals_, objects = ObjectGraph().snapshot({"s": shared}, callers)
    info = snapshot(locals_, objects).objects[id(shared)]
    assert asked and info.callers == ((3, "mine"),) and info.names == ("s",)


def test_a_record_without_a_dict_shows_its_fields() -> None:
    """A slotted dataclass lists the fields it matches by position (``__match_args__``)."""
    from dataclasses import dataclass

    @dataclass(slots=True)
    class Pair:
        left: int
        right: list[int]

    pair = Pair(1, [2])
    info = take({"p": pair}).objects[id(pair)]
    assert info.items is not None
    assert [(item.label, item.text, item.ref) for item in info.items] == [
        ("left", "1", None),
        ("right", "", id(pair.right)),
    ]


@pytest.mark.skipif(sys.version_info < (3, 14), reason="template strings are new in 3.14")
def test_a_template_shows_its_pieces_and_fields() -> None:
    template = eval(
        't"Hello {name}!"', {"name": "world"}
    )  # a 3.14 literal, older Pythons can't parse it
    taken = take({"greeting": template})
    info = taken.objects[id(template)]
    assert info.type == "Template" and info.items is not None
    assert [item.label for item in info.items] == ["strings", "interpolations"]
    assert [item.ref for item in info.items] == [id(template.strings), id(template.interpolations)]
    (field,) = template.interpolations
    inner = taken.objects[id(template.interpolations)]
    assert inner.items is not None and inner.items[0].ref == id(field)
    # The field itself, one level deeper: its value, expression, conversion and format spec.
    fields = taken.objects[id(field)]
    assert fields.type == "Interpolation"
