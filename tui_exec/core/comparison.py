"""A comparison laid out for reading: rows that put each span's instructions of both versions
side by side under its source line, and what the compare view says about them."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from .compare import Pair, Side, pairs
from .elsewhere import ElsewhereError, run_cli
from .interpreters import Interpreter
from .version_changes import Change, changes_between

Where = tuple[int, int]

UNREADABLE = 2
"""The status ``tui-exec dump`` exits with when it cannot read the program at all."""


class AlignedRow(NamedTuple):
    """One row of the side-by-side listing."""

    kind: str
    """'code' (a code object: ``left`` and ``right`` count its instructions in each version),
    'line' (a source line: ``left`` holds it all), 'span' (``left`` names the span) or 'ins'
    (``left`` and ``right``: an instruction of each version, or '' where one has fewer)."""
    left: str
    right: str
    pair: int
    """The index of the span's pair in :attr:`Comparison.pairs` (-1 for a line's row)."""


@dataclass(frozen=True)
class Comparison:
    """Two versions' dumps of one file, paired by span (see :mod:`.compare`)."""

    a: Side
    b: Side
    name: str
    """The file compared, as the dumps name it."""

    @cached_property
    def pairs(self) -> list[Pair]:
        return pairs(self.a.dump, self.b.dump)

    @cached_property
    def source_lines(self) -> list[str]:
        return list(self.a.dump["source"]["lines"] or self.b.dump["source"]["lines"])

    @cached_property
    def changes(self) -> list[Change]:
        """Our words on each construct that compiles differently between the two."""
        return changes_between(self.a.python, self.a.dump, self.b.python, self.b.dump)

    @cached_property
    def errors(self) -> list[tuple[str, str]]:
        """(version, what failed) for each stage error of either version."""
        found = []
        for side in (self.a, self.b):
            for error in side.dump.get("errors", ()):
                span = error["span"]
                at = f" at line {span[0]}" if span else ""
                said = f"{error['stage']} error{at}: {error['type']}: {error['message']}"
                found.append((side.python, said))
        return found

    @cached_property
    def only_in(self) -> list[tuple[str, str]]:
        """(qualname, version) of the code objects one version has and the other has not."""
        in_a = {code["qualname"] for code in _codes(self.a.dump)}
        in_b = {code["qualname"] for code in _codes(self.b.dump)}
        return [(name, self.a.python) for name in sorted(in_a - in_b)] + [
            (name, self.b.python) for name in sorted(in_b - in_a)
        ]

    def count(self, side: Side) -> int:
        """How many instructions ``side`` has in all its code objects."""
        return sum(len(code["instructions"]) for code in _codes(side.dump))

    def differs(self, pair: int) -> bool:
        """Whether the two versions made different instructions from pair ``pair``'s span."""
        found = self.pairs[pair]
        return self._opnames(found.a, self._ins_a) != self._opnames(found.b, self._ins_b)

    @cached_property
    def changed_pairs(self) -> int:
        """How many spans compile differently."""
        return sum(self.differs(i) for i in range(len(self.pairs)))

    @cached_property
    def _ins_a(self) -> dict[Where, Mapping[str, Any]]:
        return _instructions(self.a.dump)

    @cached_property
    def _ins_b(self) -> dict[Where, Mapping[str, Any]]:
        return _instructions(self.b.dump)

    @staticmethod
    def _opnames(found: Sequence[Where], by: Mapping[Where, Mapping[str, Any]]) -> list[str]:
        return [by[where]["opname"] for where in found]

    @cached_property
    def rows(self) -> list[AlignedRow]:
        """Each source line that has instructions, then each of its spans with the
        instructions of both versions side by side (line 0: the module's RESUME, before
        line 1)."""
        by_line: dict[int, list[int]] = {}
        for index, pair in enumerate(self.pairs):
            by_line.setdefault(pair.span[0], []).append(index)
        numbered = [(0, "(before line 1)"), *enumerate(self.source_lines, start=1)]
        rows = self._code_rows()
        for number, text in numbered:
            found = by_line.get(number)
            if not found:
                continue
            rows.append(AlignedRow("line", f"{number:>5} │ {text.rstrip()}", "", -1))
            for index in found:
                pair = self.pairs[index]
                start_line, start_col, end_line, end_col = pair.span
                where = f"{start_line}:{start_col}–{end_line}:{end_col}"
                rows.append(AlignedRow("span", where, "", index))
                left = [instruction_text(w, self._ins_a[w]) for w in pair.a]
                right = [instruction_text(w, self._ins_b[w]) for w in pair.b]
                for row in range(max(len(left), len(right))):
                    rows.append(
                        AlignedRow(
                            "ins",
                            left[row] if row < len(left) else "",
                            right[row] if row < len(right) else "",
                            index,
                        )
                    )
        return rows

    def _code_rows(self) -> list[AlignedRow]:
        """A row per code object (by qualname): its ids (as the instruction rows give them)
        and how many instructions each version made for it, or that one version has no such
        code object."""
        found: dict[str, tuple[list[int], list[int]]] = {}
        for column, side in enumerate((self.a, self.b)):
            for code in _codes(side.dump):
                ids = found.setdefault(code["qualname"], ([], []))[column]
                ids.append(code["id"])
        counts = [
            {code["id"]: len(code["instructions"]) for code in _codes(side.dump)}
            for side in (self.a, self.b)
        ]
        rows = []
        for qualname, (in_a, in_b) in found.items():
            left, right = (
                _code_count(ids, count) for ids, count in zip((in_a, in_b), counts, strict=True)
            )
            rows.append(AlignedRow("code", f"{qualname} {left}", right, -1))
        return rows


