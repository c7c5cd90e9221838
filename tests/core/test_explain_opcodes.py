"""Every opcode of the running interpreter has a true, home-written explanation."""

from __future__ import annotations

import dis
import opcode
import re
import sys

import pytest

from tui_exec.core import explain as explain_package
from tui_exec.core.explain import opcodes
from tui_exec.core.explain.opcodes import (
    OPCODE_NAMES_COVERED,
    VERSIONS_WRITTEN_FOR,
    opcode_explanation,
    opcode_names,
)

NEWEST = VERSIONS_WRITTEN_FOR[-1]
NEWER = (NEWEST[0], NEWEST[1] + 1)
NO_WORDS = "no words"


def _specialized() -> dict[str, str]:
    """Specialized name -> generic name, as CPython lists them."""
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    return {name: generic for generic, names in table.items() for name in names}


def _takes_argument(op: int) -> bool:
    return op in getattr(dis, "hasarg", range(dis.HAVE_ARGUMENT, 256))


def test_every_opcode_of_this_interpreter_is_explained_in_our_words() -> None:
    missing = []
    for name in set(dis.opmap) | set(_specialized()):
        text = opcode_explanation(name)
        if (
            text is None
            or not text.summary.strip()
            or not text.stack.strip()
            or NO_WORDS in text.summary
        ):
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
    assert opcode_names(sys.version_info[:2]) == here
    for name in OPCODE_NAMES_COVERED - here:
        assert opcode_explanation(name) is None, name
        assert opcode_explanation(name, sys.version_info[:2]) is None


def test_the_tables_for_this_version_hold_exactly_its_names() -> None:
    """Asked as another version would be (the tables alone), this version's names come out."""
    here = set(dis.opmap) | set(_specialized())
    minor = sys.version_info[1]
    found = {n for n in OPCODE_NAMES_COVERED if opcodes._from_tables(n, (3, minor), minor)}
    assert found == here


def test_names_missing_from_some_version_say_so() -> None:
    present = {version: opcode_names(version) for version in VERSIONS_WRITTEN_FOR}
    for name in OPCODE_NAMES_COVERED:
        where = [version for version in present if name in present[version]]
        assert where, name
        for version in where:
            text = opcode_explanation(name, version)
            assert text is not None
            note = text.version_note or ""
            everywhere = len(where) == len(VERSIONS_WRITTEN_FOR)
            assert (not everywhere) == ("only" in note or "new in" in note), (name, version)
            if where[-1] == NEWEST and len(where) < len(VERSIONS_WRITTEN_FOR):
                assert f"new in {where[0][0]}.{where[0][1]}" in note, (name, version)


def test_version_specific_facts() -> None:
    assert opcode_explanation("PRECALL", (3, 11)) is not None
    assert opcode_explanation("PRECALL", (3, 12)) is None
    assert opcode_explanation("TO_BOOL", (3, 12)) is None
    note = opcode_explanation("LOAD_FAST_LOAD_FAST", (3, 13))
    assert note is not None and note.version_note and "new in 3.13" in note.version_note
    cmp12 = opcode_explanation("COMPARE_OP", (3, 12))
    assert cmp12 is not None and cmp12.argument and ">> 4" in cmp12.argument
    assert opcode_explanation("BINARY_SUBSCR", (3, 14)) is None
    assert opcode_explanation("LOAD_CONST_IMMORTAL", (3, 15)) is None


def test_changed_behaviour_is_told_where_this_interpreter_shows_it() -> None:
    """Each note is checked against what the running interpreter does, not against a list."""
    load_const = opcode_explanation("LOAD_CONST")
    assert load_const is not None
    assert ("LOAD_SMALL_INT" in (load_const.version_note or "")) == ("LOAD_SMALL_INT" in dis.opmap)
    binary = opcode_explanation("BINARY_OP")
    assert binary is not None
    has_subscript = any(symbol == "[]" for _, symbol in dis._nb_ops)  # type: ignore[attr-defined]
    assert ("subscript" in (binary.version_note or "")) == has_subscript
    assert (opcode_explanation("BINARY_SUBSCR") is None) == has_subscript
    for name in ("FOR_ITER", "END_FOR"):
        text = opcode_explanation(name)
        if text is not None and name in dis.opmap:
            assert ("POP_ITER" in text.summary) == ("POP_ITER" in dis.opmap), name
    get_iter = opcode_explanation("GET_ITER")
    for_iter = opcode_explanation("FOR_ITER")
    assert get_iter is not None and for_iter is not None
    two_entries = dis.stack_effect(dis.opmap["GET_ITER"], 0 if "GET_ITER" in _arg_names() else None)
    assert get_iter.pushes == two_entries + 1
    assert ("two stack entries" in (for_iter.version_note or "")) == (two_entries == 1)
    ex = opcode_explanation("CALL_FUNCTION_EX")
    assert ex is not None
    assert (ex.argument is None) == (not _takes_argument(dis.opmap["CALL_FUNCTION_EX"]))


