"""The static value stack: labels written by hand, depths checked against dis.stack_effect."""

from __future__ import annotations

import ast
import dis
import sys

import pytest

from tests.core.reference import NEVER_JUMPS, NO_FALL_THROUGH
from tui_exec.core import Analysis, Span, analyze
from tui_exec.core.stack import exception_table, pops_pushes, stack_after, stack_before

V = sys.version_info[:2]
CALLABLE = ["print", "NULL"] if V >= (3, 13) else ["NULL", "print"]
# 3.15 keeps an index (or NULL) above a loop's iterator.
ITERATOR = ["index or NULL"] if V >= (3, 15) else []
# 3.14 finds __exit__ with LOAD_SPECIAL, which keeps the manager beside it as its self.
EXIT = ["with-block exit", "m"] if V >= (3, 14) else ["with-block exit"]


def texts(analysis: Analysis, opname: str, nth: int = 0) -> list[str] | None:
    ids = [ins.id for ins in analysis.instructions if ins.opname == opname]
    stack = stack_before(analysis, ids[nth])
    return None if stack is None else [entry.text for entry in stack]


def test_print_x_plus_y() -> None:
    analysis = analyze("print(x + y)\n")
    assert texts(analysis, "BINARY_OP") == [*CALLABLE, "x", "y"]
    binop = next(i for i in analysis.instructions if i.opname == "BINARY_OP")
    after = stack_after(analysis, binop.id)
    assert after is not None
    assert [e.text for e in after] == [*CALLABLE, "x + y"]
    assert texts(analysis, "POP_TOP") == ["print(x + y)"]


def test_joins_label_the_whole_expression() -> None:
    analysis = analyze("v = a if c else b\nw = a or b\n")
    assert texts(analysis, "STORE_NAME", 0) == ["a if c else b"]
    assert texts(analysis, "STORE_NAME", 1) == ["a or b"]


def test_constants_the_compiler_added_are_named_by_their_value() -> None:
    # An import's level and fromlist, a function's defaults and code, an implicit `return
    # None`: no expression wrote them, so the source text under their position is not theirs.
    analysis = analyze("import os\ndef g(a=1, b=2):\n    pass\nprint(os)\n")
    assert texts(analysis, "IMPORT_NAME") == ["0", "None"]
    assert texts(analysis, "MAKE_FUNCTION") == ["(1, 2)", "code of g"]
    module_return = next(
        i for i in analysis.instructions if i.code == 0 and i.opname.startswith("RETURN_")
    )
    stack = stack_before(analysis, module_return.id)
    assert stack is not None and [e.text for e in stack] == (
        [] if module_return.opname == "RETURN_CONST" else ["None"]
    )
    # A constant the compiler folded keeps the expression it came from.
    assert texts(analysis := analyze("v = 2 * 3\n"), "STORE_NAME") == ["2 * 3"]


def test_for_loop_iterator() -> None:
    analysis = analyze("for i in items:\n    pass\n")
    assert texts(analysis, "STORE_NAME") == ["iterator of items", *ITERATOR, "next item"]


def test_except_handler_gets_the_exception() -> None:
    analysis = analyze("try:\n    f()\nexcept E:\n    pass\n")
    assert texts(analysis, "PUSH_EXC_INFO") == ["exception"]
    assert texts(analysis, "CHECK_EXC_MATCH") == ["previous exception", "exception", "E"]


def test_the_cleanup_handler_keeps_the_previous_exception() -> None:
    """An error inside ``except`` reaches the handler that restores the exception that was
    being handled before: what it keeps below lasti is that one, not the new one."""
    analysis = analyze("try:\n    f()\nexcept E as e:\n    g(e)\n")
    cleanup = [i for i in analysis.instructions if i.opname == "POP_EXCEPT"][-1]
    stack = stack_before(analysis, cleanup.id - 1)  # the COPY 3 that opens the handler
    assert stack is not None
    assert [entry.text for entry in stack] == ["previous exception", "lasti", "exception"]


def test_with_block_exit() -> None:
    analysis = analyze("with m as w:\n    pass\n")
    assert texts(analysis, "STORE_NAME") == [*EXIT, "result of entering m"]


