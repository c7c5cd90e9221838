"""What each kind of AST node means, in a beginner's words, for every node class 3.11-3.15 has.

One sentence each, written for this project: what the construct is, shown with a tiny example
where one helps. Operators and contexts (Add, Load...) are nodes too, and have theirs. Which
classes exist is asked of ``ast`` itself; a class our table lacks (a newer Python's) is told by
its kind and fields, saying that we have no words for it yet.
"""

from __future__ import annotations

import ast
import sys
from functools import cache

NODES: dict[str, str] = {
    # Whole programs
    "Module": "A whole file: the list of its statements, in order.",
    "Interactive": "What you type at the >>> prompt: one or more statements.",
    "Expression": "A single expression on its own, as eval() compiles it.",
    "FunctionType": "A type comment of a function, (int, str) -> bool, as old code wrote them.",
    # Statements
    "FunctionDef": "def: makes a function from its body and binds it to its name.",
    "AsyncFunctionDef": "async def: makes a coroutine function and binds it to its name.",
    "ClassDef": "class: runs its body to fill a namespace, then makes a class from it.",
    "Return": "return: leaves the function, handing back a value (None when there is none).",
    "Delete": "del: removes names, items or attributes.",
    "Assign": "=: computes the value on the right, then binds it to each target on the left.",
    "TypeAlias": "type X = ...: names a type whose value is computed only when first asked for.",
    "AugAssign": "+= and its kin: combines the target with a value and stores the result back.",
    "AnnAssign": "x: int = ...: a variable with a type annotation (and maybe a value).",
    "For": "for: runs its body once for each item an iterable gives.",
    "AsyncFor": "async for: a for loop over an asynchronous iterable, awaiting each item.",
    "While": "while: runs its body again and again as long as the test is true.",
    "If": "if: runs its body when the test is true, else the else part (elif is a nested If).",
    "With": "with: enters context managers, runs the body, and always leaves them again.",
    "AsyncWith": "async with: a with whose enter and exit are awaited.",
    "Match": "match: compares a value against case patterns, running the first that fits.",
    "Raise": "raise: throws an exception (or throws again the one being handled).",
    "Try": "try: runs the body; except parts catch exceptions, finally always runs.",
    "TryStar": "try with except*: catches matching parts of an exception group.",
    "Assert": "assert: raises AssertionError when the test is false (skipped under -O).",
    "Import": "import: loads modules and binds their names.",
    "ImportFrom": "from ... import: loads a module and binds names taken from it.",
    "Global": "global: these names in this function mean the module's variables.",
    "Nonlocal": "nonlocal: these names mean variables of the enclosing function.",
    "Expr": "An expression used as a statement: its value is computed, then thrown away.",
    "Pass": "pass: a statement that does nothing, where one is needed.",
    "Break": "break: leaves the innermost loop at once.",
    "Continue": "continue: skips to the next turn of the innermost loop.",
    # Expressions
    "BoolOp": "and / or: evaluates operands left to right, stopping once the answer is known.",
    "NamedExpr": "the walrus, (x := value): computes a value, binds it and also yields it.",
    "BinOp": "A binary operation such as a + b or a * b: an operator between two operands.",
    "UnaryOp": "A unary operation such as -x or not x: an operator before one operand.",
    "Lambda": "lambda: a small function written as one expression.",
    "IfExp": "a if test else b: picks one of two values by a test.",
    "Dict": "A dict display {key: value, ...}: builds a new dictionary.",
    "Set": "A set display {a, b}: builds a new set.",
    "ListComp": "[x for x in ...]: builds a list from a loop (and conditions).",
    "SetComp": "{x for x in ...}: builds a set from a loop.",
    "DictComp": "{k: v for ...}: builds a dict from a loop.",
    "GeneratorExp": "(x for x in ...): a lazy generator, making items only when asked.",
    "Await": "await: pauses the coroutine until the awaited thing has a result.",
    "Yield": "yield: hands a value out of a generator and pauses it there.",
    "YieldFrom": "yield from: hands out every value of another iterable, then its result.",
    "Compare": "A comparison such as a < b, or a chain of them like a < b <= c.",
    "Call": "A call f(args): runs a function (or any callable) with these arguments.",
    "FormattedValue": "One {...} part of an f-string: a value, maybe converted and formatted.",
    "JoinedStr": "An f-string: its text pieces and {...} values joined into one string.",
    "TemplateStr": (
        "A t-string t'...' (3.14+): its text pieces and {...} parts kept apart, as a Template."
    ),
    "Interpolation": (
        "One {...} part of a t-string: the value, the source text of the expression, and its"
        " conversion and format spec, kept for the code that uses the Template."
    ),
    "Constant": "A literal value written in the code: a number, a string, True, None, ...",
    "Attribute": "obj.name: an attribute of an object, to read, assign or delete.",
    "Subscript": "obj[key]: an item or a slice of a container, to read, assign or delete.",
    "Starred": "*x: unpacks an iterable into several values, or collects several into a list.",
    "Name": "A variable name: read, assigned or deleted, as its context says.",
    "List": "A list display [a, b] (or a list of targets being assigned to).",
    "Tuple": "A tuple (a, b) (or several targets being assigned to at once).",
    "Slice": "start:stop:step inside brackets: which part of a sequence.",
    # Contexts
    "Load": "Context: the name or item is read here.",
    "Store": "Context: the name or item is assigned here.",
    "Del": "Context: the name or item is deleted here.",
    # Operators
    "And": "Operator and: true when both sides are; stops at the first false one.",
    "Or": "Operator or: true when either side is; stops at the first true one.",
    "Add": "Operator +: addition, or joining strings and lists.",
    "Sub": "Operator -: subtraction.",
    "Mult": "Operator *: multiplication, or repeating a string or list.",
    "MatMult": "Operator @: matrix multiplication (for types that define it).",
    "Div": "Operator /: true division, giving a float for ints.",
    "Mod": "Operator %: remainder (or old-style string formatting).",
    "Pow": "Operator **: raising to a power.",
    "LShift": "Operator <<: shifting bits left.",
    "RShift": "Operator >>: shifting bits right.",
    "BitOr": "Operator |: bitwise or (and set union, dict merge).",
    "BitXor": "Operator ^: bitwise exclusive or.",
    "BitAnd": "Operator &: bitwise and (and set intersection).",
    "FloorDiv": "Operator //: division rounded down.",
    "Invert": "Operator ~: flips every bit of an int.",
    "Not": "Operator not: true becomes false and false true.",
    "UAdd": "Operator + in front of one value: usually leaves it as it is.",
    "USub": "Operator - in front of one value: negates it.",
    "Eq": "Comparison ==: equal values.",
    "NotEq": "Comparison !=: different values.",
    "Lt": "Comparison <: less than.",
    "LtE": "Comparison <=: less than or equal.",
    "Gt": "Comparison >: greater than.",
    "GtE": "Comparison >=: greater than or equal.",
    "Is": "Comparison is: the very same object.",
    "IsNot": "Comparison is not: not the same object.",
    "In": "Comparison in: found in the container.",
    "NotIn": "Comparison not in: not found in the container.",
    # Parts of other nodes
    "comprehension": "One for ... in ... part of a comprehension, with its if conditions.",
    "ExceptHandler": "One except clause: which exceptions it catches, the name, its body.",
    "arguments": "A function's parameter list: positional, *args, keyword-only, **kwargs.",
    "arg": "One parameter of a function, with its annotation if it has one.",
    "keyword": "One name=value argument in a call (or **mapping when it has no name).",
    "alias": "One name in an import, with its 'as' name if any.",
    "withitem": "One context manager of a with statement, and its 'as' target.",
    "match_case": "One case of a match: its pattern, optional guard and body.",
    "TypeIgnore": "A # type: ignore comment kept by the parser when asked.",
    # Patterns
    "MatchValue": "Pattern: matches a value equal to this one (a dotted name or literal).",
    "MatchSingleton": "Pattern: matches None, True or False by identity.",
    "MatchSequence": "Pattern [a, b, *rest]: matches a sequence item by item.",
    "MatchMapping": "Pattern {key: pattern}: matches a mapping with these keys.",
    "MatchClass": "Pattern Point(x=0): matches an instance of a class with these attributes.",
    "MatchStar": "Pattern *rest inside a sequence pattern: takes the remaining items.",
    "MatchAs": "Pattern 'p as name', or a bare name (or _): binds what matched.",
    "MatchOr": "Pattern a | b: matches when any one of the alternatives does.",
    # Type parameters (3.12+)
    "TypeVar": "A type parameter T in def f[T](...) or class C[T]: a type variable.",
    "ParamSpec": "A type parameter **P: stands for a whole parameter list.",
    "TypeVarTuple": "A type parameter *Ts: stands for any number of types.",
}

