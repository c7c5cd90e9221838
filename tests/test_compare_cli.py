"""``--python``, ``--list-pythons``, another Python's .pyc, and ``tui-exec compare``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_interpreters import installed, need_two
from tui_exec.core.interpreters import Interpreter

__all__ = ["installed"]  # the session fixture, shared with tests/core

ROOT = Path(__file__).parent.parent
DEMOS = ROOT / "demo_scripts"
TIMEOUT = 300


def _run(
    command: list[str], stdin: bytes, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        command, input=stdin, capture_output=True, timeout=TIMEOUT, cwd=ROOT, env=env, check=False
    )


def tui_exec(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """``tui-exec ARGS`` run by this Python, with the environment the fixture set up."""
    return _run([sys.executable, "-m", "tui_exec", *args], stdin)


def own(interpreter: Interpreter, *args: str, stdin: bytes = b"") -> bytes:
    """What ``PYTHON -m tui_exec.cli ARGS`` prints, run from the project folder."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = _run([interpreter.executable, "-m", "tui_exec.cli", *args], stdin, env)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("form", ["json", "text"])
def test_dump_under_each_python_equals_its_own_dump(
    installed: dict[str, Interpreter], form: str
) -> None:
    need_two(installed)
    for spec, interpreter in installed.items():
        for demo in ("classes.py", "comprehensions.py", "template_strings.py"):
            path = f"demo_scripts/{demo}"
            ours = tui_exec("dump", path, "--format", form, "--python", spec)
            assert ours.returncode in (0, 1), ours.stderr
            assert ours.stdout == own(interpreter, "dump", path, "--format", form), (spec, demo)
        if form == "json":
            data = json.loads(ours.stdout)
            assert data["python"] == interpreter.version_text


def test_python_given_by_exact_version_and_by_path_and_stdin(
    installed: dict[str, Interpreter],
) -> None:
    need_two(installed)
    source = (DEMOS / "fibonacci.py").read_bytes()
    for interpreter in installed.values():
        expected = own(interpreter, "dump", "-", "--format", "json", stdin=source)
        for spec in (interpreter.version_text, interpreter.executable):
            done = tui_exec("dump", "-", "--format", "json", f"--python={spec}", stdin=source)
            assert done.stdout == expected, spec


def test_explain_and_pyc_under_another_python(
    installed: dict[str, Interpreter], tmp_path: Path
) -> None:
    need_two(installed)
    for spec, interpreter in installed.items():
        done = tui_exec("explain", "BINARY_SUBSCR", "--python", spec)
        # 3.14 made subscripts a BINARY_OP: its explain does not know the old opcode.
        assert done.returncode == (0 if interpreter.version < (3, 14) else 2), spec
        out = tmp_path / f"{spec}.pyc"
        done = tui_exec("pyc", "demo_scripts/fibonacci.py", "-o", str(out), "--python", spec)
        assert done.returncode == 0, done.stderr
        assert out.read_bytes()[:4] == interpreter.magic


def test_unknown_python_is_one_line_and_exit_2() -> None:
    done = tui_exec("dump", "demo_scripts/fibonacci.py", "--python", "3.99")
    assert done.returncode == 2 and done.stdout == b""
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "no such Python found (found: " in lines[0]


def test_list_pythons_marks_the_running_one(installed: dict[str, Interpreter]) -> None:
    rows = json.loads(tui_exec("--list-pythons", "--format", "json").stdout)
    running = [row for row in rows if row["running"]]
    assert len(running) == 1
    assert running[0]["python"] == ".".join(map(str, sys.version_info[:3]))
    listed = {row["executable"] for row in rows}
    assert all(i.executable in listed for i in installed.values())
    text = tui_exec("--list-pythons").stdout.decode()
    assert [line for line in text.splitlines() if line.startswith("*")][0].split()[1] == (
        running[0]["python"]
    )


def test_another_installed_pythons_pyc_is_dumped_by_it(
    installed: dict[str, Interpreter], tmp_path: Path
) -> None:
    need_two(installed)
    for spec, interpreter in installed.items():
        pyc = tmp_path / f"fib-{spec}.pyc"
        done = tui_exec("pyc", "demo_scripts/fibonacci.py", "-o", str(pyc), "--python", spec)
        assert done.returncode == 0, done.stderr
        for form in ("json", "text"):
            ours = tui_exec("dump", str(pyc), "--format", form)
            assert ours.returncode == 0, ours.stderr
            assert ours.stdout == own(interpreter, "dump", str(pyc), "--format", form)
        dumped = json.loads(tui_exec("dump", str(pyc), "--format", "json").stdout)
        assert dumped["python"] == interpreter.version_text
        piped = tui_exec("dump", "-", "--format", "json", stdin=pyc.read_bytes())
        assert json.loads(piped.stdout)["python"] == interpreter.version_text


