"""Every opcode of the running interpreter has a true, home-written explanation."""

from __future__ import annotations

import dis
import opcode
import re
import sys

import pytest

from tui_exec.core.explain.opcodes import OPCODE_NAMES_COVERED, opcode_explanation, opcode_names


def _specialized() -> dict[str, str]:
    """Specialized name -> generic name, as CPython lists them."""
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    return {name: generic for generic, names in table.items() for name in names}


def test_every_opcode_of_this_interpreter_is_explained() -> None:
    missing = []
    for name in set(dis.opmap) | set(_specialized()):
        text = opcode_explanation(name)
        if text is None or not text.summary.strip() or not text.stack.strip():
            missing.append(name)
    assert missing == []


def test_specialized_names_name_their_generic_opcode() -> None:
    for name, generic in _specialized().items():
        text = opcode_explanation(name)
        assert text is not None
        assert text.specialized_from == generic, name
        assert text.assumes


def test_names_of_other_versions_are_not_claimed() -> None:
    here = set(dis.opmap) | set(_specialized())
    assert opcode_names() == here
    for name in OPCODE_NAMES_COVERED - here:
        assert opcode_explanation(name) is None, name
        assert opcode_explanation(name, sys.version_info[:2]) is None


def test_names_missing_from_some_version_say_so() -> None:
    present = {minor: opcode_names((3, minor)) for minor in (11, 12, 13)}
    for name in OPCODE_NAMES_COVERED:
        where = [minor for minor in present if name in present[minor]]
        assert where, name
        for minor in where:
            text = opcode_explanation(name, (3, minor))
            assert text is not None
            note = text.version_note or ""
            assert (len(where) < 3) == ("only" in note or "new in" in note), (name, minor)


def test_version_specific_facts() -> None:
    assert opcode_explanation("PRECALL", (3, 11)) is not None
    assert opcode_explanation("PRECALL", (3, 12)) is None
    assert opcode_explanation("TO_BOOL", (3, 12)) is None
    note = opcode_explanation("LOAD_FAST_LOAD_FAST", (3, 13))
    assert note is not None and note.version_note and "3.13" in note.version_note
    cmp12 = opcode_explanation("COMPARE_OP", (3, 12))
    assert cmp12 is not None and cmp12.argument and ">> 4" in cmp12.argument


def test_versions_outside_the_written_range_are_flagged() -> None:
    assert opcode_explanation("NOP", (3, 10)) is None
    newer = opcode_explanation("NOP", (3, 14))
    assert newer is not None and newer.version_note and "3.14 may differ" in newer.version_note


def test_fixed_pops_and_pushes_agree_with_dis_stack_effect() -> None:
    checked = 0
    for name, op in dis.opmap.items():
        text = opcode_explanation(name)
        assert text is not None
        if text.pops is None or text.pushes is None or op >= 256:
            continue
        arg = 0 if op >= dis.HAVE_ARGUMENT else None
        assert dis.stack_effect(op, arg) == text.pushes - text.pops, name
        checked += 1
    assert checked > 60


def test_argument_is_explained_exactly_when_the_opcode_takes_one() -> None:
    takes_arg = set(getattr(dis, "hasarg", range(dis.HAVE_ARGUMENT, 256)))
    wrong = []
    for name, op in dis.opmap.items():
        if op >= 256 or name.startswith("INSTRUMENTED_"):
            continue  # pseudo: no encoding; instrumented: the table does not follow the original
        text = opcode_explanation(name)
        assert text is not None
        if (text.argument is not None) != (op in takes_arg):
            wrong.append(name)
    assert wrong == []


def test_pseudo_instructions_are_called_so() -> None:
    for name, op in dis.opmap.items():
        text = opcode_explanation(name)
        assert text is not None
        says_pseudo = "pseudo-instruction" in (text.version_note or "")
        assert says_pseudo == (op >= 256), name


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9_]*", text.lower())


def _reference_runs(size: int) -> set[tuple[str, ...]]:
    texts = [dis.__doc__ or "", opcode.__doc__ or ""]
    texts += [f.__doc__ or "" for f in vars(dis).values() if callable(f)]
    try:
        from pydoc_data.topics import topics
    except ImportError:  # pragma: no cover - stripped installs
        topics = {}
    texts += list(topics.values())
    runs: set[tuple[str, ...]] = set()
    for text in texts:
        words = _words(text)
        runs.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return runs


@pytest.mark.parametrize("minor", [11, 12, 13])
def test_no_text_is_copied_from_cpython_docs(minor: int) -> None:
    runs = _reference_runs(8)
    copied = []
    for name in sorted(opcode_names((3, minor))):
        text = opcode_explanation(name, (3, minor))
        assert text is not None
        for field in (text.summary, text.stack, text.argument or "", text.assumes or ""):
            words = _words(field)
            if any(tuple(words[i : i + 8]) in runs for i in range(len(words) - 7)):
                copied.append(name)
    assert copied == []


def test_render_shows_the_parts() -> None:
    text = opcode_explanation("BINARY_OP_ADD_INT", (3, 12))
    assert text is not None
    shown = text.render()
    assert "BINARY_OP_ADD_INT" in shown and "BINARY_OP" in shown and "assumes" in shown


def test_operator_tables_match_cpython() -> None:
    binary = opcode_explanation("BINARY_OP")
    compare = opcode_explanation("COMPARE_OP")
    assert binary is not None and binary.argument is not None
    assert compare is not None and compare.argument is not None
    nb_ops: list[tuple[str, str]] = dis._nb_ops  # type: ignore[attr-defined]
    for index, (_, symbol) in enumerate(nb_ops[:13]):
        assert re.search(rf"\b{index} {re.escape(symbol)}[,;]", binary.argument), symbol
    assert nb_ops[13][1] == "+=" and "13 is +=" in binary.argument
    for index, symbol in enumerate(dis.cmp_op):
        assert re.search(rf"\b{index} {re.escape(symbol)}[,)]", compare.argument), symbol


def test_call_convention_differs_where_cpython_changed_it() -> None:
    old = opcode_explanation("LOAD_GLOBAL", (3, 12))
    new = opcode_explanation("LOAD_GLOBAL", (3, 13))
    assert old is not None and new is not None
    assert old.stack.index("NULL") < old.stack.index("value")
    assert new.stack.index("value") < new.stack.index("NULL")
