"""Each sync direction, on a file with non-ASCII text: exactly which items light up."""

from __future__ import annotations

from tests.ui.helpers import UNICODE, app_for, ready
from tui_exec.core import Span
from tui_exec.ui.app import TuiExecApp


def tokens_of(app: TuiExecApp, rows: frozenset[int]) -> list[str]:
    assert app.analysis is not None
    return [app.analysis.tokens[r].string for r in sorted(rows)]


def ops_of(app: TuiExecApp, rows: frozenset[int]) -> list[str]:
    assert app.analysis is not None
    pane = app.bytecode_pane
    ids = [pane.instruction_at(r) for r in sorted(rows)]
    return [app.analysis.instructions[i].opname for i in ids if i is not None]


def nodes_of(app: TuiExecApp) -> list[str]:
    assert app.analysis is not None
    return [
        f"{app.analysis.nodes[n].type} {app.analysis.nodes[n].detail}".strip()
        for n in sorted(app.ast_pane.primary_nodes)
    ]


async def test_source_cursor_lights_up_token_node_and_instructions() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "end", "left", "left")  # on 文 of 中文
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (3, 13)
        assert tokens_of(app, app.tokens_pane.primary_rows) == ["中文"]
        assert app.tokens_pane.cursor_row in app.tokens_pane.primary_rows
        assert nodes_of(app) == ["Name '中文' Load"]
        assert ops_of(app, app.bytecode_pane.primary_rows) == ["LOAD_NAME"]
        around = ops_of(app, app.bytecode_pane.secondary_rows)
        assert "BINARY_OP" in around and "CALL" in around
        primary, secondary = app.source_pane.marked_spans
        assert primary == Span(3, 12, 3, 14)
        assert secondary == Span(3, 12, 3, 14)  # the Name node has the same span
        assert app.focused is app.source_pane


async def test_token_selection_syncs_source_ast_and_bytecode() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        assert app.focused is app.tokens_pane
        assert app.analysis is not None
        plus = next(t.id for t in app.analysis.tokens if t.string == "+")
        await pilot.press(*["down"] * plus)
        assert app.tokens_pane.cursor_row == plus
        assert app.source_pane.marked_spans[0] == Span(3, 10, 3, 11)
        assert nodes_of(app) == ["BinOp Add"]
        assert ops_of(app, app.bytecode_pane.primary_rows) == ["BINARY_OP"]
        assert app.focused is app.tokens_pane  # syncing never steals focus


async def test_ast_selection_marks_exact_and_inner_instructions() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("3")
        assert app.focused is app.ast_pane
        await pilot.press("slash", *"BinOp", "enter")  # search the AST pane
        await pilot.pause()
        assert nodes_of(app) == ["BinOp Add"]
        assert app.source_pane.marked_spans[0] == Span(3, 6, 3, 14)
        assert tokens_of(app, app.tokens_pane.primary_rows) == ["mot", "+", "中文"]
        assert ops_of(app, app.bytecode_pane.primary_rows) == ["BINARY_OP"]
        assert ops_of(app, app.bytecode_pane.secondary_rows) == ["LOAD_NAME", "LOAD_NAME"]


async def test_instruction_selection_syncs_node_tokens_and_source() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        assert app.analysis is not None
        binary = next(i for i in app.analysis.instructions if i.opname.startswith("BINARY_OP"))
        row = app.bytecode_pane.row_of_instruction(binary.id)
        await pilot.press("home", *["down"] * row)
        assert app.bytecode_pane.cursor_row == row
        assert nodes_of(app) == ["BinOp Add"]
        assert tokens_of(app, app.tokens_pane.primary_rows) == ["mot", "+", "中文"]
        assert app.source_pane.marked_spans[0] == Span(3, 6, 3, 14)
        await pilot.pause()
        assert app.ast_pane.cursor_node_id == next(iter(app.ast_pane.primary_nodes))


async def test_instruction_without_position_says_so_in_the_status_line() -> None:
    app = app_for("try:\n    x = 1\nexcept E as e:\n    pass\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        bare = next(i for i in app.analysis.instructions if i.span is None)
        await pilot.press("4", "home", *["down"] * app.bytecode_pane.row_of_instruction(bare.id))
        status = str(app.query_one("#status").render())
        assert "no source position" in status
        assert app.source_pane.marked_spans == (None, None)


async def test_click_in_source_moves_the_cursor_by_cells() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        gutter = app.source_pane._gutter_width
        # Line 2 is `中文 = "😀"`: 中 and 文 are two cells each, so cell 4 is the space.
        await pilot.click("#source-view", offset=(gutter + 2, 1))
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (2, 1)
        await pilot.click("#source-view", offset=(gutter + 7, 1))
        assert app.source_pane.cursor_col == 5  # the opening quote


async def test_a_synced_pane_centres_a_match_that_left_its_view() -> None:
    """Scrolling a synced pane a row at a time would repaint it whole on every move."""
    app = app_for("".join(f"x{i} = {i}\n" for i in range(300)))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        tokens = app.tokens_pane
        height = tokens.scrollable_content_region.height
        for _ in range(height):  # walk down line by line (4 tokens each) until it scrolls
            await pilot.press("down")
            if tokens.scroll_offset.y:
                break
        top = tokens.scroll_offset.y
        assert top > 0 and abs(tokens.cursor_row - top - height // 2) <= 1
