"""The command line: dump formats, exit statuses, and one-line errors instead of tracebacks."""

from __future__ import annotations

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
            "not a Python source file",
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


def test_main_returns_exit_codes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(DEMOS / "classic.py")]) == 0
    assert main(["dump", str(DEMOS / "syntax_error.py")]) == 1
    capsys.readouterr()
