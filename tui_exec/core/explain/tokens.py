"""What kind of word each token is, in a beginner's words: the tokens pane's first column.

The tokenizer's own types are few and coarse (every operator and bracket is ``OP``; every
name, keyword or not, is ``NAME``). A learner reads "keyword", "operator", "punctuation"
more easily; the exact type stays beside it.
"""

from __future__ import annotations

import keyword

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
