"""Control flow in the bytecode pane: jump arrows, block ends, exception tables, `j` / `J`."""

from __future__ import annotations

import dis

from rich.segment import Segment
from textual.pilot import Pilot

from tests.ui.helpers import app_for, ready
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.panes.bytecode import BytecodePane

LOOP = "def f(xs):\n    for x in xs:\n        g(x)\n"
ARROW_CELLS = "─►┌└│├┬┴┼┐┘┤╶"
TRY = "try:\n    f()\nexcept ValueError:\n    pass\n"


def row_of(app: TuiExecApp, opname: str, code: int = 0) -> int:
    """The row of the first ``opname`` in code object ``code``."""
    assert app.analysis is not None
    ins = next(
        i for i in app.analysis.instructions if i.code == code and i.opname.startswith(opname)
    )
    return app.bytecode_pane.row_of_instruction(ins.id)


def plain(pane: BytecodePane, row: int) -> str:
    return pane.row_text(row).plain


def segments(pane: BytecodePane, row: int) -> list[Segment]:
    return list(pane.row_text(row).render(pane.app.console))


async def on_the_back_edge(pilot: Pilot[None], app: TuiExecApp) -> tuple[BytecodePane, int, int]:
    """Focus the bytecode of LOOP with its cursor on the loop's JUMP_BACKWARD: the pane, the
    loop head's row (FOR_ITER) and the back edge's row."""
    await ready(pilot)
    pane = app.bytecode_pane
    head, back = row_of(app, "FOR_ITER", 1), row_of(app, "JUMP_BACKWARD", 1)
    await pilot.press("4")
    pane.move_cursor(back, user=True)
    await pilot.pause()
    return pane, head, back


async def test_a_loop_draws_its_back_edge_and_exit_as_arrows() -> None:
    app = app_for(LOOP)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        pane = app.bytecode_pane
        assert pane.gutter_shown
        head, back = row_of(app, "FOR_ITER", 1), row_of(app, "JUMP_BACKWARD", 1)
        # By hand: the back edge (JUMP_BACKWARD → FOR_ITER) is the nearer jump and takes the
        # lane next to the names; the loop's exit (FOR_ITER → the row after the loop) the next.
        assert "  ┌┬► FOR_ITER" in plain(pane, head)
        for row in range(head + 1, back):
            assert "  ││  " in plain(pane, row)
        assert "  │└─ JUMP_BACKWARD" in plain(pane, back)
        assert "  └─► " in plain(pane, back + 1)
        assert "to L" in plain(pane, back)

        # A block ends before the loop's head (it is a jump target) and at each jump.
        def underlined(row: int) -> bool:
            return any(s.style is not None and s.style.underline for s in segments(pane, row))

        assert underlined(head - 1) and underlined(head) and underlined(back)
        assert not underlined(head + 1)


async def test_the_arrow_of_the_jump_at_the_cursor_is_bold() -> None:
    app = app_for(LOOP)
    async with app.run_test(size=(200, 50)) as pilot:
        pane, head, back = await on_the_back_edge(pilot, app)

        def bold(row: int) -> str:
            """The arrow characters drawn bold on ``row``."""
            return "".join(
                s.text
                for s in segments(pane, row)
                if s.style is not None and s.style.bold and set(s.text) <= set(ARROW_CELLS)
            )

        # The back edge (lane next to the names): from FOR_ITER down to JUMP_BACKWARD.
        assert "►" in bold(head) and "─" in bold(back) and "└" in bold(back)
        assert all("│" in bold(row) for row in range(head + 1, back))
        # The loop's exit, in the other lane, is not lit: its corner on JUMP_BACKWARD's row.
        assert "│" not in bold(back) and bold(back + 1) == ""


async def test_j_follows_a_jump_and_shift_j_comes_back() -> None:
    app = app_for(LOOP)
    async with app.run_test(size=(200, 50)) as pilot:
        pane, head, back = await on_the_back_edge(pilot, app)
        await pilot.press("j")
        assert pane.cursor_row == head
        assert app.selection is not None and app.selection.item == pane.instruction_at(head)
        await pilot.press("J")
        assert pane.cursor_row == back


async def test_the_exception_table_in_words_and_the_handler_range_highlighted() -> None:
    app = app_for(TRY)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        pane = app.bytecode_pane
        assert app.analysis is not None and app.analysis.module_code is not None
        code = app.analysis.module_code
        listed = list(dis.get_instructions(code))
        entries = dis._parse_exception_table(code)  # type: ignore[attr-defined]
        table_rows = [r for r in range(pane.row_count) if "exception " in plain(pane, r)]
        assert len(table_rows) == len(entries)
        for row, entry in zip(table_rows, entries, strict=True):
            last = max(i.offset for i in listed if i.offset < entry.end)
            text = plain(pane, row)
            assert f"{entry.start} to {last} → L" in text
            assert f"(offset {entry.target}), keeping {entry.depth} stack " in text
            assert ("(lasti)" in text) == entry.lasti

        # The handler of `try:` (PUSH_EXC_INFO) protects the call to f().
        first = entries[0]
        handler = next(i for i in listed if i.offset == first.target)
        assert handler.opname == "PUSH_EXC_INFO"
        protected = {
            pane.row_of_instruction(
                next(j.id for j in app.analysis.instructions if j.offset == i.offset)
            )
            for entry in entries
            if entry.target == first.target
            for i in listed
            if entry.start <= i.offset < entry.end
        }
        await pilot.press("4")
        handler_row = row_of(app, "PUSH_EXC_INFO")
        pane.move_cursor(handler_row, user=True)
        await pilot.pause()
        assert pane.protected_rows == protected
        call_row = row_of(app, "CALL")
        assert call_row in protected and handler_row not in protected
        assert pane.render_line(call_row - pane.scroll_offset.y).text[16] == "┃"
        assert app.selection is not None and app.selection.item == pane.instruction_at(handler_row)

        # On the table row: its own range, and the selection is its handler (panes follow).
        pane.move_cursor(table_rows[0], user=True)
        await pilot.pause()
        assert call_row in pane.protected_rows
        assert app.selection is not None and app.selection.item == pane.instruction_at(handler_row)
        await pilot.press("j")
        assert pane.cursor_row == handler_row

        # Elsewhere, nothing is highlighted.
        pane.move_cursor(row_of(app, "RESUME"), user=True)
        await pilot.pause()
        assert pane.protected_rows == frozenset()


async def test_at_80x24_the_columns_stay_and_a_narrow_pane_hides_the_arrows() -> None:
    app = app_for(LOOP)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await pilot.pause()
        pane = app.bytecode_pane
        assert pane.gutter_shown
        back = row_of(app, "JUMP_BACKWARD", 1)
        pane.move_cursor(back, user=True)
        await pilot.pause()
        line = pane.render_line(back - pane.scroll_offset.y).text
        # Every fixed column is on screen: the arrows, the name, the argument, the span.
        assert "│└─ JUMP_BACKWARD" in line and "3:" in line
    app = app_for(LOOP)
    async with app.run_test(size=(50, 24)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await pilot.pause()
        pane = app.bytecode_pane
        assert not pane.gutter_shown
        assert "FOR_ITER" in plain(pane, row_of(app, "FOR_ITER", 1))
        assert "►" not in plain(pane, row_of(app, "FOR_ITER", 1))
