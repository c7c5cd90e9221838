"""Decoding and line splitting as CPython does them; byte columns converted to characters."""

from __future__ import annotations

from tui_exec.core import Span, analyze
from tui_exec.core.source import Source, decode


def test_lines_split_only_on_newlines_not_form_feed_or_unicode_separators() -> None:
    source = Source.from_text("a = 1\x0c\x1c\u2028 # c\r\nb = 2\rc = 3\n")
    assert source.lines == ("a = 1\x0c\x1c\u2028 # c", "b = 2", "c = 3")
    assert source.offset(2, 0) == source.text.index("b")
    assert source.offset(3, 0) == source.text.index("c =")


def test_offsets_outside_the_lines() -> None:
    """Line 0 (CPython's synthetic module line) sits before the text, so its columns count
    from offset 0; a line before it is clamped to 0; past the last line, from the end."""
    source = Source.from_text("ab\ncd\n")
    assert [source.offset(0, 0), source.offset(0, 3), source.offset(-1, 3)] == [0, 3, 0]
    assert [source.offset(1, 1), source.offset(2, 1), source.offset(3, 2)] == [1, 4, 8]


def test_byte_columns_become_character_columns() -> None:
    line = 'x = "é" + 中文 + "😀"'
    source = Source.from_text(line + "\n")
    encoded = line.encode()
    for char_col, char in enumerate(line):
        byte_col = len(line[:char_col].encode())
        assert source.char_col(1, byte_col) == char_col, char
    assert source.char_col(1, len(encoded)) == len(line)
    # Past the end (a position on the newline, or beyond it): one character per byte.
    assert source.char_col(1, len(encoded) + 1) == len(line) + 1
    assert source.char_col(1, len(encoded) + 3) == len(line) + 3


def test_nodes_and_instructions_use_character_spans_on_non_ascii_lines() -> None:
    text = 's = "éé"; 中文 = "😀"; x = 中文 + s\n'
    analysis = analyze(text.encode())
    names = {n.detail: n.span for n in analysis.nodes if n.type == "Name"}
    assert names["'x' Store"] == Span(1, 20, 1, 21)
    assert names["'中文' Load"] == Span(1, 24, 1, 26)
    emoji = next(n for n in analysis.nodes if n.type == "Constant" and "😀" in n.detail)
    assert emoji.span == Span(1, 15, 1, 18)
    binop = next(i for i in analysis.instructions if i.opname.startswith("BINARY_OP"))
    assert binop.span == Span(1, 24, 1, 30)
    assert text[binop.span.start_col : binop.span.end_col] == "中文 + s"


def test_latin1_cookie_columns_count_the_utf8_reencoding() -> None:
    data = '# -*- coding: latin-1 -*-\nx = "été" + y\n'.encode("latin-1")
    analysis = analyze(data)
    assert analysis.source.encoding == "iso-8859-1"
    y = next(n for n in analysis.nodes if n.detail == "'y' Load")
    assert y.span == Span(2, 12, 2, 13)  # ast says byte column 14
    load_y = next(i for i in analysis.instructions if i.argrepr == "y")
    assert load_y.span == Span(2, 12, 2, 13)


def test_bom_is_stripped_and_columns_count_after_it() -> None:
    analysis = analyze(b"\xef\xbb\xbf" + "x = 'é'; y = 1\n".encode())
    assert analysis.source.has_bom
    assert analysis.source.lines[0].startswith("x")
    assert analysis.errors == ()
    y = next(n for n in analysis.nodes if n.detail == "'y' Store")
    assert y.span == Span(1, 9, 1, 10)  # ast says byte column 10


def test_crlf_tabs_and_form_feeds_keep_columns() -> None:
    analysis = analyze(b"if 1:\r\n\tx = 1\r\n\x0cy = 2\r\n")
    assert analysis.errors == ()
    x = next(n for n in analysis.nodes if n.detail == "'x' Store")
    assert x.span == Span(2, 1, 2, 2)
    y = next(n for n in analysis.nodes if n.detail == "'y' Store")
    assert y.span == Span(3, 1, 3, 2)
    assert analysis.source.lines == ("if 1:", "\tx = 1", "\x0cy = 2")


def test_empty_and_comment_only_files() -> None:
    for data in (b"", b"# only a comment\n", b"\n\n"):
        analysis = analyze(data)
        assert analysis.errors == ()
        assert [n.type for n in analysis.nodes] == ["Module"]
        assert analysis.code_objects[0].qualname == "<module>"
        assert analysis.tokens[-1].type == "ENDMARKER"


def test_undecodable_bytes_are_a_syntax_error_at_their_place_and_shown_escaped() -> None:
    source, problem = decode(b"x = 1\ny = '\xff'\n")
    assert problem is not None
    # CPython: "SyntaxError: Non-UTF-8 code starting with '\xff' in file ... on line 2".
    assert problem.type == "SyntaxError"
    assert problem.message.startswith("Non-UTF-8 code starting with '\\xff' on line 2")
    assert source.lines[1] == "y = '\\xff'"  # the byte shows as its escape, 4 characters
    assert problem.span == Span(2, 5, 2, 9)


def test_bytes_the_declared_encoding_cannot_decode() -> None:
    source, problem = decode("# coding: ascii\nx = 'é'\n".encode())
    assert problem is not None and problem.type == "SyntaxError"
    assert "0xc3" in problem.message and "ascii" in problem.message and "line 1" in problem.message
    assert source.lines[1] == "x = '\\xc3\\xa9'"
    assert problem.span == Span(2, 5, 2, 9)


def test_bad_cookie_and_bom_conflict() -> None:
    _, problem = decode(b"# coding: uft-8\nx = 1\n")
    assert problem is not None and "uft-8" in problem.message
    assert problem.span == Span(1, 0, 1, 15)
    _, problem = decode(b"\n# vim: set fileencoding=nope :\nx = 1\n")
    assert problem is not None and "nope" in problem.message
    assert problem.span == Span(2, 0, 2, 30)
    _, problem = decode(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")
    assert problem is not None and "byte order mark" in problem.message
    assert problem.span == Span(1, 0, 1, 17)


def test_decode_errors_keep_only_the_tokens_before_them() -> None:
    analysis = analyze(b"x = 1\ny = 'ab\xe9'\nz = 2\n")
    error = analysis.error_in("decode")
    assert error is not None and error.span == Span(2, 7, 2, 11)
    # The string holding the byte, and all after it, never reached the tokenizer.
    assert [t.string for t in analysis.tokens] == ["x", "=", "1", "\n", "y", "="]
    assert [e.stage for e in analysis.errors] == ["decode"]
    assert not analysis.parsed and not analysis.compiled


def test_null_byte() -> None:
    analysis = analyze(b"a = 1\nb = 2\x00\n")
    error = analysis.error_in("decode")
    assert error is not None and error.span == Span(2, 5, 2, 6)
    assert (error.type, error.message) == ("SyntaxError", "source code cannot contain null bytes")
    assert not analysis.parsed
