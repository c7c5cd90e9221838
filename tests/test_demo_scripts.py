"""The demo scripts' comments tell learners which instructions to look for: they must be there.

A comment names an instruction as ``NAME``, or as ``3.13: NAME`` when only that version emits
it. Every opname a comment names for the running interpreter must appear in the bytecode that
interpreter compiles the script to (every code object).
"""

from __future__ import annotations

import dis
import io
import re
import sys
import tokenize
from pathlib import Path
from types import CodeType

import pytest

DEMOS = sorted((Path(__file__).parent.parent / "demo_scripts").glob("*.py"))
_WORD = re.compile(r"(?:(3\.\d+): )?\b([A-Z][A-Z_]{2,})\b")
_RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _opnames(code: CodeType) -> set[str]:
    names = {ins.opname for ins in dis.get_instructions(code)}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _opnames(const)
    return names


def _named_opnames(source: str) -> set[str]:
    """Opnames the comments name for the running version."""
    named = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        for version, word in _WORD.findall(token.string):
            if (not version or version == _RUNNING) and word in dis.opmap:
                named.add(word)
    return named


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_comments_name_only_instructions_the_script_compiles_to(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError:
        pytest.skip("the syntax-error demo does not compile, on purpose")
    missing = _named_opnames(source) - _opnames(code)
    assert not missing, f"{path.name} names {sorted(missing)}, which Python {_RUNNING} never emits"


def test_the_check_would_catch_a_false_claim() -> None:
    assert _named_opnames("x = 1  # look for SWAP\n") == {"SWAP"}
    swap = "def f(a, b):\n    a, b = b, a\n    return a\n"
    assert "SWAP" not in _opnames(compile(swap, "<t>", "exec"))
