"""Fidelity against CPython itself over every file of the interpreter's standard library.

Every expected value comes from ``tokenize``, ``ast``, ``compile`` and ``dis`` and from the
file's own bytes, never from tui-exec: character columns are recomputed here from the UTF-8
byte columns CPython reports and the line's text, and the links between stages are recomputed
from ``ast`` with the rule the README states (see ``tests/core/reference.py``).

Slow (minutes): run with ``pytest -m slow``; CI runs it under every installed CPython.
"""

from __future__ import annotations

import ast
import dis
import io
import re
import tokenize
from pathlib import Path
from types import CodeType

import pytest

from tests.core.reference import SpanTuple, Text, Tree
from tests.core.stdlib_files import stdlib_files
from tui_exec.core import Analysis, analyze

FILES = stdlib_files()

_SUPERINSTRUCTIONS = {
    "LOAD_FAST_LOAD_FAST",
    "LOAD_FAST_BORROW_LOAD_FAST_BORROW",  # 3.14
    "STORE_FAST_LOAD_FAST",
    "STORE_FAST_STORE_FAST",
}
_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+, file .*, line ")


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


def _codes(code: CodeType) -> list[tuple[CodeType, CodeType | None]]:
    """Code objects depth first, each with the code that creates it."""
    out: list[tuple[CodeType, CodeType | None]] = []
    stack: list[tuple[CodeType, CodeType | None]] = [(code, None)]
    while stack:
        here, parent = stack.pop()
        out.append((here, parent))
        nested = [c for c in here.co_consts if isinstance(c, CodeType)]
        stack.extend((child, here) for child in reversed(nested))
    return out


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.name))
def test_matches_cpython(path: Path) -> None:
    data = path.read_bytes()
    analysis = analyze(data, str(path))  # must never raise
    if analysis.error_in("decode"):
        # CPython must refuse the file too, and nothing may be claimed past the decode error.
        with pytest.raises((SyntaxError, UnicodeDecodeError)):
            compile(data, str(path), "exec", dont_inherit=True)
        assert analysis.nodes == () and analysis.instructions == ()
        return
    text = Text(data)
    assert analysis.source.text == text.text
    _check_tokens(analysis, data, text)
    try:
        tree = ast.parse(data, str(path))
    except SyntaxError:
        assert analysis.error_in("parse") is not None
        assert analysis.nodes == ()
        return
    nodes = Tree(tree, text)
    _check_nodes(analysis, nodes)
    starts = [text.offset(t.span[0], t.span[1]) for t in analysis.tokens]
    ends = [text.offset(t.span[2], t.span[3]) for t in analysis.tokens]
    expected = nodes.deepest_enclosing_each(starts, ends)
    node_for_token = analysis.index.node_for_token
    # Every other token (the time budget): tests/core/test_index.py checks all of a file's.
    picked = range(0, len(expected), 2)
    assert [node_for_token(i) for i in picked] == [expected[i] for i in picked]
    try:
        module = compile(data, str(path), "exec", dont_inherit=True)
    except SyntaxError:
        assert analysis.error_in("compile") is not None
        assert analysis.instructions == ()
        return
    _check_instructions(analysis, module, text, nodes)


def _check_tokens(analysis: Analysis, data: bytes, text: Text) -> None:
    """Tokens equal tokenize's; when tokenize stops, its tokens are a prefix of ours."""
    reference, complete = _reference_tokens(data)
    ours = [
        (t.exact_type, t.string, (t.span[0], t.span[1]), (t.span[2], t.span[3]))
        for t in analysis.tokens
    ]
    if complete:
        assert analysis.error_in("tokenize") is None
        assert ours == reference
    else:
        assert analysis.error_in("tokenize") is not None or analysis.error_in("parse") is not None
        # Not a vacuous prefix: a file that decodes gives tokenize at least one token before
        # it stops (the stdlib's files that stop at once are the undecodable ones, above).
        assert reference, "tokenize stopped before its first token"
        assert len(ours) >= len(reference)
        assert ours[: len(reference)] == reference
    # Single-line tokens: the text sliced by the span is the token's string.
    for tok in analysis.tokens:
        s = tok.span
        if s[0] == s[2] and tok.type not in ("DEDENT", "ENDMARKER"):
            start = text.offset(s[0], s[1])
            assert text.text[start : start + s[3] - s[1]] == tok.string


def _check_nodes(analysis: Analysis, nodes: Tree) -> None:
    """The same nodes in the same preorder, at the same depths, with character spans."""
    assert [n.type for n in analysis.nodes] == [type(n).__name__ for n in nodes.nodes]
    assert [n.depth for n in analysis.nodes] == nodes.depth
    assert [tuple(n.span) if n.span else None for n in analysis.nodes] == nodes.spans


