"""Plain-language explanations of what each stage shows, written for tui-exec.

Opcodes (``opcodes.py``), AST node classes (``nodes.py``), token types (``tokens.py``) and
inline-cache fields (``caches.py``), each complete for 3.11 to 3.15 and checked so by the tests.
A name a newer Python adds is still answered, from what the interpreter tells, and says that
tui-exec has no words for it yet.
"""

from __future__ import annotations

from .nodes import node_classes, node_explanation
from .opcodes import opcode_explanation, opcode_names
from .tokens import token_explanation

__all__ = ["all_explanations", "close_names", "explain", "known_names"]


def explain(name: str) -> list[tuple[str, str]]:
    """Every explanation of ``name`` as (kind, text): an opcode, a node class, a token type
    (``Not`` is a node; ``NOT_TAKEN`` an opcode; a name may be more than one)."""
    found = []
    opcode = opcode_explanation(name)
    if opcode is not None:
        found.append(("opcode", opcode.render()))
    node = node_explanation(name)
    if node is not None:
        found.append(("AST node", f"{name}: {node}"))
    token = token_explanation(name)
    if token is not None:
        found.append(("token type", token))
    return found


def all_explanations() -> dict[str, dict[str, str]]:
    """Every explanation for the running Python: ``tui-exec explain --format json``."""
    import token as token_module

    opcodes = {}
    for name in sorted(opcode_names()):
        explained = opcode_explanation(name)
        if explained is not None:
            opcodes[name] = explained.render()
    return {
        "opcodes": opcodes,
        "nodes": {name: node_explanation(name) or "" for name in sorted(node_classes())},
        "tokens": {
            name: text
            for name in sorted(set(token_module.tok_name.values()))
            if (text := token_explanation(name)) is not None
        },
    }


def known_names() -> list[str]:
    """Every name :func:`explain` knows, for suggestions."""
    every = all_explanations()
    return sorted({*every["opcodes"], *every["nodes"], *every["tokens"]})


def close_names(name: str, limit: int = 4) -> list[str]:
    """Known names close to ``name``, ignoring case: ``load_const`` → LOAD_CONST, ``binop``
    → BinOp; only those when some are equal but for case."""
    import difflib

    names = known_names()
    by_folded: dict[str, list[str]] = {}
    for known in names:
        by_folded.setdefault(known.casefold(), []).append(known)
    folded = name.casefold()
    close = list(by_folded.get(folded, []))
    if close:
        return close[:limit]
    for match in difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.6):
        close += [known for known in by_folded[match] if known not in close]
    return close[:limit]
