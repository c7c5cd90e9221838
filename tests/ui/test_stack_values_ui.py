"""The values on CPython's stack in the app (issue 20 §2): the Run pane's values line with
its labels, what a conditional jump tests, the stack in `v`, and the symbolic line (with the
reason) when the run could not read them."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.explain.selection import stack_text
from tui_exec.core.recorded_stacks import StackValue
from tui_exec.core.run import ProgramRun, RunResult
from tui_exec.core.stack import stack_before
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.panes.run import is_conditional_jump, stack_value_lines
from tui_exec.ui.panes.values import ValuesScreen, values_text

ADD = "x = 5\ny = 10\nprint(x + y)\n"
FACT = (
    "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\nprint(fact(3))\n"
)


def app_on_file(tmp_path: Path, source: str) -> TuiExecApp:
    path = tmp_path / "prog.py"
    path.write_text(source)
    return app_for(path.read_bytes(), str(path), path=str(path))


async def run_and_wait(pilot) -> TuiExecApp:  # type: ignore[no-untyped-def]
    """F5, then wait (with a bound) until the run's timeline is shown."""
    app = pilot.app
    assert isinstance(app, TuiExecApp)
    await pilot.press("f5")
    await wait_until(pilot, lambda: app.timeline is not None, limit=60)
    await pilot.pause()
    return app


def text_of(renderable: RenderableType, width: int = 120) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def pane_text(app: TuiExecApp) -> str:
    return text_of(app.run_pane.render())


def opname_at(app: TuiExecApp, step: int) -> str:
    assert app.timeline is not None and app.analysis is not None
    instruction = app.timeline.instruction(step)
    assert instruction is not None
    return app.analysis.instructions[instruction].opname


def steps_running(app: TuiExecApp, test) -> list[int]:  # type: ignore[no-untyped-def]
    assert app.timeline is not None
    return [step for step in range(app.timeline.count) if test(opname_at(app, step))]


def stack_lines(shown: str) -> tuple[str, str]:
    """The values line and the line under it."""
    lines = shown.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("Value stack  "))
    return lines[i], lines[i + 1] if i + 1 < len(lines) else ""


async def test_the_values_before_and_after_an_addition_with_their_labels(tmp_path: Path) -> None:
    app = app_on_file(tmp_path, ADD)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None and app.timeline.result.stacks is not None
        [add] = steps_running(app, lambda name: name.startswith("BINARY_OP"))
        app.run_pane.go(add, user=True)
        await pilot.pause()
        values, labels = stack_lines(pane_text(app))
        # print and NULL (their order is the version's), then the operands, top last.
        assert values.endswith("5 | 10 ← top") and "NULL" in values and "print" in values
        # Under each operand, the expression that produced it, in the same column.
        assert labels[values.index("5 | 10")] == "x"
        assert labels[values.index("10 ← top")] == "y"
        assert "print" not in labels and "NULL" not in labels  # not repeated
        app.run_pane.go(add + 1, user=True)
        await pilot.pause()
        values, labels = stack_lines(pane_text(app))
        assert values.endswith("15 ← top")
        assert labels[values.index("15 ← top") :].startswith("x + y")


async def test_a_conditional_jump_says_what_it_tests_and_where_the_run_went(
    tmp_path: Path,
) -> None:
    app = app_on_file(tmp_path, FACT)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        jumps = steps_running(app, is_conditional_jump)
        assert len(jumps) == 3  # fact(3), fact(2), fact(1)
        app.run_pane.go(jumps[0], user=True)
        await pilot.pause()
        assert "tests n <= 1: False → jumps to @" in pane_text(app)
        app.run_pane.go(jumps[-1], user=True)
        await pilot.pause()
        assert "tests n <= 1: True → falls through" in pane_text(app)


