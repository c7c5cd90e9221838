"""Token rows from :mod:`tokenize`, kept up to the first error instead of lost with it."""

from __future__ import annotations

import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from token import tok_name

from .source import Source
from .span import Span


@dataclass(frozen=True, slots=True)
class Token:
    """One token exactly as :func:`tokenize.generate_tokens` produced it."""

    id: int
    """Index in :attr:`Analysis.tokens`."""
    type: str
    """Token type name, e.g. ``OP`` or ``NAME``."""
    exact_type: str
    """Exact type name: ``PLUS`` for an ``OP`` '+', else the same as ``type``."""
    string: str
    span: Span
    """Tokenize columns are already characters: no conversion needed."""


@dataclass(frozen=True, slots=True)
class TokenizeProblem:
    """Why tokenize stopped, and where (1-based line, 0-based character column)."""

    type: str
    message: str
    span: Span | None


def tokenize_source(source: Source) -> tuple[tuple[Token, ...], TokenizeProblem | None]:
    """Tokenize ``source``, keeping every token before an error.

    From 3.12 the C tokenizer aborts at the first bad string (or yields nothing at all for a
    NUL byte), so when the error stops it short of the error line the lines before the error
    are tokenized again on their own.
    """
    starts = source.line_starts
    lines = [source.text[starts[i] : starts[i + 1]] for i in range(len(starts) - 1)]
    rows: list[Token] = []
    problem = _collect(lines, rows)
    if problem is not None and problem.span is not None:
        error_line = problem.span.start_line
        last_line = rows[-1].span.end_line if rows else 0
        if last_line < error_line - 1:
            retry: list[Token] = []
            _collect(lines[: error_line - 1], retry)
            # Keep only what the real stream would have had: no synthetic end-of-file tokens.
            rows = [
                tok
                for tok in retry
                if tok.span.start_line < error_line
                and tok.type not in ("ENDMARKER", "DEDENT")
                and not (tok.type == "NEWLINE" and tok.string == "")
            ]
    return tuple(rows), problem


def _collect(lines: list[str], rows: list[Token]) -> TokenizeProblem | None:
    """Append the tokens of ``lines`` to ``rows`` until the end or the first error."""
    stream = _generate(lines)
    append = rows.append
    names = tok_name
    try:
        for tok_type, string, (sl, sc), (el, ec), _line, exact in stream:
            type_name = names[tok_type]
            append(
                Token(
                    len(rows),
                    type_name,
                    names[exact] if exact != tok_type else type_name,
                    string,
                    Span(sl, sc, el, ec),
                )
            )
    except tokenize.TokenError as exc:
        message = str(exc.args[0]) if exc.args else "tokenize error"
        where = exc.args[1] if len(exc.args) > 1 else None
        span = Span(where[0], where[1], where[0], where[1] + 1) if where else None
        return TokenizeProblem("TokenError", message, span)
    except SyntaxError as exc:  # IndentationError and TabError too
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        return TokenizeProblem(type(exc).__name__, exc.msg, Span(line, col, line, col + 1))
    except (ValueError, RecursionError, MemoryError) as exc:
        return TokenizeProblem(type(exc).__name__, str(exc), None)
    return None


def _generate(
    lines: list[str],
) -> Iterator[tuple[int, str, tuple[int, int], tuple[int, int], str, int]]:
    """Yield (type, string, start, end, line, exact_type) for each token of ``lines``."""
    feed = iter(lines)
    for tok in tokenize.generate_tokens(lambda: next(feed, "")):
        yield tok.type, tok.string, tok.start, tok.end, tok.line, tok.exact_type
