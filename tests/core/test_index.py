"""The cross-index: each query direction, checked against hand-worked answers and brute force."""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path

import pytest

from tests.core.reference import Text, Tree
from tui_exec.core import Analysis, Span, analyze
from tui_exec.core.intervals import IntervalIndex

CLASSIC = "x = 5\ny = 10\nprint(x + y)\n"
UNICODE = 'mot = "été"\n中文 = "😀"\nprint(mot + 中文)\n'


def _types(analysis: Analysis, ids: tuple[int, ...]) -> list[str]:
    return [analysis.nodes[i].type for i in ids]


def _ops(analysis: Analysis, ids: tuple[int, ...]) -> list[str]:
    return [analysis.instructions[i].opname for i in ids]


def test_cursor_on_plus_links_token_binop_and_binary_op() -> None:
    analysis = analyze(CLASSIC)
    links = analysis.index.at(3, 8)
    assert [analysis.tokens[t].exact_type for t in links.tokens] == ["PLUS"]
    assert _types(analysis, links.nodes) == ["BinOp"]
    assert _ops(analysis, links.instructions) == ["BINARY_OP"]
    assert "CALL" in _ops(analysis, links.secondary_instructions)
    assert links.context_span == Span(3, 6, 3, 11)  # x + y
    assert analyze("x = 1\n").index.at(1, 0).context_span == Span(1, 0, 1, 1)  # at offset 0
    comment = analyze("x = 1  # note\n").index.at(1, 9)
    assert (comment.instructions, comment.secondary_instructions) == ((), ())


def test_a_constants_detail_is_cut_at_sixty_characters() -> None:
    """A repr of 60 characters is shown whole; a longer one keeps 59 and an ellipsis."""
    analysis = analyze(f"a = '{'x' * 58}'\nb = '{'y' * 59}'\n")
    first, second = (n.detail for n in analysis.nodes if n.type == "Constant")
    assert first == "'" + "x" * 58 + "'"
    assert second == "'" + "y" * 58 + "…"


def test_operator_nodes_name_their_operator() -> None:
    analysis = analyze(b"x = -a + b * c\ny = a and b\nz = a < b <= c\nx += 1\n")
    details = [(n.type, n.detail) for n in analysis.nodes if n.type in _OPERATOR_NODES]
    assert details == [
        ("BinOp", "Add"),
        ("UnaryOp", "USub"),
        ("BinOp", "Mult"),
        ("BoolOp", "And"),
        ("Compare", "Lt LtE"),
        ("AugAssign", "Add"),
    ]


_OPERATOR_NODES = ("BinOp", "UnaryOp", "BoolOp", "Compare", "AugAssign")


def test_attribute_details_and_slot_labels() -> None:
    """``a.b = 1``: the target is an Attribute storing to ``b``, the first of the Assign's
    targets; its object is the Name ``a`` in the Attribute's ``value`` field."""
    analysis = analyze("a.b = 1\n")
    rows = [(n.type, n.detail, n.label) for n in analysis.nodes if n.type in ("Attribute", "Name")]
    assert rows == [("Attribute", "'b' Store", "targets[0]"), ("Name", "'a' Load", "value")]
    assert analysis.nodes[0].label == ""  # the module fills no slot


def test_cursor_on_non_ascii_name() -> None:
    analysis = analyze(UNICODE.encode())
    links = analysis.index.at(3, 13)  # the 文 of 中文 in print(mot + 中文)
    (token,) = links.tokens
    assert analysis.tokens[token].string == "中文"
    assert analysis.tokens[token].span == Span(3, 12, 3, 14)
    assert [analysis.nodes[n].detail for n in links.nodes] == ["'中文' Load"]
    assert [analysis.instructions[i].argrepr for i in links.instructions][-1] == "中文"


def test_token_links_to_deepest_node_and_containing_instructions() -> None:
    analysis = analyze(UNICODE.encode())
    token = next(t for t in analysis.tokens if t.string == '"😀"')
    links = analysis.index.for_token(token.id)
    assert links.span == Span(2, 5, 2, 8)
    assert _types(analysis, links.nodes) == ["Constant"]
    assert _ops(analysis, links.instructions) == ["LOAD_CONST"]