def _arg_names() -> set[str]:
    return {name for name, op in dis.opmap.items() if _takes_argument(op)}


def test_tables_of_numbers_match_the_interpreter() -> None:
    intrinsic_1 = getattr(dis, "_intrinsic_1_descs", None)
    if intrinsic_1 is not None:
        text = opcode_explanation("CALL_INTRINSIC_1")
        assert text is not None and text.argument is not None
        assert "dis._intrinsic_1_descs" in text.argument
        for index, words in ((3, "StopIteration"), (5, "`+x`"), (6, "list to tuple")):
            assert re.search(rf"\b{index} [^,]*{re.escape(words)}", text.argument), words
        assert intrinsic_1[3].endswith("STOPITERATION_ERROR")
        assert intrinsic_1[5].endswith("UNARY_POSITIVE")
        assert intrinsic_1[6].endswith("LIST_TO_TUPLE")
        assert dis._intrinsic_2_descs[1].endswith("PREP_RERAISE_STAR")  # type: ignore[attr-defined]
    common = getattr(dis, "_common_constants", None)
    if common is not None:
        text = opcode_explanation("LOAD_COMMON_CONSTANT")
        assert text is not None and text.argument is not None
        listed = re.findall(r"\b(\d+) ", text.argument)
        assert [int(i) for i in listed] == list(range(len(common)))
        for index, value in enumerate(common):
            shown = getattr(value, "__name__", None) or repr(value)
            assert f"{index} {shown}" in text.argument, shown
    special = getattr(dis, "_special_method_names", None)
    if special is not None:
        text = opcode_explanation("LOAD_SPECIAL")
        assert text is not None and text.argument is not None
        for index, method in enumerate(special):
            assert f"{index} {method}" in text.argument
    flags: tuple[str, ...] = tuple(
        getattr(dis, "FUNCTION_ATTR_FLAGS", ()) or getattr(dis, "MAKE_FUNCTION_FLAGS", ())
    )
    if "SET_FUNCTION_ATTRIBUTE" in dis.opmap:
        text = opcode_explanation("SET_FUNCTION_ATTRIBUTE")
        assert text is not None and text.argument is not None
        numbers = {int(n) for n in re.findall(r"\b(\d+) ", text.argument)}
        assert numbers == {1 << bit for bit in range(len(flags))}


def test_versions_outside_the_written_range_are_flagged() -> None:
    assert opcode_explanation("NOP", (3, 10)) is None
    newer = opcode_explanation("NOP", NEWER)
    assert newer is not None and newer.version_note
    assert f"{NEWER[0]}.{NEWER[1]} may differ" in newer.version_note
    assert f"3.11 to {NEWEST[0]}.{NEWEST[1]}" in newer.version_note
    # A newer version reads the newest texts, for every name they have.
    for name in opcode_names(NEWEST):
        text = opcode_explanation(name, NEWER)
        expected = opcode_explanation(name, NEWEST)
        assert text is not None and expected is not None, name
        assert (text.summary, text.stack, text.argument) == (
            expected.summary,
            expected.stack,
            expected.argument,
        )


def test_fixed_pops_and_pushes_agree_with_dis_stack_effect() -> None:
    checked = 0
    for name, op in dis.opmap.items():
        text = opcode_explanation(name)
        assert text is not None
        if text.pops is None or text.pushes is None or op >= 256:
            continue
        arg = 0 if _takes_argument(op) else None
        assert dis.stack_effect(op, arg) == text.pushes - text.pops, name
        checked += 1
    assert checked > 60


def test_argument_is_explained_exactly_when_the_opcode_takes_one() -> None:
    wrong = []
    for name, op in dis.opmap.items():
        if op >= 256 or name.startswith("INSTRUMENTED_"):
            continue  # pseudo: no encoding; instrumented: the table does not follow the original
        text = opcode_explanation(name)
        assert text is not None
        if (text.argument is not None) != _takes_argument(op):
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
    topics: dict[str, str] = {}
    try:
        import pydoc_data.topics as pydoc_topics

        topics = dict(pydoc_topics.topics)
    except ImportError:  # pragma: no cover - stripped installs
        pass
    texts += list(topics.values())
    runs: set[tuple[str, ...]] = set()
    for text in texts:
        words = _words(text)
        runs.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return runs


@pytest.mark.parametrize("version", VERSIONS_WRITTEN_FOR)
def test_no_text_is_copied_from_cpython_docs(version: tuple[int, int]) -> None:
    runs = _reference_runs(8)
    copied = []
    for name in sorted(opcode_names(version)):
        text = opcode_explanation(name, version)
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
    for index, (_, symbol) in enumerate(nb_ops):
        if 13 <= index <= 25:  # the augmented forms, told as one range
            assert nb_ops[index][1] == nb_ops[index - 13][1] + "="
            continue
        assert re.search(rf"\b{index} {re.escape(symbol)}([,;]|$)", binary.argument), symbol
    assert nb_ops[13][1] == "+=" and "13 is +=" in binary.argument
    numbers = {int(n) for n in re.findall(r"\b(\d+) \S", binary.argument)}
    assert max(numbers) == len(nb_ops) - 1
    for index, symbol in enumerate(dis.cmp_op):
        assert re.search(rf"\b{index} {re.escape(symbol)}[,)]", compare.argument), symbol