def test_chained_comparison_copies_and_swaps() -> None:
    analysis = analyze("r = a < b < c\n")
    assert texts(analysis, "SWAP") == ["a", "b"]
    assert texts(analysis, "COPY") == ["b", "a"]
    assert texts(analysis, "COMPARE_OP", 0) == ["b", "a", "b"]


def test_generator_resumes_with_the_sent_value() -> None:
    analysis = analyze("def g():\n    yield 1\n")
    ins = next(i for i in analysis.instructions if i.opname == "RETURN_GENERATOR")
    assert texts(analysis, "RETURN_GENERATOR") == []
    nxt = analysis.instructions[ins.id + 1]
    assert nxt.opname == "POP_TOP"
    stack = stack_before(analysis, nxt.id)
    assert stack is not None and [e.text for e in stack] == ["sent value"]


def test_the_last_instruction_is_reached_by_falling_through() -> None:
    """``x = 1``: the module ends with RETURN_VALUE of the None just loaded (3.11), or
    RETURN_CONST None (3.12+), which pops nothing."""
    analysis = analyze("x = 1\n")
    last = analysis.instructions[analysis.code_objects[0].end_instruction - 1]
    stack = stack_before(analysis, last.id)
    assert stack is not None
    assert len(stack) == (1 if last.opname == "RETURN_VALUE" else 0)


def test_unreachable_code_has_no_stack() -> None:
    analysis = analyze("def f():\n    return 1\n    x = 2\n")
    stores = [i for i in analysis.instructions if i.opname == "STORE_FAST"]
    for ins in stores:  # CPython may drop dead code; whatever it keeps is unreachable
        assert stack_before(analysis, ins.id) is None


def test_exception_table_matches_dis() -> None:
    code = compile("try:\n    f()\nexcept E:\n    g()\n", "<s>", "exec")
    ours = exception_table(code)
    theirs = dis.Bytecode(code).exception_entries  # type: ignore[attr-defined]
    assert ours
    assert [tuple(e) for e in ours] == [
        (e.start, e.end, e.target, e.depth, e.lasti) for e in theirs
    ]


def test_pops_minus_pushes_is_stack_effect_for_common_opcodes() -> None:
    """Every opcode and argument in a sample of the stdlib (3.11's PRECALL/CALL split their
    effect differently from what runs: checked as a pair)."""
    import typing

    assert typing.__file__ is not None
    with open(typing.__file__, "rb") as f:
        analysis = analyze(f.read())
    for ins in analysis.instructions:
        opcode = dis.opmap[ins.opname]
        arg = ins.arg if opcode >= dis.HAVE_ARGUMENT else None
        pops, pushes = pops_pushes(ins.opname, ins.arg)
        effect = dis.stack_effect(opcode, arg, jump=False)
        if V == (3, 11) and ins.opname == "PRECALL":
            assert effect == -(ins.arg or 0)
            continue
        if V == (3, 11) and ins.opname == "CALL":
            effect -= ins.arg or 0
        assert pushes - pops == effect, ins.opname


@pytest.mark.skipif(V < (3, 13), reason="superinstructions are in co_code from 3.13")
def test_a_superinstructions_second_name_is_never_taken_from_outside_its_comprehension() -> None:
    """``[b for _ in a]`` (inlined, 3.13): STORE_FAST_LOAD_FAST stores ``_`` and loads the
    ``b`` at 2:9. The next ``b`` after ``_`` in the source, on line 3, is another load."""
    analysis = analyze("def f(a, b):\n    c = [b for _ in a]\n    return a, b\n")
    ins = next(i for i in analysis.instructions if i.opname == "STORE_FAST_LOAD_FAST")
    assert ins.operands == ("_", "b")
    after = stack_after(analysis, ins.id)
    assert after is not None
    assert after[-1].text == "b"
    assert after[-1].span in (None, Span(2, 9, 2, 10))


def _around(analysis: Analysis, opname: str) -> tuple[list[str], list[str]]:
    ins = next(i for i in analysis.instructions if i.opname == opname)
    before, after = stack_before(analysis, ins.id), stack_after(analysis, ins.id)
    assert before is not None and after is not None
    return [e.text for e in before], [e.text for e in after]


