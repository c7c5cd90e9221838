"""A served session (``tui-exec --serve``, issue 23): running, saving and any path other than
the served file are off unless the server allows running; each refused key says so and how
the server's owner turns it on."""

from __future__ import annotations

import py_compile
from pathlib import Path

import pytest

from tests.ui.helpers import ready, wait_until
from tui_exec.ui.app import TuiExecApp, make_app
from tui_exec.ui.policy import LOCAL, served_policy

PROGRAM = "x = 1\nprint(x + 1)\n"


def said(app: TuiExecApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def served_app(path: Path, *, allow_run: bool, pyc: bool = False) -> TuiExecApp:
    return make_app(
        path.read_bytes(),
        str(path),
        path=str(path),
        pyc=pyc,
        policy=served_policy(allow_run=allow_run),
    )


def test_the_policies() -> None:
    assert LOCAL.may_run and LOCAL.may_save and LOCAL.may_open_paths and not LOCAL.served
    closed = served_policy(allow_run=False)
    assert not (closed.may_run or closed.may_save or closed.may_open_paths)
    opened = served_policy(allow_run=True)
    assert opened.may_run and opened.may_save and not opened.may_open_paths
    assert "--allow-run" in closed.refusal("running")


async def test_f5_and_f7_say_running_is_off(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM)
    app = served_app(program, allow_run=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        for key in ("f5", "f7"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert app.program.run is None and app.timeline is None
            assert any(
                "Running is off in this served session" in note and "--allow-run" in note
                for note in said(app)
            ), said(app)


async def test_allow_run_runs(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM)
    app = served_app(program, allow_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.timeline is not None, limit=60)
        assert not any("is off" in note for note in said(app))


async def test_edits_stay_in_the_browser(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAM)
    app = served_app(program, allow_run=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")  # editing (in memory, analysed) works
        await wait_until(pilot, lambda: app.edit_mode.editing)
        await pilot.press("end", *"  # changed")
        await wait_until(pilot, lambda: app.program.unsaved)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert program.read_text() == PROGRAM
        assert any("Saving is off in this served session" in note for note in said(app))
        # Quitting does not offer to save what cannot be saved: it asks whether to lose it.
        await pilot.press("f2", "q")
        prompt = str(app.query_one("#command-line-prompt").render())
        assert "cannot save them. Quit and lose them?" in prompt and app.is_running
        await pilot.press("escape")
        assert app.is_running and app.program.unsaved
        await pilot.press("q", "y", "enter")
        await pilot.pause()
    assert app.return_code == 0 and program.read_text() == PROGRAM


async def test_no_prompt_reaches_another_path(tmp_path: Path) -> None:
    source = tmp_path / "prog.py"
    source.write_text(PROGRAM)
    pyc = tmp_path / "prog.pyc"
    py_compile.compile(str(source), str(pyc), doraise=True)
    app = served_app(pyc, allow_run=True, pyc=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.watcher.check_action("open_source", ()) is False  # o: the .pyc's source
        await pilot.press("o")
        await pilot.pause()
        assert app.program.path == str(pyc)
    app = served_app(source, allow_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("C", *"/usr/bin/python3", "enter")  # C: compare, with a Python by path
        await pilot.pause()
        assert not app.comparer._busy
        wanted = "opens no path: name the Python by its version"
        assert any(wanted in note for note in said(app)), said(app)


def test_serving_options_go_with_serve(capsys: pytest.CaptureFixture[str]) -> None:
    from tui_exec.cli import main

    for options in (["--allow-run"], ["--host", "0.0.0.0"], ["--max-sessions", "3"]):
        with pytest.raises(SystemExit) as exited:
            main(["demo_scripts/classic.py", *options])
        assert exited.value.code == 2
        assert "go with --serve" in capsys.readouterr().err