def _check_instructions(analysis: Analysis, module: CodeType, text: Text, nodes: Tree) -> None:
    codes = _codes(module)
    assert [c.qualname for c in analysis.code_objects] == [c.co_qualname for c, _ in codes]
    assert analysis.instructions, "a compiled module has at least RESUME"
    node_for = analysis.index.nodes_for_instruction
    # Where each code object is loaded in its parent (the first LOAD_CONST with a position):
    # parents come first, so it is known before the code object itself is checked.
    loaded_at: dict[int, tuple[int, int]] = {}
    for code_row, (code, parent) in zip(analysis.code_objects, codes, strict=True):
        defining: int | None = 0
        if parent is not None:
            at = loaded_at.get(id(code))
            defining = None if at is None else _node_of(nodes, at)
            if code.co_name == "__annotate__":
                defining = _annotated_scope(code, text, nodes, at, defining)
        ours = [analysis.instructions[j] for j in code_row.instruction_ids]
        reference = list(dis.get_instructions(code))
        assert len(ours) == len(reference), code_row.qualname
        for mine, ins in zip(ours, reference, strict=True):
            argrepr = ins.argrepr
            expected = _position_span(text, ins.positions)
            bounds = None
            if expected is not None:
                bounds = (text.offset(expected[0], expected[1]), text.offset(*expected[2:]))
            if isinstance(ins.argval, CodeType):  # without the address, which changes per run
                argrepr = _ADDRESS.sub(", line ", argrepr)
                if bounds is not None:
                    loaded_at.setdefault(id(ins.argval), bounds)
            elif isinstance(ins.argval, frozenset) and mine.argrepr != argrepr:
                # Compiling a tree and compiling bytes may build the set in another order.
                assert _frozenset_items(mine.argrepr) == ins.argval, mine
                argrepr = mine.argrepr
            assert (mine.offset, mine.opname, mine.arg, mine.argrepr) == (
                ins.offset,
                ins.opname,
                ins.arg,
                argrepr,
            ), code_row.qualname
            assert (tuple(mine.span) if mine.span else None) == expected, (mine, ins.positions)
            if expected is None or bounds is None:
                assert node_for(mine.id) == ()
                continue
            if bounds[0] == bounds[1] and expected[1] == 0 and bounds not in nodes.exact:
                # A synthetic position (a prologue): the node that made the code object.
                if expected[0] == 0:
                    first: int | None = 0
                elif expected[0] == code.co_firstlineno:
                    first = defining
                else:
                    first = nodes.deepest_enclosing(*bounds)
            else:
                first = _node_of(nodes, bounds)
            want: tuple[int, ...] = () if first is None else (first,)
            if first is not None and mine.opname in _SUPERINSTRUCTIONS:
                assert ins.positions is not None and ins.positions.lineno is not None
                line = ins.positions.lineno
                second = _second_operand(nodes, first, ins.argval[1], mine.opname, line)
                want += () if second is None else (second,)
            assert node_for(mine.id) == want, mine


def _annotated_scope(
    code: CodeType, text: Text, nodes: Tree, loaded: tuple[int, int] | None, otherwise: int | None
) -> int | None:
    """An ``__annotate__`` function (3.14+) stands for the module, class or function whose
    annotations it computes: the scope around the first annotation it evaluates (its checks
    of ``format`` carry the position its parent loads it at, which may be another node's)."""
    for ins in dis.get_instructions(code):
        span = _position_span(text, ins.positions)
        if span is None or span[:2] == span[2:]:
            continue
        bounds = (text.offset(span[0], span[1]), text.offset(span[2], span[3]))
        if bounds == loaded:
            continue
        node = nodes.deepest_enclosing(*bounds)
        while node is not None and not isinstance(nodes.nodes[node], _SCOPES):
            node = nodes.parent[node]
        if node is not None:
            return node
    return otherwise


def _frozenset_items(argrepr: str) -> frozenset[object]:
    """The elements a frozenset's repr lists (they are constants: literal_eval reads them)."""
    assert argrepr.startswith("frozenset(") and argrepr.endswith(")"), argrepr
    inner = argrepr[len("frozenset(") : -1]
    return frozenset(ast.literal_eval(inner)) if inner else frozenset()


def _node_of(nodes: Tree, bounds: tuple[int, int]) -> int | None:
    """The deepest node with exactly these bounds, else the deepest containing them."""
    exact = nodes.exact.get(bounds)
    return exact if exact is not None else nodes.deepest_enclosing(*bounds)


