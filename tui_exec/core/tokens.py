"""Token rows from :mod:`tokenize`, kept up to the first error instead of lost with it."""

from __future__ import annotations

import tokenize
from dataclasses import dataclass
from token import EXACT_TOKEN_TYPES, OP, tok_name
from typing import NamedTuple

from .source import Source
from .span import Span

STRING_TYPES = frozenset(
    name
    for name in tok_name.values()
    if name == "STRING" or name.endswith(("STRING_START", "STRING_MIDDLE", "STRING_END"))
)
"""Token types that are a string literal or a piece of one: f-strings (3.12+) and template
strings (3.14+) come as START, MIDDLE and END tokens around their replacement fields."""


class Token(NamedTuple):
    """One token exactly as :func:`tokenize.generate_tokens` produced it.

    Records built in the hundred thousands are NamedTuples (immutable, cheap to build).
    """

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
    feed = iter(lines)
    append = rows.append
    names = tok_name
    exact_types = EXACT_TOKEN_TYPES
    op = OP
    # Records are built with tuple.__new__, as NamedTuple._make does but without its length
    # check: half the cost of calling the class (its generated __new__ parses arguments).
    new = tuple.__new__
    try:
        # Unpacked by hand: TokenInfo.exact_type is a property, costly at 100k tokens.
        for tok_type, string, (sl, sc), (el, ec), _line in tokenize.generate_tokens(
            lambda: next(feed, "")
        ):
            type_name = names[tok_type]
            exact = names[exact_types.get(string, op)] if tok_type == op else type_name
            append(new(Token, (len(rows), type_name, exact, string, new(Span, (sl, sc, el, ec)))))
    except tokenize.TokenError as exc:
        message = str(exc.args[0]) if exc.args else "tokenize error"
        where = exc.args[1] if len(exc.args) > 1 else None
        if where and where[0] > len(lines) and lines:
            # "EOF in multi-line statement" names the line after the last one: say where the
            # file ends instead, a place that exists.
            where = (len(lines), len(lines[-1].rstrip("\r\n")))
        span = Span(where[0], where[1], where[0], where[1] + 1) if where else None
        return TokenizeProblem("TokenError", message, span)
    except SyntaxError as exc:  # IndentationError and TabError too
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        return TokenizeProblem(type(exc).__name__, exc.msg, Span(line, col, line, col + 1))
    except (ValueError, RecursionError, MemoryError) as exc:
        return TokenizeProblem(type(exc).__name__, str(exc), None)
    return None
