"""Reference answers from CPython alone (``tokenize``, ``ast``): character spans and the
rule linking a token or instruction to a node, written here independently of tui-exec."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from bisect import bisect_left, bisect_right

_LINE_END = re.compile(r"\r\n|\r|\n")  # CPython's line ends: not \f, \x1c or \u2028

SpanTuple = tuple[int, int, int, int]


class Text:
    """The file's text as CPython reads it, with byte → character column conversion."""

    def __init__(self, data: bytes) -> None:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        self.text = data.decode(encoding)
        if self.text.startswith("\ufeff"):
            self.text = self.text[1:]
        self.lines = _LINE_END.split(self.text)
        self.starts = [0]
        for match in _LINE_END.finditer(self.text):
            self.starts.append(match.end())
        self.non_ascii = {n for n, line in enumerate(self.lines, 1) if not line.isascii()}

    def char_col(self, line: int, byte_col: int) -> int:
        """CPython's columns count UTF-8 bytes of the line (whatever the file's encoding)."""
        if line not in self.non_ascii:
            return byte_col
        return len(self.lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    def span(self, line: int | None, col: int | None, end_line: int | None, end_col: int | None):  # type: ignore[no-untyped-def]
        if line is None or col is None or end_line is None or end_col is None:
            return None
        return (line, self.char_col(line, col), end_line, self.char_col(end_line, end_col))

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col if line >= 1 else col


class Tree:
    """``ast``'s nodes in preorder with their character spans, depths and offsets."""

    def __init__(self, tree: ast.AST, text: Text) -> None:
        self.nodes: list[ast.AST] = []
        self.depth: list[int] = []
        self.children: list[list[int]] = []
        self.parent: list[int | None] = []
        stack: list[tuple[ast.AST, int, int | None]] = [(tree, 0, None)]
        while stack:
            node, depth, parent = stack.pop()
            me = len(self.nodes)
            self.nodes.append(node)
            self.depth.append(depth)
            self.children.append([])
            self.parent.append(parent)
            if parent is not None:
                self.children[parent].append(me)
            stack.extend(
                (child, depth + 1, me) for child in reversed(list(ast.iter_child_nodes(node)))
            )
        self.spans: list[SpanTuple | None] = [
            text.span(
                getattr(n, "lineno", None),
                getattr(n, "col_offset", None),
                getattr(n, "end_lineno", None),
                getattr(n, "end_col_offset", None),
            )
            for n in self.nodes
        ]
        self.index_of = {id(node): i for i, node in enumerate(self.nodes)}
        """Preorder index of each node, by identity."""
        self.names: dict[tuple[str, type, int], list[int]] = {}
        """Name nodes by (identifier, ctx type, first line), in preorder."""
        for i, node in enumerate(self.nodes):
            if isinstance(node, ast.Name):
                self.names.setdefault((node.id, type(node.ctx), node.lineno), []).append(i)
        self.bounds = [
            (text.offset(s[0], s[1]), text.offset(s[2], s[3])) if s is not None else None
            for s in self.spans
        ]
        # Of the nodes with one span, the deepest (then the later in preorder).
        self.shallow_first = sorted(range(len(self.nodes)), key=self.depth.__getitem__)
        self.exact: dict[tuple[int, int], int] = {}
        for i in self.shallow_first:  # a stable sort: preorder within one depth
            if (b := self.bounds[i]) is not None:
                self.exact[b] = i
        # The range every subtree's positioned nodes cover, to prune the search below.
        self.extent: list[tuple[int, int] | None] = list(self.bounds)
        for i in reversed(range(len(self.nodes))):
            for child in self.children[i]:
                c = self.extent[child]
                e = self.extent[i]
                if c is not None:
                    self.extent[i] = c if e is None else (min(e[0], c[0]), max(e[1], c[1]))

    def deepest_enclosing(self, start: int, end: int) -> int | None:
        """The rule: of the nodes whose span contains [start, end], the deepest, then the
        later in preorder. Searched with pruning, not copied from tui-exec's index."""
        best: tuple[int, int] | None = None
        stack = [0]
        while stack:
            i = stack.pop()
            extent = self.extent[i]
            if extent is None or extent[0] > start or extent[1] < end:
                continue
            b = self.bounds[i]
            if b is not None and b[0] <= start and end <= b[1]:
                key = (self.depth[i], i)
                if best is None or key > best:
                    best = key
            stack.extend(self.children[i])
        return None if best is None else best[1]

    def deepest_enclosing_each(self, starts: list[int], ends: list[int]) -> list[int | None]:
        """:meth:`deepest_enclosing` for many intervals at once, when both their starts and
        their ends are sorted (tokens): each node, shallow first, paints the run it holds."""
        best: list[int | None] = [None] * len(starts)
        for i in self.shallow_first:
            b = self.bounds[i]
            if b is not None:
                first, last = bisect_left(starts, b[0]), bisect_right(ends, b[1])
                if first < last:
                    best[first:last] = [i] * (last - first)
        return best


NO_FALL_THROUGH = frozenset(
    {
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "RETURN_VALUE",
        "RETURN_CONST",
        "RAISE_VARARGS",
        "RERAISE",
    }
)
"""Opcodes after which the next instruction is reached only by a jump or a handler, listed
by hand from the dis documentation of 3.11-3.13 (the pseudo JUMPs never reach code objects)."""

NEVER_JUMPS = frozenset({"END_ASYNC_FOR", "INSTRUMENTED_END_ASYNC_FOR"})
"""3.14+: END_ASYNC_FOR's argument names the END_SEND its loop came from (dis: "from L6"),
for sys.monitoring's branch events; it never jumps there (bytecodes.c ignores its oparg)."""


def constant_load(literal: str) -> tuple[str, str]:
    """(opname, argrepr) of the instruction the running Python loads ``literal`` with:
    ``("LOAD_CONST", "5")`` up to 3.13, ``("LOAD_SMALL_INT", "")`` for a small int from 3.14."""
    import dis

    code = compile(f"x = {literal}", "<literal>", "exec")
    first = next(i for i in dis.get_instructions(code) if i.opname != "RESUME")
    return first.opname, first.argrepr