async def test_v_lists_the_stack_top_first_with_labels_types_and_reprs(tmp_path: Path) -> None:
    app = app_on_file(tmp_path, "s = 'z' * 200\nx = 5\ny = 10\nprint(x + y, len(s + s))\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        adds = steps_running(app, lambda name: name.startswith("BINARY_OP"))
        app.run_pane.go(adds[0], user=True)
        await pilot.pause()
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ValuesScreen) and screen.stack is not None
        full = text_of(
            values_text(
                screen.snapshot,
                screen.where,
                screen.qualnames,
                stack=screen.stack,
                stack_note=screen.stack_note,
            ),
            200,
        )
        lines = full.splitlines()
        at = lines.index("Value stack  top first, 4 entries")
        assert lines[at + 1 : at + 5] == ["y  int  ← top", "    10", "x  int", "    5"]
        assert "NULL (a slot with no object in it)" in full
        await pilot.press("escape")
        assert not isinstance(app.screen, ValuesScreen)
        # The second addition's operands are 200-character strings: cut by the recorder.
        app.run_pane.go(adds[1], user=True)
        await pilot.pause()
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ValuesScreen)
        full = text_of(
            values_text(screen.snapshot, screen.where, screen.qualnames, stack=screen.stack), 200
        )
        assert "(cut: the recorder keeps the first 80 characters)" in full
        assert "'" + "z" * 70 in full


async def test_without_values_the_symbolic_line_stays_and_the_pane_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait = ProgramRun.wait
    asked: list[bool] = []

    def without_values(self: ProgramRun, *args, **kwargs) -> RunResult:  # type: ignore[no-untyped-def]
        asked.append(self.stack_values)
        result = wait(self, *args, **kwargs)
        return dataclasses.replace(result, stacks=None, stacks_note="the probe failed (test)")

    monkeypatch.setattr(ProgramRun, "wait", without_values)
    app = app_on_file(tmp_path, ADD)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert asked == [True]  # F5 asked for the values
        [add] = steps_running(app, lambda name: name.startswith("BINARY_OP"))
        app.run_pane.go(add, user=True)
        await pilot.pause()
        shown = pane_text(app)
        assert app.analysis is not None and app.timeline is not None
        instruction = app.timeline.instruction(add)
        assert instruction is not None
        symbolic = stack_text(stack_before(app.analysis, instruction) or ())
        assert symbolic.endswith("x | y ← top")
        assert stack_lines(shown)[0] == f"Value stack  {symbolic}"
        assert "values on the stack are not shown: the probe failed (test)" in shown
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ValuesScreen) and screen.stack is None
        full = text_of(
            values_text(
                screen.snapshot,
                screen.where,
                screen.qualnames,
                stack=None,
                stack_note=screen.stack_note,
            ),
            200,
        )
        assert "not recorded: the probe failed (test)" in full


async def test_the_run_without_recording_does_not_ask_for_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait = ProgramRun.wait
    asked: list[bool] = []

    def noting(self: ProgramRun, *args, **kwargs) -> RunResult:  # type: ignore[no-untyped-def]
        asked.append(self.stack_values)
        return wait(self, *args, **kwargs)

    monkeypatch.setattr(ProgramRun, "wait", noting)
    app = app_on_file(tmp_path, ADD)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.timeline is not None, limit=60)
        await pilot.pause()
        assert asked == [False]
        assert "values on the stack" not in pane_text(app)


def test_a_narrow_pane_drops_the_bottom_entries_first() -> None:
    items = (
        ("print", StackValue("<built-in function print>", "builtin_function_or_method")),
        (None, StackValue(None, None)),
        ("big", StackValue("[" + ", ".join(map(str, range(40))) + "]", "list")),
        ("n", StackValue("3", "int")),
        ("3", StackValue("3", "int")),
    )
    cut = "[0, 1, 2, 3, 4, 5, 6, 7…"  # 24 characters
    wide = [line.plain for line in stack_value_lines(items, 0)]
    assert wide[0] == f"Value stack  print | NULL | {cut} | 3 | 3 ← top"
    # print reads as its label, the constant 3 too: only big and n are named, under them.
    assert wide[1].split() == ["big", "n"]
    assert wide[1].index("big") == wide[0].index("[0,")
    assert wide[1].index("n") == wide[0].index("3 | 3")
    narrow = [line.plain for line in stack_value_lines(items, 56)]
    assert narrow[0] == f"Value stack  … | {cut} | 3 | 3 ← top"
    assert narrow[1].index("big") == narrow[0].index("[0,")
    narrower = [line.plain for line in stack_value_lines(items, 40)]
    assert narrower[0] == "Value stack  … | 3 | 3 ← top"
    assert narrower[1].index("n") == narrower[0].index("3 | 3")
    assert [line.plain for line in stack_value_lines((), 40)] == ["Value stack  empty"]
