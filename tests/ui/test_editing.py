"""Edit mode: the source pane becomes an editor, every edit is analysed, edits are saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tests.ui.helpers import app_for, ready
from tui_exec.ui.app import StagePanel, TuiExecApp, make_app
from tui_exec.ui.panes.editor import Editor

PROGRAM = "x = 5\ny = 10\nprint(x + y)\n"


async def settled(pilot: Pilot[int], done: Callable[[], bool]) -> None:
    """Let the debounce timer fire and the analysis worker finish until ``done()`` holds."""
    app = pilot.app
    for _ in range(200):  # a bound, so a bug fails instead of hanging
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if done():
            return
    raise AssertionError("the state never came")


def _editor(app: TuiExecApp) -> Editor:
    assert app.edit_mode.editor is not None
    return app.edit_mode.editor


def _title(app: TuiExecApp, name: str) -> str:
    return str(app.query_one(f"#{name}", StagePanel).border_title)


async def test_f2_edits_at_the_cursor_and_every_pane_follows_the_text() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "end")  # line 3, after `print(x + y)`
        await pilot.press("f2")
        editor = _editor(app)
        assert app.edit_mode.editing and app.focused is editor
        assert editor.text == PROGRAM
        assert editor.cursor_location == (2, 12)
        await pilot.press("enter", *"z = x * y")
        assert "edited, not saved" in _title(app, "source")
        await settled(pilot, lambda: app.analysis is not None and "z" in app.analysis.source.text)
        assert app.analysis is not None and app.analysis.source.lines[3] == "z = x * y"
        assert [t.string for t in app.analysis.tokens][-7:-2] == ["z", "=", "x", "*", "y"]
        assert "BINARY_OP" in {i.opname for i in app.analysis.instructions}
        assert app.tokens_pane.row_count == len(app.analysis.tokens)
        # F2 again: reading, the source cursor where the editor's was.
        await pilot.press("f2")
        assert not app.edit_mode.editing and app.focused is app.source_pane
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (4, 9)


async def test_text_that_does_not_parse_keeps_the_last_good_ast_and_bytecode_dimmed() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2", "down", "down", "end")
        instructions = len(app.bytecode_pane._analysis.instructions)  # type: ignore[union-attr]
        await pilot.press(*" + (")  # print(x + y + (  : never closed
        await settled(pilot, lambda: app.analysis is not None and not app.analysis.parsed)
        for name in ("ast", "bytecode"):
            panel = app.query_one(f"#{name}", StagePanel)
            assert panel.has_class("-stale") and not panel.has_class("-message")
            assert "out of date" in _title(app, name)
        assert app.ast_pane.row_count > 0
        assert len(app.bytecode_pane._analysis.instructions) == instructions  # type: ignore[union-attr]
        # The error is marked in the editor, where the user is typing.
        editor = _editor(app)
        assert any(name == "error" for _, _, name in editor._highlights[2])
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await settled(pilot, lambda: app.analysis is not None and app.analysis.compiled)
        for name in ("ast", "bytecode"):
            assert not app.query_one(f"#{name}", StagePanel).has_class("-stale")
            assert "out of date" not in _title(app, name)


async def test_ctrl_s_saves_to_the_file_and_a_run_runs_the_edited_text(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    app = make_app(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "end", "f2", "enter", *"print('edited')")
        await settled(pilot, lambda: "edited" in (app.program_data or b"").decode())
        assert path.read_text() == PROGRAM  # not saved yet
        await pilot.press("f5")  # runs what is on screen, saved or not
        await settled(pilot, lambda: app.timeline is not None)
        assert "15\nedited" in "\n".join(app.output_pane.lines)
        await pilot.press("ctrl+s")
        assert path.read_text() == PROGRAM + "print('edited')\n"
        assert not app.unsaved and "edited, not saved" not in _title(app, "source")


async def test_a_program_without_a_file_asks_where_to_save(tmp_path: Path) -> None:
    app = make_app(PROGRAM.encode(), "<sample>", edit=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await settled(pilot, lambda: app.edit_mode.editing)  # opened in the editor
        await pilot.press("x")
        await pilot.press("ctrl+s")
        target = tmp_path / "mine.py"
        await pilot.press(*str(target), "enter")
        assert target.read_text() == "x" + PROGRAM
        assert app.program_path == str(target) and not app.unsaved


async def test_quitting_with_unsaved_edits_asks_first() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2", "x", "f2", "q")
        assert app.is_running  # asked instead of quitting
        assert "Unsaved edits" in str(app.query_one("#command-line-prompt").render())
        await pilot.press("escape")  # stay
        assert app.is_running and app.unsaved
        await pilot.press("q", "n", "enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_change_on_disk_never_overwrites_unsaved_edits(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    app = make_app(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2", "#")
        path.write_text("changed = 1\n")
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        assert _editor(app).text == "#" + PROGRAM
        assert any("unsaved edits are kept" in n.message for n in app._notifications)


async def test_undo_and_redo_bring_the_text_and_the_analysis_back() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)

        def analysed(zz: bool) -> Callable[[], bool]:
            return lambda: app.analysis is not None and ("zz" in app.analysis.source.text) == zz

        await pilot.press("f2", *"zz = 1; ")
        await settled(pilot, analysed(True))
        await pilot.press("ctrl+z")
        await settled(pilot, analysed(False))
        assert _editor(app).text == PROGRAM
        await pilot.press("ctrl+y")
        await settled(pilot, analysed(True))
        assert _editor(app).text == "zz = 1; " + PROGRAM