def test_opcodes_that_leave_some_inputs_in_place() -> None:
    """From CPython's instruction docs: CHECK_EXC_MATCH keeps the exception and pushes
    whether it matches; WITH_EXCEPT_START keeps its four inputs and pushes the exit call's
    result; SEND keeps the iterator and pushes the value it produced."""
    before, after = _around(analyze("try:\n    f()\nexcept E:\n    pass\n"), "CHECK_EXC_MATCH")
    assert after == [*before[:-1], "exception matches?"]
    before, after = _around(analyze("with m:\n    pass\n"), "WITH_EXCEPT_START")
    kept = len(EXIT) + 3  # the exit (and its self), lasti, the previous exception, the exception
    assert len(before) == kept and after[:kept] == before and len(after) == kept + 1
    before, after = _around(analyze("def g():\n    yield from x\n"), "SEND")
    assert after == [*before[:-1], "sent value"] and len(before) == 2 + len(ITERATOR)


def test_pops_minus_pushes_is_stack_effect_for_every_opcode() -> None:
    """Every real opcode of the running version (instrumented and pseudo ones aside), with
    arguments that exercise each flag bit (BUILD_SLICE takes only 2 or 3)."""
    skipped = {"RESERVED", "ENTER_EXECUTOR", "INSTRUMENTED_INSTRUCTION", "INSTRUMENTED_LINE"}
    checked = 0
    for name, opcode in sorted(dis.opmap.items()):
        if name in skipped or name.startswith("INSTRUMENTED_") or opcode >= 256:
            continue  # 256 and up: pseudo-instructions the compiler replaces (3.12+)
        if V == (3, 11) and name == "PRECALL":
            continue  # 3.11's PRECALL/CALL split their effect: see the test above
        if opcode < dis.HAVE_ARGUMENT:
            args: tuple[int | None, ...] = (None,)
        elif name == "BUILD_SLICE":
            args = (2, 3)
        else:
            args = (0, 1, 2, 3, 4, 5, 7, 8, 15, 0x102)
        for arg in args:
            effect = dis.stack_effect(opcode, arg, jump=False)
            if V == (3, 11) and name == "CALL":
                effect -= arg or 0
            pops, pushes = pops_pushes(name, arg)
            assert pushes - pops == effect, (name, arg)
            checked += 1
    assert checked > 300


def test_pseudo_opcodes_the_table_knows_have_their_stack_effect() -> None:
    """The compiler's pseudo-instructions (3.12+: JUMP, LOAD_METHOD...) never reach a code
    object, but the Explain pane says what they do to the stack too."""
    checked = 0
    for name, opcode in sorted(dis.opmap.items()):
        if opcode < 256:
            continue
        try:
            effect = dis.stack_effect(opcode, 0, jump=False)
        except ValueError:  # 3.12: POP_BLOCK and the SETUPs take no argument
            effect = dis.stack_effect(opcode, jump=False)
        try:
            pops, pushes = pops_pushes(name, 0)
        except KeyError:
            continue
        assert pushes - pops == effect, name
        checked += 1
    assert checked >= (4 if V >= (3, 12) else 0)


@pytest.mark.slow
def test_depths_follow_stack_effect_on_the_stdlib() -> None:
    """Fall-through and jump edges change the depth by dis.stack_effect; never past
    co_stacksize. (Every 4th file keeps the test well under two minutes.)"""
    from tests.core.stdlib_files import stdlib_files
    from tui_exec.core.bytecode import walk_code

    for path in stdlib_files()[::4]:
        analysis = analyze(path.read_bytes())
        if not analysis.compiled or analysis.module_code is None:
            continue
        codes = walk_code(analysis.module_code)
        for code_object in analysis.code_objects:
            size = codes[code_object.id][0].co_stacksize
            rows = analysis.instructions[
                code_object.first_instruction : code_object.end_instruction
            ]
            at = {ins.offset: ins for ins in rows}
            for ins, nxt in zip(rows, [*rows[1:], None], strict=True):
                stack = stack_before(analysis, ins.id)
                if stack is None:
                    continue
                assert len(stack) <= size, (path, ins)
                opcode = dis.opmap[ins.opname]
                arg = ins.arg if opcode >= dis.HAVE_ARGUMENT else None
                if ins.jump_target is not None and ins.opname not in NEVER_JUMPS:
                    target = stack_before(analysis, at[ins.jump_target].id)
                    assert target is not None
                    effect = dis.stack_effect(opcode, arg, jump=True)
                    assert len(target) == len(stack) + effect, (path, ins)
                if (
                    nxt is None
                    or ins.opname in NO_FALL_THROUGH
                    or (V == (3, 11) and ins.opname == "PRECALL")
                ):
                    continue
                following = stack_before(analysis, nxt.id)
                assert following is not None
                effect = dis.stack_effect(opcode, arg, jump=False)
                if ins.opname == "RETURN_GENERATOR" and V < (3, 13):
                    effect += 1
                if V == (3, 11) and ins.opname == "CALL":
                    effect -= ins.arg or 0
                assert len(following) == len(stack) + effect, (path, ins)


