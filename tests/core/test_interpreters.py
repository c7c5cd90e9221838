"""Finding installed Pythons, naming one by version or path, and running tui-exec under it."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from importlib.util import MAGIC_NUMBER
from pathlib import Path

import pytest

from tui_exec.core.elsewhere import ElsewhereError, run_cli
from tui_exec.core.interpreters import (
    ENV_VAR,
    Interpreter,
    InterpreterError,
    by_magic,
    candidates,
    find_interpreters,
    probe,
    resolve,
)

DEBIAN_PYTHONS = (
    "/opt/debian-pythons/usr/bin/python3.14",
    "/opt/debian-pythons/usr/bin/python3.15",
)
"""Pythons outside PATH on the project's machines: added through TUI_EXEC_PYTHONS."""

VERSIONS = ((3, 11), (3, 12), (3, 13), (3, 14), (3, 15))
TIMEOUT = 120


@pytest.fixture(scope="session")
def installed() -> Iterator[dict[str, Interpreter]]:
    """The newest installed interpreter of each of 3.11-3.15, by 'X.Y', found by the module
    (with the Debian builds added through TUI_EXEC_PYTHONS where they exist)."""
    extra = [path for path in DEBIAN_PYTHONS if os.path.exists(path)]
    before = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = os.pathsep.join([*extra, *([before] if before else [])])
    try:
        found = find_interpreters()
        chosen: dict[str, Interpreter] = {}
        for major, minor in VERSIONS:
            with contextlib.suppress(InterpreterError):
                chosen[f"{major}.{minor}"] = resolve(f"{major}.{minor}", found)
        yield chosen
    finally:
        if before is None:
            del os.environ[ENV_VAR]
        else:
            os.environ[ENV_VAR] = before


def need_two(installed: dict[str, Interpreter]) -> None:
    """Skip when fewer than two of 3.11-3.15 are installed: nothing to compare across. Run
    under the oldest installed Python only: the installed interpreters do the work whichever
    one runs the test, and CI runs the suite under each of them (five times the minutes for
    the same checks)."""
    if len(installed) < 2:
        pytest.skip(f"fewer than two of Python 3.11-3.15 installed (found {sorted(installed)})")
    oldest = min(installed, key=lambda key: tuple(map(int, key.split("."))))
    if f"{sys.version_info[0]}.{sys.version_info[1]}" != oldest:
        pytest.skip(f"checked once, under the oldest installed Python ({oldest})")


