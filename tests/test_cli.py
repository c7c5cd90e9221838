"""The command line: dump formats, exit statuses, and one-line errors instead of tracebacks."""

from __future__ import annotations

import dis
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui_exec import __version__
from tui_exec.cli import main

DEMOS = Path(__file__).parent.parent / "demo_scripts"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_exec", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_and_help() -> None:
    result = run("--version")
    assert result.stdout.strip() == f"tui-exec {__version__}"
    result = run("--help")
    assert result.returncode == 0
    assert "tui-exec dump" in result.stdout and "--no-mouse" in result.stdout


def test_dump_json_has_the_documented_shape(tmp_path: Path) -> None:
    path = tmp_path / "classic.py"
    path.write_text("x = 5\ny = 10\nprint(x + y)\n")
    result = run("dump", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"python", "source", "tokens", "ast", "code_objects", "errors"}
    assert data["source"]["lines"] == ["x = 5", "y = 10", "print(x + y)"]
    plus = next(t for t in data["tokens"] if t["string"] == "+")
    assert plus["exact_type"] == "PLUS" and plus["span"] == [3, 8, 3, 9]
    assert data["ast"][plus["node"]]["type"] == "BinOp"
    module = data["code_objects"][0]
    binary = next(i for i in module["instructions"] if i["opname"] == "BINARY_OP")
    assert binary["span"] == [3, 6, 3, 11]
    assert data["ast"][binary["node"]]["type"] == "BinOp"
    assert data["errors"] == []


def test_dump_json_has_each_code_objects_exception_table() -> None:
    source = "def f():\n    try:\n        g()\n    except ValueError:\n        h()\nf()\n"
    result = run("dump", "-", "--format", "json", stdin=source.encode())
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout)["code_objects"]
    dumped = {c["qualname"]: c["exception_table"] for c in codes}
    module = compile(source, "<stdin>", "exec")
    function = next(c for c in module.co_consts if hasattr(c, "co_code"))
    for name, code in (("<module>", module), ("f", function)):
        # CPython's own parser of co_exceptiontable, the reference (end exclusive there too).
        expected = [
            {"start": e.start, "end": e.end, "target": e.target, "depth": e.depth, "lasti": e.lasti}
            for e in dis._parse_exception_table(code)  # type: ignore[attr-defined]
        ]
        assert dumped[name] == expected
    assert dumped["f"] and dumped["<module>"] == []


def test_dump_json_has_stacks_and_jump_targets() -> None:
    result = run("dump", "-", "--format", "json", stdin=b"print(x + y)\nwhile a:\n    pass\n")
    assert result.returncode == 0, result.stderr
    module = json.loads(result.stdout)["code_objects"][0]
    code = compile("print(x + y)\nwhile a:\n    pass\n", "<stdin>", "exec")
    assert module["stacksize"] == code.co_stacksize
    binary = next(i for i in module["instructions"] if i["opname"] == "BINARY_OP")
    texts = [entry["text"] for entry in binary["stack"]]
    assert texts[-2:] == ["x", "y"] and sorted(texts[:2]) == ["NULL", "print"]
    assert binary["stack"][-1]["span"] == [1, 10, 1, 11]
    assert module["instructions"][0]["stack"] == []
    jumps = [i for i in module["instructions"] if i["opname"].startswith("POP_JUMP")]
    offsets = {i["offset"] for i in module["instructions"]}
    assert jumps and all(i["jump_target"] in offsets for i in jumps)
    assert binary["jump_target"] is None


def test_dump_text_reads_stdin() -> None:
    result = run("dump", "-", stdin=b"x = 1\n")
    assert result.returncode == 0
    assert "== tokens" in result.stdout and "== ast" in result.stdout
    assert "STORE_NAME" in result.stdout and "targets[0]: Name 'x' Store" in result.stdout


def test_dump_text_shows_each_instructions_stack_and_each_code_objects_size() -> None:
    result = run("dump", "-", stdin=b"print(x + y)\n")
    code = compile("print(x + y)\n", "<stdin>", "exec")
    assert f"(code object #0, first line 1, stack size {code.co_stacksize})" in result.stdout
    binary = next(line for line in result.stdout.splitlines() if " BINARY_OP " in line)
    callee = "print | NULL" if sys.version_info >= (3, 13) else "NULL | print"
    assert binary.endswith(f"[{callee} | x | y]")


