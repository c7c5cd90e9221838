"""Issue 21, the tour's and the selection's items: what a position selects (one rule for the
status line and Explain), a def's "compiled to", and the tour's scrolling, words and keys."""

from __future__ import annotations

import ast
import dis
import os
import shutil
import sys
from pathlib import Path

from textual.widgets import Static
from textual.widgets._toast import Toast

from tests.ui.helpers import app_for, ready, wait_until
from tests.ui.test_explain_pane import shown
from tui_exec.core import Span, analyze
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.tour_box import TourBox

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def _box(app: TuiExecApp) -> str:
    return str(app.query_one(TourBox)._text.render())


def _status(app: TuiExecApp) -> str:
    return str(app.query_one("#status", Static).render())


def _assign_on_line_11() -> ast.Assign:
    """``a, b = b, a + b`` in fibonacci.py, as CPython's parser places it."""
    tree = ast.parse((DEMOS / "fibonacci.py").read_text())
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.lineno == 11]
    assert len(found) == 1
    return found[0]


def _get_iter_offsets() -> set[int]:
    """The offsets of fibonacci()'s GET_ITER, as dis lists them."""
    module = compile((DEMOS / "fibonacci.py").read_text(), "fibonacci.py", "exec")
    function = next(c for c in module.co_consts if hasattr(c, "co_code"))
    return {i.offset for i in dis.get_instructions(function) if i.opname == "GET_ITER"}


# -- d: one rule for what a position selects -------------------------------------------------------


def test_a_space_inside_an_assignment_selects_it_and_names_none_of_the_loops_instructions() -> None:
    path = DEMOS / "fibonacci.py"
    analysis = analyze(path.read_bytes(), str(path))
    assign = _assign_on_line_11()
    span = Span(
        assign.lineno, assign.col_offset, assign.end_lineno or 0, assign.end_col_offset or 0
    )
    assert span == Span(11, 8, 11, 23)  # worked out by hand: "a, b = b, a + b" from column 8
    line = (path.read_text().splitlines())[10]
    for col in (9, 10, 13, 14):  # ",", the space after it, "=", the space after it
        links = analysis.index.at(11, col)
        assert [analysis.nodes[n].type for n in links.nodes] == [
            "Assign" if col >= 13 else "Tuple"
        ], col
        assert line[col] in ", =", col
        for i in links.instructions:  # named: only what the innermost node compiled to
            ins = analysis.instructions[i]
            assert ins.span is not None and ins.span.start_line == 11, (col, ins)
            assert ins.opname != "GET_ITER", col
    # A token follows the same rule: "=" is not the for loop's.
    equal = next(t for t in analysis.tokens if t.span.start_line == 11 and t.string == "=")
    links = analysis.index.for_token(equal.id)
    assert all(analysis.instructions[i].span.start_line == 11 for i in links.instructions)  # type: ignore[union-attr]


async def test_the_status_line_and_explain_agree_on_a_space() -> None:
    path = DEMOS / "fibonacci.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("8")  # the Explain pane
        app.select("source", (11, 14))  # the space after "=" in "a, b = b, a + b"
        await pilot.pause()
        status, explained = _status(app), shown(app)
        assert status.startswith("11:14 · Assign 11:8–23"), status
        assert "GET_ITER" not in status
        assert "@" not in status  # the assignment compiled to no instruction of that span
        assert "more around" in status  # the function's and the loop's: counted only
        assert "AST node Assign at 11:8–23" in explained
        assert "No token here: the node around this point is selected." in explained
        assert "Nothing here to explain" not in explained
        offsets = _get_iter_offsets()
        assert offsets and not any(f"GET_ITER @{o}" in status for o in offsets)


# -- p: a def's "compiled to" ----------------------------------------------------------------------


async def test_a_def_on_line_1_is_compiled_to_its_own_resume_only() -> None:
    program = "def f(n):\n    return n\n\n\nf(1)\n"
    analysis = analyze(program)
    function = next(n for n in analysis.nodes if n.type == "FunctionDef")
    ids = analysis.index.instructions_for_node(function.id)
    resumes = [analysis.instructions[i] for i in ids if analysis.instructions[i].opname == "RESUME"]
    assert [analysis.code_objects[r.code].qualname for r in resumes] == ["f"]
    # dis: f's code starts with RESUME; the module's RESUME, at line 0, is no part of the def.
    module = compile(program, "<test>", "exec")
    assert [i.opname for i in dis.get_instructions(module)][0] == "RESUME"
    app = app_for(program)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("8")
        app.select("node", function.id)
        await pilot.pause()
        compiled = next(line for line in shown(app).splitlines() if "compiled to:" in line)
        assert compiled.count("RESUME") == 1, compiled


