"""The compare view: rows aligned by span, the cursor linking both versions and the source,
and C in the explorer opening it for another installed Python."""

from __future__ import annotations

import copy
import itertools
import platform
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_interpreters import installed
from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core import analyze
from tui_exec.core.compare import Side
from tui_exec.core.comparison import Comparison, dump_under, instruction_text
from tui_exec.core.interpreters import Interpreter
from tui_exec.dump import to_json_data
from tui_exec.ui.command_line import CommandLine
from tui_exec.ui.compare_view import CompareApp, CompareScreen, PairedBytecode, SpanSource

__all__ = ["installed"]

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"
PROGRAM = "def f(a, b):\n    return a + b\n\nx = f(1, 2)\nprint(x)\n"


def dump_of(source: str) -> dict[str, Any]:
    return to_json_data(analyze(source.encode(), "prog.py"))


def comparison_with_one_change() -> Comparison:
    """This Python's dump beside a copy in which the + of line 2 became a different
    instruction: the view must show that span, and only it, as compiling differently."""
    a = dump_of(PROGRAM)
    b = copy.deepcopy(a)
    changed = 0
    for code in b["code_objects"]:
        for ins in code["instructions"]:
            if ins["opname"] == "BINARY_OP":
                ins["opname"], ins["argrepr"] = "BINARY_ADD", ""
                changed += 1
    assert changed == 1
    return Comparison(Side("3.11.7", a), Side("3.99.0", b), "prog.py")


def test_every_instruction_of_each_version_has_one_row_and_a_span_row_above_it() -> None:
    comparison = comparison_with_one_change()
    rows = comparison.rows
    for side, column in ((comparison.a, "left"), (comparison.b, "right")):
        shown = [getattr(row, column) for row in rows if row.kind == "ins"]
        spanned = [
            ins
            for code in side.dump["code_objects"]
            for ins in code["instructions"]
            if ins["span"] is not None
        ]
        assert len([text for text in shown if text]) == len(spanned)
    for index, row in enumerate(rows):
        if row.kind == "ins":
            above = rows[: index + 1]
            span_row = next(r for r in reversed(above) if r.kind == "span")
            assert span_row.pair == row.pair
    differing = [i for i in range(len(comparison.pairs)) if comparison.differs(i)]
    assert [comparison.pairs[i].span[0] for i in differing] == [2]
    assert comparison.changed_pairs == 1


async def test_the_cursor_links_both_columns_and_marks_the_span_in_the_source() -> None:
    comparison = comparison_with_one_change()
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        bytecode = app.screen.query_one(PairedBytecode)
        source = app.screen.query_one(SpanSource)
        assert bytecode.has_focus and bytecode.pair == 0
        await pilot.press("n")  # the next span that compiles differently: a + b
        await pilot.pause()
        pair = comparison.pairs[bytecode.pair]
        assert comparison.differs(bytecode.pair)
        assert source.span is not None and tuple(source.span) == pair.span
        line, start, _, end = pair.span
        assert comparison.source_lines[line - 1][start:end] == "a + b"
        status = str(app.screen.query_one("#compare-status").render())
        assert "2:11–16" in status and "compiles differently" in status
        # Every row of that span is highlighted, in both columns; the cursor is on its span row.
        rows = [i for i, row in enumerate(bytecode.rows) if row.pair == bytecode.pair]
        assert bytecode.rows[bytecode.cursor].kind == "span" and bytecode.cursor == rows[0]
        await pilot.press("down")
        await pilot.pause()
        assert bytecode.pair == pair_index(comparison, pair.span)
        await pilot.press("end", "home")
        await pilot.pause()
        assert bytecode.pair == 0
        await pilot.press("n", "n")  # no second change: it says so and stays
        await pilot.pause()
        assert comparison.differs(bytecode.pair)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code in (0, None)


def pair_index(comparison: Comparison, span: tuple[int, int, int, int]) -> int:
    return next(i for i, pair in enumerate(comparison.pairs) if pair.span == span)


async def test_the_view_fits_80_by_24_with_every_part_shown() -> None:
    app = CompareApp(comparison_with_one_change())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        for part in ("#compare-source", "#compare-bytecode", "#compare-notes", "#compare-status"):
            region = screen.query_one(part).region
            assert region.height >= 1 and region.width == 80, part
        assert screen.query_one("#compare-bytecode").region.height >= 8


def _other_python(installed: dict[str, Interpreter]) -> Interpreter:
    running = platform.python_version_tuple()[:2]
    others = [i for key, i in installed.items() if key != ".".join(running)]
    if not others:
        pytest.skip("no other Python 3.11-3.15 installed to compare with")
    return others[-1]


async def test_c_in_the_explorer_opens_the_compare_view_for_another_python(
    installed: dict[str, Interpreter],
) -> None:
    other = _other_python(installed)
    app = app_for((DEMOS / "comprehensions.py").read_bytes(), "comprehensions.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("C")
        assert app.query_one(CommandLine).is_open
        await pilot.press(*other.executable, "enter")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CompareScreen) and bool(app.screen.query(SpanSource)),
            limit=60,
        )
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        comparison = screen.comparison
        assert comparison.a.python == platform.python_version()
        assert comparison.b.python == other.version_text
        title = str(screen.query_one("#compare-bytecode").border_title)
        assert comparison.a.python in title and other.version_text in title
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)