# Texts that change from a version on: name -> (first minor, text), oldest first.
_CHANGES: dict[str, tuple[tuple[int, str], ...]] = {
    "Import": (
        (
            15,
            "import: loads modules and binds their names (`lazy import` waits to load a module"
            " until its name is first used).",
        ),
    ),
    "ImportFrom": (
        (
            15,
            "from ... import: loads a module and binds names taken from it (`lazy from ...`"
            " waits until a name is first used).",
        ),
    ),
}

# Old names kept only for compatibility: the parser never makes them. Checked before the name
# is read from ast, since reading some of them warns (3.12, 3.13).
_DEPRECATED = frozenset(
    {"Num", "Str", "Bytes", "NameConstant", "Ellipsis", "Index", "ExtSlice", "Suite", "Param"}
    | {"AugLoad", "AugStore", "slice", "_ast_Ellipsis"}
)

# The abstract classes concrete nodes belong to, told in words (for a class we have none for).
_KINDS = (
    ("mod", "a whole program"),
    ("stmt", "a statement"),
    ("expr", "an expression"),
    ("expr_context", "a context (load, store or delete)"),
    ("boolop", "a boolean operator"),
    ("operator", "a binary operator"),
    ("unaryop", "a unary operator"),
    ("cmpop", "a comparison operator"),
    ("excepthandler", "an except clause"),
    ("pattern", "a match pattern"),
    ("type_ignore", "a type: ignore comment"),
    ("type_param", "a type parameter"),
)


