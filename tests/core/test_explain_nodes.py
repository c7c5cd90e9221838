"""Node and token explanations: complete for the running Python, and ours."""

from __future__ import annotations

import ast
import sys
import token
import warnings

import pytest

from tui_exec.core.explain import explain
from tui_exec.core.explain.nodes import NODES, node_classes, node_explanation
from tui_exec.core.explain.tokens import token_explanation


def test_every_concrete_node_class_has_an_explanation() -> None:
    classes = node_classes()
    assert {"Module", "BinOp", "Constant", "Add", "Load", "match_case"} <= classes
    for name in classes:
        text = node_explanation(name)
        assert text and text.endswith("."), name
    # Nothing is explained as this Python's that it does not have.
    for name in NODES:
        assert (node_explanation(name) is None) == (name not in classes), name
    assert all(name == "Constant" or not getattr(ast, name).__subclasses__() for name in classes)


def test_every_token_type_has_an_explanation() -> None:
    for name in token.tok_name.values():
        if name in ("N_TOKENS", "NT_OFFSET"):
            continue
        text = token_explanation(name)
        assert text and text.startswith(name + ": "), name
    assert token_explanation("PLUS") == "PLUS: the operator + (the tokenizer's type is OP)"
    assert token_explanation("LPAR") == "LPAR: the punctuation ( (the tokenizer's type is OP)"
    assert token_explanation("NOPE") is None


def test_no_class_of_this_python_falls_back() -> None:
    for name in node_classes():
        assert "no words" not in (node_explanation(name) or ""), name
    for name in token.tok_name.values():
        assert "no words" not in (token_explanation(name) or ""), name


def test_the_node_class_list_comes_from_ast_and_reads_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        node_classes.cache_clear()
        classes = node_classes()
    for name in ("TemplateStr", "Interpolation", "TypeAlias", "TryStar"):
        assert (name in classes) == hasattr(ast, name), name
    if hasattr(ast, "TemplateStr"):
        found = dict(explain("TemplateStr"))
        assert "t-string" in found["AST node"]


def test_texts_follow_the_fields_this_python_has() -> None:
    for name in ("Import", "ImportFrom"):
        text = node_explanation(name)
        assert text is not None
        assert ("lazy" in text) == ("is_lazy" in getattr(ast, name)._fields), name


def test_a_class_the_table_lacks_is_told_by_its_kind_and_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(NODES, "BinOp")
    text = node_explanation("BinOp")
    assert text is not None and "no words" in text and text.endswith(".")
    assert "an expression" in text and ", ".join(ast.BinOp._fields) in text

    class FakeStatement(ast.stmt):
        _fields = ("target", "body")

    monkeypatch.setattr(ast, "FakeStatement", FakeStatement, raising=False)
    node_classes.cache_clear()
    try:
        text = node_explanation("FakeStatement")
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert text is not None and f"New in Python {version}" in text
        assert "a statement" in text and "target, body" in text
        assert dict(explain("FakeStatement"))["AST node"].startswith("FakeStatement: ")
    finally:
        monkeypatch.undo()
        node_classes.cache_clear()
    assert "FakeStatement" not in node_classes()


def test_a_token_type_the_table_lacks_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token, "tok_name", {**token.tok_name, 999: "FAKE_TOKEN"})
    text = token_explanation("FAKE_TOKEN")
    assert text is not None and text.startswith("FAKE_TOKEN: ") and "no words" in text
    assert token_explanation("NOT_A_TOKEN") is None
