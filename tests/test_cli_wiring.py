"""The command line hands every option to the app it starts (limits, stdin, arguments, mouse),
and ``dump`` prints every documented field with CPython's values and the documented status.

The app is replaced by a stand-in that records what it was given, so no UI runs.
"""

from __future__ import annotations

import ast
import dis
import json
import re
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from tui_exec.cli import main
from tui_exec.core.run import RunLimits
from tui_exec.ui import app as app_module
from tui_exec.ui.app import RunOptions

# How dis names a code constant, less what changes per run (the address) and the file.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+, file .*, line ")


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


def _fields_in_preorder(tree: ast.AST) -> list[tuple[int | None, str | None, int | None]]:
    """(parent, field, index) of every node in preorder, from ast itself."""
    out: list[tuple[int | None, str | None, int | None]] = []

    def visit(node: ast.AST, parent: int | None, field: str | None, index: int | None) -> None:
        me = len(out)
        out.append((parent, field, index))
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.AST):
                visit(value, me, name, None)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        visit(item, me, name, i)

    visit(tree, None, None, None)
    return out


def test_dump_json_has_every_documented_field_with_cpythons_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "def f(a):\n    return a + 1\n\nclass K:\n    x = [f(i) for i in (1, 2)]\n"
    path = tmp_path / "shape.py"
    path.write_text(source)
    assert main(["dump", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # The README's list of fields, each present.
    assert set(data) >= {"python", "source", "tokens", "ast", "code_objects", "errors"}
    assert set(data["source"]) >= {"path", "encoding", "lines"}
    assert all(set(t) >= {"type", "exact_type", "string", "span", "node"} for t in data["tokens"])
    assert all(set(n) >= {"id", "type", "parent", "field", "index", "span"} for n in data["ast"])
    code_keys = {"id", "qualname", "parent", "firstlineno", "instructions"}
    ins_keys = {"offset", "opname", "arg", "argrepr", "span", "node"}
    assert all(set(c) >= code_keys for c in data["code_objects"])
    assert all(set(i) >= ins_keys for c in data["code_objects"] for i in c["instructions"])
    # Their values, from ast, compile and dis.
    tree = ast.parse(source)
    assert [n["type"] for n in data["ast"]] == [type(n).__name__ for n in _preorder(tree)]
    assert [(n["parent"], n["field"], n["index"]) for n in data["ast"]] == _fields_in_preorder(tree)
    codes = _codes(compile(source, str(path), "exec", dont_inherit=True))
    assert [(c["qualname"], c["firstlineno"]) for c in data["code_objects"]] == [
        (c.co_qualname, c.co_firstlineno) for c, _ in codes
    ]
    ids = {id(c): i for i, (c, _) in enumerate(codes)}
    assert [c["parent"] for c in data["code_objects"]] == [
        None if p is None else ids[id(p)] for _, p in codes
    ]
    for row, (code, _) in zip(data["code_objects"], codes, strict=True):
        # dis names a code constant with its address, which changes per run: dump leaves it out.
        expected = [
            (i.offset, i.opname, i.arg, _ADDRESS.sub(", line ", i.argrepr))
            for i in dis.get_instructions(code)
        ]
        got = [(i["offset"], i["opname"], i["arg"], i["argrepr"]) for i in row["instructions"]]
        assert got == expected, row["qualname"]
    assert any(
        i["argrepr"].startswith("<code object") for i in data["code_objects"][0]["instructions"]
    )


def _preorder(tree: ast.AST) -> list[ast.AST]:
    out = [tree]
    for child in ast.iter_child_nodes(tree):
        out.extend(_preorder(child))
    return out


def _codes(
    code: CodeType, parent: CodeType | None = None
) -> list[tuple[CodeType, CodeType | None]]:
    out: list[tuple[CodeType, CodeType | None]] = [(code, parent)]
    for const in code.co_consts:
        if isinstance(const, CodeType):
            out.extend(_codes(const, code))
    return out
