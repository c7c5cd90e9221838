"""Node and token explanations: complete for the running Python, and ours."""

from __future__ import annotations

import ast
import token

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
