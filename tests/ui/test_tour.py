"""The guided tour, step by step: each step's pane, selection and words."""

from __future__ import annotations

from pathlib import Path

from tests.core.reference import constant_load
from tests.ui.helpers import app_for, ready
from tests.ui.test_editing import settled
from tui_exec.ui.app import StagePanel, TuiExecApp
from tui_exec.ui.tour_box import TourBox

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def _box(app: TuiExecApp) -> str:
    return str(app.query_one(TourBox)._text.render())


def _active(app: TuiExecApp) -> str:
    return next(p.spec.name for p in app.query(StagePanel) if p.has_class("-active"))


async def test_the_tour_walks_one_statement_through_the_six_stages() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        assert isinstance(app.focused, TourBox)
        assert "Tour 1/6 · 1. The source" in _box(app) and "is x = 5." in _box(app)
        assert _active(app) == "source"
        assert app.selection is not None and app.selection.origin == "node"
        assert app.analysis is not None
        assert app.analysis.nodes[app.selection.item].type == "Assign"  # type: ignore[index]

        await pilot.press("right")
        assert _active(app) == "tokens"
        assert "x (name) · = (operator or punctuation, EQUAL) · 5 (number)" in _box(app)
        await pilot.press("right")
        assert _active(app) == "ast"
        assert "an Assign node (targets: Name, value: Constant)" in _box(app)
        await pilot.press("right")
        assert _active(app) == "bytecode"
        assert f"2 instructions: {constant_load('5')[0]}, STORE_NAME" in _box(app)
        assert "__pycache__/classic.cpython-3" in _box(app)

        await pilot.press("right")  # the virtual machine: the tour runs the program
        await settled(pilot, lambda: app.timeline is not None and "The Run pane" in _box(app))
        assert _active(app) == "run"
        assert "shows step 2," in _box(app)
        assert app.selection is not None and app.selection.origin == "step"
        await pilot.press("right")
        assert _active(app) == "output" and "exit" in _box(app)
        await pilot.press("left")
        assert _active(app) == "run"
        await pilot.press("right", "right")  # past the last step: the tour ends
        assert not app.query(TourBox) and app.tour.step is None
        assert app.focused is app.output_pane


async def test_on_a_syntax_error_the_tour_ends_at_the_stage_that_fails() -> None:
    app = app_for((DEMOS / "syntax_error.py").read_bytes())
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("t", "right", "right")
        assert "Tour 3/3 · 3. The abstract syntax tree" in _box(app)
        assert "the parser found tokens that do not fit Python's grammar" in _box(app)
        assert "SyntaxError: '(' was never closed" in _box(app)
        await pilot.press("escape")
        assert not app.query(TourBox) and app.focused is app.ast_pane
