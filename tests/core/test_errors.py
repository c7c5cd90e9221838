"""Every error kind is data with a character span; earlier stages stay complete."""

from __future__ import annotations

import io
import sys
import tokenize

import pytest

from tui_exec.core import Span, analyze

PY312 = sys.version_info >= (3, 12)


def test_parser_error_offsets_are_characters() -> None:
    analysis = analyze('ñé = "abc\n'.encode())
    error = analysis.errors[-1]
    assert error.stage in ("tokenize", "parse")
    parse = analysis.error_in("parse")
    assert parse is not None and parse.type == "SyntaxError"
    assert "unterminated string literal" in parse.message
    assert parse.span is not None and (parse.span.start_line, parse.span.start_col) == (1, 5)
    assert analysis.nodes == () and analysis.instructions == ()


def test_compile_error_offsets_are_bytes_converted_to_characters() -> None:
    analysis = analyze("ñé = 1; return ñé\n".encode())
    assert analysis.error_in("parse") is None
    error = analysis.error_in("compile")
    assert error is not None
    assert error.message == "'return' outside function"
    assert error.span == Span(1, 8, 1, 17)
    assert analysis.parsed and not analysis.compiled  # the AST is still there


def test_indentation_and_tab_errors() -> None:
    analysis = analyze(b"if x:\n    a = 1\n  b = 2\n")
    error = analysis.error_in("parse")
    assert error is not None and error.type == "IndentationError"
    assert error.span is not None and error.span.start_line == 3
    analysis = analyze(b"if x:\n\ta = 1\n        b = 2\n")
    error = analysis.error_in("parse")
    assert error is not None and error.type == "TabError"


def test_tokens_before_an_error_are_kept() -> None:
    source = 'a = 1\nb = 2\ns = "abc\nc = 3\n'
    analysis = analyze(source.encode())
    strings = [t.string for t in analysis.tokens]
    assert strings[:8] == ["a", "=", "1", "\n", "b", "=", "2", "\n"]
    # Every version: the parser stops at the quote that opens the string, (3, 4) by hand.
    error = analysis.error_in("parse")
    assert error is not None and error.type == "SyntaxError"
    assert error.message == "unterminated string literal (detected at line 3)"
    assert error.span is not None and (error.span.start_line, error.span.start_col) == (3, 4)
    if PY312:
        error = analysis.error_in("tokenize")
        assert error is not None and error.span is not None and error.span.start_line == 3


def test_tokens_before_a_null_byte_are_kept() -> None:
    analysis = analyze(b"a = 1\nb = 2\nc = \x00\n")
    assert [t.string for t in analysis.tokens][:4] == ["a", "=", "1", "\n"]
    assert analysis.error_in("decode") is not None


def _cpython_refusal(source: str) -> BaseException | None:
    """What compile() raises for ``source`` (None when it compiles)."""
    try:
        compile(source, "<string>", "exec", dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError) as exc:
        return exc
    return None


@pytest.mark.parametrize("depth", [199, 200, 5000])
def test_deep_nesting_is_what_cpython_says_not_a_crash(depth: int) -> None:
    source = "x = " + "(" * depth + "1" + ")" * depth + "\n"
    analysis = analyze(source.encode())
    refusal = _cpython_refusal(source)
    if refusal is None:  # 199 and 200 brackets compile on 3.11-3.13
        assert analysis.errors == () and analysis.compiled
        constant = next(n for n in analysis.nodes if n.type == "Constant")
        # Module > Assign > Constant: brackets make no nodes, and the 1 follows them.
        assert constant.depth == 2 and constant.span == Span(1, 4 + depth, 1, 5 + depth)
        return
    # 5000 are "too many nested parentheses" for every version's parser.
    error = analysis.error_in("parse")
    assert error is not None and error.type == type(refusal).__name__
    assert isinstance(refusal, SyntaxError) and error.message == refusal.msg


def test_deeply_nested_expression_without_brackets() -> None:
    source = "x = " + "-" * 100_000 + "1\n"
    refusal = _cpython_refusal(source)
    assert refusal is not None, "CPython refuses this"
    analysis = analyze(source.encode())
    error = analysis.error_in("parse")
    assert error is not None and error.type == type(refusal).__name__
    assert error.message.startswith("too deeply nested for the parser")


def test_unclosed_bracket_points_at_the_bracket() -> None:
    analysis = analyze(b"x = 1\nprint(x\n")
    error = analysis.error_in("parse")
    assert error is not None
    assert "never closed" in error.message
    assert error.span is not None and (error.span.start_line, error.span.start_col) == (2, 5)


def test_syntax_warning_is_recorded_not_printed(capfd: pytest.CaptureFixture[str]) -> None:
    analysis = analyze(b"x = 1\nif x is 1:\n    pass\n")
    assert analysis.errors == ()
    assert [w.type for w in analysis.warnings] == ["SyntaxWarning"]
    assert analysis.warnings[0].span == Span(2, 0, 2, len("if x is 1:"))  # the whole line
    assert capfd.readouterr().err == ""


def test_future_import_in_tui_exec_does_not_leak_into_user_code() -> None:
    # tui_exec.core.analysis has `from __future__ import annotations`. Leaked into the user's
    # code, it turns every annotation into a string: on 3.11, 3.12 and 3.13 alike, executing
    # the compiled module would give {'x': 'int'} instead of {'x': int}.
    analysis = analyze(b"def f(x: int): pass\n")
    assert analysis.module_code is not None
    namespace: dict[str, object] = {}
    exec(analysis.module_code, namespace)
    f = namespace["f"]
    assert f.__annotations__ == {"x": int}  # type: ignore[attr-defined]


def test_progress_names_each_stage_in_order() -> None:
    stages: list[str] = []
    analyze(b"x = 1\n", on_stage=stages.append)
    assert stages == ["tokenize", "parse", "disassemble", "index"]
    stages.clear()
    analyze(b"x = (\n", on_stage=stages.append)
    assert stages == ["tokenize", "parse", "index"]


def test_a_tokenize_error_says_what_tokenize_says() -> None:
    source = 'x = 1\ns = """abc\n'
    try:
        list(tokenize.generate_tokens(io.StringIO(source).readline))
    except tokenize.TokenError as exc:
        expected = exc.args[0]
    else:  # pragma: no cover - every version refuses an unclosed triple-quoted string
        raise AssertionError("tokenize accepted it")
    error = analyze(source.encode()).error_in("tokenize")
    assert error is not None and error.type == "TokenError" and error.message == expected


def test_an_error_describes_itself_in_one_line() -> None:
    error = analyze(b"x = 1\nprint(x\n").error_in("parse")
    assert error is not None
    assert error.describe() == "SyntaxError at 2:5: '(' was never closed"


def test_an_error_at_the_first_column_is_at_column_0() -> None:
    error = analyze(b")\n").error_in("parse")
    assert error is not None and error.message == "unmatched ')'"
    assert error.span == Span(1, 0, 1, 1)


def test_eof_in_a_statement_is_placed_where_the_file_ends() -> None:
    """tokenize says line 9, column 0 for an 8-line file: a line that does not exist."""
    from tui_exec.core import Span, analyze

    analysis = analyze("x = (1,\n   2\n")
    error = analysis.error_in("tokenize")
    assert error is not None and "EOF" in error.message
    # 3.11 says (3, 0), after the last line: placed at the file's end; 3.12+ say (2, 0).
    assert error.span in (Span(2, 4, 2, 5), Span(2, 0, 2, 1))
    assert error.span.start_line <= len(analysis.source.lines)