def test_node_links_exact_instructions_first_and_tokens_inside() -> None:
    analysis = analyze(CLASSIC)
    binop = next(n for n in analysis.nodes if n.type == "BinOp")
    links = analysis.index.for_node(binop.id)
    assert links.span == Span(3, 6, 3, 11)
    assert [analysis.tokens[t].string for t in links.tokens] == ["x", "+", "y"]
    assert _ops(analysis, links.instructions) == ["BINARY_OP"]
    assert _ops(analysis, links.secondary_instructions) == ["LOAD_NAME", "LOAD_NAME"]


def test_node_without_position_is_shown_through_its_parent() -> None:
    analysis = analyze(CLASSIC)
    add = next(n for n in analysis.nodes if n.type == "Add")
    links = analysis.index.for_node(add.id)
    assert links.span == Span(3, 6, 3, 11)
    assert links.nodes == (add.id,)
    assert "parent" in links.note
    module = analysis.index.for_node(0)
    assert module.span == Span(1, 0, 3, 12)


def test_instruction_links_exact_node_and_tokens() -> None:
    analysis = analyze(CLASSIC)
    binary = next(i for i in analysis.instructions if i.opname == "BINARY_OP")
    links = analysis.index.for_instruction(binary.id)
    assert _types(analysis, links.nodes) == ["BinOp"]
    assert [analysis.tokens[t].string for t in links.tokens] == ["x", "+", "y"]


def test_synthetic_positions_map_to_the_defining_node() -> None:
    analysis = analyze(b"class C:\n    @staticmethod\n    def m():\n        pass\n")
    resume_module = analysis.instructions[0]
    assert resume_module.opname == "RESUME" and resume_module.line == 0
    assert analysis.index.node_for_instruction(0) == 0
    method = next(c for c in analysis.code_objects if c.qualname == "C.m")
    resume = analysis.instructions[method.first_instruction]
    assert resume.span == Span(2, 0, 2, 0)  # the decorator line, column 0
    node = analysis.index.node_for_instruction(resume.id)
    assert node is not None and analysis.nodes[node].type == "FunctionDef"
    assert analysis.index.for_instruction(resume.id).note == "synthetic position"


def test_an_instruction_with_a_real_span_has_no_note_and_shows_its_own_span() -> None:
    analysis = analyze(b"total = price * 3\n")
    mul = next(i for i in analysis.instructions if i.opname.startswith("BINARY_OP"))
    links = analysis.index.for_instruction(mul.id)
    assert links.note == "" and links.span == Span(1, 8, 1, 17) == mul.span


def test_a_cursor_on_a_token_selects_the_whole_token() -> None:
    analysis = analyze(b"total = price * 30\n")
    # Inside `price` (columns 8-13) and on the last digit of `30`.
    assert analysis.index.at(1, 10).span == Span(1, 8, 1, 13)
    assert analysis.index.at(1, 17).span == Span(1, 16, 1, 18)
    # Past the end of the line there is no token: one character is selected.
    assert analysis.index.at(1, 30).tokens == ()


def test_instruction_without_position_says_so() -> None:
    analysis = analyze(b"try:\n    x = 1\nexcept E as e:\n    pass\n")
    unpositioned = [i for i in analysis.instructions if i.span is None]
    assert unpositioned
    links = analysis.index.for_instruction(unpositioned[0].id)
    assert links.span is None and links.nodes == ()
    assert "no source position" in links.note


def test_code_object_maps_to_its_defining_node() -> None:
    analysis = analyze(
        b"f = lambda: 1\ndef g():\n    return (i for i in range(3))\nclass K: pass\n"
    )
    expected = {
        "<lambda>": "Lambda",
        "g": "FunctionDef",
        "g.<locals>.<genexpr>": "GeneratorExp",
        "K": "ClassDef",
        "<module>": "Module",
    }
    for code in analysis.code_objects:
        node = analysis.index.node_for_code(code.id)
        assert node is not None
        assert analysis.nodes[node].type == expected[code.qualname]


# Loads of two locals in one instruction: 3.14 adds a borrowing form.
TWO_LOADS = {"LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW"}


@pytest.mark.skipif(sys.version_info < (3, 13), reason="superinstructions are in co_code from 3.13")
def test_superinstruction_links_both_operands() -> None:
    analysis = analyze(b"def f(a, b):\n    return a + b\n")
    sup = next(i for i in analysis.instructions if i.opname in TWO_LOADS)
    nodes = analysis.index.nodes_for_instruction(sup.id)
    assert [analysis.nodes[n].detail for n in nodes] == ["'a' Load", "'b' Load"]
    assert [analysis.nodes[n].span for n in nodes] == [Span(2, 11, 2, 12), Span(2, 15, 2, 16)]


