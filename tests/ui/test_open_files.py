"""Every demo and the largest stdlib files open headless without an exception."""

from __future__ import annotations

import ast
import dis
import io
import tokenize
from pathlib import Path
from types import CodeType

import pytest

from tests.core.reference import Text
from tests.core.stdlib_files import stdlib_files
from tests.ui.helpers import app_for, ready

DEMOS = sorted((Path(__file__).parent.parent.parent / "demo_scripts").glob("*.py"))
LARGEST = sorted(stdlib_files(), key=lambda p: p.stat().st_size)[-3:]


@pytest.mark.parametrize("path", DEMOS + LARGEST, ids=lambda p: p.name)
async def test_opens_and_every_pane_fills(path: Path) -> None:
    data = path.read_bytes()
    lines = Text(data).lines
    if lines[-1] == "":  # the text ends with a line end: no line after it
        lines = lines[:-1]
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))[1:]  # less ENCODING
    except (tokenize.TokenError, SyntaxError):
        tokens = None
    try:
        module: ast.Module | None = ast.parse(data)
    except (SyntaxError, ValueError):
        module = None
    try:
        code = compile(data, str(path), "exec", dont_inherit=True)
        instructions = sum(len(list(dis.get_instructions(c))) for c in _codes(code))
    except SyntaxError:
        instructions = 0
    app = app_for(data, str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.source_pane.row_count == len(lines)
        if tokens is not None:
            assert app.tokens_pane.row_count == len(tokens)
        pane = app.bytecode_pane
        shown = [pane.instruction_at(row) for row in range(pane.row_count)]
        assert sum(i is not None for i in shown) == instructions
        if module is not None:
            # Every node has its row in ast.walk's count, in order; contexts and operators
            # may be folded into their parent's row (`BinOp Add`).
            outline = app.ast_pane
            rows = [app.analysis.nodes[outline.node_at(r)] for r in range(outline.row_count)]
            own_rows = [n.type for n in rows if n.type not in _INLINE]
            walked = [type(n).__name__ for n in ast.walk(module)]
            assert len(own_rows) == sum(name not in _INLINE for name in walked)
            assert sorted(own_rows) == sorted(name for name in walked if name not in _INLINE)
        await pilot.press("ctrl+end")
        assert app.source_pane.cursor_line == len(lines)
        await pilot.press("2", "end", "3", "down", "4", "end")
        await pilot.pause()
        assert app.selection is not None


_INLINE = {
    kind.__name__
    for base in (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
    for kind in base.__subclasses__()
}


def _codes(code: CodeType) -> list[CodeType]:
    nested = [c for c in code.co_consts if isinstance(c, CodeType)]
    return [code, *(inner for child in nested for inner in _codes(child))]


async def test_the_built_in_sample_opens_and_compiles() -> None:
    from tui_exec.sample import SAMPLE_NAME, SAMPLE_PROGRAM

    app = app_for(SAMPLE_PROGRAM, SAMPLE_NAME)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        assert app.analysis.errors == () and app.analysis.compiled


async def test_deep_nesting_and_binary_input_do_not_crash() -> None:
    nested = "x = " + "[" * 150 + "]" * 150 + "\n"
    for source in (nested, "x = (" * 3000, "a = 1\n\x00\n"):
        app = app_for(source)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("down", "2", "down", "3", "4")
            assert app.is_running and app.analysis is not None
            try:  # what CPython makes of it: compiled, or refused
                compile(source, "<test>", "exec", dont_inherit=True)
                refused = False
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                refused = True
            assert app.analysis.compiled is not refused
            assert (app.analysis.errors != ()) is refused