# -- j, k, m: the tour scrolls to what it marks, and says keys and files that are true -------------


async def test_each_tour_step_moves_its_pane_to_the_statement_it_describes() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        app.select("source", (5, 8))  # the "+" of print(x + y)
        await pilot.press("3")  # the AST pane follows, onto the BinOp
        await pilot.pause()
        assert app.analysis.nodes[app.ast_pane.cursor_node_id or 0].type == "BinOp"
        await pilot.press("t")
        assign = next(n for n in app.analysis.nodes if n.parent == 0 and n.field == "body")
        assert assign.type == "Assign" and assign.span == Span(3, 0, 3, 5)  # x = 5, by hand
        await pilot.press("right", "right")  # 3. the abstract syntax tree
        await pilot.pause()
        assert "3. The abstract syntax tree" in _box(app)
        pane = app.ast_pane
        assert pane.cursor_node_id == assign.id
        top = pane.scroll_offset.y
        assert top <= pane.cursor_row < top + pane.scrollable_content_region.height


async def test_step_4_says_the_pyc_is_written_only_on_import(tmp_path: Path) -> None:
    path = tmp_path / "classic.py"
    shutil.copy(DEMOS / "classic.py", path)
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("t", "right", "right", "right")
        text = " ".join(_box(app).split())
        assert "4. Bytecode" in text
        tag = sys.implementation.cache_tag
        cached = os.path.join(str(tmp_path), "__pycache__", f"classic.{tag}.pyc")
        assert not os.path.exists(cached)
        assert f"Only when this file is imported would CPython write its bytecode to {cached}" in (
            text
        )
        assert "(no such file yet)" in text
        assert "Key 7 shows the bytes that file would hold" in text


async def test_step_5_says_the_keys_that_step_the_run_after_the_tour() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("t", "right", "right", "right", "right")
        await wait_until(pilot, lambda: "The Run pane" in _box(app))
        text = " ".join(_box(app).split())
        assert "After the tour (Esc), → and ← there step one instruction" in text
        assert "in it, → and ←" not in text
        # During the tour → is the tour's: it moves to step 6, not one instruction on.
        await pilot.press("right")
        assert "6. Output" in _box(app)


# -- l: notifications, a program that fails, and q -------------------------------------------------


async def test_a_notification_during_the_tour_does_not_cover_its_text() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("t", "right", "right", "right", "right")  # step 5 runs the program
        await wait_until(pilot, lambda: "The Run pane" in _box(app) and bool(app.query(Toast)))
        await pilot.pause()
        box = app.query_one(TourBox).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(box), (toast.region, box)
        # → and ← move the tour here: the run's notification does not offer them for steps
        said = [str(notification.message) for notification in app._notifications]
        assert any(message.startswith("The program exited") for message in said), said
        assert not any("Step through it here" in message for message in said), said
        await pilot.press("escape")  # after the tour, notifications are at the bottom again
        assert not app.has_class("-touring")


async def test_on_a_syntax_error_the_first_step_says_where_the_tour_goes() -> None:
    source = (DEMOS / "syntax_error.py").read_bytes()
    try:
        compile(source, "syntax_error.py", "exec")
    except SyntaxError as error:
        assert error.lineno == 6  # CPython: the "(" on line 6 was never closed
    app = app_for(source)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        text = " ".join(_box(app).split())
        assert "Tour 1/3" in text
        assert "no statements" not in text
        assert "This program stops at step 3, the abstract syntax tree: → walks there" in text
        await pilot.press("right", "right")
        assert "Tour 3/3 · 3. The abstract syntax tree" in _box(app)
        assert "SyntaxError: '(' was never closed" in _box(app)


async def test_q_during_the_tour_quits_as_everywhere() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t", "right")
        assert "q: quit tui-exec" in _box(app)
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None or not app.is_running)
    assert app.return_code == 0
