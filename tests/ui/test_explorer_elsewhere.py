"""The explorer under another installed Python (``--python``, a .pyc another version wrote):
every pane is that Python's own, checked in a real terminal against what it says itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_interpreters import installed, need_two  # noqa: F401  (fixtures)
from tests.ui.terminal import Terminal
from tui_exec import elsewhere_app
from tui_exec.core.interpreters import ENV_VAR, Interpreter

DEMO = Path(__file__).resolve().parents[2] / "demo_scripts" / "classic.py"


def _others(installed: dict[str, Interpreter]) -> list[Interpreter]:  # noqa: F811
    return [i for key, i in installed.items() if not i.running]


def _its_own_second_instruction(interpreter: Interpreter) -> str:
    """The name that Python's own dis gives the demo's second instruction (after RESUME)."""
    code = (
        "import dis, sys; "
        "src = open(sys.argv[1], encoding='utf-8').read(); "
        "print(list(dis.get_instructions(compile(src, 'x', 'exec')))[1].opname)"
    )
    done = subprocess.run(
        [interpreter.executable, "-c", code, str(DEMO)], capture_output=True, text=True
    )
    return done.stdout.strip()


def _env() -> str:
    return f"{ENV_VAR}={os.environ.get(ENV_VAR, '')}"


def test_the_explorer_runs_under_each_other_installed_python(
    installed: dict[str, Interpreter],  # noqa: F811
) -> None:
    need_two(installed)
    for other in _others(installed):
        version = f"{other.version[0]}.{other.version[1]}"
        argv = ["tui-exec", "--python", other.executable, str(DEMO)]
        with Terminal(argv, size=(120, 36), env=_env()) as term:
            screen = term.wait_for(f"Python {version} ·")
            assert _its_own_second_instruction(other) in screen
            term.send("F5")  # the run is that Python's too: its recorder, its steps
            term.wait_for("exited with status 0")
            term.send("q")


def test_a_pyc_another_installed_python_wrote_opens_under_it(
    installed: dict[str, Interpreter],  # noqa: F811
    tmp_path: Path,
) -> None:
    need_two(installed)
    other = _others(installed)[-1]
    pyc = tmp_path / "classic.pyc"
    subprocess.run(
        [
            other.executable,
            "-c",
            f"import py_compile; py_compile.compile({str(DEMO)!r}, "
            f"cfile={str(pyc)!r}, doraise=True)",
        ],
        check=True,
    )
    version = f"{other.version[0]}.{other.version[1]}"
    with Terminal(["tui-exec", str(pyc)], size=(120, 36), env=_env()) as term:
        screen = term.wait_for(f"Python {version} ·")
        assert "A .pyc file holds bytecode only" in screen
        assert _its_own_second_instruction(other) in screen
        term.send("q")


def test_a_python_that_is_not_there_is_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui_exec", "--python", "3.99", str(DEMO)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("tui-exec: --python 3.99: ") and "Traceback" not in done.stderr


def test_the_command_keeps_the_arguments_and_leaves_out_that_pythons_own_packages(
    installed: dict[str, Interpreter],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need_two(installed)
    other = _others(installed)[0]
    command = elsewhere_app.app_command(other, ["FILE.py", "--", "-x"])
    assert command[:3] == [other.executable, "-S", "-P"]
    assert "['FILE.py', '--', '-x']" in command[-1]
    # Without Textual on its path, that Python says so in one line (no traceback).
    monkeypatch.setattr(elsewhere_app, "app_path", lambda: [elsewhere_app.tui_exec_root()])
    done = subprocess.run(
        elsewhere_app.app_command(other, [str(DEMO)]), capture_output=True, text=True
    )
    assert done.returncode == elsewhere_app.CANNOT_IMPORT
    assert done.stderr.startswith("tui-exec: the explorer cannot run under ")
    assert "Traceback" not in done.stderr