@pytest.mark.skipif(sys.version_info < (3, 13), reason="superinstructions are in co_code from 3.13")
@pytest.mark.parametrize(
    ("line", "second"),
    [
        # The name loaded after a store comes after the value stored, not inside it.
        ("    return [y := spam(x), x / y]", Span(2, 26, 2, 27)),
        ("    n = n + x; return n", Span(2, 22, 2, 23)),
        # A comprehension's element runs after its target is stored (and its conditions).
        ("    return [x for x in y]", Span(2, 12, 2, 13)),
        ("    return [x for x in y if x]", Span(2, 28, 2, 29)),
    ],
)
def test_a_superinstructions_second_operand_is_what_runs_next(line: str, second: Span) -> None:
    analysis = analyze(f"def f(x, y):\n{line}\n".encode())
    sup = next(i for i in analysis.instructions if i.opname == "STORE_FAST_LOAD_FAST")
    nodes = analysis.index.nodes_for_instruction(sup.id)
    assert len(nodes) == 2 and analysis.nodes[nodes[1]].span == second


def test_every_token_and_instruction_link_agrees_with_ast() -> None:
    # The expected node comes from ast alone (tests/core/reference.py): the deepest node whose
    # span holds the token, or has exactly the instruction's span, else holds it.
    source = Path(__file__).read_text(encoding="utf-8") + "\n" + UNICODE
    analysis = analyze(source.encode())
    text = Text(source.encode())
    tree = Tree(ast.parse(source), text)
    offset = text.offset
    for tok in analysis.tokens:
        s = tok.span
        expected = tree.deepest_enclosing(offset(s[0], s[1]), offset(s[2], s[3]))
        assert analysis.index.node_for_token(tok.id) == expected, tok
    starts = [offset(t.span[0], t.span[1]) for t in analysis.tokens]
    ends = [offset(t.span[2], t.span[3]) for t in analysis.tokens]
    assert tree.deepest_enclosing_each(starts, ends) == [
        analysis.index.node_for_token(t.id) for t in analysis.tokens
    ]
    checked = 0
    for ins in analysis.instructions:
        if ins.span is None:
            continue
        s = ins.span
        bounds = (offset(s[0], s[1]), offset(s[2], s[3]))
        if bounds[0] == bounds[1]:  # synthetic positions: another rule (the defining node)
            continue
        expected = tree.exact.get(bounds)
        if expected is None:
            expected = tree.deepest_enclosing(*bounds)
        assert analysis.index.node_for_instruction(ins.id) == expected, ins
        checked += 1
    assert checked > 500


def test_interval_index_matches_brute_force_on_random_overlaps() -> None:
    rng = random.Random(7)
    items = []
    for ident in range(2000):
        start = rng.randrange(0, 400)
        items.append((start, start + rng.randrange(0, 30), ident))
    # Only every third interval is indexed: ids index into starts/ends, holes and all.
    chosen = {i for s, e, i in items if i % 3}
    index = IntervalIndex(sorted(chosen), [s for s, _, _ in items], [e for _, e, _ in items])
    items = [item for item in items if item[2] in chosen]
    for point in range(0, 440):
        expected = {i for s, e, i in items if s <= point < e}
        assert set(index.containing_point(point)) == expected
    for _ in range(1000):
        lo = rng.randrange(0, 420)
        hi = lo + rng.randrange(0, 50)
        assert set(index.enclosing(lo, hi)) == {i for s, e, i in items if s <= lo and hi <= e}
        assert set(index.inside(lo, hi)) == {i for s, e, i in items if lo <= s and e <= hi}


def test_of_the_nodes_sharing_an_instruction_span_the_deepest_is_linked() -> None:
    # `print(1)` as a statement: the Expr and its Call have the same span (ast says so), and
    # the CALL instruction has that span too. The Call, one level deeper, is what it executes.
    source = "print(1)\n"
    (statement,) = ast.parse(source).body
    assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
    assert ast.get_source_segment(source, statement) == "print(1)"
    assert ast.get_source_segment(source, statement.value) == "print(1)"
    analysis = analyze(source)
    (call,) = [i for i in analysis.instructions if i.opname == "CALL"]
    assert call.span == Span(1, 0, 1, 8)
    assert _types(analysis, analysis.index.nodes_for_instruction(call.id)) == ["Call"]