def _at(node: ast.expr) -> tuple[Span, bool]:
    """The node's span, and whether an entry may carry a part of it: a branch of an IfExp
    or BoolOp (the compiler copies what follows into each branch), or the one field of an
    f-string with a single field (labelled with the field, not the quotes), or a
    ``'%s' % (x,)`` the compiler rewrites into an f-string."""
    single_field = isinstance(node, ast.JoinedStr) and len(node.values) == 1
    percent = (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    )
    return _span(node), single_field or percent or isinstance(node, ast.IfExp | ast.BoolOp)


def _span(node: ast.expr | ast.stmt) -> Span:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return Span(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def _operands(tree: ast.AST) -> dict[tuple[str, Span, str], tuple[tuple[Span, bool], ...]]:
    """What ``ast`` says sits on top of the stack under each checked instruction, keyed by
    (kind, span of the node the instruction carries, stored name)."""
    found: dict[tuple[str, Span, str], tuple[tuple[Span, bool], ...]] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp):
            found["BINARY_OP", _span(n), ""] = (_at(n.left), _at(n.right))
        elif isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ORDERING):
            found["COMPARE_OP", _span(n), ""] = (_at(n.left), _at(n.comparators[0]))
        elif isinstance(n, ast.Assign) and len(n.targets) == 1:
            target = n.targets[0]
            if isinstance(target, ast.Name):
                found["STORE", _span(target), target.id] = (_at(n.value),)
        elif isinstance(n, ast.Return) and n.value is not None:
            value = n.value
            folded = isinstance(value, ast.BoolOp) and any(
                isinstance(v, ast.Constant) for v in value.values
            )
            if not folded:  # `return True and x` compiles to `return x`
                found["RETURN_VALUE", _span(n), ""] = (_at(value),)
    return found


ORDERING = (ast.Lt, ast.Gt, ast.LtE, ast.GtE, ast.Eq, ast.NotEq)
STORES = {"STORE_NAME", "STORE_FAST", "STORE_GLOBAL", "STORE_DEREF"}


@pytest.mark.slow
def test_entries_are_the_asts_operands_on_the_stdlib() -> None:
    """Under BINARY_OP and COMPARE_OP their node's operands, under a one-name assignment's
    STORE its value, under RETURN_VALUE the returned expression (ASCII files: ast columns
    are bytes). Every 4th file keeps it under two minutes."""
    from tests.core.stdlib_files import stdlib_files

    checked = unplaced = 0
    for path in stdlib_files()[::4]:
        data = path.read_bytes()
        if not data.isascii():
            continue
        try:
            tree = ast.parse(data)
        except SyntaxError:
            continue
        expected = _operands(tree)
        analysis = analyze(data)
        for ins in analysis.instructions:
            kind = "STORE" if ins.opname in STORES else ins.opname
            name = ins.argrepr if kind == "STORE" else ""
            want = expected.get((kind, ins.span, name)) if ins.span else None
            if want is None:
                continue
            stack = stack_before(analysis, ins.id)
            if stack is None:
                continue
            got = tuple(e.span for e in stack[-len(want) :])
            checked += 1
            if None in got:
                unplaced += 1  # a 3.13 superinstruction's second name the index cannot place
                continue
            for have, (span, branchy) in zip(got, want, strict=True):
                # The compiler may copy what follows an IfExp or BoolOp into each branch:
                # each copy then holds one branch, inside the expression.
                assert have == span or (branchy and have is not None and span.contains(have)), (
                    path,
                    ins,
                )
    assert checked > 10_000
    assert unplaced * 1000 < checked