def test_call_convention_differs_where_cpython_changed_it() -> None:
    old = opcode_explanation("LOAD_GLOBAL", (3, 12))
    assert old is not None
    assert old.stack.index("NULL") < old.stack.index("value")
    for version in VERSIONS_WRITTEN_FOR[2:]:
        new = opcode_explanation("LOAD_GLOBAL", version)
        assert new is not None
        assert new.stack.index("value") < new.stack.index("NULL")


# -- names the tables lack: a newer Python's, or a table that lost one ----------------------


def _add_opname(monkeypatch: pytest.MonkeyPatch, name: str, op: int) -> None:
    """Pretend the interpreter has one more opcode name (3.15's opmap cannot be changed)."""
    monkeypatch.setattr(dis, "opmap", {**dis.opmap, name: op})


def _assert_fallback(name: str, version: tuple[int, int] | None = None) -> str:
    text = opcode_explanation(name, version)
    assert text is not None, name
    assert NO_WORDS in text.summary, text.summary
    assert text.stack and text.pops is None and text.pushes is None
    return text.render()


def test_a_name_the_tables_lack_is_told_from_the_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(opcodes._GENERIC, "LOAD_CONST")
    shown = _assert_fallback("LOAD_CONST")
    assert "co_consts" in shown and "+1" in shown
    assert f"Python {sys.version_info[0]}.{sys.version_info[1]}" in shown
    other = (3, 11) if sys.version_info[:2] != (3, 11) else (3, 12)
    assert opcode_explanation("LOAD_CONST", other) is None  # other versions: tables only
    # A specialized form whose generic lost its words still names it.
    name, generic = next(iter(_specialized().items()))
    monkeypatch.setattr(opcodes, "_SPECIAL", {})
    monkeypatch.delitem(opcodes._GENERIC, generic)
    _assert_fallback(name)
    special = opcode_explanation(name)
    assert special is not None and special.specialized_from == generic and special.assumes


def test_a_fake_opcode_name_says_it_has_no_words(monkeypatch: pytest.MonkeyPatch) -> None:
    _add_opname(monkeypatch, "FAKE_NEW_OP", dis.opmap["NOP"])
    shown = _assert_fallback("FAKE_NEW_OP")
    assert "+0" in shown
    assert "FAKE_NEW_OP" in opcode_names()
    _add_opname(monkeypatch, "FAKE_NUMBER", 299)  # no such number: dis cannot say
    shown = _assert_fallback("FAKE_NUMBER")
    assert "cannot" in shown and "pseudo-instruction" in shown
    found = dict(explain_package.explain("FAKE_NEW_OP"))
    assert NO_WORDS in found["opcode"]
    assert "FAKE_NEW_OP" in explain_package.all_explanations()["opcodes"]


def test_a_fake_specialized_name_names_its_generic(monkeypatch: pytest.MonkeyPatch) -> None:
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    generic = "BINARY_OP" if "BINARY_OP" in table else next(iter(table))
    patched = {key: tuple(names) for key, names in table.items()}
    patched[generic] = (*patched[generic], f"{generic}_FAKE")
    monkeypatch.setattr(opcode, "_specializations", patched)
    monkeypatch.setattr(dis, "_specializations", patched, raising=False)
    _assert_fallback(f"{generic}_FAKE")
    text = opcode_explanation(f"{generic}_FAKE")
    assert text is not None and text.specialized_from == generic and text.assumes
    units = sum(getattr(opcode, "_cache_format", {}).get(generic, {}).values())
    assert (f"inline cache of {units}" in (text.version_note or "")) == bool(units)


def test_a_newer_python_reads_the_newest_texts_and_says_what_it_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(opcodes, "_running", lambda: NEWER)
    _add_opname(monkeypatch, "FAKE_NEW_OP", dis.opmap["NOP"])
    here = set(dis.opmap) | set(_specialized())
    assert opcode_names() == here
    nop = opcode_explanation("NOP")
    assert nop is not None and nop.version_note
    assert f"{NEWER[0]}.{NEWER[1]} may differ" in nop.version_note
    shown = _assert_fallback("FAKE_NEW_OP")
    assert f"new in Python {NEWER[0]}.{NEWER[1]}" in shown
    # A name the newest tables have but this (pretend) interpreter lacks is not claimed.
    newest_only = sorted(opcode_names(NEWEST) - here)
    for name in newest_only:
        assert opcode_explanation(name) is None
    for name in sorted(here):
        text = opcode_explanation(name)
        assert text is not None and text.render(), name
    assert explain_package.explain("FAKE_NEW_OP")
