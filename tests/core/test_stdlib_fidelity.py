"""Fidelity against CPython itself over every file of the interpreter's standard library.

Slow (minutes): run with ``pytest -m slow``; CI runs it under every installed CPython.
"""

from __future__ import annotations

import ast
import dis
import io
import tokenize
from collections import Counter
from pathlib import Path
from types import CodeType

import pytest

from tests.core.stdlib_files import stdlib_files
from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code

FILES = stdlib_files()


def _preorder(tree: ast.AST) -> list[str]:
    out: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(type(node).__name__)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def _reference_tokens(
    data: bytes,
) -> tuple[list[tuple[str, str, tuple[int, int], tuple[int, int]]], bool]:
    rows = []
    try:
        for tok in tokenize.tokenize(io.BytesIO(data).readline):
            if tok.type != tokenize.ENCODING:
                rows.append((tokenize.tok_name[tok.exact_type], tok.string, tok.start, tok.end))
    except (tokenize.TokenError, SyntaxError):
        return rows, False
    return rows, True


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.name))
def test_matches_cpython(path: Path) -> None:
    data = path.read_bytes()
    analysis = analyze(data, str(path))  # must never raise
    if analysis.error_in("decode"):
        return

    # Tokens equal tokenize's (a prefix of them when tokenize fails).
    reference, complete = _reference_tokens(data)
    ours = [
        (
            t.exact_type,
            t.string,
            (t.span.start_line, t.span.start_col),
            (t.span.end_line, t.span.end_col),
        )
        for t in analysis.tokens
    ]
    if complete and not analysis.error_in("tokenize"):
        assert ours == reference
    else:
        assert ours[: len(reference)] == reference[: len(ours)]

    # Single-line tokens: the source text sliced by the span is the token's string.
    text, offset = analysis.source.text, analysis.source.offset
    for tok in analysis.tokens:
        s = tok.span
        if s.start_line == s.end_line and tok.type not in ("DEDENT", "ENDMARKER"):
            assert (
                text[offset(s.start_line, s.start_col) : offset(s.end_line, s.end_col)]
                == tok.string
            )

    try:
        tree = ast.parse(data, str(path))
    except SyntaxError:
        assert analysis.error_in("parse") is not None
        return
    # Nodes: the same types in the same preorder, and the same census as ast.walk.
    assert [n.type for n in analysis.nodes] == _preorder(tree)
    assert Counter(n.type for n in analysis.nodes) == Counter(
        type(n).__name__ for n in ast.walk(tree)
    )
    # Character spans slice out exactly what ast.get_source_segment finds on non-ASCII lines.
    non_ascii = analysis.source.non_ascii_lines
    for node, row in zip(_preorder_nodes(tree), analysis.nodes, strict=True):
        if row.span is None or not ({row.span.start_line, row.span.end_line} & non_ascii):
            continue
        segment = ast.get_source_segment(analysis.source.text, node)
        s = row.span
        assert text[offset(s.start_line, s.start_col) : offset(s.end_line, s.end_col)] == segment

    try:
        module = compile(data, str(path), "exec", dont_inherit=True)
    except SyntaxError:
        assert analysis.error_in("compile") is not None
        return
    codes = walk_code(module)
    assert [c.qualname for c in analysis.code_objects] == [c.co_qualname for c, _ in codes]
    for code_row, (code, _) in zip(analysis.code_objects, codes, strict=True):
        expected = [
            (i.offset, i.opname, i.arg, _code_repr(i.argval) or i.argrepr)
            for i in dis.get_instructions(code)
        ]
        got = [
            (
                i.offset,
                i.opname,
                i.arg,
                "frozenset" if i.argrepr.startswith("frozenset(") else i.argrepr,
            )
            for i in (analysis.instructions[j] for j in code_row.instruction_ids)
        ]
        assert got == expected, code_row.qualname


def _preorder_nodes(tree: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def _code_repr(value: object) -> str | None:
    """How tui-exec shows a code constant: without the address, which differs per run."""
    if isinstance(value, CodeType):
        return f"<code object {value.co_name}, line {value.co_firstlineno}>"
    if isinstance(value, frozenset):
        return "frozenset"  # its repr's order depends on how the set was built
    return None
