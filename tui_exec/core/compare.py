"""One program's bytecode under two Pythons, paired by the source span each instruction has."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .version_changes import changes_between

__all__ = ["Pair", "Side", "compare_data", "compare_text", "pairs"]

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


def _instructions(dump: Dump) -> dict[Where, Mapping[str, Any]]:
    return {
        (code["id"], ins["offset"]): ins
        for code in dump.get("code_objects", ())
        for ins in code["instructions"]
    }


def _ins_text(where: Where, ins: Mapping[str, Any]) -> str:
    """'#1   12 LOAD_FAST 0 (x)': code object id (as in the summary), offset, instruction."""
    argrepr = f" ({ins['argrepr']})" if ins["argrepr"] else ""
    arg = "" if ins["arg"] is None else f" {ins['arg']}"
    return f"#{where[0]:<2}{ins['offset']:>5} {ins['opname']}{arg}{argrepr}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary(a: Side, b: Side) -> Iterator[str]:
    """One row per code object qualname: its ids and instruction counts in each version, or
    in which version only it is."""
    rows: dict[str, list[list[tuple[int, int]]]] = {}
    for column, side in enumerate((a, b)):
        for code in side.dump.get("code_objects", ()):
            row = rows.setdefault(code["qualname"], [[], []])
            row[column].append((code["id"], len(code["instructions"])))
    yield f"{'code object':<36} {a.python:>14} {b.python:>14}"
    for qualname, (in_a, in_b) in rows.items():
        note = ""
        if not in_a:
            note = f"  only in {b.python}"
        elif not in_b:
            note = f"  only in {a.python}"
        yield f"{_cut(qualname, 36):<36} {_counts(in_a):>14} {_counts(in_b):>14}{note}"


def _counts(codes: list[tuple[int, int]]) -> str:
    """'#2: 23' (code object #2 has 23 instructions); '-' when the version has none."""
    return " ".join(f"#{code_id}: {count}" for code_id, count in codes) or "-"


def compare_text(a: Side, b: Side, width: int = 44) -> Iterator[str]:
    """For a person: errors, what changed in words, a summary per code object, then each
    source line with the instructions of both versions that came from it side by side."""
    yield f"# {a.dump['source']['path']}: Python {a.python} (left) vs Python {b.python} (right)"
    for side in (a, b):
        for error in side.dump.get("errors", ()):
            where = error["span"]
            at = f" (line {where[0]})" if where else ""
            said = f"{error['type']}: {error['message']}"
            yield f"! {side.python}: {error['stage']} error{at}: {said}"
    notes = changes_between(a.python, a.dump, b.python, b.dump)
    if notes:
        yield ""
        yield "== what changed"
        yield from (f"{change.since}: {change.words}" for change in notes)
    yield ""
    yield "== code objects (instructions)"
    yield from _summary(a, b)
    yield ""
    yield "== bytecode by source line"
    lines: Sequence[str] = a.dump["source"]["lines"]
    ins_a, ins_b = _instructions(a.dump), _instructions(b.dump)
    by_line: dict[int, list[Pair]] = {}
    for pair in pairs(a.dump, b.dump):
        by_line.setdefault(pair.span[0], []).append(pair)
    # Line 0 is the module's RESUME, which CPython places before the first line.
    numbered = [(0, "(before line 1)"), *enumerate(lines, start=1)]
    for number, text in numbered:
        found = by_line.get(number)
        if not found:
            continue
        yield ""
        yield f"{number:>5} | {text.rstrip()}"
        for pair in found:
            start_line, start_col, end_line, end_col = pair.span
            yield f"        {start_line}:{start_col}-{end_line}:{end_col}"
            left = [_ins_text(where, ins_a[where]) for where in pair.a]
            right = [_ins_text(where, ins_b[where]) for where in pair.b]
            for row in range(max(len(left), len(right))):
                shown_a = _cut(left[row], width) if row < len(left) else ""
                shown_b = _cut(right[row], width) if row < len(right) else ""
                yield f"          {shown_a:<{width}} | {shown_b}".rstrip()
