"""The app around the panes: errors, reload, keys, search, help, layout."""

from __future__ import annotations

import dis
import sys
from pathlib import Path

import pytest
from rich.style import Style

from tests.ui.helpers import UNICODE, app_for, ready
from tui_exec.core import Span
from tui_exec.ui.app import StagePanel
from tui_exec.ui.screens import HelpScreen

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


async def test_syntax_error_marks_source_keeps_tokens_and_explains_in_ast_and_bytecode() -> None:
    app = app_for((DEMOS / "syntax_error.py").read_bytes())
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None and not app.analysis.parsed
        # The cursor starts on the parser's error: the bracket that is never closed.
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (6, 5)
        assert app.source_pane._error_spans[0] == Span(6, 5, 6, 6) or Span(6, 5, 6, 6) in (
            app.source_pane._error_spans
        )
        assert app.tokens_pane.row_count > 20  # every token before the error
        for panel_id in ("#ast", "#bytecode"):
            panel = app.query_one(panel_id, StagePanel)
            assert panel.has_class("-message")
            message = str(panel.query_one(".stage-message").render())
            assert "never closed" in message and "at 6:5 (line:column)" in message
        errors = str(app.query_one("#errors").render())
        assert "SyntaxError at 6:5" in errors


async def test_an_undecodable_file_opens_with_the_bytes_escaped_and_the_error_marked() -> None:
    app = app_for(b"x = 1\ny = 'caf\xe9'\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        assert app.analysis.source.lines[1] == "y = 'caf\\xe9'"
        # The cursor starts on the bad byte, whose escape is marked as the error.
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (2, 8)
        assert app.source_pane._error_spans == (Span(2, 8, 2, 12),)
        assert app.tokens_pane.row_count == 6  # x = 1 NEWLINE y =
        for panel_id in ("#ast", "#bytecode"):
            message = str(app.query_one(panel_id, StagePanel).query_one(".stage-message").render())
            assert "SyntaxError (decode stage)" in message
            assert "Non-UTF-8 code starting with '\\xe9' on line 2" in message
        errors = str(app.query_one("#errors").render())
        assert "SyntaxError at 2:8" in errors


async def test_a_file_that_fails_to_decode_on_line_1_says_why_the_tokens_are_empty() -> None:
    app = app_for(b"# coding: nope\nx = 1\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        panel = app.query_one("#tokens", StagePanel)
        assert panel.has_class("-message")
        message = str(panel.query_one(".stage-message").render())
        assert "unknown encoding: nope" in message and "No tokens" in message


async def test_compile_only_error_still_shows_the_ast() -> None:
    app = app_for("x = 1\nreturn x\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert not app.query_one("#ast", StagePanel).has_class("-message")
        bytecode = app.query_one("#bytecode", StagePanel)
        assert bytecode.has_class("-message")
        assert "'return' outside function" in str(bytecode.query_one(".stage-message").render())
        await pilot.press("3", "down")
        assert app.ast_pane.primary_nodes


async def test_saving_a_fixed_file_brings_every_pane_back(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("x = (1\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.query_one("#ast", StagePanel).has_class("-message")
        path.write_text("x = (1)\ny = x + 2\n")
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert app.analysis is not None and app.analysis.compiled
        assert not app.query_one("#ast", StagePanel).has_class("-message")
        assert not app.query_one("#bytecode", StagePanel).has_class("-message")
        # One row per instruction dis lists for the fixed file (one code object, no headings).
        fixed = compile(path.read_text(), str(path), "exec", dont_inherit=True)
        pane = app.bytecode_pane
        shown = [pane.instruction_at(row) for row in range(pane.row_count)]
        assert [i for i in shown if i is not None] == list(
            range(len(list(dis.get_instructions(fixed))))
        )


async def test_reload_keeps_the_cursor_where_it_can(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("a = 1\nb = 2\nc = 3\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "right", "right", "right", "right")
        path.write_text("a = 1\nb = 2\nc = 300\nd = 4\n")
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (3, 4)
        assert app.analysis is not None
        assert [app.analysis.tokens[r].string for r in app.tokens_pane.primary_rows] == ["300"]


async def test_reload_of_a_deleted_file_keeps_the_old_analysis(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("a = 1\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        first = await ready(pilot)
        analysis = first.analysis
        path.unlink()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.analysis is analysis


async def test_go_to_line_and_search_in_the_bytecode_pane() -> None:
    app = app_for((DEMOS / "fibonacci.py").read_bytes())
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("g", *"11", "enter")
        assert app.source_pane.cursor_line == 11
        assert app.focused is app.source_pane
        await pilot.press("4", "home", "slash", *"for_iter", "enter")
        assert app.analysis is not None
        row = app.bytecode_pane.cursor_row
        instruction = app.bytecode_pane.instruction_at(row)
        assert instruction is not None
        assert app.analysis.instructions[instruction].opname == "FOR_ITER"
        assert app.source_pane.marked_spans[0] is not None
        await pilot.press("n")  # there is only one: n wraps to it again
        assert app.bytecode_pane.cursor_row == row


async def test_help_lists_every_key_and_closes() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(f"{key} {what}" for group in app.screen.groups for key, what in group.keys)
        for words in (
            "Leave tui-exec",
            "Go to a line",
            "Maximize",
            "Read and analyse the file",
            "Previous token",
            "Unfold",
            "Next instruction",
        ):
            assert words in text
        for command in app.app_commands():  # every app-wide command, by its own help line
            assert command.help in text, command.id
        # Besides keys, the help says how to read positions, highlights and the status line.
        about = "\n".join(group.about for group in app.screen.groups)
        for words in ("columns from 0", "Primary highlight", "5 more around", "synthetic"):
            assert words in about
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_has_an_id_and_a_description() -> None:
    from textual.binding import Binding

    from tui_exec.ui.app import TuiExecApp
    from tui_exec.ui.panes import AstPane, LinePane, SourcePane

    for owner in (TuiExecApp, LinePane, SourcePane, AstPane):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id and binding.description, binding


async def test_maximize_hide_and_focus_panes() -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("2", "z")
        assert app.screen.maximized is app.query_one("#tokens")
        await pilot.press("z")
        assert app.screen.maximized is None
        await pilot.press("x")
        assert app.query_one("#tokens").has_class("-hidden")
        assert app.focused is not app.tokens_pane
        await pilot.press("2")
        assert not app.query_one("#tokens").has_class("-hidden")
        assert app.focused is app.tokens_pane


@pytest.mark.parametrize(("size", "narrow"), [((80, 24), True), ((160, 50), False)])
async def test_layout_stacks_on_small_terminals(size: tuple[int, int], narrow: bool) -> None:
    app = app_for(UNICODE)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert app.query_one("#panes").has_class("-narrow") is narrow
        source = app.query_one("#source", StagePanel)
        tokens = app.query_one("#tokens", StagePanel)
        if narrow:
            # A stacked pane is its title and one row: the item matching the selection.
            assert source.outer_size.height > tokens.outer_size.height == 2
            assert app.tokens_pane.size.height == 1
            await pilot.press("down", "down", "2")
            await pilot.pause()
            assert tokens.outer_size.height > source.outer_size.height
            # The shrunken source pane shows the cursor's line, not the top of the file.
            assert app.source_pane.scroll_offset.y == app.source_pane.cursor_row == 2


async def test_marks_differ_without_colour() -> None:
    """Primary and secondary must be told apart by reverse/bold/underline, not hue alone."""
    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        pane = app.bytecode_pane
        primary: Style = pane.get_component_rich_style("line-pane--primary")
        secondary: Style = pane.get_component_rich_style("line-pane--secondary")
        assert primary.reverse and primary.bold
        assert secondary.underline and not secondary.reverse
        source_primary = app.source_pane.get_component_rich_style("line-pane--primary")
        assert source_primary.reverse


async def test_footer_keeps_its_keys_when_focus_moves() -> None:
    """Every pane shows the same app keys: moving focus must not rebuild the footer."""
    from textual.widgets._footer import FooterKey

    app = app_for(UNICODE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        before = list(app.query(FooterKey))
        assert {key.description for key in before} >= {"Quit", "Help", "Go to", "Run"}
        await pilot.press("2", "3", "4")
        await pilot.pause()
        assert list(app.query(FooterKey)) == before  # the same widgets, not rebuilt


async def test_long_lines_draw_only_their_visible_window_identically() -> None:
    """A 6k-token line is drawn only where the pane shows it, cell for cell as drawn whole."""
    line = "x = [" + ", ".join(f"'v{i}'" for i in range(2000)) + "]\n"
    app = app_for(line)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        pane = app.source_pane
        await pilot.press("g", *"1:9000", "enter")
        await pilot.pause()
        assert pane.cursor_col == 9000 and pane.scroll_offset.x > 8000
        width = pane.scrollable_content_region.width - pane._gutter_width
        args = (1, pane._cols_on(pane.marked_spans[0], 1, len(line) - 1), None, (), 9000)
        for left in (0, 4000, pane.scroll_offset.x):
            window = pane._window(1, left, width)
            assert window is not None
            part = pane._render_code(*args, window).strip().crop_extend(0, width, None)
            whole = pane._render_code(*args, None).strip().crop_extend(left, left + width, None)
            assert list(part) == list(whole)
            # And by hand: the window shows exactly the line's characters from `left`.
            assert "".join(s.text for s in part) == line.rstrip("\n")[left : left + width].ljust(
                width
            )
        assert "'v" in pane.render_line(0).text


@pytest.mark.skipif(sys.version_info < (3, 12), reason="f-strings are one STRING token on 3.11")
async def test_string_pieces_are_coloured_as_strings() -> None:
    """f-strings (3.12+) and template strings (3.14+) come in START, MIDDLE and END tokens:
    each piece takes the colour of a plain string, and the names inside them do not."""
    template = sys.version_info >= (3, 14)
    lines = ['s = "plain"', 'f = f"one {s} two"', *(['t = t"one {s} two"'] if template else [])]
    app = app_for("\n".join(lines) + "\n")
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        pane = app.source_pane

        def style_at(line: int, col: int) -> Style | None:
            segments = pane._render_code(line, None, None, (), -1, None).segments
            cells = [(s.style, ch) for s in segments for ch in s.text]
            return cells[col][0]

        string = style_at(1, 5)  # the "p" of "plain"
        assert string is not None and string != style_at(1, 0)  # a string is not a name
        for line in range(2, len(lines) + 1):
            assert style_at(line, 4) == string  # the prefix and quote: START
            assert style_at(line, 7) == string  # "one": MIDDLE
            assert style_at(line, 11) != string  # the s inside {}: a name
            assert style_at(line, 17) == string  # the closing quote: END