def _code_count(ids: list[int], counts: Mapping[int, int]) -> str:
    """'#1: 11 instructions'; the ids and total of several code objects of one qualname."""
    if not ids:
        return "— (no such code object)"
    return f"{' '.join(f'#{i}' for i in ids)}: {sum(counts[i] for i in ids)} instructions"


def instruction_text(where: Where, ins: Mapping[str, Any]) -> str:
    """'#1   12 LOAD_FAST 0 (x)': code object id, offset, instruction."""
    argrepr = f" ({ins['argrepr']})" if ins["argrepr"] else ""
    arg = "" if ins["arg"] is None else f" {ins['arg']}"
    return f"#{where[0]:<2}{ins['offset']:>5} {ins['opname']}{arg}{argrepr}"


def _codes(dump: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    codes: Sequence[Mapping[str, Any]] = dump.get("code_objects", ())
    return codes


def _instructions(dump: Mapping[str, Any]) -> dict[Where, Mapping[str, Any]]:
    return {
        (code["id"], ins["offset"]): ins for code in _codes(dump) for ins in code["instructions"]
    }


def comparison_text(comparison: Comparison, width: int = 44) -> Iterator[str]:
    """``tui-exec compare --format text``, for a person: the errors, what changed in our
    words, a row per code object, then :attr:`Comparison.rows`, each version's instructions
    in a column of ``width`` characters."""
    a, b = comparison.a, comparison.b
    yield f"# {comparison.name}: Python {a.python} (left) vs Python {b.python} (right)"
    yield from (f"! {python}: {said}" for python, said in comparison.errors)
    if comparison.changes:
        yield ""
        yield "== what changed"
        yield from (f"{change.since}: {change.words}" for change in comparison.changes)
    yield ""
    yield f"== code objects (instructions): {a.python} | {b.python}"
    listing = False
    for row in comparison.rows:
        if row.kind == "code":
            yield f"{row.left} | {row.right}"
            continue
        if not listing:
            yield ""
            yield "== bytecode by source line"
            listing = True
        if row.kind == "line":
            yield ""
            yield row.left
        elif row.kind == "span":
            yield f"        {row.left}"
        else:
            yield f"          {_cut(row.left, width):<{width}} | {_cut(row.right, width)}".rstrip()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def dump_under(interpreter: Interpreter, data: bytes, name: str) -> dict[str, Any]:
    """What ``tui-exec dump - --format json`` prints under ``interpreter`` for ``data``, as
    data (its source path is ``name``). ElsewhereError, with the last line that Python
    said, when it cannot read the program or cannot run tui-exec."""
    done = run_cli(interpreter, ["dump", "-", "--format", "json"], data)
    try:
        if done.status == UNREADABLE:
            raise ValueError
        found: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ElsewhereError(said[-1] if said else f"{interpreter.describe()} failed") from None
    found["source"]["path"] = name
    return found
