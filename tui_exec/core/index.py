"""The cross-stage index: which tokens, nodes and instructions belong together.

Built once per analysis. Every query goes through :class:`IntervalIndex` or a dict keyed by
exact spans, so its cost depends on the size of the answer, never on the size of the file.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from operator import itemgetter

from .bytecode import CodeObject, Instruction
from .intervals import IntervalIndex
from .source import Source
from .span import Span
from .syntax import Node
from .tokens import Token


@dataclass(frozen=True, slots=True)
class Links:
    """What to highlight in every stage for one selection."""

    span: Span | None
    """The source span to mark; None when the item has no position in the source."""
    tokens: tuple[int, ...] = ()
    nodes: tuple[int, ...] = ()
    """Primary nodes: the deepest match (two for a 3.13 superinstruction)."""
    instructions: tuple[int, ...] = ()
    """Primary instructions: exact or innermost matches."""
    secondary_instructions: tuple[int, ...] = ()
    """Instructions that merely contain, or lie inside, the selection."""
    note: str = ""
    """Why something is missing, for the status line (e.g. no source position)."""
    context_span: Span | None = None
    """For a point or a token: the span of the deepest node around it, to mark as context."""


EMPTY_LINKS = Links(None)


def _key(start: int, end: int) -> int:
    """One int for a (start, end) pair of offsets: dict keys without tuple objects."""
    return (start << 32) | end


# Field getters for the NamedTuple records, C-speed over whole tuples of them.
_token_span = itemgetter(Token._fields.index("span"))
_node_span = itemgetter(Node._fields.index("span"))
_node_depth = itemgetter(Node._fields.index("depth"))
_node_subtree_end = itemgetter(Node._fields.index("end"))
_instruction_span = itemgetter(Instruction._fields.index("span"))


def _offsets(at: list[int], spans: list[Span | None]) -> tuple[array[int], array[int]]:
    """Start and end character offsets of ``spans`` (-1 for a missing span)."""
    starts = array("q", [at[s[0]] + s[1] if s is not None else -1 for s in spans])
    ends = array("q", [at[s[2]] + s[3] if s is not None else -1 for s in spans])
    return starts, ends


_COMPILED_TO_KEPT = 32
"""Nodes whose instructions :meth:`SpanIndex.instructions_for_node` keeps."""

# Targets that hold other targets: `a, (b, *c) = ...`.
_UNPACKING = frozenset({"Tuple", "List", "Starred"})
# Nodes whose annotations an `__annotate__` function computes (3.14+).
_SCOPES = frozenset({"Module", "ClassDef", "FunctionDef", "AsyncFunctionDef"})


class SpanIndex:
    """Answers every "what matches this?" question between source, tokens, AST and bytecode."""

    def __init__(
        self,
        source: Source,
        tokens: tuple[Token, ...],
        nodes: tuple[Node, ...],
        code_objects: tuple[CodeObject, ...],
        instructions: tuple[Instruction, ...],
    ) -> None:
        self._source = source
        self._tokens = tokens
        self._nodes = nodes
        self._codes = code_objects
        self._instructions = instructions
        at = source.line_offsets  # at[line] + col is an absolute character offset

        # Offsets live in compact arrays (8 bytes each, no int objects): an analysis of 20k
        # lines holds several hundred thousand of them. -1 marks "no position".
        # Tokens never overlap and come in source order: two sorted arrays answer every query.
        self._token_starts, self._token_ends = _offsets(at, list(map(_token_span, tokens)))

        # Comprehensions, not loops with statements: this runs on 100k+ records per analysis.
        node_starts, node_ends = _offsets(at, list(map(_node_span, nodes)))
        positioned_nodes = [i for i, start in enumerate(node_starts) if start >= 0]
        # Of nodes sharing a span (Expr and its Call) keep the deepest (then the last): a
        # stable sort by depth makes it the one a dict keeps.
        depths = list(map(_node_depth, nodes))
        self._node_by_span: dict[int, int] = {
            (node_starts[i] << 32) | node_ends[i]: i  # _key(), inlined
            for i in sorted(positioned_nodes, key=depths.__getitem__)
        }
        self._node_index = IntervalIndex(positioned_nodes, node_starts, node_ends)
        # Extent of a span-less node (arguments, Module, comprehension): the range its
        # positioned descendants (ids id+1 .. end-1) cover. Descendants without a span are
        # still -1 here (outer nodes come first), which min/max leave out.
        subtree_ends = list(map(_node_subtree_end, nodes))
        for i in [i for i, start in enumerate(node_starts) if start < 0]:
            stop = subtree_ends[i]
            if stop > i + 1 and (inner := [s for s in node_starts[i + 1 : stop] if s >= 0]):
                node_starts[i] = min(inner)
                node_ends[i] = max(node_ends[i + 1 : stop])
        self._node_starts, self._node_ends = node_starts, node_ends

        ins_starts, ins_ends = _offsets(at, list(map(_instruction_span, instructions)))
        self._ins_starts, self._ins_ends = ins_starts, ins_ends
        # The module's RESUME sits at the synthetic position line 0 (up to 1:0): it belongs
        # to no node, and would otherwise seem to lie inside a def on line 1.
        line_zero = {
            i for i, s in enumerate(map(_instruction_span, instructions)) if s and not s[0]
        }
        self._instruction_index = IntervalIndex(
            [i for i, start in enumerate(ins_starts) if start >= 0 and i not in line_zero],
            ins_starts,
            ins_ends,
        )
        self._names: dict[str, list[int]] | None = None
        # The Explain pane asks on every move, often for the same class or module again
        # (4 ms for a class of 10k instructions); a few recent answers are kept. A plain
        # dict, not functools.lru_cache on a method: that would make the index part of a
        # reference cycle, which gc.freeze() (done on every new analysis) keeps forever.
        self._compiled_to: OrderedDict[int, tuple[int, ...]] = OrderedDict()

    # -- conversions -------------------------------------------------------------------------

    def _token_containing(self, point: int) -> int | None:
        """The token covering offset ``point`` (zero-width tokens cover nothing)."""
        i = bisect_right(self._token_starts, point) - 1
        return i if i >= 0 and self._token_ends[i] > point else None

    def _tokens_inside(self, start: int, end: int) -> tuple[int, ...]:
        """Ids of the tokens lying wholly within [start, end]."""
        first = bisect_left(self._token_starts, start)
        last = bisect_right(self._token_starts, end)
        ends = self._token_ends
        return tuple(i for i in range(first, last) if ends[i] <= end)

    def tokens_on_line(self, line: int, start_col: int = 0, end_col: int | None = None) -> range:
        """Ids of the tokens that cover part of 1-based ``line`` (for colouring it), or of its
        columns ``start_col`` to ``end_col`` (a window on a very long line)."""
        source = self._source
        if not 1 <= line <= len(source.lines):
            return range(0)
        line_start = source.line_starts[line - 1]
        length = len(source.lines[line - 1])
        start = line_start + min(start_col, length)
        end = line_start + (length if end_col is None else min(end_col, length))
        # Token ends are sorted too (tokens never overlap): the first one ending past the
        # line's start is the first on the line.
        first = bisect_right(self._token_ends, start)
        return range(first, bisect_left(self._token_starts, end + 1))

    def _span(self, bounds: tuple[int, int]) -> Span:
        """Span for absolute character offsets."""
        starts = self._source.line_starts
        sl = bisect_right(starts, bounds[0])
        el = bisect_right(starts, bounds[1])
        return Span(sl, bounds[0] - starts[sl - 1], el, bounds[1] - starts[el - 1])

    def _deepest(self, node_ids: list[int]) -> int | None:
        if not node_ids:
            return None
        nodes = self._nodes
        return max(node_ids, key=lambda n: (nodes[n].depth, n))

    def _split_innermost(self, ids: list[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Split instructions into those with the smallest span and the rest, each by id."""
        if not ids:
            return (), ()
        starts, ends = self._ins_starts, self._ins_ends
        width = min(ends[i] - starts[i] for i in ids)
        inner = sorted(i for i in ids if ends[i] - starts[i] == width)
        outer = sorted(i for i in ids if ends[i] - starts[i] != width)
        return tuple(inner), tuple(outer)

    # -- single answers (also used by dump) ----------------------------------------------------

    def token_at(self, line: int, col: int) -> int | None:
        """The token covering the character at (line, col), if any."""
        return self._token_containing(self._source.offset(line, col))

    def node_at(self, line: int, col: int) -> int | None:
        """The deepest node whose span contains the character at (line, col)."""
        return self._deepest(self._node_index.containing_point(self._source.offset(line, col)))

    def node_for_token(self, token_id: int) -> int | None:
        """The deepest node whose span contains the whole token."""
        start, end = self._token_starts[token_id], self._token_ends[token_id]
        return self._deepest(self._node_index.enclosing(start, end))

    def nodes_for_instruction(self, instruction_id: int) -> tuple[int, ...]:
        """The node(s) an instruction executes; see :meth:`node_for_instruction`."""
        ins = self._instructions[instruction_id]
        if ins.span is None:
            return ()
        bounds = (self._ins_starts[instruction_id], self._ins_ends[instruction_id])
        first = self._node_by_span.get(_key(*bounds))
        if first is not None:
            pass
        elif bounds[0] == bounds[1] and ins.span.start_col == 0:
            code = self._codes[ins.code]
            if ins.span.start_line == 0:
                first = 0  # the module's synthetic line-0 position
            elif ins.span.start_line == code.firstlineno:
                first = self.node_for_code(ins.code)
            else:
                first = self._deepest(self._node_index.enclosing(*bounds))
        else:
            first = self._deepest(self._node_index.enclosing(*bounds))
        if first is None:
            return ()
        if len(ins.operands) == 2:
            store = ins.opname.endswith("STORE_FAST")
            stored_first = ins.opname.startswith("STORE_FAST")
            second = self._second_operand(first, ins.operands[1], store, stored_first, ins.line)
            if second is not None:
                return (first, second)
        return (first,)

    def node_for_instruction(self, instruction_id: int) -> int | None:
        """The deepest node with exactly the instruction's span; for the synthetic prologue
        position (co_firstlineno, 0) the def/class/lambda node that made its code object
        (the module for line 0); else the deepest node containing it."""
        found = self.nodes_for_instruction(instruction_id)
        return found[0] if found else None

    def node_for_code(self, code_id: int) -> int | None:
        """The node that defines a code object: the span of the LOAD_CONST that loads it; for
        an ``__annotate__`` function, the scope whose annotations it computes."""
        code = self._codes[code_id]
        if code.parent is None:
            return 0 if self._nodes else None
        if code.name == "__annotate__" and (scope := self._annotated_scope(code)) is not None:
            return scope
        span = code.load_span
        if span is None:
            return None
        offset = self._source.offset
        bounds = (offset(span.start_line, span.start_col), offset(span.end_line, span.end_col))
        exact = self._node_by_span.get(_key(*bounds))
        if exact is not None:
            return exact
        return self._deepest(self._node_index.enclosing(*bounds))

    def _annotated_scope(self, code: CodeObject) -> int | None:
        """The module, class or function whose annotations an ``__annotate__`` code object
        computes (3.14+, PEP 649): the scope around the first annotation it evaluates.

        Where the parent loads it says nothing: a module's is loaded at its first statement
        (which may be a def), a class's at a synthetic column-0 position, a function's at
        its def; its own checks of ``format`` carry that same position."""
        for ins in self._instructions[code.first_instruction : code.end_instruction]:
            if ins.span is None or ins.span.is_empty or ins.span == code.load_span:
                continue
            node = self._deepest(self._node_index.enclosing(*self._bounds(ins.span)))
            while node is not None and self._nodes[node].type not in _SCOPES:
                node = self._nodes[node].parent
            if node is not None:
                return node
        return None

    def _bounds(self, span: Span) -> tuple[int, int]:
        offset = self._source.offset
        return offset(span.start_line, span.start_col), offset(span.end_line, span.end_col)

    def _second_operand(
        self, first: int, name: str, store: bool, stored_first: bool, line: int | None
    ) -> int | None:
        """A 3.13 superinstruction's second operand: the Name of ``name`` on the same line that
        runs next after node ``first``.

        CPython pairs two instructions only on one line. What runs after a store comes after
        the value stored (an assignment's value, a for's or comprehension's iterable); in a
        comprehension, the element after its conditions. An augmented assignment's target
        is loaded before its value is computed: the first of its value's names in the order
        ``ast`` lists them, which is the order they run in (``d += (a if d else b)``: the
        test's ``d``, evaluated before ``a``).
        """
        if self._names is None:
            self._names = {}
            for node in self._nodes:
                if node.type == "Name" and node.span is not None:
                    key = f"{node.detail} {node.span.start_line}"
                    self._names.setdefault(key, []).append(node.id)
        ids = self._names.get(f"{name!r} {'Store' if store else 'Load'} {line}", [])
        if not ids:
            return None
        nodes, starts = self._nodes, self._node_starts
        after = self._node_ends[first]
        target = first
        while (parent := nodes[target].parent) is not None and nodes[parent].type in _UNPACKING:
            target = parent
        owner = nodes[target].parent
        element: range = range(0)
        if not stored_first and owner is not None and nodes[owner].type == "AugAssign":
            value = self._children(owner).get("value")
            if value is None:
                return None
            inside_value = [i for i in ids if value <= i < nodes[value].end]
            return min(inside_value) if inside_value else None  # preorder: the first to run
        if stored_first and owner is not None and nodes[target].field in ("target", "targets"):
            fields = self._children(owner)
            value = fields.get("iter") or fields.get("value")
            if value is not None:
                after = max(after, self._node_ends[value])
            if nodes[owner].type == "comprehension" and (around := nodes[owner].parent):
                inner = self._children(around)
                parts = [inner[f] for f in ("elt", "key", "value") if f in inner]
                if parts:
                    element = range(min(parts), max(nodes[i].end for i in parts))
        later = [i for i in ids if starts[i] >= after and i not in element]
        if later:
            return min(later, key=starts.__getitem__)
        inside = [i for i in ids if i in element]
        return min(inside, key=starts.__getitem__) if inside else None

    def _children(self, node_id: int) -> dict[str, int]:
        """The first child node in each field of a node, by field name."""
        nodes = self._nodes
        found: dict[str, int] = {}
        child, end = node_id + 1, nodes[node_id].end
        while child < end:
            field = nodes[child].field
            if field is not None:
                found.setdefault(field, child)
            child = nodes[child].end
        return found

    # -- links for each kind of selection -------------------------------------------------------

    def _split_by_node(
        self, node: int | None, ids: list[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Of the instructions around a point or token, the ones ``node`` (the innermost node
        there) compiled to, innermost first, and the rest (those of the nodes around it: a
        loop's GET_ITER is not named for a point inside its body)."""
        if node is None or self._node_starts[node] < 0:
            return (), tuple(sorted(ids))
        low, high = self._node_starts[node], self._node_ends[node]
        starts, ends = self._ins_starts, self._ins_ends
        within = [i for i in ids if low <= starts[i] and ends[i] <= high]
        inner, more = self._split_innermost(within)
        return inner, tuple(sorted(set(ids).difference(inner)))

    def at(self, line: int, col: int) -> Links:
        """Links for a source cursor. The one rule, for the status line and the Explain pane
        alike: a position selects the token under it (none on a space) and the innermost node
        around it; the instructions named are the innermost of those inside that node's span,
        the others around the position are only counted."""
        point = self._source.offset(line, col)
        token = self._token_containing(point)
        node = self._deepest(self._node_index.containing_point(point))
        inner, outer = self._split_by_node(node, self._instruction_index.containing_point(point))
        span = self._tokens[token].span if token is not None else Span(line, col, line, col + 1)
        return Links(
            span,
            tokens=(token,) if token is not None else (),
            nodes=(node,) if node is not None else (),
            instructions=inner,
            secondary_instructions=outer,
            context_span=self._node_span(node),
        )

    def _node_span(self, node_id: int | None) -> Span | None:
        """A node's span, or for a span-less node the extent of its positioned descendants."""
        if node_id is None or self._node_starts[node_id] < 0:
            return None
        return self._span((self._node_starts[node_id], self._node_ends[node_id]))

    def for_token(self, token_id: int) -> Links:
        """Links for a token: its span, the deepest node holding it, instructions holding it
        (named as :meth:`at` names them)."""
        start, end = self._token_starts[token_id], self._token_ends[token_id]
        node = self._deepest(self._node_index.enclosing(start, end))
        inner, outer = self._split_by_node(node, self._instruction_index.enclosing(start, end))
        return Links(
            self._tokens[token_id].span,
            tokens=(token_id,),
            nodes=(node,) if node is not None else (),
            instructions=inner,
            secondary_instructions=outer,
            context_span=self._node_span(node),
        )

    def for_node(self, node_id: int) -> Links:
        """Links for a node: tokens inside it, instructions with its span (primary) or inside."""
        nodes = self._nodes
        anchor: int | None = node_id
        while anchor is not None and self._node_starts[anchor] < 0:
            anchor = nodes[anchor].parent
        if anchor is None:
            return Links(None, nodes=(node_id,), note="no position in the source")
        bounds = (self._node_starts[anchor], self._node_ends[anchor])
        note = "" if anchor == node_id else "no position of its own: shown through its parent"
        starts, ends = self._ins_starts, self._ins_ends
        inside = self._instruction_index.inside(*bounds)
        exact = tuple(sorted(i for i in inside if (starts[i], ends[i]) == bounds))
        inside = sorted(set(inside).difference(exact))
        return Links(
            self._span(bounds),
            tokens=self._tokens_inside(*bounds),
            nodes=(node_id,),
            instructions=exact,
            secondary_instructions=tuple(inside),
            note=note,
        )

    def instructions_for_node(self, node_id: int) -> tuple[int, ...]:
        """The instructions inside a node's span (its own and its children's), in order:
        what it compiled to, without the tokens :meth:`for_node` also gathers."""
        anchor: int | None = node_id
        while anchor is not None and self._node_starts[anchor] < 0:
            anchor = self._nodes[anchor].parent
        if anchor is None:
            return ()
        cache = self._compiled_to
        found = cache.get(anchor)
        if found is None:
            inside = self._instruction_index.inside(
                self._node_starts[anchor], self._node_ends[anchor]
            )
            found = cache[anchor] = tuple(sorted(inside))
            if len(cache) > _COMPILED_TO_KEPT:
                cache.popitem(last=False)
        else:
            cache.move_to_end(anchor)
        return found

    def for_instruction(self, instruction_id: int) -> Links:
        """Links for an instruction: its node(s), its span, the tokens inside it."""
        ins = self._instructions[instruction_id]
        bounds = (self._ins_starts[instruction_id], self._ins_ends[instruction_id])
        if ins.span is None:
            return Links(
                None,
                instructions=(instruction_id,),
                note="no source position (compiler-generated)",
            )
        nodes = self.nodes_for_instruction(instruction_id)
        span = ins.span
        note = ""
        if bounds[0] == bounds[1]:
            note = "synthetic position"
            span = (self._node_span(nodes[0]) if nodes else None) or span
        return Links(
            span,
            tokens=self._tokens_inside(*bounds) if bounds[1] > bounds[0] else (),
            nodes=nodes,
            instructions=(instruction_id,),
            note=note,
        )

    def for_code(self, code_id: int) -> Links:
        """Links for a code object: the node that defines it."""
        node = self.node_for_code(code_id)
        return self.for_node(node) if node is not None else EMPTY_LINKS
