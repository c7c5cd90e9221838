"""Issue 21, words and numbers outside the app: counts in the singular when there is one."""

from __future__ import annotations

import ast
import dis
import io
import sys
import tokenize
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_exec.core import analyze
from tui_exec.core.run import RunResult
from tui_exec.dump import to_text
from tui_exec.ui.panes.ast_tree import empty_fields

DEMOS_DIR = Path(__file__).parent.parent / "demo_scripts"
DEMOS = sorted(DEMOS_DIR.glob("*.py"))


def test_one_step_is_one_step() -> None:
    """ "1 steps recorded"."""
    one = RunResult("exited", 0, 0.5, "", "", array("I", [0, 0]), ())
    assert one.describe() == "exited with status 0 in 0.50 s · 1 step recorded"
    two = RunResult("exited", 0, 0.5, "", "", array("I", [0, 0, 0, 2]), ())
    assert two.describe() == "exited with status 0 in 0.50 s · 2 steps recorded"


def test_dump_counts_are_singular_for_one() -> None:
    """ "1 lines", "1 tokens": the counts here come from CPython, not tui-exec."""
    source = "pass"  # one line, no newline at its end
    head = next(iter(to_text(analyze(source.encode(), "one.py"))))
    nodes = sum(1 for _ in ast.walk(ast.parse(source)))
    instructions = len(list(dis.get_instructions(compile(source, "one.py", "exec"))))
    assert head.startswith("# one.py: Python ")
    assert ", 1 line, " in head and f", {nodes} AST nodes, " in head
    assert head.endswith(f", {instructions} instructions")

    empty = next(iter(to_text(analyze(b"", "empty.py"))))
    kinds = [tok.type for tok in tokenize.tokenize(io.BytesIO(b"").readline)]
    assert kinds == [tokenize.ENCODING, tokenize.ENDMARKER]
    assert ", 0 lines, ENCODING + 1 token, 1 AST node, " in empty  # ENCODING, then ENDMARKER


def _preorder(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes as the AST pane lists them: parents first, fields in order."""
    yield node
    for name in node._fields:
        value = getattr(node, name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield from _preorder(item)


SNIPPETS = [
    "print(1)\n",
    "def f(a, /, b=1, *c, d, e=2, **g):\n    return {**g, 'k': a}\n",
    "d = {**x}\nglobal y\n",
    "match p:\n    case C(a, b=c):\n        pass\n    case C(x=1):\n        pass\n"
    "    case {1: _, **rest}:\n        pass\n",
    "class K(B, metaclass=M):\n    pass\n",
    "with a as b, c:\n    pass\ntry:\n    pass\nexcept E:\n    pass\n",
    "lambda: 0\n[x for x in y if x]\nf(*a, **k)\n",
]


@pytest.mark.parametrize(
    "name", [*(f"snippet {i}" for i in range(len(SNIPPETS))), *sorted(p.name for p in DEMOS)]
)
def test_empty_list_fields_are_the_asts(name: str) -> None:
    """Issue 21 u: `python -m ast` (before 3.13) shows empty fields, `keywords=[]`: the AST
    pane must name the same ones, node by node, as the AST holds them."""
    if name.startswith("snippet"):
        data = SNIPPETS[int(name.split()[1])].encode()
    else:
        data = (DEMOS_DIR / name).read_bytes()
    try:
        tree = ast.parse(data)
    except SyntaxError:
        pytest.skip("this Python does not parse it")
    nodes = analyze(data, name).nodes
    real = list(_preorder(tree))
    assert [type(node).__name__ for node in real] == [node.type for node in nodes]
    for node, row in zip(real, nodes, strict=True):
        expected = [field for field in node._fields if getattr(node, field, None) == []]
        assert empty_fields(nodes, row) == expected, (row, expected)


@pytest.mark.parametrize(
    "data",
    [b"print(1)\n", b"\xef\xbb\xbfx = 1\n", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", b""],
    ids=["plain", "bom", "latin-1", "empty"],
)
def test_dump_lists_the_encoding_token_as_tokenize_does(data: bytes) -> None:
    """Issue 21 u: python -m tokenize lists ENCODING first (21 tokens where tui-exec had 20).
    The dump's token rows are tokenize's, spans written 1:0-1:5 instead of 1,0-1,5."""
    expected = [
        f"{tok.start[0]}:{tok.start[1]}-{tok.end[0]}:{tok.end[1]}".ljust(20)
        + tokenize.tok_name[tok.exact_type].ljust(16)
        + repr(tok.string)
        for tok in tokenize.tokenize(io.BytesIO(data).readline)
    ]
    lines = list(to_text(analyze(data, "enc.py")))
    start = lines.index("== tokens") + 1
    assert lines[start : start + len(expected)] == expected
    assert lines[start + len(expected)] == ""
    assert f"ENCODING + {len(expected) - 1} token" in lines[0]


def test_counts_take_the_singular_for_one(tmp_path: Path) -> None:
    """Issue 21 p: "1 code objects, 1 instructions" read wrong; one of a thing is singular."""
    import subprocess

    from tui_exec.core.words import counted

    assert [counted(n, "instruction") for n in (0, 1, 2)] == [
        "0 instructions",
        "1 instruction",
        "2 instructions",
    ]
    source = tmp_path / "one.py"
    source.write_text("")  # a module of one code object
    pyc = tmp_path / "one.pyc"
    made = subprocess.run(
        [sys.executable, "-m", "tui_exec", "pyc", str(source), "-o", str(pyc)],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    dumped = subprocess.run(
        [sys.executable, "-m", "tui_exec", "dump", str(pyc), "--format", "text"],
        capture_output=True,
        text=True,
    )
    first = dumped.stdout.splitlines()[0]
    assert ", 1 code object, " in first, first