def _position_span(text: Text, p: dis.Positions | None) -> SpanTuple | None:
    """co_positions' (byte) position as a character span; None when any part is missing."""
    if p is None:
        return None
    return text.span(p.lineno, p.col_offset, p.end_lineno, p.end_col_offset)  # type: ignore[no-any-return]


def _second_operand(nodes: Tree, first: int, name: str, opname: str, line: int) -> int | None:
    """A superinstruction's second operand, by the README's rule: the Name of it on the
    instruction's line that runs next after the first operand (after the value a stored
    first operand is assigned from; in a comprehension, its element after its conditions;
    after a loaded augmented assignment's target, its value's first name in preorder)."""
    ctx = ast.Store if opname.endswith("STORE_FAST") else ast.Load
    found = nodes.names.get((name, ctx, line), [])
    first_bounds = nodes.bounds[first]
    assert first_bounds is not None
    after = first_bounds[1]
    target = first
    while (up := nodes.parent[target]) is not None and isinstance(
        nodes.nodes[up], ast.Tuple | ast.List | ast.Starred
    ):
        target = up
    owner_id = nodes.parent[target]
    owner = nodes.nodes[owner_id] if owner_id is not None else None
    value: ast.AST | None = None
    if isinstance(owner, ast.Assign) and nodes.nodes[target] in owner.targets:
        value = owner.value
    elif isinstance(owner, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
        value = owner.value if owner.target is nodes.nodes[target] else None
    elif isinstance(owner, ast.For | ast.AsyncFor | ast.comprehension):
        value = owner.iter if owner.target is nodes.nodes[target] else None
    if not opname.startswith("STORE_FAST"):
        if isinstance(owner, ast.AugAssign) and owner.target is nodes.nodes[target]:
            # A loaded target: the first of the value's names to run, in ast's field order.
            inside = {id(n) for n in ast.walk(owner.value)}
            in_value = [i for i in found if id(nodes.nodes[i]) in inside]
            return min(in_value) if in_value else None
        value = None
    if value is not None:
        value_bounds = nodes.bounds[nodes.index_of[id(value)]]
        after = max(after, value_bounds[1] if value_bounds else after)
    element: set[int] = set()
    if isinstance(owner, ast.comprehension) and value is not None and owner_id is not None:
        around = nodes.nodes[nodes.parent[owner_id]]  # type: ignore[index]
        parts = [getattr(around, f) for f in ("elt", "key", "value") if hasattr(around, f)]
        element = {id(n) for part in parts for n in ast.walk(part)}

    def start(i: int) -> int:
        return nodes.bounds[i][0]  # type: ignore[index]

    later = [i for i in found if start(i) >= after and id(nodes.nodes[i]) not in element]
    if later:
        return min(later, key=start)
    inside = [i for i in found if id(nodes.nodes[i]) in element]
    return min(inside, key=start) if inside else None


def test_the_rule_helpers_on_a_hand_worked_example() -> None:
    """The reference above, checked by hand, so that the slow test cannot pass vacuously."""
    source = 'x = "é" + f(1,\n  "ü")\n'
    text = Text(source.encode())
    assert text.char_col(1, len('x = "é"'.encode())) == len('x = "é"')
    assert text.char_col(2, len('  "ü")'.encode())) == 6
    nodes = Tree(ast.parse(source), text)
    names = [type(n).__name__ for n in nodes.nodes]
    call = names.index("Call")
    start, end = text.offset(1, 10), text.offset(2, 6)  # f(1,\n  "ü")
    assert nodes.exact[(start, end)] == call
    assert nodes.deepest_enclosing(start, end) == call
    assert names[nodes.deepest_enclosing(start + 2, start + 3)] == "Constant"  # the 1
    assert names[nodes.deepest_enclosing(start, start + 1)] == "Name"  # f
    assert names[nodes.deepest_enclosing(0, end)] == "Assign"
    assert _ADDRESS.sub(", line ", '<code object f at 0x7f00, file "a.py", line 3>') == (
        "<code object f, line 3>"
    )


def test_tokens_of_a_file_tokenize_stops_in_are_a_prefix_checked_for_real() -> None:
    """The stdlib has no such file that decodes: this one exercises the partial branch."""
    data = b"x = 1\ny = (2,\n"  # EOF in a multi-line statement
    reference, complete = _reference_tokens(data)
    assert not complete and len(reference) >= 5
    _check_tokens(analyze(data, "<partial>"), data, Text(data))
