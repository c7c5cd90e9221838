"""Token categories: a beginner's word for every token, derived here from tokenize itself."""

from __future__ import annotations

import io
import token
import tokenize

from tui_exec.core.explain.tokens import CATEGORIES, token_category

PROGRAM = """\
import os  # a comment
match = [1, 2.5, "s", f"x{y}"]
def f(a: int) -> None:
    return a + 1 if a else -a
"""


def categories(source: str) -> list[tuple[str, str]]:
    words = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        exact = token.tok_name[tok.exact_type]
        words.append((tok.string, token_category(token.tok_name[tok.type], exact, tok.string)))
    return words


def test_the_issues_examples_and_each_kind_of_word() -> None:
    words = dict(categories("x = 10\n"))
    assert (words["x"], words["="], words["10"]) == ("identifier", "operator", "number literal")
    found = categories(PROGRAM)
    assert ("import", "keyword") in found and ("os", "identifier") in found
    assert ("# a comment", "comment") in found and ("match", "soft keyword") in found
    assert ("[", "punctuation") in found and (",", "punctuation") in found
    assert ("2.5", "number literal") in found and ('"s"', "string literal") in found
    assert (":", "punctuation") in found and ("->", "punctuation") in found
    assert ("+", "operator") in found and ("-", "operator") in found
    assert ("    ", "indent") in found and ("", "end of file") in found
    assert ("\n", "end of statement") in found


def test_every_token_type_of_this_python_has_a_category_of_the_list() -> None:
    operators = {token.tok_name[number] for number in token.EXACT_TOKEN_TYPES.values()}
    for name in token.tok_name.values():
        if name in ("N_TOKENS", "NT_OFFSET"):
            continue
        if name in operators:  # tokenize gives these as OP, the name as the exact type
            assert token_category("OP", name, "") in ("operator", "punctuation"), name
        else:
            assert token_category(name, name, "x") in CATEGORIES, name
