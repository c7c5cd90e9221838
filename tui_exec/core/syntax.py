"""AST rows: every node of :func:`ast.parse` in preorder, with character spans."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .source import Source
from .span import Span

# Scalar fields worth showing next to a node's type, in the order ast declares them.
_DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "Name": ("id",),
    "Attribute": ("attr",),
    "FunctionDef": ("name",),
    "AsyncFunctionDef": ("name",),
    "ClassDef": ("name",),
    "arg": ("arg",),
    "keyword": ("arg",),
    "alias": ("name", "asname"),
    "ImportFrom": ("module", "level"),
    "Global": ("names",),
    "Nonlocal": ("names",),
    "ExceptHandler": ("name",),
    "MatchAs": ("name",),
    "MatchStar": ("name",),
    "MatchSingleton": ("value",),
    "MatchMapping": ("rest",),
    "TypeVar": ("name",),
    "ParamSpec": ("name",),
    "TypeVarTuple": ("name",),
    "FormattedValue": ("conversion",),
    "comprehension": ("is_async",),
}
_OPERATOR_FIELDS = ("op",)
_CONTEXTS = frozenset({"Load", "Store", "Del"})
_DETAIL_LIMIT = 60


@dataclass(frozen=True, slots=True)
class Node:
    """One AST node, flattened into preorder (parents before children, fields in order)."""

    id: int
    """Preorder index in :attr:`Analysis.nodes`; the module is 0."""
    type: str
    """The node's class name, e.g. ``BinOp``."""
    parent: int | None
    field: str | None
    """The parent's field that holds this node, e.g. ``body`` or ``value``."""
    index: int | None
    """Position in that field when it is a list (``body[2]``), else None."""
    span: Span | None
    """None for nodes without positions (Module, arguments, Load, Add...)."""
    depth: int
    end: int
    """One past the id of the last node in this subtree: descendants are ``id+1 .. end-1``."""
    detail: str
    """Short text worth showing beside the type: ``'x' Store``, ``5``, ``Add``."""

    @property
    def label(self) -> str:
        """``field[index]`` as ast.dump would name the slot, e.g. ``targets[0]``."""
        if self.field is None:
            return ""
        return self.field if self.index is None else f"{self.field}[{self.index}]"


def walk(tree: ast.AST, source: Source) -> tuple[Node, ...]:
    """Flatten ``tree`` in preorder, converting byte columns to character columns."""
    types: list[str] = []
    parents: list[int | None] = []
    fields: list[str | None] = []
    indexes: list[int | None] = []
    spans: list[Span | None] = []
    depths: list[int] = []
    details: list[str] = []
    span_of = source.span_from_bytes
    # A stack rather than recursion: deeply nested programs must not overflow Python's stack.
    stack: list[tuple[ast.AST, int | None, str | None, int | None, int]] = [
        (tree, None, None, None, 0)
    ]
    pop, push = stack.pop, stack.append
    while stack:
        node, parent, field, index, depth = pop()
        me = len(types)
        kind = type(node).__name__
        types.append(kind)
        parents.append(parent)
        fields.append(field)
        indexes.append(index)
        depths.append(depth)
        lineno = getattr(node, "lineno", None)
        end_lineno = getattr(node, "end_lineno", None)
        if lineno is not None and end_lineno is not None:
            spans.append(span_of(lineno, node.col_offset, end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
        else:
            spans.append(None)
        details.append(_detail(node, kind))
        children: list[tuple[ast.AST, int | None, str | None, int | None, int]] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                children.append((value, me, name, None, depth + 1))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        children.append((item, me, name, i, depth + 1))
        for child in reversed(children):
            push(child)
    count = len(types)
    ends = list(range(1, count + 1))
    for me in range(count - 1, 0, -1):
        parent = parents[me]
        if parent is not None and ends[me] > ends[parent]:
            ends[parent] = ends[me]
    return tuple(
        Node(
            i, types[i], parents[i], fields[i], indexes[i], spans[i], depths[i], ends[i], details[i]
        )
        for i in range(count)
    )


def _detail(node: ast.AST, kind: str) -> str:
    """The few scalar facts that make a node recognisable in a tree."""
    parts: list[str] = []
    if kind == "Constant":
        parts.append(_short(repr(node.value)))  # type: ignore[attr-defined]
    else:
        for name in _DETAIL_FIELDS.get(kind, ()):
            value = getattr(node, name, None)
            if value is None or (name in ("level", "is_async") and not value):
                continue
            if name == "conversion":
                if value == -1:
                    continue
                value = "!" + chr(value)
            parts.append(
                _short(value if isinstance(value, str) and name == "module" else repr(value))
            )
    op = getattr(node, "op", None)
    if isinstance(op, ast.AST):
        parts.append(type(op).__name__)
    ops = getattr(node, "ops", None)
    if isinstance(ops, list):
        parts.append(" ".join(type(o).__name__ for o in ops))
    ctx = getattr(node, "ctx", None)
    if ctx is not None and type(ctx).__name__ in _CONTEXTS:
        parts.append(type(ctx).__name__)
    return " ".join(parts)


def _short(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