@cache
def node_classes() -> frozenset[str]:
    """The names of the running Python's concrete AST node classes, as ``ast`` has them (found
    once: the Explain pane asks on every move)."""
    found = set()
    for name in dir(ast):
        if name in _DEPRECATED or name.startswith("__"):
            continue
        value = getattr(ast, name)
        if (
            isinstance(value, type)
            and issubclass(value, ast.AST)
            and value is not ast.AST
            and (not value.__subclasses__() or name == "Constant")
        ):
            found.add(name)
    return frozenset(found)


def _running() -> tuple[int, int]:
    return (sys.version_info[0], sys.version_info[1])


def _unknown(name: str) -> str:
    """What ``ast`` itself tells of a class we have no words for."""
    version = _running()
    node = getattr(ast, name)
    kind = next(
        (
            words
            for base, words in _KINDS
            if isinstance(getattr(ast, base, None), type) and issubclass(node, getattr(ast, base))
        ),
        "a part of another node",
    )
    fields = ", ".join(getattr(node, "_fields", ())) or "none"
    return (
        f"New in Python {version[0]}.{version[1]}, or missing from tui-exec's table: it has no"
        f" words for it yet. It is {kind}; its fields: {fields}."
    )


def node_explanation(name: str) -> str | None:
    """What an AST node class means, or None for a name the running Python does not have."""
    if name not in node_classes():
        return None
    text = NODES.get(name)
    if text is None:
        return _unknown(name)
    minor = _running()[1] if _running()[0] == 3 else 99
    for since, changed in _CHANGES.get(name, ()):
        if minor >= since:
            text = changed
    return text
