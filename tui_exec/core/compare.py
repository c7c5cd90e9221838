"""One program's bytecode under two Pythons, paired by the source span each instruction has.

The pairs and the JSON of ``tui-exec compare``; :mod:`.comparison` lays them out for reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Pair", "Side", "compare_data", "pairs"]

Dump = Mapping[str, Any]
"""The JSON data ``tui-exec dump --format json`` prints."""

Where = tuple[int, int]
"""An instruction, as (code object id, offset)."""


@dataclass(frozen=True, slots=True)
class Side:
    """One version of the compare: its full version and its dump."""

    python: str
    """'3.11.7'."""
    dump: Dump


@dataclass(frozen=True, slots=True)
class Pair:
    """Every instruction of each version whose source span is exactly ``span``."""

    span: tuple[int, int, int, int]
    """Start line, start column, end line, end column (columns in characters)."""
    a: tuple[Where, ...]
    b: tuple[Where, ...]


def _by_span(dump: Dump) -> dict[tuple[int, int, int, int], list[Where]]:
    """Instructions grouped by span, in dump order. Those with no span (null: no position,
    or a partial one) belong to no pair: there is no source to align them by."""
    found: dict[tuple[int, int, int, int], list[Where]] = {}
    for code in dump.get("code_objects", ()):
        for ins in code["instructions"]:
            span = ins["span"]
            if span is not None:
                found.setdefault(tuple(span), []).append((code["id"], ins["offset"]))
    return found


def pairs(a: Dump, b: Dump) -> list[Pair]:
    """One pair per span that any instruction of either dump has, sorted by span."""
    in_a, in_b = _by_span(a), _by_span(b)
    return [
        Pair(span, tuple(in_a.get(span, ())), tuple(in_b.get(span, ())))
        for span in sorted(in_a.keys() | in_b.keys())
    ]


def compare_data(a: Side, b: Side) -> dict[str, Any]:
    """The shape ``tui-exec compare --format json`` prints."""
    return {
        "versions": [{"python": side.python, "dump": side.dump} for side in (a, b)],
        "pairs": [
            {
                "span": list(pair.span),
                "a": [list(where) for where in pair.a],
                "b": [list(where) for where in pair.b],
            }
            for pair in pairs(a.dump, b.dump)
        ],
    }
