"""Issue 21, words and numbers outside the app: counts in the singular when there is one."""

from __future__ import annotations

import ast
import dis
import io
import tokenize
from array import array

from tui_exec.core import analyze
from tui_exec.core.run import RunResult
from tui_exec.dump import to_text


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
    assert ", 0 lines, 1 token, 1 AST node, " in empty  # ENDMARKER (ENCODING is not shown)