def test_the_first_token_of_the_file_is_found_at_its_first_column() -> None:
    analysis = analyze("x = 1\n")
    assert analysis.index.token_at(1, 0) == 0
    assert analysis.index.at(1, 0).tokens == (0,)


def test_tokens_on_a_line_and_in_a_window_of_it() -> None:
    analysis = analyze("a = 1\nbb = 22\n")  # tokens: a = 1 NEWLINE bb = 22 NEWLINE ENDMARKER
    index = analysis.index
    assert [analysis.tokens[t].string for t in index.tokens_on_line(2)] == ["bb", "=", "22", "\n"]
    assert [analysis.tokens[t].string for t in index.tokens_on_line(1)] == ["a", "=", "1", "\n"]
    # Columns 3 to 5 of `bb = 22`: the `=` and the `22` that starts at column 5.
    assert [analysis.tokens[t].string for t in index.tokens_on_line(2, 3, 5)] == ["=", "22"]
    assert index.tokens_on_line(9) == range(0)


def test_a_code_object_links_to_the_def_that_makes_it() -> None:
    analysis = analyze("x = 1\ndef f():\n    return x\n")
    (code,) = [c for c in analysis.code_objects if c.qualname == "f"]
    links = analysis.index.for_code(code.id)
    assert _types(analysis, links.nodes) == ["FunctionDef"]
    assert links.span == Span(2, 0, 3, 12)


def test_instructions_for_node_are_those_for_node_links_in_order() -> None:
    analysis = analyze(b"def f(a):\n    if a:\n        return a + 1\n    return 0\nf(2)\n")
    for node in analysis.nodes:
        links = analysis.index.for_node(node.id)
        expected = sorted({*links.instructions, *links.secondary_instructions})
        assert list(analysis.index.instructions_for_node(node.id)) == expected, node.type
    function = next(n for n in analysis.nodes if n.type == "FunctionDef")
    names = [
        analysis.instructions[i].opname for i in analysis.index.instructions_for_node(function.id)
    ]
    assert "RETURN_VALUE" in names and names.count("COMPARE_OP") == 0


def test_an_analysis_is_freed_by_reference_counting_alone() -> None:
    """The app takes each analysis out of the cycle collector's sight (gc.freeze), so only
    reference counting frees the old one on a reload: the index must hold no reference
    cycle, its caches filled or not (an lru_cache on a method made one: 14 MB per reload)."""
    import gc
    import weakref

    analysis = analyze("".join(f"def f{i}(a):\n    return a + {i}\n" for i in range(20)))
    asked = [analysis.index.instructions_for_node(node.id) for node in analysis.nodes]
    # Past the few answers it keeps, the same answers again.
    assert [analysis.index.instructions_for_node(node.id) for node in analysis.nodes] == asked
    index = weakref.ref(analysis.index)
    gc.disable()
    try:
        del analysis
        assert index() is None
    finally:
        gc.enable()


@pytest.mark.skipif(sys.version_info < (3, 14), reason="deferred annotations are new in 3.14")
def test_an_annotate_function_belongs_to_what_it_annotates() -> None:
    """PEP 649: a module, a class and a function with annotations each get an `__annotate__`
    code object. Each links to its owner, wherever its parent loads it: the module's is loaded
    at the first statement (here a def), a decorated class's at the decorator's line."""
    source = "def g(a: int) -> str:\n    pass\nx: int = 1\n@decorate\nclass P:\n    b: str\n"
    analysis = analyze(source.encode())
    owners = [
        analysis.nodes[node].type if (node := analysis.index.node_for_code(c.id)) else "Module"
        for c in analysis.code_objects
        if c.name == "__annotate__"
    ]
    assert sorted(owners) == ["ClassDef", "FunctionDef", "Module"]
    for code in analysis.code_objects:
        if code.name != "__annotate__":
            continue
        owner = analysis.index.node_for_code(code.id)
        assert owner is not None
        # Its annotations link to their expressions inside the owner.
        loads = [
            analysis.instructions[i]
            for i in code.instruction_ids
            if analysis.instructions[i].argrepr in ("int", "str")
        ]
        assert loads
        for ins in loads:
            node = analysis.index.node_for_instruction(ins.id)
            assert node is not None and analysis.nodes[node].type == "Name"
            assert owner == 0 or analysis.nodes[owner].end > node > owner