def _fake_python(folder: Path, name: str, version: str, magic: str = "0d0d0d0a") -> Path:
    """A shell script that answers the probe as a Python of ``version`` would."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\nprintf '%s\\n%s\\n%s\\n' '{version}' \"$0\" '{magic}'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_running_python_is_found_and_marked(installed: dict[str, Interpreter]) -> None:
    found = find_interpreters()
    running = [i for i in found if i.running]
    assert len(running) == 1
    assert running[0].version == tuple(sys.version_info[:3])
    assert running[0].magic == MAGIC_NUMBER


def test_each_version_answers_for_itself(installed: dict[str, Interpreter]) -> None:
    for spec, interpreter in installed.items():
        assert interpreter.version_text.startswith(spec + ".")
        again = probe(interpreter.executable)
        assert again is not None
        assert (again.version, again.magic) == (interpreter.version, interpreter.magic)
        assert len(interpreter.magic) == 4 and interpreter.magic.endswith(b"\r\n")


def test_magic_numbers_tell_versions_apart(installed: dict[str, Interpreter]) -> None:
    need_two(installed)
    magics = {interpreter.magic for interpreter in installed.values()}
    assert len(magics) == len(installed)
    found = list(installed.values())
    for interpreter in found:
        assert by_magic(interpreter.magic, found) == interpreter
    assert by_magic(b"\x00\x00\r\n", found) is None


def test_resolve_exact_version_and_path(installed: dict[str, Interpreter]) -> None:
    for interpreter in installed.values():
        exact = resolve(interpreter.version_text, list(installed.values()))
        assert exact.version == interpreter.version
        by_path = resolve(interpreter.executable)
        assert by_path.version == interpreter.version


def test_unknown_version_is_one_line_listing_what_was_found(
    installed: dict[str, Interpreter],
) -> None:
    with pytest.raises(InterpreterError) as caught:
        resolve("3.99", list(installed.values()))
    message = str(caught.value)
    assert "\n" not in message and "found:" in message
    for interpreter in installed.values():
        assert interpreter.version_text in message
    with pytest.raises(InterpreterError, match="give a version"):
        resolve("latest", [])
    with pytest.raises(InterpreterError, match="not a Python interpreter"):
        resolve(os.devnull)


def test_pyenv_uv_path_and_env_var_are_searched(tmp_path: Path) -> None:
    on_path = _fake_python(tmp_path / "bin", "python3.97", "3.97.0")
    pyenv = _fake_python(tmp_path / "pyenv/versions/3.98.1/bin", "python3.98", "3.98.1")
    uv = _fake_python(tmp_path / "uv/cpython-3.96.2-linux/bin", "python3.96", "3.96.2")
    named = _fake_python(tmp_path / "elsewhere", "py", "3.95.0")
    old = _fake_python(tmp_path / "pyenv/versions/3.9.1/bin", "python3.9", "3.9.1")
    env = {
        "PATH": str(tmp_path / "bin"),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv"),
        ENV_VAR: str(named),
    }
    assert set(candidates(env)) == {
        (str(on_path), "PATH"),
        (str(pyenv), "pyenv"),
        (str(old), "pyenv"),
        (str(uv), "uv"),
        (str(named), ENV_VAR),
    }
    found = {i.version_text: i for i in find_interpreters(env=env)}
    assert found["3.97.0"].found == ("PATH",)
    assert found["3.98.1"].found == ("pyenv",)
    assert found["3.96.2"].found == ("uv",)
    assert found["3.95.0"].found == (ENV_VAR,)
    assert not found["3.9.1"].usable and found["3.98.1"].usable
    with pytest.raises(InterpreterError, match="too old"):
        resolve("3.9", list(found.values()))
    assert resolve("3.98", list(found.values())).executable == str(pyenv)


def test_a_python_found_twice_is_listed_once_with_both_places(tmp_path: Path) -> None:
    path = _fake_python(tmp_path / "bin", "python3.97", "3.97.0")
    env = {
        "PATH": str(tmp_path / "bin"),
        ENV_VAR: str(path),
        "PYENV_ROOT": str(tmp_path),
        "UV_PYTHON_INSTALL_DIR": str(tmp_path),
    }
    found = [i for i in find_interpreters(env=env) if not i.running]
    assert [(i.version_text, i.found) for i in found] == [("3.97.0", ("PATH", ENV_VAR))]


def test_run_cli_elsewhere_returns_the_output(installed: dict[str, Interpreter]) -> None:
    for spec, interpreter in installed.items():
        done = run_cli(interpreter, ["explain", "RESUME"], timeout=TIMEOUT)
        assert done.status == 0 and done.stdout.strip(), spec
        done = run_cli(interpreter, ["dump", "-", "--format", "json"], b"x = 1\n", TIMEOUT)
        assert done.status == 0 and b'"python":"' + spec.encode() in done.stdout


def test_run_cli_under_something_that_is_not_python(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("#!/bin/sh\nkill -9 $$\n")
    broken.chmod(0o755)
    crashing = Interpreter((3, 97, 0), str(broken), ("path",), b"")
    missing = Interpreter((3, 97, 0), str(tmp_path / "missing"), ("path",), b"")
    for interpreter in (crashing, missing):
        with pytest.raises(ElsewhereError) as caught:
            run_cli(interpreter, ["explain", "RESUME"], timeout=TIMEOUT)
        assert "\n" not in str(caught.value)


def test_the_target_never_imports_textual(installed: dict[str, Interpreter]) -> None:
    """dump, explain and pyc under another Python load only tui_exec and the stdlib."""
    import subprocess

    from tui_exec.core.elsewhere import tui_exec_root

    check = (
        f"import sys; sys.path.append({tui_exec_root()!r}); from tui_exec.cli import main; "
        "import contextlib, io, os, tempfile\n"
        "out = os.path.join(tempfile.mkdtemp(), 'x.pyc')\n"
        "open(out[:-1], 'w').write('x = 1')\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['dump', out[:-1]]); main(['explain', 'RESUME']); "
        "main(['pyc', out[:-1], '-o', out]); main(['dump', out])\n"
        "print(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich')))"
    )
    for spec, interpreter in installed.items():
        done = subprocess.run(
            [interpreter.executable, "-c", check],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert (done.returncode, done.stdout.strip()) == (0, "[]"), (spec, done.stderr)
