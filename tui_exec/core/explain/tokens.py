"""What kind of word each token is, in a beginner's words: the tokens pane's first column.

The tokenizer's own types are few and coarse (every operator and bracket is ``OP``; every
name, keyword or not, is ``NAME``). A learner reads "keyword", "operator", "punctuation"
more easily; the exact type stays beside it.
"""

from __future__ import annotations

import keyword
import sys

# Exact types that group or separate rather than compute.
_PUNCTUATION = frozenset(
    {
        "LPAR",
        "RPAR",
        "LSQB",
        "RSQB",
        "LBRACE",
        "RBRACE",
        "COLON",
        "COMMA",
        "SEMI",
        "DOT",
        "RARROW",
        "ELLIPSIS",
    }
)

_BY_TYPE = {
    "NUMBER": "number literal",
    "STRING": "string literal",
    "FSTRING_START": "f-string start",
    "FSTRING_MIDDLE": "f-string text",
    "FSTRING_END": "f-string end",
    "TSTRING_START": "t-string start",
    "TSTRING_MIDDLE": "t-string text",
    "TSTRING_END": "t-string end",
    "COMMENT": "comment",
    "NEWLINE": "end of statement",
    "NL": "line break",
    "INDENT": "indent",
    "DEDENT": "dedent",
    "ENDMARKER": "end of file",
    "ENCODING": "encoding",
    "ERRORTOKEN": "error",
    "TYPE_COMMENT": "type comment",
    "TYPE_IGNORE": "type: ignore",
    "SOFT_KEYWORD": "soft keyword",
    "ASYNC": "keyword",
    "AWAIT": "keyword",
}

CATEGORIES = (
    "identifier",
    "keyword",
    "soft keyword",
    "operator",
    "punctuation",
    "number literal",
    "string literal",
    "f-string start",
    "f-string text",
    "f-string end",
    "t-string start",
    "t-string text",
    "t-string end",
    "comment",
    "end of statement",
    "line break",
    "indent",
    "dedent",
    "end of file",
    "encoding",
    "error",
    "type comment",
    "type: ignore",
)
"""Every category :func:`token_category` gives."""


def token_category(type_: str, exact_type: str, string: str) -> str:
    """A beginner's word for a token: ``x`` is an identifier, ``if`` a keyword, ``match``
    (where it starts a match statement) a soft keyword, ``=`` an operator, ``(`` punctuation.

    ``match``, ``case``, ``type`` and ``_`` are soft keywords only in some places; the
    tokenizer cannot tell, so they are called soft keywords everywhere here.
    """
    if type_ == "NAME":
        if keyword.iskeyword(string):
            return "keyword"
        if keyword.issoftkeyword(string):
            return "soft keyword"
        return "identifier"
    if type_ == "OP":
        return "punctuation" if exact_type in _PUNCTUATION else "operator"
    return _BY_TYPE.get(type_, type_.lower().replace("_", " "))


# What each token type is, for `tui-exec explain NAME`: operators and punctuation are told by
# their symbol (from the tokenizer's own table), the rest here.
_TYPE_TEXTS = {
    "NAME": "a name: an identifier, a keyword or a soft keyword",
    "NUMBER": "a number literal: 7, 3.14, 0x1f, 1e-3, 2j",
    "STRING": "a string literal, quotes and prefix (r, b, f before 3.12) included",
    "FSTRING_START": "the start of an f-string: its prefix and opening quote (3.12+)",
    "FSTRING_MIDDLE": "literal text inside an f-string, between its {} parts (3.12+)",
    "FSTRING_END": "the closing quote of an f-string (3.12+)",
    "TSTRING_START": "the start of a t-string (a template string): its prefix and opening quote"
    " (3.14+)",
    "TSTRING_MIDDLE": "literal text inside a t-string, between its {} parts (3.14+)",
    "TSTRING_END": "the closing quote of a t-string (3.14+)",
    "OP": "an operator or a punctuation mark; its exact type says which",
    "COMMENT": "a comment, from # to the end of the line: later stages skip it",
    "NEWLINE": "the end of a logical line: a statement ends here",
    "NL": "a line break that does not end a statement (a blank line, or inside brackets)",
    "INDENT": "the indentation grew: a block starts",
    "DEDENT": "the indentation shrank back: a block ends (it has no text)",
    "ENDMARKER": "the end of the input: always the last token",
    "ENCODING": "the source encoding (tokenize's first token for bytes)",
    "ERRORTOKEN": "text the tokenizer could not make sense of",
    "TYPE_COMMENT": "a # type: comment, kept when the parser is asked to",
    "TYPE_IGNORE": "a # type: ignore comment, kept when the parser is asked to",
    "SOFT_KEYWORD": "a soft keyword (match, case, type, _) as the parser sees it",
    "ASYNC": "the async keyword (a token of its own in old grammars)",
    "AWAIT": "the await keyword (a token of its own in old grammars)",
    "EXCLAMATION": "the ! of an f-string conversion, as in {x!r} (3.12+)",
}


def token_explanation(name: str) -> str | None:
    """What a token type (NAME, PLUS, INDENT...) of the running Python is, or None for a name
    that is not one. A type our table lacks is answered too, saying we have no words for it."""
    import token

    if name not in token.tok_name.values() or name in ("N_TOKENS", "NT_OFFSET"):
        return None
    symbols = {token.tok_name[number]: text for text, number in token.EXACT_TOKEN_TYPES.items()}
    if name in symbols and name != "EXCLAMATION":
        kind = token_category("OP", name, symbols[name])
        return f"{name}: the {kind} {symbols[name]} (the tokenizer's type is OP)"
    text = _TYPE_TEXTS.get(name)
    if text is None:  # a newer Python's type: say so rather than nothing
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        text = (
            f"a token type new in Python {version}, or missing from tui-exec's table; it has no"
            " words for it yet"
        )
    return f"{name}: {text}"
