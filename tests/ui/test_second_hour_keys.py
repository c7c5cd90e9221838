"""Issue 21, a new user's second hour: prompts whatever the layout, keys that come together,
keys that say why they do nothing, and the editor as a pane like the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import RunOptions, TuiExecApp, make_app
from tui_exec.ui.command_line import CommandLine
from tui_exec.ui.commands import palette_commands

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"
FIBONACCI = DEMOS / "fibonacci.py"


def _demo(path: Path) -> TuiExecApp:
    return app_for(path.read_bytes(), str(path), path=str(path))


def _shown(app: TuiExecApp, widget: object) -> bool:
    """Whether ``widget`` has a place on the screen as it is laid out now."""
    return widget in app.screen._compositor.visible_widgets


async def burst(pilot: Pilot[int], *keys: str) -> None:
    """Keys that come in one read, as a paste or a batched SSH packet brings them: all are
    queued before the app handles the first (Pilot.press waits after each one)."""
    app = pilot.app
    assert app._driver is not None
    for key in keys:
        character = {"enter": "\r", "slash": "/"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


def _status(app: TuiExecApp) -> str:
    return str(app.query_one("#status").render())


# -- a. prompts are visible whatever the layout ----------------------------------------------


async def test_a_prompts_show_while_a_pane_is_maximized_and_esc_closes_them_first() -> None:
    app = _demo(FIBONACCI)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        line = app.query_one(CommandLine)
        await pilot.press("z")
        assert app.screen.maximized is app.panels["source"]
        for key, prompt in (("slash", "Search the Source pane"), ("g", "Go to line (1–15)")):
            await pilot.press(key, *"fact")
            assert line.is_open and _shown(app, line), key
            assert prompt in str(line.query_one("#command-line-prompt").render())
            # Esc closes the question; the pane stays maximized, and the next key is a key.
            await pilot.press("escape")
            assert not line.is_open and app.screen.maximized is app.panels["source"]
        await pilot.press("f6")
        assert line.is_open and _shown(app, line)
        await pilot.press("escape")
        await pilot.press("escape")  # now Esc restores the layout
        assert app.screen.maximized is None


async def test_a_a_program_asking_for_input_shows_its_question_while_source_is_maximized(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ask.py"
    path.write_text("name = input('Your name? ')\nprint('hello', name)\n")
    app = make_app(
        path.read_bytes(),
        str(path),
        path=str(path),
        run_options=RunOptions(limits=RunLimits(wall_time=10.0)),
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        line = app.query_one(CommandLine)
        await pilot.press("z", "f5")
        # Shown once the screen is laid out again after it opens (a frame later under load).
        await wait_until(pilot, lambda: line.is_open and _shown(app, line))
        prompt = str(line.query_one("#command-line-prompt").render())
        assert "Your name?" in prompt
        await pilot.press(*"Ada", "enter")
        await wait_until(pilot, lambda: app.timeline is not None)
        assert app.timeline is not None
        assert app.timeline.result.transcript() == "Your name? Ada\nhello Ada\n"


# -- b. keys that come in one read -----------------------------------------------------------


async def test_b_keys_after_the_one_that_asks_go_to_the_question() -> None:
    app = _demo(FIBONACCI)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        source = app.source_pane
        await burst(pilot, "g", "4", "enter")
        await wait_until(pilot, lambda: source.cursor_line == 4)
        assert not app.query_one(CommandLine).is_open and app.focused is source
        await burst(pilot, "slash", *"print", "enter")
        await wait_until(pilot, lambda: source.cursor_line == 15)  # print(fibonacci(10))
        assert app.navigator._search_term == "print"
        # A key after the Enter that answers goes where the focus is then: the source pane.
        await burst(pilot, "g", "1", "2", "enter", "down")
        await wait_until(pilot, lambda: source.cursor_line == 13)
        assert not app.query_one(CommandLine).is_open


# -- c. every key acts or says why not ---------------------------------------------------


def _notes(app: TuiExecApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_c_counts_specialized_and_next_run_say_why_before_a_run() -> None:
    app = _demo(DEMOS / "classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        for key, words in (
            ("c", "Run the program first (F5): counts"),
            ("s", "Run without recording first (F7)"),
            ("full_stop", "Run the program first (F5): . goes to the next step"),
        ):
            await pilot.press(key)
            assert any(words in note for note in _notes(app)), key
            app.clear_notifications()
        # The palette still offers only what applies.
        titles = {command.title for command in palette_commands(app, app.app_commands())}
        assert "view: execution counts" not in titles and "view: help" in titles


async def test_c_s_after_a_run_without_recording_says_what_was_specialized() -> None:
    # classic.py runs each line once: 3.11 and 3.12 specialize nothing in it; later versions
    # specialize some instructions the first time they run (RESUME_CHECK).
    app = _demo(DEMOS / "classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.timeline is not None)
        app.clear_notifications()
        await pilot.press("s")
        if app.specialized:
            count = sum(len(names) for names in app.specialized.values())
            plural = "" if count == 1 else "s"
            assert any(f"{count:,} instruction{plural} specialized" in n for n in _notes(app))
            assert app.bytecode_pane.showing_specialized
        else:
            assert any("specialized nothing" in note for note in _notes(app))
            assert not app.bytecode_pane.showing_specialized
        app.clear_notifications()
        await pilot.press("c")
        assert any("run with F5" in note for note in _notes(app))


async def test_c_s_after_a_loop_ran_fast_says_how_many_were_specialized() -> None:
    app = app_for("total = 0\nfor i in range(1000):\n    total = total + i\nprint(total)\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.timeline is not None)
        assert app.specialized  # CPython specialized the loop's instructions
        count = sum(len(names) for names in app.specialized.values())
        app.clear_notifications()
        await pilot.press("s")
        assert app.bytecode_pane.showing_specialized
        plural = "" if count == 1 else "s"
        assert any(f"{count:,} instruction{plural} specialized" in n for n in _notes(app))


# -- e. the editor is a pane like the others -----------------------------------------------

PROGRAM = "x = 5\ny = 10\nprint(x + y)\n"


def _selected_node_types(app: TuiExecApp) -> list[str]:
    assert app.analysis is not None
    return [app.analysis.nodes[n].type for n in app.ast_pane.primary_nodes]


async def test_e_the_editors_cursor_is_the_selection() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        assert app.edit_mode.editing and app.edit_mode.editor is not None
        await pilot.press("down", "down", *["right"] * 8)  # on the + of print(x + y)
        assert app.edit_mode.editor.cursor_location == (2, 8)
        status = _status(app)
        assert status.startswith("3:8") and "'+' · BinOp" in status, status
        assert _selected_node_types(app) == ["BinOp"]
        # After an edit, the new analysis is selected where the cursor is.
        await pilot.press("home", *"z = 1", "enter")
        await wait_until(
            pilot,
            lambda: app.analysis is not None and app.analysis.source.lines[2] == "z = 1",
        )
        await wait_until(pilot, lambda: _status(app).startswith("4:0"))
        await pilot.press("up", "right", "right")  # the = of z = 1
        assert _status(app).startswith("3:2") and "'='" in _status(app)
        assert _selected_node_types(app) == ["Assign"]


# -- f, g. the editor's keys and words -------------------------------------------------------


def _source_title(app: TuiExecApp) -> str:
    return str(app.panels["source"].border_title)


async def test_g_ctrl_home_ctrl_end_and_ctrl_g_move_in_the_editor_and_f1_is_help() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        editor = app.edit_mode.editor
        assert editor is not None
        await pilot.press("ctrl+end")
        assert editor.cursor_location == (3, 0)  # after the last new line: an empty 4th line
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)
        await pilot.press("ctrl+g")
        line = app.query_one(CommandLine)
        assert line.is_open
        assert "Go to line (1–4)" in str(line.query_one("#command-line-prompt").render())
        await pilot.press("3", ":", "6", "enter")
        assert editor.cursor_location == (2, 6) and app.focused is editor
        assert _status(app).startswith("3:6")
        assert editor.text == PROGRAM  # nothing typed into the program
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert editor.text == PROGRAM and app.focused is editor


async def test_g_undoing_back_to_the_saved_text_is_not_an_unsaved_edit(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    app = make_app(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2", *"zz = 1; ")
        await wait_until(pilot, lambda: app.unsaved)
        assert "not saved" in _source_title(app)
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not app.unsaved)
        assert "not saved" not in _source_title(app)
        await pilot.press("f2", "q")  # nothing to lose: q quits without asking
        await wait_until(pilot, lambda: app.return_code is not None)
        assert app.return_code == 0


# -- h, i. saving a scratch program ----------------------------------------------------------


def _prompt(app: TuiExecApp) -> str:
    return str(app.query_one("#command-line-prompt").render())


async def _scratch_with_an_edit(pilot: Pilot[int]) -> TuiExecApp:
    app = await ready(pilot)
    await wait_until(pilot, lambda: app.edit_mode.editing)  # a scratch program opens in the editor
    await pilot.press("x")
    await wait_until(pilot, lambda: app.unsaved)
    return app


async def test_h_save_as_asks_before_replacing_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # short paths: Pilot types them a key at a time
    target = tmp_path / "fact.py"
    target.write_text("print('the old one')\n")
    app = make_app(PROGRAM.encode(), "<sample>", edit=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await _scratch_with_an_edit(pilot)
        await pilot.press("ctrl+s", *"fact.py", "enter")
        assert "fact.py exists: replace it?" in _prompt(app)
        assert target.read_text() == "print('the old one')\n"
        await pilot.press("n", "enter")  # another path, then
        assert _prompt(app).startswith("Save as")
        await pilot.press(*"fact.py", "enter", "escape")  # ... the same: Esc keeps it
        assert target.read_text() == "print('the old one')\n" and app.unsaved
        await pilot.press("ctrl+s", *"fact.py", "enter", "y", "enter")
        assert target.read_text() == "x" + PROGRAM
        assert app.program_path == "fact.py" and not app.unsaved


async def test_i_quitting_a_scratch_program_y_asks_where_to_save_then_quits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "mine.py"
    app = make_app(PROGRAM.encode(), "<sample>", edit=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await _scratch_with_an_edit(pilot)
        await pilot.press("f2", "q")
        assert "y asks for a path, saves and quits" in _prompt(app)
        await pilot.press("y", "enter")
        assert app.is_running and _prompt(app).startswith("Save as (then quit)")
        await pilot.press(*"mine.py", "enter")
        await wait_until(pilot, lambda: app.return_code is not None)
    assert target.read_text() == "x" + PROGRAM
    assert app.return_code == 0


async def test_b_keys_for_the_palette_stay_in_the_palette_while_a_question_is_open() -> None:
    app = _demo(FIBONACCI)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("g", "ctrl+p")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"view: help")
        await pilot.pause()
        await pilot.press("enter")  # the palette's, not the go-to question's
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")


async def test_the_sample_says_what_works_where_it_opens() -> None:
    """Issue 21 f, g: tui-exec with no file opens the sample in the editor; its words must be
    true there: `?` is text in the editor, F1 shows the help, and the title says F2 reads."""
    from tui_exec.sample import SAMPLE_NAME, SAMPLE_PROGRAM
    from tui_exec.ui.app import make_app
    from tui_exec.ui.screens import HelpScreen

    first = SAMPLE_PROGRAM.splitlines()[0]
    assert "F1" in first and "?" not in first
    app = make_app(SAMPLE_PROGRAM.encode(), SAMPLE_NAME, edit=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert "F2 to read" in str(app.panels["source"].border_title)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
