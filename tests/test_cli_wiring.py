"""The command line hands every option to the app it starts: limits, stdin, arguments, mouse.

The app is replaced by a stand-in that records what it was given, so no UI runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui_exec.cli import main
from tui_exec.core.run import RunLimits
from tui_exec.ui import app as app_module
from tui_exec.ui.app import RunOptions


class FakeApp:
    return_code = 0

    def __init__(self, data: bytes, name: str, **kwargs: Any) -> None:
        self.data, self.name, self.kwargs = data, name, kwargs
        self.run_kwargs: dict[str, Any] = {}

    def run(self, **kwargs: Any) -> None:
        self.run_kwargs = kwargs


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[FakeApp]:
    apps: list[FakeApp] = []

    def make_app(data: bytes, name: str, **kwargs: Any) -> FakeApp:
        apps.append(FakeApp(data, name, **kwargs))
        return apps[-1]

    monkeypatch.setattr(app_module, "make_app", make_app)
    return apps


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.py"
    path.write_text("import sys\nprint(sys.argv)\n")
    return path


def test_defaults_are_the_documented_limits_no_input_and_the_mouse(
    started: list[FakeApp], program: Path
) -> None:
    assert main([str(program)]) == 0
    (app,) = started
    assert app.data == program.read_bytes() and app.kwargs["path"] == str(program)
    # The README: 10 s, 1,000,000 characters of output, 2,000,000 steps; empty stdin.
    assert app.kwargs["run_options"] == RunOptions(
        limits=RunLimits(wall_time=10.0, max_output=1_000_000, max_steps=2_000_000),
        stdin=b"",
        args=(),
    )
    assert app.run_kwargs == {"mouse": True}


def test_every_limit_stdin_and_program_arguments_reach_the_run(
    started: list[FakeApp], program: Path, tmp_path: Path
) -> None:
    stdin = tmp_path / "input.txt"
    stdin.write_bytes(b"42\n")
    argv = [str(program), "--time-limit", "2.5", "--output-limit", "777", "--step-limit", "31"]
    argv += ["--stdin", str(stdin), "--no-mouse", "--", "a b", "--step-limit", "-"]
    assert main(argv) == 0
    (app,) = started
    assert app.kwargs["run_options"] == RunOptions(
        limits=RunLimits(wall_time=2.5, max_output=777, max_steps=31),
        stdin=b"42\n",
        args=("a b", "--step-limit", "-"),  # after `--`, everything is the program's
    )
    assert app.run_kwargs == {"mouse": False}


@pytest.mark.parametrize("option", ["--time-limit", "--output-limit", "--step-limit"])
def test_a_limit_that_is_not_positive_is_refused(
    started: list[FakeApp], program: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(program), option, "0"])
    assert exit_info.value.code == 2
    assert "limits must be positive" in capsys.readouterr().err
    assert started == []


def test_dump_exits_0_on_a_mere_syntax_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "warns.py"
    path.write_text("x = 1\nif x is 1:\n    pass\n")  # `is` with a literal: a SyntaxWarning
    assert main(["dump", str(path)]) == 0
    capsys.readouterr()