def test_dump_of_a_syntax_error_still_dumps_and_exits_1() -> None:
    result = run("dump", "-", "--format", "json", stdin=b"x = 1\nprint(x\n")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [t["string"] for t in data["tokens"]][:3] == ["x", "=", "1"]
    assert data["errors"][-1]["stage"] == "parse"
    assert data["errors"][-1]["span"][:2] == [2, 5]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.py", "no such file"),
        (lambda d: d, "is a directory"),
        (
            lambda d: (d / "bin.py").write_bytes(b"\x7fELF\x00\x01\xff") and d / "bin.py",
            "not a text file",
        ),
    ],
)
def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    for args in (("dump", str(path)), (str(path),)):
        result = run(*args)
        assert result.returncode == 2
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\ny = 'caf\xe9'\n",  # latin-1 bytes, no cookie
        b"# coding: nope\nx = 1\n",  # unknown codec
        b"x = 1\ny = 2\x00\n",  # one NUL byte in a text file
    ],
)
def test_decode_errors_are_a_stage_dump_prints_what_exists_and_exits_1(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "odd.py"
    path.write_bytes(data)
    result = run("dump", str(path), "--format", "json")
    assert result.returncode == 1, result.stderr
    dumped = json.loads(result.stdout)
    assert [(e["stage"], e["type"]) for e in dumped["errors"]] == [("decode", "SyntaxError")]
    assert dumped["ast"] == [] and dumped["code_objects"] == []
    assert len(dumped["source"]["lines"]) == 2


def test_main_returns_exit_codes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(DEMOS / "classic.py")]) == 0
    assert main(["dump", str(DEMOS / "syntax_error.py")]) == 1
    capsys.readouterr()


def test_explain_prints_one_suggests_close_names_and_dumps_all_as_json() -> None:
    result = run("explain", "BinOp")
    assert result.returncode == 0 and result.stdout.startswith("BinOp: A binary operation")
    result = run("explain", "BINARY_OP")
    assert result.returncode == 0 and "BINARY_OP (Python 3." in result.stdout
    result = run("explain", "BINAR_OP")
    assert result.returncode == 2 and "did you mean BINARY_OP" in result.stderr
    result = run("explain", "--format", "json")
    assert result.returncode == 0
    every = json.loads(result.stdout)
    assert set(every) == {"opcodes", "nodes", "tokens"}
    import dis

    assert set(dis.opmap) <= set(every["opcodes"])
    assert "Constant" in every["nodes"] and "PLUS" in every["tokens"]
    assert all(every["nodes"].values()) and all(every["tokens"].values())


def test_textual_is_imported_at_the_cli_frame_rate_unless_the_user_set_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TEXTUAL_FPS is read when Textual is imported; the programs F5 runs never see ours."""
    import os

    from tui_exec.cli import FRAMES_PER_SECOND, _frame_rate

    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    with _frame_rate(FRAMES_PER_SECOND):
        assert os.environ["TEXTUAL_FPS"] == "240"
    assert "TEXTUAL_FPS" not in os.environ
    monkeypatch.setenv("TEXTUAL_FPS", "30")
    with _frame_rate(FRAMES_PER_SECOND):
        assert os.environ["TEXTUAL_FPS"] == "30"
    assert os.environ["TEXTUAL_FPS"] == "30"


def test_explain_suggests_names_whatever_their_case(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 21 r: `explain load_const` suggested nothing while `binop` got BinOp."""
    assert main(["explain", "load_const"]) == 2
    assert capsys.readouterr().err.endswith("did you mean LOAD_CONST?\n")
    assert main(["explain", "binop"]) == 2
    assert capsys.readouterr().err.endswith("did you mean BinOp?\n")
    assert main(["explain", "plus"]) == 2
    assert capsys.readouterr().err.endswith("did you mean PLUS?\n")
    assert main(["explain", "BINAR_OP"]) == 2
    assert "BINARY_OP" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "pyc"])
def test_run_and_pyc_of_a_pyc_say_a_py_is_expected(tmp_path: Path, command: str) -> None:
    """Issue 21 r: they said 'not a text file (NUL bytes…)' of a .pyc."""
    source = tmp_path / "classic.py"
    source.write_text("x = 5\nprint(x)\n")
    compiled = tmp_path / "classic.pyc"
    assert run("pyc", str(source), "-o", str(compiled)).returncode == 0
    extra = ["-o", str(tmp_path / "out.pyc")] if command == "pyc" else []
    result = run(command, str(compiled), *extra)
    assert result.returncode == 2
    assert "NUL" not in result.stderr
    assert f"{compiled}: a compiled .pyc, not a text file of Python source" in result.stderr
    assert f"tui-exec {command} needs the .py file" in result.stderr
    assert f"(tui-exec {compiled} opens the .pyc itself)" in result.stderr