async def test_c_with_a_python_that_is_not_there_says_so() -> None:
    app = app_for(PROGRAM.encode(), "prog.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("C", *"/no/such/python", "enter")
        await wait_until(pilot, lambda: not app.comparer._busy, limit=60)
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        said = [n.message for n in app._notifications]
        assert any("Cannot compare" in message for message in said), said


def test_every_pair_of_installed_pythons_lays_out_every_instruction_once(
    installed: dict[str, Interpreter],
) -> None:
    if len(installed) < 2:
        pytest.skip(f"fewer than two of Python 3.11-3.15 installed (found {sorted(installed)})")
    path = DEMOS / "comprehensions.py"
    data = path.read_bytes()
    sides = {
        version: Side(python.version_text, dump_under(python, data, path.name))
        for version, python in installed.items()
    }
    for (_, a), (_, b) in itertools.combinations(sorted(sides.items()), 2):
        comparison = Comparison(a, b, path.name)
        rows = comparison.rows
        for side, column in ((a, "left"), (b, "right")):
            expected = sorted(
                instruction_text((code["id"], ins["offset"]), ins)
                for code in side.dump["code_objects"]
                for ins in code["instructions"]
                if ins["span"] is not None
            )
            shown = sorted(getattr(row, column) for row in rows if row.kind == "ins")
            assert [text for text in shown if text] == expected, (a.python, b.python)
        # Each code object is counted once, in the version(s) that have it.
        code_rows = [row for row in rows if row.kind == "code"]
        names = {code["qualname"] for side in (a, b) for code in side.dump["code_objects"]}
        assert len(code_rows) == len(names)


async def test_the_explorers_keys_wait_while_a_screen_is_over_it() -> None:
    app = app_for(PROGRAM.encode(), "prog.py")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.push_screen(CompareScreen(comparison_with_one_change()))
        await pilot.pause()
        await pilot.press("f5", "f2", "g")  # run, edit, go to: none reaches the explorer
        await pilot.pause()
        assert app.program.run is None and app.timeline is None
        assert not app.edit_mode.editing and not app.query_one(CommandLine).is_open
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")  # back in the explorer, its keys act again
        await pilot.pause()
        assert app.edit_mode.editing


def test_tui_exec_compare_on_a_terminal_opens_the_view_and_piped_prints_text(
    installed: dict[str, Interpreter],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui_exec import cli
    from tui_exec.ui import compare_view

    other = _other_python(installed)
    opened: list[Comparison] = []

    class FakeCompareApp:
        def __init__(self, comparison: Comparison) -> None:
            opened.append(comparison)

        def run(self) -> None:
            """No UI in a test."""

    monkeypatch.setattr(compare_view, "CompareApp", FakeCompareApp)
    path = str(DEMOS / "fibonacci.py")
    here = platform.python_version()
    argv = ["compare", path, "--python", here, "--python", other.executable]
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert cli.main(argv) == 0
    (comparison,) = opened
    assert (comparison.a.python, comparison.b.python) == (here, other.version_text)
    assert capsys.readouterr().out == ""  # the view, not text
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    assert cli.main(argv) == 0
    assert len(opened) == 1 and "== bytecode by source line" in capsys.readouterr().out


def comparison_with_small_ints() -> Comparison:
    """This Python's dump as "3.13", and a copy as "3.14" whose small int constants are
    LOAD_SMALL_INT: the 3.14 note on small ints concerns those spans and no other."""
    a = dump_of(PROGRAM)  # this Python's: 1 and 2 are LOAD_CONST or LOAD_SMALL_INT
    b = copy.deepcopy(a)
    for dump, opname in ((a, "LOAD_CONST"), (b, "LOAD_SMALL_INT")):
        for code in dump["code_objects"]:
            for ins in code["instructions"]:
                if _loads_one_or_two(ins):
                    ins["opname"] = opname
    return Comparison(Side("3.13.0", a), Side("3.14.0", b), "prog.py")


def _loads_one_or_two(ins: dict[str, Any]) -> bool:
    if ins["opname"] == "LOAD_SMALL_INT":  # 3.14+: the value is the argument
        return ins["arg"] in (1, 2)
    return ins["opname"] == "LOAD_CONST" and ins["argrepr"] in ("1", "2")


async def test_the_notes_about_the_span_at_the_cursor_are_marked() -> None:
    comparison = comparison_with_small_ints()
    small = next(c for c in comparison.changes if "LOAD_SMALL_INT" in c.words)
    ones = [i for i, pair in enumerate(comparison.pairs) if small in comparison.changes_at(i)]
    assert [comparison.pairs[i].span for i in ones] == [(4, 6, 4, 7), (4, 9, 4, 10)]
    app = CompareApp(comparison)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notes = app.screen.query_one("#compare-notes-text")
        assert "▶" not in str(notes.render())
        await pilot.press("n")  # the first span that compiles differently: the 1 of f(1, 2)
        await pilot.pause()
        assert app.screen.query_one(PairedBytecode).pair == ones[0]
        status = str(app.screen.query_one("#compare-status").render())
        assert "3.14: 1 note here, marked ▶ below" in status
        marked = [line for line in str(notes.render()).splitlines() if line.startswith("▶")]
        assert marked == [f"▶ 3.14: {small.words}"]