def test_a_pyc_no_installed_python_reads_keeps_its_refusal(tmp_path: Path) -> None:
    pyc = tmp_path / "old.pyc"
    pyc.write_bytes((3439).to_bytes(2, "little") + b"\r\n" + bytes(12) + b"\xe3junk")  # 3.10
    done = tui_exec("dump", str(pyc))
    assert done.returncode == 2
    message = done.stderr.decode()
    assert "made by Python 3.10 (magic 3439)" in message and "reads only its own" in message
    assert len(message.strip().splitlines()) == 1


def test_compare_json_is_both_dumps_and_the_pairs(installed: dict[str, Interpreter]) -> None:
    need_two(installed)
    specs = sorted(installed)
    first, last = installed[specs[0]], installed[specs[-1]]
    path = "demo_scripts/comprehensions.py"
    done = tui_exec(
        "compare", path, "--python", specs[0], "--python", specs[-1], "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["versions", "pairs"]
    assert [side["python"] for side in data["versions"]] == [
        first.version_text,
        last.version_text,
    ]
    for side, interpreter in zip(data["versions"], (first, last), strict=True):
        assert list(side) == ["python", "dump"]
        assert side["dump"] == json.loads(own(interpreter, "dump", path, "--format", "json"))
    spans = [tuple(pair["span"]) for pair in data["pairs"]]
    assert spans == sorted(set(spans))
    assert all(
        list(pair) == ["span", "a", "b"] and (pair["a"] or pair["b"]) for pair in data["pairs"]
    )


def test_compare_syntax_error_under_one_python_only(installed: dict[str, Interpreter]) -> None:
    if "3.11" not in installed or len(installed) < 2:
        pytest.skip("needs 3.11 and a later Python: `type X = int` is new in 3.12")
    later = sorted(installed)[-1]
    source = b"type Alias = int\nprint(1)\n"
    done = tui_exec(
        "compare", "-", "--python", "3.11", "--python", later, "--format", "json", stdin=source
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    old, new = (side["dump"] for side in data["versions"])
    assert old["errors"] and old["errors"][0]["stage"] == "parse" and not old["code_objects"]
    assert not new["errors"] and new["code_objects"]
    assert data["pairs"] and all(not pair["a"] and pair["b"] for pair in data["pairs"])
    text = tui_exec("compare", "-", "--python", "3.11", "--python", later, stdin=source)
    assert text.returncode == 1
    assert (
        "! 3.11" in text.stdout.decode()
        and "parse error at line 1: SyntaxError" in text.stdout.decode()
    )


def test_compare_text_for_a_person(installed: dict[str, Interpreter]) -> None:
    need_two(installed)
    if "3.11" not in installed or "3.12" not in installed:
        pytest.skip("needs 3.11 and 3.12: the comprehension note is theirs")
    done = tui_exec(
        "compare", "demo_scripts/comprehensions.py", "--python", "3.11", "--python", "3.12"
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert "3.12: list, set and dict comprehensions run inline" in text
    assert "3.14:" not in text  # no note of a release outside the pair
    summary = [line for line in text.splitlines() if line.startswith("<listcomp>")]
    assert summary == ["<listcomp> #1: 11 instructions | — (no such code object)"]
    assert "    4 │ squares = [n * n for n in range(10)]" in text
    assert any(" | " in line and "LOAD_FAST_AND_CLEAR" in line for line in text.splitlines())


def test_compare_needs_two_pythons_and_a_readable_file(installed: dict[str, Interpreter]) -> None:
    spec = next(iter(installed), "3.11")
    once = tui_exec("compare", "demo_scripts/fibonacci.py", "--python", spec)
    assert once.returncode == 2 and b"exactly twice" in once.stderr
    missing = tui_exec("compare", "nowhere.py", "--python", spec, "--python", spec)
    assert missing.returncode == 2 and missing.stderr.decode().count("\n") == 1


@pytest.mark.parametrize(("demo", "since"), [("template_strings.py", 14), ("lazy_imports.py", 15)])
def test_compare_a_demo_of_newer_syntax(
    installed: dict[str, Interpreter], demo: str, since: int
) -> None:
    older = [spec for spec in installed if int(spec.split(".")[1]) < since]
    newer = [spec for spec in installed if int(spec.split(".")[1]) >= since]
    if not older or not newer:
        pytest.skip(f"needs a Python before and one from 3.{since}")
    args = ("compare", f"demo_scripts/{demo}", "--format", "json")
    done = tui_exec(*args, "--python", older[-1], "--python", newer[0])
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    old, new = (side["dump"] for side in data["versions"])
    assert old["errors"] and not old["code_objects"] and not new["errors"]
    assert all(not pair["a"] and pair["b"] for pair in data["pairs"])
    count = sum(len(code["instructions"]) for code in new["code_objects"])
    assert sum(len(pair["b"]) for pair in data["pairs"]) <= count
