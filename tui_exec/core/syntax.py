"""AST rows: every node of :func:`ast.parse` in preorder, with character spans."""

from __future__ import annotations

import ast
from typing import NamedTuple

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
    "Import": ("is_lazy",),  # 3.15: `lazy import json`
    "ImportFrom": ("module", "level", "is_lazy"),
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
    "Interpolation": ("conversion",),  # 3.14: a template string's {value!r}
    "comprehension": ("is_async",),
}
_CONTEXTS = frozenset({"Load", "Store", "Del"})
_DETAIL_LIMIT = 60


class Node(NamedTuple):
    """One AST node, flattened into preorder (parents before children, fields in order)."""

    id: int
    """Preorder index in :attr:`Analysis.nodes`; the module is 0."""
    type: str
    """The node's class name, e.g. ``BinOp``."""
    parent: int | None
    field: str | None
    """The parent's field that holds this node, e.g. ``body`` or ``value``."""
    field_index: int | None
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
        if self.field_index is None:
            return self.field
        return f"{self.field}[{self.field_index}]"


class _Shape(NamedTuple):
    """What walk() needs to know about one AST class, looked up once per class."""

    name: str
    fields_reversed: tuple[str, ...]
    """The class's fields last first: children are pushed on a stack, so they pop in order."""
    positioned: bool
    detailed: bool


_SHAPES: dict[type, _Shape] = {}
_CTX_HOLDERS = frozenset({"Name", "Attribute", "Subscript", "Starred", "List", "Tuple"})
_OP_HOLDERS = frozenset({"BinOp", "UnaryOp", "BoolOp", "AugAssign", "Compare"})


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        name = cls.__name__
        shape = _SHAPES[cls] = _Shape(
            name,
            tuple(reversed(getattr(cls, "_fields", ()))),
            "end_lineno" in getattr(cls, "_attributes", ()),
            name == "Constant"
            or name in _DETAIL_FIELDS
            or name in _CTX_HOLDERS
            or name in _OP_HOLDERS,
        )
    return shape


def walk(tree: ast.AST, source: Source) -> tuple[Node, ...]:
    """Flatten ``tree`` in preorder, converting byte columns to character columns."""
    rows: list[tuple[str, int | None, str | None, int | None, Span | None, int, str]] = []
    append = rows.append
    span_of = source.span_from_bytes
    non_ascii = source.non_ascii_lines
    AST = ast.AST
    shapes = _SHAPES
    new = tuple.__new__  # NamedTuple._make without its length check: see tokens._collect
    # A stack rather than recursion: deeply nested programs must not overflow Python's stack.
    stack: list[tuple[ast.AST, int | None, str | None, int | None, int]] = [
        (tree, None, None, None, 0)
    ]
    pop, push = stack.pop, stack.append
    while stack:
        node, parent, field, index, depth = pop()
        me = len(rows)
        shape = shapes.get(type(node)) or _shape(type(node))
        span: Span | None = None
        if shape.positioned and (end_line := node.end_lineno) is not None:  # type: ignore[attr-defined]
            line = node.lineno  # type: ignore[attr-defined]
            if line in non_ascii or end_line in non_ascii:
                span = span_of(line, node.col_offset, end_line, node.end_col_offset)  # type: ignore[attr-defined]
            else:  # byte columns are character columns: skip the conversion
                span = new(Span, (line, node.col_offset, end_line, node.end_col_offset))  # type: ignore[attr-defined]
        append(
            (
                shape.name,
                parent,
                field,
                index,
                span,
                depth,
                _detail(node, shape.name) if shape.detailed else "",
            )
        )
        below = depth + 1
        for name in shape.fields_reversed:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                push((value, me, name, None, below))
            elif isinstance(value, list):
                for i in range(len(value) - 1, -1, -1):
                    if isinstance(item := value[i], AST):
                        push((item, me, name, i, below))
    count = len(rows)
    ends = list(range(1, count + 1))
    for me in range(count - 1, 0, -1):
        parent = rows[me][1]
        if parent is not None and ends[me] > ends[parent]:
            ends[parent] = ends[me]
    return tuple(
        new(Node, (i, kind, parent, field, index, span, depth, ends[i], detail))
        for i, (kind, parent, field, index, span, depth, detail) in enumerate(rows)
    )


def _detail(node: ast.AST, kind: str) -> str:
    """The few scalar facts that make a node recognisable in a tree."""
    # The two commonest kinds (half of all nodes) first, without the general machinery.
    if kind == "Name":
        return f"{_short(repr(node.id))} {type(node.ctx).__name__}"  # type: ignore[attr-defined]
    parts: list[str] = []
    if kind == "Constant":
        parts.append(_short(repr(node.value)))  # type: ignore[attr-defined]
    else:
        for name in _DETAIL_FIELDS.get(kind, ()):
            value = getattr(node, name, None)
            if value is None or (name in ("level", "is_async", "is_lazy") and not value):
                continue
            if name == "is_lazy":
                parts.append("lazy")
                continue
            if name == "conversion":
                if value == -1:
                    continue
                value = "!" + chr(value)
            is_plain = isinstance(value, str) and name in ("module", "conversion")
            parts.append(_short(value if is_plain else repr(value)))
    if kind in _OP_HOLDERS:
        op = getattr(node, "op", None)
        if isinstance(op, ast.AST):
            parts.append(type(op).__name__)
        ops = getattr(node, "ops", None)
        if isinstance(ops, list):
            parts.append(" ".join(type(o).__name__ for o in ops))
    elif kind in _CTX_HOLDERS:
        ctx = getattr(node, "ctx", None)
        if ctx is not None and type(ctx).__name__ in _CONTEXTS:
            parts.append(type(ctx).__name__)
    return " ".join(parts)


def _short(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
