"""Issue 21, a new user's second hour: prompts whatever the layout, keys that come together,
keys that say why they do nothing, and the editor as a pane like the others."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot

from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import TuiExecApp, make_app
from tui_exec.ui.command_line import CommandLine
from tui_exec.ui.running import RunOptions

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
        await wait_until(pilot, lambda: line.is_open)
        assert _shown(app, line)
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
        assert app._search_term == "print"
        # A key after the Enter that answers goes where the focus is then: the source pane.
        await burst(pilot, "g", "1", "2", "enter", "down")
        await wait_until(pilot, lambda: source.cursor_line == 13)
        assert not app.query_one(CommandLine).is_open
