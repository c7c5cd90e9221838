"""Syntax newer than the running Python, found in the tokens: a parse error's missing hint.

Shown ``greeting = t"Hello {name}!"``, a 3.12 parser says only "invalid syntax": it has no
word for template strings. Its tokenizer still reads the file (``t`` is a NAME, the rest a
STRING), so the constructs later versions added can be recognised in the tokens, and a
parse error that falls on one of them can say which version the construct needs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from .span import Span
from .tokens import Token

__all__ = ["NewerConstruct", "find_newer", "hint_for", "with_hint"]

_TEMPLATE_PREFIXES = frozenset({"t", "tr", "rt"})
"""Template-string prefixes, lowercased: ``t``, ``tr``, ``rt`` in any case (3.14)."""

_STATEMENT_BOUNDARY = frozenset({"NEWLINE", "INDENT", "DEDENT"})
_BOUNDARY_OPS = frozenset({";", ":"})
_TRIVIA = frozenset({"NL", "COMMENT"})
_OPENING = frozenset({"(", "[", "{"})
_CLOSING = frozenset({")", "]", "}"})


class NewerConstruct(NamedTuple):
    """A construct the running Python cannot parse, and where it is in the source."""

    what: str
    """What it is called, plural: ``template strings``."""
    needs: tuple[int, int]
    """The first Python version that parses it."""
    span: Span
    """From its first token to the token an older parser stops at, inclusive."""

    def hint(self, running: tuple[int, int]) -> str:
        """``template strings need Python 3.14; this is 3.12``."""
        return f"{self.what} need Python {_dotted(self.needs)}; this is {_dotted(running)}"


def _dotted(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _running() -> tuple[int, int]:
    return sys.version_info[0], sys.version_info[1]


def find_newer(
    tokens: Sequence[Token], running: tuple[int, int] | None = None
) -> Iterator[NewerConstruct]:
    """The constructs in ``tokens`` that ``running`` (the running Python) cannot parse.

    ``tokens`` are what :func:`~tui_exec.core.tokens.tokenize_source` gave the running
    Python: a construct it can parse tokenizes differently (3.14 reads ``t"..."`` as
    TSTRING_START...), so only what is new to it is found.
    """
    version = running or _running()
    # Significant tokens only: comments and blank-line NLs never separate a construct's parts.
    toks = [t for t in tokens if t.type not in _TRIVIA]
    for i, tok in enumerate(toks):
        if tok.type != "NAME":
            continue
        after = toks[i + 1] if i + 1 < len(toks) else None
        found = (
            _template_string(tok, after)
            or _lazy_import(toks, i, after)
            or _unparenthesized_except(toks, i)
            or _type_alias(toks, i, after)
            or _type_parameters(toks, i, after)
        )
        if found is not None and version < found.needs:
            yield found


def hint_for(
    tokens: Sequence[Token], error: Span | None, running: tuple[int, int] | None = None
) -> str | None:
    """Which version the construct at a parse ``error`` needs, if it is one newer than
    ``running`` (the running Python); None for every other error."""
    if error is None:
        return None
    version = running or _running()
    where = error.start_line, error.start_col
    for construct in find_newer(tokens, version):
        span = construct.span
        if (span.start_line, span.start_col) > where:
            break  # found in source order: the rest start after the error
        if where < (span.end_line, span.end_col):
            return construct.hint(version)
    return None


def with_hint(message: str, hint: str | None) -> str:
    """CPython's ``message`` word for word, the hint after it in brackets."""
    return f"{message} ({hint})" if hint else message


def _between(first: Token, last: Token) -> Span:
    return Span(first.span.start_line, first.span.start_col, last.span.end_line, last.span.end_col)


def _starts_statement(toks: Sequence[Token], i: int) -> bool:
    """Whether ``toks[i]`` begins a statement (a simple one may follow ``;`` or ``:``)."""
    if i == 0:
        return True
    before = toks[i - 1]
    return before.type in _STATEMENT_BOUNDARY or (
        before.type == "OP" and before.string in _BOUNDARY_OPS
    )


def _template_string(tok: Token, after: Token | None) -> NewerConstruct | None:
    """``t"..."`` (3.14): to older tokenizers a NAME that touches the string after it."""
    if (
        after is not None
        and tok.string.lower() in _TEMPLATE_PREFIXES
        and after.type in ("STRING", "FSTRING_START")
        and after.span[:2] == tok.span[2:]
    ):
        return NewerConstruct("template strings", (3, 14), _between(tok, after))
    return None


def _lazy_import(toks: Sequence[Token], i: int, after: Token | None) -> NewerConstruct | None:
    """``lazy import m`` and ``lazy from m import n`` (3.15), at a statement's start."""
    if (
        toks[i].string == "lazy"
        and after is not None
        and after.type == "NAME"
        and after.string in ("import", "from")
        and _starts_statement(toks, i)
    ):
        return NewerConstruct("lazy imports", (3, 15), _between(toks[i], after))
    return None


def _unparenthesized_except(toks: Sequence[Token], i: int) -> NewerConstruct | None:
    """``except A, B:`` (3.14): several types, no brackets and no ``as``."""
    if toks[i].string != "except" or not _starts_statement(toks, i):
        return None
    depth = 0
    comma = False
    for tok in toks[i + 1 :]:
        if tok.type == "OP":
            if tok.string in _OPENING:
                depth += 1
            elif tok.string in _CLOSING:
                depth -= 1
            elif depth == 0 and tok.string == ",":
                comma = True
            elif depth == 0 and tok.string == ":":
                if comma:
                    return NewerConstruct(
                        "exception types listed without parentheses",
                        (3, 14),
                        _between(toks[i], tok),
                    )
                return None
        elif depth == 0 and (tok.type in _STATEMENT_BOUNDARY or tok.string == "as"):
            return None  # with ``as`` the brackets are still required (3.14 says so itself)
    return None


def _type_alias(toks: Sequence[Token], i: int, after: Token | None) -> NewerConstruct | None:
    """``type X = ...`` and ``type X[T] = ...`` (3.12), at a statement's start."""
    if toks[i].string != "type" or after is None or after.type != "NAME":
        return None
    follows = toks[i + 2] if i + 2 < len(toks) else None
    if follows is not None and follows.string in ("=", "[") and _starts_statement(toks, i):
        return NewerConstruct("type aliases", (3, 12), _between(toks[i], follows))
    return None


def _type_parameters(toks: Sequence[Token], i: int, after: Token | None) -> NewerConstruct | None:
    """``def f[T](...)`` and ``class C[T]`` (3.12): a bracket right after the name."""
    if toks[i].string not in ("def", "class") or after is None or after.type != "NAME":
        return None
    bracket = toks[i + 2] if i + 2 < len(toks) else None
    if bracket is not None and bracket.string == "[":
        return NewerConstruct("type parameters", (3, 12), _between(toks[i], bracket))
    return None
