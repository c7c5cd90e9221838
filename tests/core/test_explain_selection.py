"""The Explain pane's words as core data: every item of a program explained, true to it."""

from __future__ import annotations

from pathlib import Path

from tui_exec.core import Analysis, analyze
from tui_exec.core.explain.opcodes import opcode_explanation
from tui_exec.core.explain.selection import (
    Piece,
    explain_selection,
    live_code_objects,
    plain_text,
)

DEMOS = Path(__file__).resolve().parents[2] / "demo_scripts"


def _analysis(name: str) -> Analysis:
    path = DEMOS / name
    return analyze(path.read_bytes(), str(path))


def test_every_instruction_is_explained_with_its_own_words_and_stacks() -> None:
    analysis = _analysis("classic.py")
    codes = live_code_objects(analysis)
    assert len(codes) == len(analysis.code_objects)
    for ins in analysis.instructions:
        links = analysis.index.for_instruction(ins.id)
        paragraphs = explain_selection(analysis, "instruction", ins.id, links, codes=codes)
        text = plain_text(paragraphs)
        assert text.startswith(f"Instruction {ins.opname} @{ins.offset} in ")
        words = opcode_explanation(ins.opname)
        assert words is not None and words.summary in text
        assert "value stack before: " in text or "never reached" in text
        for paragraph in paragraphs:
            assert all(isinstance(piece, Piece) and piece.text for piece in paragraph)


def test_an_argument_marks_the_table_entry_it_reads() -> None:
    analysis = _analysis("classic.py")
    codes = live_code_objects(analysis)
    load = next(i for i in analysis.instructions if i.opname == "STORE_NAME")  # co_names
    links = analysis.index.for_instruction(load.id)
    paragraphs = explain_selection(analysis, "instruction", load.id, links, codes=codes)
    marked = [piece.text for p in paragraphs for piece in p if piece.style == "mark"]
    assert marked and marked[0].startswith(f"{load.arg}: ")


def test_tokens_nodes_code_objects_and_a_blank_point() -> None:
    analysis = _analysis("classic.py")
    codes = live_code_objects(analysis)
    token = next(t for t in analysis.tokens if t.type == "NAME")
    text = plain_text(
        explain_selection(analysis, "token", token.id, analysis.index.for_token(token.id))
    )
    assert text.startswith(f"Token {token.string!r} at ") and "AST node " in text
    text = plain_text(
        explain_selection(analysis, "code", 0, analysis.index.for_code(0), codes=codes)
    )
    assert text.startswith("Code object <module>") and "flags: " in text
    nothing = explain_selection(analysis, "source", (1, 0), analysis.index.at(10_000, 0))
    assert plain_text(nothing) == "Nothing here to explain."


def test_a_program_that_does_not_compile_has_no_code_objects_to_read() -> None:
    analysis = analyze(b"x = (\n", "broken.py")
    assert live_code_objects(analysis) == []
