"""What a code object is for, by the name CPython gives it, in a beginner's words.

Functions and class bodies are named after what the program calls them; the code objects the
compiler makes on its own get a name in angle brackets, or ``__annotate__``: those are said here.
"""

from __future__ import annotations

_ROLES = {
    "<module>": "The whole file's code: it runs once, top to bottom, when the file is run or"
    " first imported.",
    "<lambda>": "A lambda's code: a function written as one expression, with no name of its own.",
    "<genexpr>": "A generator expression's code: each time the next item is asked for, it runs"
    " on until it has one.",
    "<listcomp>": "A list comprehension's own function (3.11; from 3.12 the comprehension runs"
    " inside the code around it).",
    "<setcomp>": "A set comprehension's own function (3.11; from 3.12 it runs inside the code"
    " around it).",
    "<dictcomp>": "A dict comprehension's own function (3.11; from 3.12 it runs inside the code"
    " around it).",
    "__annotate__": "Computes the annotations of the module, class or function it belongs to,"
    " only when they are first asked for (reading __annotations__): from 3.14 an annotation is"
    " not evaluated where it is written, so it may name a class defined later.",
}


def code_object_role(name: str) -> str | None:
    """What the code object named ``name`` (its ``co_name``) is for, if the compiler made it."""
    return _ROLES.get(name)


def role_names() -> frozenset[str]:
    """Every name with words (for the tests)."""
    return frozenset(_ROLES)
