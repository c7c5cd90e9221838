"""Plain-language explanations of every CPython 3.11-3.15 opcode, true per version.

A name the tables lack (a newer Python's) is still answered, from what the running interpreter
tells about it (its argument kind, stack effect, generic form, cache), and says so.
"""

from __future__ import annotations

import dis
import opcode
import sys
from dataclasses import dataclass, replace
from typing import Final, TypedDict

Version = tuple[int, int]

_FIRST: Final = 11
_LATEST: Final = 15
"""The newest minor version the texts were written for."""
_ALL: Final = (11, 12, 13, 14, 15)
_PRE13: Final = (11, 12)
_UPTO13: Final = (11, 12, 13)
_UPTO14: Final = (11, 12, 13, 14)
_POST11: Final = (12, 13, 14, 15)
_12_13: Final = (12, 13)
_POST12: Final = (13, 14, 15)
_POST13: Final = (14, 15)


@dataclass(frozen=True, slots=True)
class OpcodeExplanation:
    """What one opcode does, in a beginner's words, for one Python version.

    Stack texts list what is popped in the order it comes off (top first) and what is pushed in
    the order it goes on (top last). `pops`/`pushes` are set only where the counts are fixed.
    """

    name: str
    version: Version
    summary: str
    stack: str
    argument: str | None
    version_note: str | None
    pops: int | None = None
    pushes: int | None = None
    specialized_from: str | None = None
    assumes: str | None = None

    def render(self) -> str:
        """The text `tui-exec explain NAME` prints."""
        lines = [f"{self.name} (Python {self.version[0]}.{self.version[1]})", self.summary]
        lines.append(f"stack: {self.stack}")
        lines.append(f"argument: {self.argument or 'none (ignored)'}")
        if self.specialized_from:
            lines.append(f"specialized form of: {self.specialized_from}")
        if self.assumes:
            lines.append(f"assumes: {self.assumes}")
        if self.version_note:
            lines.append(f"note: {self.version_note}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Text:
    versions: tuple[int, ...]
    summary: str
    stack: str
    argument: str | None = None
    pops: int | None = None
    pushes: int | None = None
    note: str | None = None


class _Changes(TypedDict, total=False):
    """The fields of an opcode's text that differ in one version."""

    summary: str
    stack: str
    argument: str | None
    pops: int | None
    pushes: int | None
    note: str | None


_GENERIC: dict[str, _Text] = {}
_OVERRIDES: dict[tuple[str, int], _Changes] = {}


def _op(
    name: str,
    versions: tuple[int, ...],
    summary: str,
    stack: str,
    argument: str | None = None,
    pops: int | None = None,
    pushes: int | None = None,
    note: str | None = None,
    v11: _Changes | None = None,
    v12: _Changes | None = None,
    v13: _Changes | None = None,
    v14: _Changes | None = None,
    v15: _Changes | None = None,
    from13: _Changes | None = None,
    from14: _Changes | None = None,
) -> None:
    """Declare one opcode: its text for every version it exists in, and what changes per version.

    ``vN`` changes apply to 3.N only; ``fromN`` to 3.N and every later version, under the ``vN``
    of each (so one change need not be written out once per version).
    """
    _GENERIC[name] = _Text(versions, summary, stack, argument, pops, pushes, note)
    for minor, changes in ((11, v11), (12, v12), (13, v13), (14, v14), (15, v15)):
        merged: _Changes = {}
        if from13 and minor >= 13:
            merged.update(from13)
        if from14 and minor >= 14:
            merged.update(from14)
        if changes:
            merged.update(changes)
        if merged:
            _OVERRIDES[(name, minor)] = merged


_NAME = "index into co_names: the name to use"
_LOCAL = "index into the local variables table (co_varnames)"
_CELL = "index into the function's slots for locals, cells and free variables"
_DISTANCE = "how far down the stack the container sits (1 is the top)"
_FWD = "jump: how many 2-byte code units to skip forward, counted from the next instruction"
_BACK = "jump: how many 2-byte code units to go back, counted from the next instruction"

# --- loading and storing --------------------------------------------------------------
_op(
    "NOP",
    _ALL,
    "Does nothing. It keeps a line number or a jump target in place.",
    "unchanged",
    pops=0,
    pushes=0,
)
_op(
    "CACHE",
    _ALL,
    "Not a real instruction: empty room after an instruction where the interpreter keeps"
    " notes for speeding it up. It is never run.",
    "unchanged",
    note="dis hides these unless asked (show_caches)",
)
_op(
    "EXTENDED_ARG",
    _ALL,
    "Gives the next instruction a bigger argument: its own argument becomes the high bits.",
    "unchanged",
    "the extra high 8 bits of the next instruction's argument",
    pops=0,
    pushes=0,
)
_op(
    "POP_TOP",
    _ALL,
    "Throws away the value on top of the stack.",
    "pops: value · pushes: nothing",
    pops=1,
    pushes=0,
)
_op(
    "PUSH_NULL",
    _ALL,
    "Puts an empty marker (NULL) on the stack. A call uses it to know there is no 'self' to pass.",
    "pops: nothing · pushes: NULL",
    pops=0,
    pushes=1,
    v11={
        "summary": (
            "Puts an empty marker (NULL) on the stack, below the function about to be called, so "
            "the call knows there is no 'self'."
        )
    },
    v12={
        "summary": (
            "Puts an empty marker (NULL) on the stack, below the function about to be called, so "
            "the call knows there is no 'self'."
        )
    },
    v13={
        "summary": (
            "Puts an empty marker (NULL) on the stack, just above the function about to be called,"
            " so the call knows there is no 'self'."
        )
    },
    v14={
        "summary": (
            "Puts an empty marker (NULL) on the stack: just above a function about to be called"
            " when there is no 'self', or where CALL_FUNCTION_EX expects a keyword dict and there"
            " is none."
        )
    },
    v15={
        "summary": (
            "Puts an empty marker (NULL) on the stack: just above a function about to be called"
            " when there is no 'self', where CALL_FUNCTION_EX expects a keyword dict and there is"
            " none, or as the second of the two entries an awaited or iterated object takes."
        )
    },
)
_op(
    "COPY",
    _ALL,
    "Puts a second copy of a value from the stack on top.",
    "pops: nothing · pushes: a copy of the i-th value from the top",
    "i: which value to copy (1 is the top)",
)
_op(
    "SWAP",
    _ALL,
    "Exchanges the top value with another one further down.",
    "swaps the top with the i-th value from the top",
    "i: which value to swap with (2 is the one just below the top)",
)
_op(
    "LOAD_CONST",
    _ALL,
    "Puts a constant (a number, string, None, a tuple of constants...) on top of the stack.",
    "pops: nothing · pushes: the constant",
    "index into co_consts: which constant",
    pops=0,
    pushes=1,
    v14={"note": "3.14: small integers are loaded with LOAD_SMALL_INT, not LOAD_CONST"},
    v15={
        "note": (
            "3.14: small integers are loaded with LOAD_SMALL_INT; 3.15: None, True, False, '' and"
            " -1 with LOAD_COMMON_CONSTANT"
        )
    },
)
_op(
    "LOAD_FAST",
    _ALL,
    "Puts the value of the local variable named by the argument on top of the stack.",
    "pops: nothing · pushes: the variable's value",
    _LOCAL,
    pops=0,
    pushes=1,
    v11={
        "summary": (
            "Puts the value of the local variable named by the argument on top of the stack. "
            "Raises UnboundLocalError if it has no value yet."
        )
    },
    v12={
        "summary": (
            "Puts the value of the local variable named by the argument on top of the stack. The "
            "compiler uses it only where the variable surely has a value."
        )
    },
    from13={
        "summary": (
            "Puts the value of the local variable named by the argument on top of the stack. The "
            "compiler uses it only where the variable surely has a value."
        )
    },
    from14={
        "note": (
            "3.14: where the value is needed just briefly, the compiler picks LOAD_FAST_BORROW"
            " instead"
        )
    },
)
_op(
    "LOAD_FAST_CHECK",
    _POST11,
    (
        "Like LOAD_FAST, but first checks that the variable has a value and raises "
        "UnboundLocalError if not."
    ),
    "pops: nothing · pushes: the variable's value",
    _LOCAL,
    pops=0,
    pushes=1,
)
_op(
    "LOAD_FAST_AND_CLEAR",
    _POST11,
    "Saves a local variable before an inlined comprehension reuses its name: pushes its value"
    " (or an empty marker if it had none) and empties the variable.",
    "pops: nothing · pushes: the old value or NULL",
    _LOCAL,
    pops=0,
    pushes=1,
)
_op(
    "LOAD_FAST_LOAD_FAST",
    _POST12,
    "Two LOAD_FASTs in one step: pushes the values of two local variables.",
    "pops: nothing · pushes: first variable, second variable",
    "two indexes into co_varnames packed together: high 4 bits the first, low 4 bits the second",
    pops=0,
    pushes=2,
    note="a superinstruction: the compiler merges two LOAD_FASTs into one",
)
_op(
    "STORE_FAST",
    _ALL,
    "Takes the top value off the stack and stores it in a local variable.",
    "pops: value · pushes: nothing",
    _LOCAL,
    pops=1,
    pushes=0,
)
_op(
    "STORE_FAST_MAYBE_NULL",
    _POST11,
    "Puts back a local variable saved by LOAD_FAST_AND_CLEAR after an inlined comprehension;"
    " the saved value may be the empty marker.",
    "pops: the saved value · pushes: nothing",
    _LOCAL,
    note="a pseudo-instruction: the compiler turns it into STORE_FAST before the code is finished",
)
_op(
    "STORE_FAST_LOAD_FAST",
    _POST12,
    (
        "A STORE_FAST and a LOAD_FAST in one step: stores the top value in one local, then pushes "
        "another local."
    ),
    "pops: value · pushes: the second variable's value",
    "two indexes into co_varnames: high 4 bits where to store, low 4 bits what to load",
    pops=1,
    pushes=1,
    note="a superinstruction: the compiler merges the two instructions",
)
_op(
    "STORE_FAST_STORE_FAST",
    _POST12,
    (
        "Two STORE_FASTs in one step: the top value goes to the first local, the one below to the "
        "second."
    ),
    "pops: two values · pushes: nothing",
    "two indexes into co_varnames: high 4 bits for the top value, low 4 bits for the next",
    pops=2,
    pushes=0,
    note="a superinstruction: the compiler merges the two instructions",
)
_op(
    "DELETE_FAST",
    _ALL,
    "Runs `del x` for a local variable: it has no value afterwards.",
    "unchanged",
    _LOCAL,
    pops=0,
    pushes=0,
)
_op(
    "LOAD_NAME",
    _ALL,
    "Pushes the value of a name, looked for in three places in turn: the local namespace of"
    " the module or class body being run, the module's globals, the builtins.",
    "pops: nothing · pushes: the value",
    _NAME,
    pops=0,
    pushes=1,
)
_op(
    "STORE_NAME",
    _ALL,
    "Binds a name in the current namespace (module or class body) to the top value.",
    "pops: value · pushes: nothing",
    _NAME,
    pops=1,
    pushes=0,
)
_op(
    "DELETE_NAME",
    _ALL,
    "Runs `del name` in the current namespace (module or class body).",
    "unchanged",
    _NAME,
    pops=0,
    pushes=0,
)
_op(
    "LOAD_GLOBAL",
    _ALL,
    (
        "Pushes the value of a global variable, or of a builtin such as print if there is no "
        "global of that name."
    ),
    "pops: nothing · pushes: the value, and NULL too when the low bit of the argument is set",
    (
        "index into co_names shifted left by one (name = co_names[arg >> 1]); the low bit asks for"
        " a NULL as well, before a call"
    ),
    v11={
        "stack": (
            "pops: nothing · pushes: NULL first if the argument's low bit is set, then the value"
        )
    },
    v12={
        "stack": (
            "pops: nothing · pushes: NULL first if the argument's low bit is set, then the value"
        )
    },
    from13={
        "stack": (
            "pops: nothing · pushes: the value, then NULL above it if the argument's low bit is set"
        )
    },
)
_op(
    "STORE_GLOBAL",
    _ALL,
    "Stores the top value in a global variable (after a `global x` statement).",
    "pops: value · pushes: nothing",
    _NAME,
    pops=1,
    pushes=0,
)
_op(
    "DELETE_GLOBAL",
    _ALL,
    "Runs `del x` on a global variable.",
    "unchanged",
    _NAME,
    pops=0,
    pushes=0,
)
_op(
    "MAKE_CELL",
    _ALL,
    (
        "Wraps a local variable in a cell, a small box that inner functions can share, at the "
        "start of a function."
    ),
    "unchanged",
    _CELL,
    pops=0,
    pushes=0,
)
_op(
    "COPY_FREE_VARS",
    _ALL,
    (
        "At the start of an inner function, copies the cells it borrows from outer functions into "
        "its own slots."
    ),
    "unchanged",
    "how many free variables to copy",
    pops=0,
    pushes=0,
)
_op(
    "LOAD_CLOSURE",
    _ALL,
    "Pushes the cell (the shared box) of a variable, so a closure can be built around it.",
    "pops: nothing · pushes: the cell",
    _CELL,
    pops=0,
    pushes=1,
    from13={"note": "from 3.13 a pseudo-instruction: the compiler turns it into LOAD_FAST"},
)
_op(
    "LOAD_DEREF",
    _ALL,
    (
        "Pushes the value kept in a cell: a variable shared between a function and its inner "
        "functions."
    ),
    "pops: nothing · pushes: the value",
    _CELL,
    pops=0,
    pushes=1,
)
_op(
    "STORE_DEREF",
    _ALL,
    "Stores the top value into a cell shared with inner functions.",
    "pops: value · pushes: nothing",
    _CELL,
    pops=1,
    pushes=0,
)
_op(
    "DELETE_DEREF",
    _ALL,
    "Empties a cell shared with inner functions (`del x`).",
    "unchanged",
    _CELL,
    pops=0,
    pushes=0,
)
_op(
    "LOAD_CLASSDEREF",
    (11,),
    (
        "In a class body, looks a free variable up first in the class namespace, then in its cell,"
        " and pushes it."
    ),
    "pops: nothing · pushes: the value",
    _CELL,
    pops=0,
    pushes=1,
    note="replaced by LOAD_FROM_DICT_OR_DEREF in 3.12",
)
_op(
    "LOAD_FROM_DICT_OR_DEREF",
    _POST11,
    (
        "Takes a namespace off the stack and looks a name up there; if it is missing, uses the "
        "value in the cell instead."
    ),
    "pops: namespace · pushes: the value",
    _CELL,
    pops=1,
    pushes=1,
)
_op(
    "LOAD_FROM_DICT_OR_GLOBALS",
    _POST11,
    (
        "Takes a namespace off the stack and looks a name up there, then in the globals, then in "
        "the builtins."
    ),
    "pops: namespace · pushes: the value",
    _NAME,
    pops=1,
    pushes=1,
)
_op(
    "LOAD_LOCALS",
    _POST11,
    "Pushes the current namespace (the dict of a class body, say).",
    "pops: nothing · pushes: the namespace",
    pops=0,
    pushes=1,
)
_op(
    "LOAD_ATTR",
    _ALL,
    "Replaces the object on top of the stack with one of its attributes: `obj.name`.",
    "pops: obj · pushes: obj.name",
    _NAME,
    pops=1,
    pushes=1,
    v12={
        "summary": (
            "Replaces the object on top of the stack with one of its attributes: `obj.name`. With "
            "the low bit set it looks a method up for a call."
        ),
        "stack": (
            "pops: obj · pushes: obj.name; for a method call, either the method and obj, or NULL "
            "and obj.name"
        ),
        "argument": (
            "index into co_names shifted left by one (name = co_names[arg >> 1]); the low bit asks"
            " for a method load"
        ),
        "pops": None,
        "pushes": None,
    },
    from13={
        "summary": (
            "Replaces the object on top of the stack with one of its attributes: `obj.name`. With "
            "the low bit set it looks a method up for a call."
        ),
        "stack": (
            "pops: obj · pushes: obj.name; for a method call, either the method and obj, or "
            "obj.name and NULL"
        ),
        "argument": (
            "index into co_names shifted left by one (name = co_names[arg >> 1]); the low bit asks"
            " for a method load"
        ),
        "pops": None,
        "pushes": None,
    },
)
_op(
    "LOAD_METHOD",
    _UPTO13,
    (
        "Looks a method up on the object on top of the stack, ready for a call, without building a"
        " bound method."
    ),
    "pops: obj · pushes: the method and obj, or NULL and obj.name when it is not a plain method",
    _NAME,
    pops=1,
    pushes=2,
    v12={
        "note": "from 3.12 a pseudo-instruction: it becomes LOAD_ATTR with the low bit set",
        "pops": None,
        "pushes": None,
    },
    v13={
        "note": "from 3.12 a pseudo-instruction: it becomes LOAD_ATTR with the low bit set",
        "pops": None,
        "pushes": None,
    },
)
_op(
    "STORE_ATTR",
    _ALL,
    "Sets an attribute: `obj.name = value`.",
    "pops: obj, value · pushes: nothing",
    _NAME,
    pops=2,
    pushes=0,
)
_op(
    "DELETE_ATTR",
    _ALL,
    "Deletes an attribute: `del obj.name`.",
    "pops: obj · pushes: nothing",
    _NAME,
    pops=1,
    pushes=0,
)
_op(
    "LOAD_SUPER_ATTR",
    _POST11,
    (
        "Runs `super().name` in one step: uses the `super`, class and self values on the stack to "
        "find the attribute."
    ),
    (
        "pops: self, class, super · pushes: the attribute (for a method call, two values: the "
        "method and self)"
    ),
    (
        "index into co_names shifted left by two (name = co_names[arg >> 2]); bit 0 asks for a "
        "method load, bit 1 means super() was called with arguments"
    ),
)
for _pseudo in ("LOAD_SUPER_METHOD", "LOAD_ZERO_SUPER_METHOD", "LOAD_ZERO_SUPER_ATTR"):
    _op(
        _pseudo,
        _12_13,
        "A compiler-only form of `super().name`"
        + (" for a method call" if "METHOD" in _pseudo else "")
        + (" written as plain super()" if "ZERO" in _pseudo else " with explicit arguments")
        + ".",
        "as LOAD_SUPER_ATTR",
        _NAME,
        note=(
            "a pseudo-instruction: the compiler turns it into LOAD_SUPER_ATTR with the matching "
            "bits set"
        ),
    )

# --- arithmetic, comparison, subscripts -----------------------------------------------
_op(
    "BINARY_OP",
    _ALL,
    (
        "Applies a two-operand operator such as + or * (or an augmented one such as +=) to the two"
        " top values."
    ),
    "pops: right, left · pushes: left OP right",
    (
        "which operator: 0 +, 1 &, 2 //, 3 <<, 4 @, 5 *, 6 %, 7 |, 8 **, 9 >>, 10 -, 11 /, 12 ^; "
        "13 to 25 are the same in augmented form (13 is +=)"
    ),
    pops=2,
    pushes=1,
    from14={
        "summary": (
            "Applies a two-operand operator such as + or * (or an augmented one such as +=) to the"
            " two top values. From 3.14 it also does subscripts, `container[key]`."
        ),
        "argument": (
            "which operator: 0 +, 1 &, 2 //, 3 <<, 4 @, 5 *, 6 %, 7 |, 8 **, 9 >>, 10 -, 11 /, 12"
            " ^; 13 to 25 are the same in augmented form (13 is +=); 26 [], a subscript"
        ),
        "note": "3.14: `a[i]` is BINARY_OP with the subscript operator 26, not BINARY_SUBSCR",
    },
)
for _name, _sym in (("UNARY_NEGATIVE", "-x"), ("UNARY_INVERT", "~x"), ("UNARY_POSITIVE", "+x")):
    _op(
        _name,
        (11,) if _name == "UNARY_POSITIVE" else _ALL,
        f"Replaces the top value with `{_sym}`.",
        f"pops: x · pushes: {_sym}",
        pops=1,
        pushes=1,
        note="later `+x` calls an intrinsic" if _name == "UNARY_POSITIVE" else None,
    )
_op(
    "UNARY_NOT",
    _ALL,
    "Replaces the top value with `not x`: True if it was false, False if it was true.",
    "pops: x · pushes: not x",
    pops=1,
    pushes=1,
    from13={
        "summary": (
            "Flips the boolean on top of the stack: True becomes False. It expects a real bool, "
            "made by TO_BOOL."
        )
    },
)
_op(
    "TO_BOOL",
    _POST12,
    "Turns the top value into True or False, the way `if` would judge it.",
    "pops: x · pushes: bool(x)",
    pops=1,
    pushes=1,
    note="conditions are converted first, so jumps and `not` only see real bools",
)
_op(
    "COMPARE_OP",
    _ALL,
    "Compares the two top values with <, <=, ==, !=, > or >= and pushes the result.",
    "pops: right, left · pushes: left OP right",
    "index into dis.cmp_op (0 <, 1 <=, 2 ==, 3 !=, 4 >, 5 >=)",
    pops=2,
    pushes=1,
    v12={
        "argument": (
            "the operator is arg >> 4, an index into dis.cmp_op (0 <, 1 <=, 2 ==, 3 !=, 4 >, 5 "
            ">=); the low 4 bits help the specializer"
        )
    },
    from13={
        "argument": (
            "the operator is arg >> 5, an index into dis.cmp_op (0 <, 1 <=, 2 ==, 3 !=, 4 >, 5 "
            ">=); bit 16 asks for the result as a real bool"
        )
    },
)
_op(
    "IS_OP",
    _ALL,
    "Checks whether the two top values are the same object (`is`, or `is not`).",
    "pops: right, left · pushes: True or False",
    "0 for `is`, 1 for `is not`",
    pops=2,
    pushes=1,
)
_op(
    "CONTAINS_OP",
    _ALL,
    "Checks membership: `left in right` (or `not in`).",
    "pops: right, left · pushes: True or False",
    "0 for `in`, 1 for `not in`",
    pops=2,
    pushes=1,
)
_op(
    "BINARY_SUBSCR",
    _UPTO13,
    "Indexes a container: `container[key]`.",
    "pops: key, container · pushes: container[key]",
    pops=2,
    pushes=1,
    note="3.14 does subscripts with BINARY_OP and its operator 26 `[]`",
)
_op(
    "STORE_SUBSCR",
    _ALL,
    "Stores into a container: `container[key] = value`.",
    "pops: key, container, value · pushes: nothing",
    pops=3,
    pushes=0,
)
_op(
    "DELETE_SUBSCR",
    _ALL,
    "Deletes an item: `del container[key]`.",
    "pops: key, container · pushes: nothing",
    pops=2,
    pushes=0,
)
_op(
    "BINARY_SLICE",
    _POST11,
    "Takes a slice: `container[start:end]`.",
    "pops: end, start, container · pushes: the slice",
    pops=3,
    pushes=1,
)
_op(
    "STORE_SLICE",
    _POST11,
    "Assigns to a slice: `container[start:end] = value`.",
    "pops: end, start, container, value · pushes: nothing",
    pops=4,
    pushes=0,
)
_op(
    "BUILD_SLICE",
    _ALL,
    "Makes a slice object from start and stop (and step) for `x[a:b:c]`.",
    "pops: 2 or 3 values · pushes: the slice",
    "how many parts: 2 (start, stop) or 3 (start, stop, step)",
)

# --- calls and functions ---------------------------------------------------------------
_op(
    "CALL",
    _ALL,
    "Calls a function with the arguments on the stack and pushes what it returns.",
    (
        "pops: the arguments, then the function and the NULL under it (or self and the method"
        " under it) · pushes: the result"
    ),
    "how many arguments were pushed (not counting self)",
    v11={
        "summary": (
            "Calls a function with the arguments on the stack and pushes what it returns. Keyword "
            "names come from the KW_NAMES before it."
        ),
        "note": "in 3.11 every CALL is preceded by PRECALL",
    },
    v12={
        "summary": (
            "Calls a function with the arguments on the stack and pushes what it returns. Keyword "
            "names come from the KW_NAMES before it."
        )
    },
    from13={
        "stack": (
            "pops: the arguments, then the NULL and the function under it (or self and the"
            " method under it) · pushes: the result"
        ),
        "note": "from 3.13 calls with keywords use CALL_KW instead",
    },
)
_op(
    "PRECALL",
    (11,),
    (
        "Gets a call ready: if a bound method is on the stack, splits it into function and self. "
        "CALL follows."
    ),
    "unchanged",
    "how many arguments were pushed (not counting self)",
    note="3.12 drops it: CALL alone does the work",
)
_op(
    "KW_NAMES",
    _PRE13,
    (
        "Tells the next CALL which of its arguments are keywords, by pointing at a tuple of their "
        "names."
    ),
    "unchanged",
    "index into co_consts: the tuple of keyword names",
    pops=0,
    pushes=0,
    note="3.13 uses CALL_KW instead",
)
_op(
    "CALL_KW",
    _POST12,
    "Calls a function with keyword arguments; the tuple of keyword names is on top of the stack.",
    (
        "pops: the names tuple, the arguments, then NULL and the function (or self and the"
        " method) · pushes: the result"
    ),
    "how many arguments in all, positional and keyword (not counting self)",
    note="replaces KW_NAMES + CALL",
)
_op(
    "CALL_FUNCTION_EX",
    _ALL,
    "Calls a function with unpacked arguments, as in `f(*args, **kwargs)`.",
    (
        "pops: the kwargs dict (if flagged), the args tuple, the function, the NULL under it ·"
        " pushes: the result"
    ),
    "1 if a dict of keyword arguments is on the stack, else 0",
    v13={
        "stack": (
            "pops: the kwargs dict (if flagged), the args tuple, the NULL, the function under"
            " it · pushes: the result"
        )
    },
    from14={
        "stack": (
            "pops: the kwargs dict (or NULL when there are no keyword arguments), the args tuple,"
            " the NULL, the function under it · pushes: the result"
        ),
        "argument": None,
        "pops": 4,
        "pushes": 1,
        "note": (
            "3.14: it takes no argument; a kwargs entry is always on the stack, NULL when there"
            " is none"
        ),
    },
)
_op(
    "CALL_INTRINSIC_1",
    _POST11,
    (
        "Calls one of the interpreter's small built-in helpers on the top value (for `+x`, `import"
        " *`, list to tuple...)."
    ),
    "pops: value · pushes: the result",
    "which helper: an index into dis._intrinsic_1_descs (3 turns StopIteration into an error,"
    " 5 is `+x`, 6 list to tuple...)",
    pops=1,
    pushes=1,
)
_op(
    "CALL_INTRINSIC_2",
    _POST11,
    (
        "Calls one of the interpreter's small built-in helpers on the two top values (for "
        "`except*`, type parameters...)."
    ),
    "pops: two values · pushes: the result",
    "which helper: an index into dis._intrinsic_2_descs (1 finishes `except*`, the others set"
    " up type parameters)",
    pops=2,
    pushes=1,
)
_op(
    "MAKE_FUNCTION",
    _ALL,
    (
        "Builds a function object from the code object on top of the stack, plus any defaults, "
        "annotations or closure flagged by the argument."
    ),
    "pops: code object and the flagged extras · pushes: the function",
    "flags: 1 defaults tuple, 2 keyword defaults dict, 4 annotations, 8 closure tuple",
    from13={
        "summary": (
            "Builds a function object from the code object on top of the stack. Defaults and the "
            "closure are attached afterwards by SET_FUNCTION_ATTRIBUTE."
        ),
        "argument": None,
        "pops": 1,
        "pushes": 1,
        "note": "from 3.13 it takes no flags; SET_FUNCTION_ATTRIBUTE adds the extras",
        "stack": "pops: code object · pushes: the function",
    },
)
_op(
    "SET_FUNCTION_ATTRIBUTE",
    _POST12,
    (
        "Attaches one extra (defaults, keyword defaults, annotations or closure) to the new "
        "function on top of the stack."
    ),
    "pops: function, the extra · pushes: the function",
    "which extra: 1 defaults, 2 keyword defaults, 4 annotations, 8 closure",
    pops=2,
    pushes=1,
    from14={
        "summary": (
            "Attaches one extra (defaults, keyword defaults, annotations, closure, or the function"
            " that computes annotations when asked) to the new function on top of the stack."
        ),
        "argument": (
            "which extra: 1 defaults, 2 keyword defaults, 4 annotations, 8 closure, 16 the"
            " __annotate__ function"
        ),
        "note": "3.14: annotations are usually computed later, by an __annotate__ function (16)",
    },
)
_op(
    "RETURN_VALUE",
    _ALL,
    "Ends the function and hands the top value back to the caller.",
    "pops: the return value · pushes: nothing",
    pops=1,
    pushes=0,
    from14={
        "stack": (
            "pops: the return value · pushes: the same value, onto the caller's stack (this"
            " frame is gone)"
        ),
        "pushes": 1,
        "note": "3.14: returning a constant is LOAD_CONST (or a kin) + RETURN_VALUE again",
    },
)
_op(
    "RETURN_CONST",
    _12_13,
    "Ends the function and hands a constant (often None) back to the caller.",
    "pops: nothing · pushes: nothing",
    "index into co_consts: the value to return",
    pops=0,
    pushes=0,
    note="LOAD_CONST + RETURN_VALUE in one",
)
_op(
    "EXIT_INIT_CHECK",
    _POST12,
    "Checks that a class's __init__ returned None, and raises TypeError if not.",
    "pops: what __init__ returned · pushes: nothing",
    pops=1,
    pushes=0,
)
_op(
    "LOAD_BUILD_CLASS",
    _ALL,
    "Pushes the builtin helper that a `class` statement calls to make the class.",
    "pops: nothing · pushes: __build_class__",
    pops=0,
    pushes=1,
)
_op(
    "LOAD_ASSERTION_ERROR",
    _UPTO13,
    "Pushes the AssertionError class, for a failing `assert`.",
    "pops: nothing · pushes: AssertionError",
    pops=0,
    pushes=1,
    note="3.14 uses LOAD_COMMON_CONSTANT instead",
)
_op(
    "SETUP_ANNOTATIONS",
    _ALL,
    "Makes an empty __annotations__ dict in a module or class body that has annotations.",
    "unchanged",
    pops=0,
    pushes=0,
    from14={
        "note": (
            "3.14: annotations are usually computed later by an __annotate__ function; this"
            " appears under `from __future__ import annotations`"
        )
    },
)
_op(
    "IMPORT_NAME",
    _ALL,
    "Runs an import: finds and loads the module and pushes it.",
    "pops: fromlist, level · pushes: the module",
    "index into co_names: the module's name",
    pops=2,
    pushes=1,
    v15={
        "summary": (
            "Runs an import: finds and loads the module and pushes it. For `lazy import` it pushes"
            " a stand-in instead, and the module is loaded when the name is first used."
        ),
        "argument": (
            "index into co_names shifted left by two (name = co_names[arg >> 2]); bit 0 marks a"
            " lazy import, bit 1 one that must not be lazy (e.g. inside try or a function)"
        ),
        "note": "3.15: `lazy import` sets bit 0 of the argument",
    },
)
_op(
    "IMPORT_FROM",
    _ALL,
    (
        "For `from m import x`: pushes attribute x of the module on the stack, leaving the module "
        "there."
    ),
    "pops: nothing · pushes: the attribute",
    _NAME,
    pops=0,
    pushes=1,
)
_op(
    "IMPORT_STAR",
    (11,),
    "For `from m import *`: copies the module's public names into the current namespace.",
    "pops: the module · pushes: nothing",
    pops=1,
    pushes=0,
    note="later an intrinsic call",
)
_op(
    "PRINT_EXPR",
    (11,),
    "In the interactive prompt, shows the value of an expression statement.",
    "pops: value · pushes: nothing",
    pops=1,
    pushes=0,
    note="later an intrinsic call",
)
_op(
    "RESUME",
    _ALL,
    (
        "Marks the start of the function, or the point where a generator carries on. There the"
        " interpreter also checks for Ctrl-C and for debuggers."
    ),
    "unchanged",
    "where: 0 start of the function, 1 after a yield, 2 after a yield from, 3 after an await",
    pops=0,
    pushes=0,
    from13={
        "argument": (
            "where (low 2 bits): 0 start, 1 after a yield, 2 after a yield from, 3 after an await;"
            " 4 is added when exactly one exception handler covers this point"
        )
    },
)
_op(
    "INTERPRETER_EXIT",
    _POST11,
    (
        "Leaves the interpreter loop, handing the top value back to C code that started it. Not "
        "made by the compiler."
    ),
    "pops: value · pushes: nothing",
)
_op(
    "ENTER_EXECUTOR",
    _POST12,
    (
        "Hands a hot loop over to an optimized version of itself (the experimental tier-2 "
        "optimizer). Not made by the compiler."
    ),
    "unchanged",
    "which optimized version to run",
)
_op(
    "RESERVED",
    _POST11,
    "A number kept free for the interpreter's own use; it never appears in real code.",
    "unchanged",
)

# --- control flow ------------------------------------------------------------------------
_op(
    "JUMP_FORWARD",
    _ALL,
    "Jumps forward to another instruction, unconditionally.",
    "unchanged",
    _FWD,
)
_op(
    "JUMP_BACKWARD",
    _ALL,
    "Jumps back, usually to the top of a loop. It also checks for interrupts such as Ctrl-C.",
    "unchanged",
    _BACK,
)
_op(
    "JUMP_BACKWARD_NO_INTERRUPT",
    _ALL,
    "Jumps back without checking for interrupts; used inside `yield from` and `await` loops.",
    "unchanged",
    _BACK,
)
for _pseudo, _what in (
    ("JUMP", "JUMP_FORWARD or JUMP_BACKWARD"),
    ("JUMP_NO_INTERRUPT", "JUMP_FORWARD or JUMP_BACKWARD_NO_INTERRUPT"),
):
    _op(
        _pseudo,
        _POST11,
        "A jump whose direction the compiler has not fixed yet.",
        "unchanged",
        "the jump target",
        note=f"a pseudo-instruction: the compiler turns it into {_what}",
    )
for _cond, _test in (
    ("TRUE", "is true"),
    ("FALSE", "is false"),
    ("NONE", "is None"),
    ("NOT_NONE", "is not None"),
):
    _op(
        f"POP_JUMP_IF_{_cond}",
        _POST11,
        f"Takes the top value off the stack and jumps if it {_test}; otherwise carries on.",
        "pops: value · pushes: nothing",
        _FWD,
        from13={
            "summary": (
                f"Takes the top value off the stack and jumps if it {_test}; otherwise carries on."
            )
            + (
                " The value must be a real bool, made by TO_BOOL or a comparison."
                if _cond in ("TRUE", "FALSE")
                else ""
            )
        },
    )
    for _dir, _arg in (("FORWARD", _FWD), ("BACKWARD", _BACK)):
        _op(
            f"POP_JUMP_{_dir}_IF_{_cond}",
            (11,),
            f"Takes the top value off the stack and jumps {_dir.lower()} if it {_test}.",
            "pops: value · pushes: nothing",
            _arg,
            note="3.12 has one POP_JUMP_IF_... that always jumps forward",
        )
for _cond in ("TRUE", "FALSE"):
    _op(
        f"JUMP_IF_{_cond}_OR_POP",
        (11,),
        (
            f"For `and`/`or`: if the top value is {_cond.lower()}, jumps and keeps it; otherwise "
            f"removes it and carries on."
        ),
        "pops: the value, unless it jumps",
        _FWD,
        note="later versions use COPY and POP_JUMP_IF_...",
    )
_op(
    "GET_ITER",
    _ALL,
    "Replaces the top value with an iterator over it, as `iter(x)` does, before a `for` loop.",
    "pops: iterable · pushes: iterator",
    pops=1,
    pushes=1,
    v15={
        "summary": (
            "Gets the top value ready to be stepped through, as `iter(x)` would, before a `for`"
            " loop or a `yield from`. A list or tuple is kept as it is and walked by position,"
            " without making an iterator object."
        ),
        "stack": (
            "pops: iterable · pushes: two entries, the iterator (or the list or tuple itself),"
            " then an index (or NULL for a real iterator) above it"
        ),
        "argument": (
            "0 for a loop; not 0 for `yield from`, which keeps a generator or coroutine as it is"
        ),
        "pushes": 2,
        "note": (
            "3.15: a for loop keeps two stack entries for its iterator; GET_ITER with an argument"
            " replaces GET_YIELD_FROM_ITER"
        ),
    },
)
_op(
    "FOR_ITER",
    _ALL,
    (
        "Asks the iterator on the stack for its next item and pushes it. When it is used up, "
        "removes the iterator and jumps past the loop."
    ),
    "pops: nothing (the iterator stays) · pushes: the next item; at the end pops the iterator",
    _FWD,
    v12={
        "summary": (
            "Asks the iterator on the stack for its next item and pushes it. When it is used up, "
            "removes the iterator and jumps past the END_FOR that closes the loop."
        )
    },
    v13={
        "summary": (
            "Asks the iterator on the stack for its next item and pushes it. When it is used up, "
            "removes the iterator and jumps past the END_FOR and POP_TOP that close the loop."
        )
    },
    v14={
        "summary": (
            "Asks the iterator on the stack for its next item and pushes it. When it is used up, "
            "jumps past the END_FOR that closes the loop, to the POP_ITER that removes the "
            "iterator."
        ),
        "stack": "pops: nothing (the iterator stays) · pushes: the next item; at the end, nothing",
        "note": "3.14: the iterator is removed by POP_ITER, not by FOR_ITER",
    },
    v15={
        "summary": (
            "Asks the iterator on the stack (or a list or tuple and the index beside it) for the "
            "next item and pushes it. When it is used up, jumps past the END_FOR that closes the "
            "loop, to the POP_ITER that removes the iterator's two entries."
        ),
        "stack": (
            "pops: nothing (the iterator's two entries stay) · pushes: the next item; at the end,"
            " nothing"
        ),
        "note": "3.15: a for loop keeps two stack entries for its iterator",
    },
)
_op(
    "END_FOR",
    _POST11,
    "Marks the end of a `for` loop: removes the iterator and the last value.",
    "pops: value, iterator · pushes: nothing",
    pops=2,
    pushes=0,
    v13={
        "summary": (
            "Marks the end of a `for` loop and removes one value; a POP_TOP after it removes the "
            "iterator."
        ),
        "stack": "pops: value · pushes: nothing",
        "pops": 1,
    },
    from14={
        "summary": (
            "Marks the end of a `for` loop. FOR_ITER jumps over it when the loop is done; it "
            "stands for the item that FOR_ITER did not push, and the POP_ITER after it removes "
            "the iterator."
        ),
        "stack": "pops: value · pushes: nothing",
        "pops": 1,
        "note": "3.14: POP_ITER, not POP_TOP, removes the iterator after it",
    },
)
_op(
    "GET_LEN",
    _ALL,
    "For `match`: pushes the length of the value on top, leaving the value in place.",
    "pops: nothing · pushes: len(subject)",
    pops=0,
    pushes=1,
)
_op(
    "MATCH_MAPPING",
    _ALL,
    "For `match`: pushes True if the subject is a mapping (like a dict), else False.",
    "pops: nothing · pushes: True or False",
    pops=0,
    pushes=1,
)
_op(
    "MATCH_SEQUENCE",
    _ALL,
    (
        "For `match`: pushes True if the subject is a sequence (like a list, not a string), else "
        "False."
    ),
    "pops: nothing · pushes: True or False",
    pops=0,
    pushes=1,
)
_op(
    "MATCH_KEYS",
    _ALL,
    (
        "For a mapping pattern: looks the keys up in the subject and pushes a tuple of their "
        "values, or None if one is missing."
    ),
    "pops: nothing (subject and keys stay) · pushes: values tuple or None",
    pops=0,
    pushes=1,
)
_op(
    "MATCH_CLASS",
    _ALL,
    (
        "For a class pattern like `Point(x, y=0)`: checks the subject's class and pushes a tuple "
        "of the matched attributes, or None."
    ),
    "pops: attribute names, class, subject · pushes: attributes tuple or None",
    "how many positional sub-patterns",
    pops=3,
    pushes=1,
)

# --- exceptions and with -----------------------------------------------------------------
_op(
    "RAISE_VARARGS",
    _ALL,
    "Raises an exception: `raise`, `raise exc` or `raise exc from cause`.",
    "pops: 0, 1 or 2 values",
    "0 re-raise, 1 `raise exc`, 2 `raise exc from cause`",
)
_op(
    "RERAISE",
    _ALL,
    "Raises the exception on top of the stack again, after a `finally` or cleanup has run.",
    "pops: exception (and the saved position if flagged)",
    "if not 0, also restores the position of the instruction that first raised",
)
_op(
    "PUSH_EXC_INFO",
    _ALL,
    (
        "On entering an `except` block: pushes the exception that was being handled before, under "
        "the new one."
    ),
    "pops: exception · pushes: previous exception, exception",
    pops=1,
    pushes=2,
)
_op(
    "POP_EXCEPT",
    _ALL,
    "On leaving an `except` block: restores the exception that was being handled before.",
    "pops: previous exception · pushes: nothing",
    pops=1,
    pushes=0,
)
_op(
    "CHECK_EXC_MATCH",
    _ALL,
    "For `except SomeError`: checks whether the exception is of that type, keeping the exception.",
    "pops: type, exception · pushes: exception, True or False",
    pops=2,
    pushes=2,
)
_op(
    "CHECK_EG_MATCH",
    _ALL,
    "For `except*`: splits the exception group into the part that matches the type and the rest.",
    "pops: type, exception group · pushes: the rest, the matching part (or None)",
    pops=2,
    pushes=2,
)
_op(
    "PREP_RERAISE_STAR",
    (11,),
    "At the end of `except*` blocks: gathers the exceptions still to raise into one group.",
    "pops: raised list, original · pushes: what to raise (or None)",
    pops=2,
    pushes=1,
    note="later an intrinsic call",
)
_op(
    "WITH_EXCEPT_START",
    _ALL,
    (
        "When a `with` body raises: calls the context manager's __exit__ with the exception and "
        "pushes its answer."
    ),
    "pops: nothing · pushes: what __exit__ returned",
    pops=0,
    pushes=1,
)
_op(
    "BEFORE_WITH",
    _UPTO13,
    "Starts a `with` block: calls __enter__ and keeps __exit__ on the stack for later.",
    "pops: context manager · pushes: __exit__, the __enter__ result",
    pops=1,
    pushes=2,
    note="3.14 looks __enter__ and __exit__ up with LOAD_SPECIAL and calls them with CALL",
)
_op(
    "BEFORE_ASYNC_WITH",
    _UPTO13,
    (
        "Starts an `async with` block: keeps __aexit__ for later and pushes the awaitable from "
        "__aenter__."
    ),
    "pops: context manager · pushes: __aexit__, awaitable",
    pops=1,
    pushes=2,
    note="3.14 looks __aenter__ and __aexit__ up with LOAD_SPECIAL and calls them with CALL",
)
for _pseudo, _what in (
    ("SETUP_FINALLY", "a `try` block"),
    ("SETUP_CLEANUP", "a cleanup region (e.g. an `except` body)"),
    ("SETUP_WITH", "a `with` block"),
):
    _op(
        _pseudo,
        _POST11,
        f"Marks the start of {_what} whose errors go to a handler.",
        "unchanged",
        "the handler",
        note="a pseudo-instruction: it becomes an entry of the exception table, not code",
    )
_op(
    "POP_BLOCK",
    _POST11,
    "Marks the end of a protected region started by a SETUP_... instruction.",
    "unchanged",
    note="a pseudo-instruction: it becomes an entry of the exception table, not code",
)

# --- building containers and strings ------------------------------------------------------
for _name, _what in (("BUILD_TUPLE", "tuple"), ("BUILD_LIST", "list"), ("BUILD_SET", "set")):
    _op(
        _name,
        _ALL,
        f"Makes a {_what} from the top values of the stack, in the order they were pushed.",
        f"pops: count values · pushes: the {_what}",
        "count: how many items",
    )
_op(
    "BUILD_MAP",
    _ALL,
    "Makes a dict from key, value pairs on the stack.",
    "pops: 2 × count values · pushes: the dict",
    "count: how many key, value pairs",
)
_op(
    "BUILD_CONST_KEY_MAP",
    _UPTO13,
    "Makes a dict whose keys are all constants: a tuple of keys on top, the values below it.",
    "pops: keys tuple, count values · pushes: the dict",
    "count: how many entries",
    note="3.14 builds such dicts with BUILD_MAP",
)
_op(
    "BUILD_STRING",
    _ALL,
    "Joins the top strings into one, for an f-string.",
    "pops: count strings · pushes: the joined string",
    "count: how many pieces",
)
_op(
    "LIST_APPEND",
    _ALL,
    "Appends the top value to a list further down the stack (in a list comprehension).",
    "pops: value · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "SET_ADD",
    _ALL,
    "Adds the top value to a set further down the stack (in a set comprehension).",
    "pops: value · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "MAP_ADD",
    _ALL,
    (
        "Adds a key, value pair from the top to a dict further down the stack (in a dict "
        "comprehension)."
    ),
    "pops: value, key · pushes: nothing",
    _DISTANCE,
    pops=2,
    pushes=0,
)
_op(
    "LIST_EXTEND",
    _ALL,
    "Adds every item of the top value to a list further down (for `[*a, *b]`).",
    "pops: iterable · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "SET_UPDATE",
    _ALL,
    "Adds every item of the top value to a set further down (for `{*a, *b}`).",
    "pops: iterable · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "DICT_UPDATE",
    _ALL,
    "Copies every entry of the top mapping into a dict further down (for `{**a}`).",
    "pops: mapping · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "DICT_MERGE",
    _ALL,
    "Like DICT_UPDATE for `f(**a, **b)`, but raises an error if a keyword appears twice.",
    "pops: mapping · pushes: nothing",
    _DISTANCE,
    pops=1,
    pushes=0,
)
_op(
    "LIST_TO_TUPLE",
    (11,),
    "Turns the list on top into a tuple.",
    "pops: list · pushes: tuple",
    pops=1,
    pushes=1,
    note="later an intrinsic call",
)
_op(
    "UNPACK_SEQUENCE",
    _ALL,
    "Splits the top value into count items, for `a, b = value`; the first item ends on top.",
    "pops: value · pushes: count items",
    "count: how many items are expected",
)
_op(
    "UNPACK_EX",
    _ALL,
    "Splits the top value for `a, *rest, b = value`, collecting the middle into a list.",
    "pops: value · pushes: the items and the list",
    "low byte: names before the star; high byte: names after it",
)
_op(
    "FORMAT_VALUE",
    _PRE13,
    (
        "Formats the value for an f-string field like `{x!r:>10}`, applying the conversion and "
        "format spec."
    ),
    "pops: the format spec (if flagged), then the value · pushes: the string",
    (
        "flags: low 2 bits the conversion (0 none, 1 !s, 2 !r, 3 !a); 4 means a format spec is on "
        "the stack"
    ),
    note=("3.13 splits it into CONVERT_VALUE, FORMAT_SIMPLE and FORMAT_WITH_SPEC"),
)
_op(
    "CONVERT_VALUE",
    _POST12,
    "Applies an f-string conversion to the top value: str(), repr() or ascii().",
    "pops: value · pushes: the converted string",
    "which conversion: 1 !s, 2 !r, 3 !a",
    pops=1,
    pushes=1,
)
_op(
    "FORMAT_SIMPLE",
    _POST12,
    "Formats the top value for an f-string field with no format spec.",
    "pops: value · pushes: the string",
    pops=1,
    pushes=1,
)
_op(
    "FORMAT_WITH_SPEC",
    _POST12,
    "Formats a value for an f-string field using the format spec on top, e.g. `{x:>10}`.",
    "pops: spec, value · pushes: the string",
    pops=2,
    pushes=1,
)

# --- generators and async ------------------------------------------------------------------
_op(
    "RETURN_GENERATOR",
    _ALL,
    (
        "At the start of a generator or coroutine function: makes the generator object and returns"
        " it to the caller. The body runs later."
    ),
    (
        "the caller gets the generator; when the generator first runs, the value sent in (None)"
        " is on the stack and the next POP_TOP drops it"
    ),
)
_op(
    "YIELD_VALUE",
    _ALL,
    (
        "Pauses the generator and hands the top value to whoever is iterating it. The value sent "
        "back lands on the stack."
    ),
    "pops: the yielded value · pushes: the value sent back on resume",
    pops=1,
    pushes=1,
    v12={"argument": "how deep the exception blocks are here (helps close the generator)"},
    from13={"argument": "1 inside a `yield from` or `await`, 0 for a plain `yield`"},
)
_op(
    "SEND",
    _ALL,
    (
        "Drives `yield from` or `await`: sends a value into the inner generator. When it finishes,"
        " jumps forward with its result."
    ),
    "pops: value to send · pushes: what the inner generator yielded (or its return value)",
    _FWD,
    v15={"note": "3.15: the inner generator takes two stack entries, as GET_ITER leaves them"},
)
_op(
    "END_SEND",
    _POST11,
    "After `yield from`/`await` finishes: removes the inner generator, keeping its result.",
    "pops: value, receiver · pushes: value",
    pops=2,
    pushes=1,
    v15={
        "summary": (
            "After `yield from`/`await` finishes: removes the inner generator's two entries,"
            " keeping its result."
        ),
        "stack": "pops: value, the index or NULL, receiver · pushes: value",
        "pops": 3,
        "note": "3.15: the inner generator takes two stack entries, as GET_ITER leaves them",
    },
)
_op(
    "CLEANUP_THROW",
    _POST11,
    (
        "When an error is thrown into a `yield from` or `await`: if it is StopIteration, takes its"
        " value as the result; otherwise raises it again."
    ),
    "pops: exception, last sent value, sub-iterator · pushes: None, the result",
    pops=3,
    pushes=2,
    v15={
        "stack": (
            "pops: exception, last sent value · pushes: the result; the sub-iterator below is"
            " replaced by None"
        ),
        "pops": None,
        "pushes": None,
    },
)
_op(
    "GET_YIELD_FROM_ITER",
    _UPTO14,
    (
        "Gets an iterator for `yield from`: keeps generators and coroutines as they are, calls "
        "iter() otherwise."
    ),
    "pops: value · pushes: iterator",
    pops=1,
    pushes=1,
    note="3.15 uses GET_ITER with an argument instead",
)
_op(
    "GET_AWAITABLE",
    _ALL,
    "Gets something to wait on for `await x`: a coroutine, or what x.__await__() returns.",
    "pops: x · pushes: the awaitable's iterator",
    "where: 0 a plain await, 1 after __aenter__, 2 after __aexit__ (for error messages)",
    pops=1,
    pushes=1,
)
_op(
    "GET_AITER",
    _ALL,
    "For `async for`: replaces the top value with its async iterator, from __aiter__().",
    "pops: x · pushes: async iterator",
    pops=1,
    pushes=1,
)
_op(
    "GET_ANEXT",
    _ALL,
    (
        "For `async for`: pushes an awaitable for the next item, from __anext__(), keeping the "
        "async iterator."
    ),
    "pops: nothing · pushes: awaitable",
    pops=0,
    pushes=1,
)
_op(
    "END_ASYNC_FOR",
    _ALL,
    (
        "Ends an `async for` loop: if the error is StopAsyncIteration the loop is just over, "
        "otherwise it is raised again."
    ),
    "pops: exception, async iterator · pushes: nothing",
    pops=2,
    pushes=0,
    from14={
        "argument": (
            "how far back the SEND of the loop's await is; it never jumps there, the distance"
            " only lets sys.monitoring report where the loop left"
        ),
        "note": "3.14: it takes an argument",
    },
)
_op(
    "ASYNC_GEN_WRAP",
    (11,),
    "In an async generator, wraps the value about to be yielded so it is told apart from an await.",
    "pops: value · pushes: wrapped value",
    pops=1,
    pushes=1,
    note="later an intrinsic call",
)

# --- new in 3.14 and 3.15 -------------------------------------------------------------------
_op(
    "LOAD_SMALL_INT",
    _POST13,
    "Pushes a small int (0 to 255) that the argument itself gives, with no look-up in co_consts.",
    "pops: nothing · pushes: the int",
    "the int itself",
    pops=0,
    pushes=1,
)
_op(
    "LOAD_COMMON_CONSTANT",
    _POST13,
    (
        "Pushes one of a few values the compiler needs often (AssertionError for a failing"
        " `assert`, the builtin `all`...), so they need no place in co_consts."
    ),
    "pops: nothing · pushes: the value",
    "which value: 0 AssertionError, 1 NotImplementedError, 2 tuple, 3 all, 4 any",
    pops=0,
    pushes=1,
    v15={
        "summary": (
            "Pushes one of a few values the compiler needs often (None, True, False, the builtin"
            " `all`...), so they need no place in co_consts."
        ),
        "argument": (
            "which value: 0 AssertionError, 1 NotImplementedError, 2 tuple, 3 all, 4 any, 5 list,"
            " 6 set, 7 None, 8 '', 9 True, 10 False, 11 -1"
        ),
    },
)
_op(
    "LOAD_FAST_BORROW",
    _POST13,
    (
        "Like LOAD_FAST, but the stack only borrows the value: no reference is counted, because"
        " the compiler has proved the variable keeps it alive while it sits there."
    ),
    "pops: nothing · pushes: the variable's value",
    _LOCAL,
    pops=0,
    pushes=1,
)
_op(
    "LOAD_FAST_BORROW_LOAD_FAST_BORROW",
    _POST13,
    "Two LOAD_FAST_BORROWs in one step: pushes the values of two local variables, borrowed.",
    "pops: nothing · pushes: first variable, second variable",
    "two indexes into co_varnames packed together: high 4 bits the first, low 4 bits the second",
    pops=0,
    pushes=2,
    note="a superinstruction: the compiler merges two LOAD_FAST_BORROWs into one",
)
_op(
    "LOAD_SPECIAL",
    _POST13,
    (
        "Looks a special method (__enter__, __exit__ and their async kin) up on the type of the"
        " object on top, ready for a CALL, for a `with` or `async with` statement."
    ),
    ("pops: obj · pushes: the method, then obj above it (or the value found, then NULL above it)"),
    "which method: 0 __enter__, 1 __exit__, 2 __aenter__, 3 __aexit__",
    pops=1,
    pushes=2,
    note="replaces BEFORE_WITH and BEFORE_ASYNC_WITH",
)
_op(
    "NOT_TAKEN",
    _POST13,
    (
        "Does nothing. It sits where a conditional jump carries on without jumping, so that"
        " sys.monitoring can tell which way a branch went."
    ),
    "unchanged",
    pops=0,
    pushes=0,
)
_op(
    "POP_ITER",
    _POST13,
    "Removes the iterator of a finished `for` loop from the stack.",
    "pops: iterator · pushes: nothing",
    pops=1,
    pushes=0,
    v15={
        "summary": (
            "Removes the two entries of a finished `for` loop's iterator (the iterator, or list or"
            " tuple, and the index or NULL above it)."
        ),
        "stack": "pops: index or NULL, iterator · pushes: nothing",
        "pops": 2,
        "note": "3.15: a for loop keeps two stack entries for its iterator",
    },
)
_op(
    "BUILD_INTERPOLATION",
    _POST13,
    (
        "For a t-string: makes one Interpolation object from a {...} part's value, its source"
        " text, its conversion and format spec."
    ),
    "pops: the format spec (if flagged), the source text, the value · pushes: the Interpolation",
    (
        "flags: bit 0 means a format spec is on the stack; arg >> 2 is the conversion (0 none,"
        " 1 !s, 2 !r, 3 !a)"
    ),
)
_op(
    "BUILD_TEMPLATE",
    _POST13,
    "For a t-string: makes the Template object from its tuple of text pieces and its tuple of"
    " Interpolations.",
    "pops: the Interpolations tuple, the strings tuple · pushes: the Template",
    pops=2,
    pushes=1,
)
for _cond in ("FALSE", "TRUE"):
    _op(
        f"JUMP_IF_{_cond}",
        _POST13,
        (
            f"Jumps if the top value is {_cond.lower()}, leaving it on the stack either way (for"
            " `and` and `or`)."
        ),
        "unchanged",
        "the jump target",
        note=(
            "a pseudo-instruction: the compiler turns it into COPY, TO_BOOL and"
            f" POP_JUMP_IF_{_cond}"
        ),
    )
_op(
    "ANNOTATIONS_PLACEHOLDER",
    _POST13,
    (
        "Keeps a place in a module or class body for the code that sets up its annotations,"
        " which the compiler can write only once it has seen them all."
    ),
    "unchanged",
    note="a pseudo-instruction: filled in or dropped before the code is finished",
)
_op(
    "TRACE_RECORD",
    (15,),
    (
        "Used only by the experimental JIT while it records the path a hot piece of code takes."
        " The interpreter puts it in place while running; the compiler never makes it."
    ),
    "unchanged",
    "the interpreter's own bookkeeping for the recording",
    pops=0,
    pushes=0,
)

# --- instrumented forms (3.12+) ------------------------------------------------------------
_NO_ARG = ("END_FOR", "END_SEND", "RETURN_VALUE", "NOT_TAKEN", "POP_ITER")
for _base, _versions in (
    ("CALL", _POST11),
    ("CALL_FUNCTION_EX", _POST11),
    ("CALL_KW", _POST12),
    ("END_ASYNC_FOR", _POST13),
    ("END_FOR", _POST11),
    ("END_SEND", _POST11),
    ("FOR_ITER", _POST11),
    ("JUMP_BACKWARD", _POST11),
    ("JUMP_FORWARD", _POST11),
    ("LOAD_SUPER_ATTR", _POST11),
    ("NOT_TAKEN", _POST13),
    ("POP_ITER", _POST13),
    ("POP_JUMP_IF_FALSE", _POST11),
    ("POP_JUMP_IF_NONE", _POST11),
    ("POP_JUMP_IF_NOT_NONE", _POST11),
    ("POP_JUMP_IF_TRUE", _POST11),
    ("RESUME", _POST11),
    ("RETURN_CONST", _12_13),
    ("RETURN_VALUE", _POST11),
    ("YIELD_VALUE", _POST11),
):
    _op(
        f"INSTRUMENTED_{_base}",
        _versions,
        (
            f"Does what {_base} does and also reports an event to the tools watching through "
            f"sys.monitoring (debuggers, profilers, coverage)."
        ),
        f"as {_base}",
        None if _base in _NO_ARG else f"as {_base}",
        note="put in place of the plain instruction only while a sys.monitoring tool is active",
        # CALL_FUNCTION_EX lost its argument in 3.14.
        from14={"argument": None} if _base == "CALL_FUNCTION_EX" else None,
    )
_op(
    "INSTRUMENTED_LINE",
    _POST11,
    (
        "Tells the tools watching through sys.monitoring that a new line starts, then runs the "
        "original instruction."
    ),
    "as the original instruction",
    note="put in place only while a sys.monitoring tool watches lines",
    v12={"argument": "the original instruction's argument, left in place"},
)
_op(
    "INSTRUMENTED_INSTRUCTION",
    _POST11,
    (
        "Tells the tools watching through sys.monitoring that an instruction is about to run, then"
        " runs it."
    ),
    "as the original instruction",
    note="put in place only while a sys.monitoring tool watches instructions",
    v12={"argument": "the original instruction's argument, left in place"},
)


# --- specialized forms -----------------------------------------------------------------------
# name -> (versions, generic, summary, what it assumes)
@dataclass(frozen=True, slots=True)
class _Special:
    versions: tuple[int, ...]
    generic: str
    summary: str
    assumes: str
    stack: str | None = None  # None: the generic opcode's stack text and counts hold
    later: tuple[tuple[int, str], ...] = ()  # (minor, assumes) from that minor on
    deopts: bool = True  # whether a failed guard sends it back to the generic form


_SPECIAL: dict[str, _Special] = {}


def _spec(
    name: str,
    versions: tuple[int, ...],
    generic: str,
    summary: str,
    assumes: str,
    stack: str | None = None,
    later: tuple[tuple[int, str], ...] = (),
    deopts: bool = True,
) -> None:
    _SPECIAL[name] = _Special(versions, generic, summary, assumes, stack, later, deopts)


for _g in (
    "BINARY_OP",
    "BINARY_SUBSCR",
    "CALL",
    "COMPARE_OP",
    "LOAD_ATTR",
    "LOAD_GLOBAL",
    "LOAD_METHOD",
    "PRECALL",
    "STORE_ATTR",
    "STORE_SUBSCR",
    "UNPACK_SEQUENCE",
):
    _spec(
        f"{_g}_ADAPTIVE",
        (11,),
        _g,
        (
            f"{_g} while it is still warming up: it counts runs and, once hot, rewrites itself "
            f"into the specialized form that fits the values it sees."
        ),
        "nothing: it is the starting point; it becomes a specialized form after a few runs",
        deopts=False,
    )
for _g in ("JUMP_BACKWARD", "RESUME", "EXTENDED_ARG"):
    _spec(
        _g + "_QUICK",
        (11,),
        _g,
        f"{_g} after quickening: the same work, without the warm-up counter.",
        "nothing beyond the plain instruction",
        deopts=False,
    )

_ARITH = {"ADD": "+", "SUBTRACT": "-", "MULTIPLY": "*"}
for _kind, _sym in _ARITH.items():
    for _t, _tn in (("INT", "int"), ("FLOAT", "float")):
        _spec(
            f"BINARY_OP_{_kind}_{_t}",
            _ALL,
            "BINARY_OP",
            f"`{_sym}` for two {_tn}s, done directly.",
            f"both operands are exactly {_tn}",
        )
_spec(
    "BINARY_OP_ADD_UNICODE",
    _ALL,
    "BINARY_OP",
    "`+` for two strings, done directly.",
    "both operands are exactly str",
)
_spec(
    "BINARY_OP_INPLACE_ADD_UNICODE",
    _ALL,
    "BINARY_OP",
    "`s += t` for strings, growing the string in place when nothing else uses it.",
    "both are str and the left one is the local variable stored right after",
)
_spec(
    "BINARY_SUBSCR_DICT",
    _UPTO13,
    "BINARY_SUBSCR",
    "`d[key]` on a dict, done directly.",
    "the container is exactly dict",
)
_spec(
    "BINARY_SUBSCR_GETITEM",
    _UPTO13,
    "BINARY_SUBSCR",
    "`obj[key]` calling a __getitem__ written in Python, without leaving the interpreter loop.",
    "the class's __getitem__ is the same Python function as before",
)
_spec(
    "BINARY_SUBSCR_LIST_INT",
    _UPTO13,
    "BINARY_SUBSCR",
    "`lst[i]` on a list, done directly.",
    "a list indexed by a small non-negative int inside its bounds",
)
_spec(
    "BINARY_SUBSCR_TUPLE_INT",
    _UPTO13,
    "BINARY_SUBSCR",
    "`t[i]` on a tuple, done directly.",
    "a tuple indexed by a small non-negative int inside its bounds",
)
_spec(
    "BINARY_SUBSCR_STR_INT",
    (13,),
    "BINARY_SUBSCR",
    "`s[i]` on a string, done directly.",
    "an exact str indexed by a small int inside its bounds, where that character is ASCII",
)
_spec(
    "STORE_SUBSCR_DICT",
    _ALL,
    "STORE_SUBSCR",
    "`d[key] = value` on a dict, done directly.",
    "the container is exactly dict",
)
_spec(
    "STORE_SUBSCR_LIST_INT",
    _ALL,
    "STORE_SUBSCR",
    "`lst[i] = value` on a list, done directly.",
    "a list indexed by a small non-negative int inside its bounds",
)
_spec(
    "UNPACK_SEQUENCE_LIST",
    _ALL,
    "UNPACK_SEQUENCE",
    "Unpacks a list directly.",
    "the value is exactly a list of the expected length",
)
_spec(
    "UNPACK_SEQUENCE_TUPLE",
    _ALL,
    "UNPACK_SEQUENCE",
    "Unpacks a tuple directly.",
    "the value is exactly a tuple of the expected length",
)
_spec(
    "UNPACK_SEQUENCE_TWO_TUPLE",
    _ALL,
    "UNPACK_SEQUENCE",
    "Unpacks a pair `a, b = t` directly.",
    "the value is exactly a tuple of two items",
)
_spec(
    "COMPARE_OP_INT",
    _POST11,
    "COMPARE_OP",
    "Compares two ints directly.",
    "both are exactly int and small (below about a billion either way)",
)
_spec(
    "COMPARE_OP_FLOAT",
    _POST11,
    "COMPARE_OP",
    "Compares two floats directly.",
    "both operands are exactly float",
)
_spec(
    "COMPARE_OP_STR",
    _POST11,
    "COMPARE_OP",
    "Compares two strings for == or != directly.",
    "both operands are exactly str and the operator is == or !=",
)
for _t, _tn, _cmp in (
    ("INT", "ints", "ints below about a billion either way"),
    ("FLOAT", "floats", "floats"),
    ("STR", "strings", "strs compared with == or !="),
):
    _spec(
        f"COMPARE_OP_{_t}_JUMP",
        (11,),
        "COMPARE_OP",
        f"Compares two {_tn} and does the conditional jump that follows in the same step.",
        f"both operands are exactly {_cmp}, and a POP_JUMP_IF_... follows",
        "pops: right, left · pushes: nothing (it jumps on the result instead)",
    )
_spec(
    "CONTAINS_OP_DICT",
    _POST12,
    "CONTAINS_OP",
    "`key in d` for a dict, done directly.",
    "the right operand is exactly dict",
)
_spec(
    "CONTAINS_OP_SET",
    _POST12,
    "CONTAINS_OP",
    "`x in s` for a set or frozenset, done directly.",
    "the right operand is exactly set or frozenset",
)
_spec(
    "FOR_ITER_LIST",
    _POST11,
    "FOR_ITER",
    "Steps through a list directly.",
    "the iterator is a list iterator",
)
_spec(
    "FOR_ITER_TUPLE",
    _POST11,
    "FOR_ITER",
    "Steps through a tuple directly.",
    "the iterator is a tuple iterator",
)
_spec(
    "FOR_ITER_RANGE",
    _POST11,
    "FOR_ITER",
    "Steps through a range() directly, without making int objects for the iterator.",
    "the iterator is a range iterator",
)
_spec(
    "FOR_ITER_GEN",
    _POST11,
    "FOR_ITER",
    "Resumes a generator written in Python for its next item without leaving the interpreter loop.",
    "the iterator is a Python generator that is not running",
)
_spec(
    "SEND_GEN",
    _POST11,
    "SEND",
    "Sends into a Python generator or coroutine without leaving the interpreter loop.",
    "the receiver is a Python generator or coroutine that is not running",
)
_spec(
    "LOAD_GLOBAL_MODULE",
    _ALL,
    "LOAD_GLOBAL",
    "Reads a global straight from the module's dict at a remembered spot.",
    "the module's globals dict has not changed its keys since",
)
_spec(
    "LOAD_GLOBAL_BUILTIN",
    _ALL,
    "LOAD_GLOBAL",
    "Reads a builtin straight from the builtins dict at a remembered spot.",
    "neither the globals nor the builtins dict has changed its keys since",
)
_spec(
    "LOAD_ATTR_INSTANCE_VALUE",
    _ALL,
    "LOAD_ATTR",
    "Reads an attribute from an object's own values at a remembered position.",
    "the object's class is the same, and its attributes are stored inline",
)
_spec(
    "LOAD_ATTR_MODULE",
    _ALL,
    "LOAD_ATTR",
    "Reads `module.name` straight from the module's dict at a remembered spot.",
    "the module's dict has not changed its keys since",
)
_spec(
    "LOAD_ATTR_SLOT",
    _ALL,
    "LOAD_ATTR",
    "Reads an attribute kept in a __slots__ slot at a remembered position.",
    "the object's class is the same",
)
_spec(
    "LOAD_ATTR_WITH_HINT",
    _ALL,
    "LOAD_ATTR",
    "Reads an attribute from the object's __dict__ at a remembered position.",
    "the class is the same and the key is still at that position",
)
_spec(
    "LOAD_ATTR_CLASS",
    _POST11,
    "LOAD_ATTR",
    "Reads an attribute of a class object directly.",
    "the class is the same version as before",
)
_spec(
    "LOAD_ATTR_PROPERTY",
    _POST11,
    "LOAD_ATTR",
    "Calls a property's getter written in Python without leaving the interpreter loop.",
    "the class is the same and the property's getter is the same function",
)
_spec(
    "LOAD_ATTR_GETATTRIBUTE_OVERRIDDEN",
    _POST11,
    "LOAD_ATTR",
    "Calls a __getattribute__ written in Python directly.",
    "the class is the same and its __getattribute__ is the same function",
)
_spec(
    "LOAD_ATTR_METHOD_WITH_VALUES",
    _POST11,
    "LOAD_ATTR",
    "Loads a method for a call on an object whose attributes are stored inline.",
    "the class is the same and the instance has not shadowed the method",
)
_spec(
    "LOAD_ATTR_METHOD_NO_DICT",
    _POST11,
    "LOAD_ATTR",
    "Loads a method for a call on an object without a __dict__.",
    "the class is the same",
)
_spec(
    "LOAD_ATTR_METHOD_LAZY_DICT",
    _POST11,
    "LOAD_ATTR",
    "Loads a method for a call on an object whose __dict__ was never created.",
    "the class is the same and the instance still has no __dict__",
)
_spec(
    "LOAD_ATTR_NONDESCRIPTOR_WITH_VALUES",
    _POST12,
    "LOAD_ATTR",
    (
        "Reads a plain class attribute (not a method) through an object whose attributes are "
        "stored inline."
    ),
    "the class is the same and the instance has not shadowed it",
)
_spec(
    "LOAD_ATTR_NONDESCRIPTOR_NO_DICT",
    _POST12,
    "LOAD_ATTR",
    "Reads a plain class attribute (not a method) through an object without a __dict__.",
    "the class is the same",
)
for _k, _w in (
    ("WITH_VALUES", "whose attributes are stored inline"),
    ("WITH_DICT", "with a __dict__"),
    ("NO_DICT", "without a __dict__"),
):
    _spec(
        f"LOAD_METHOD_{_k}",
        (11,),
        "LOAD_METHOD",
        f"Loads a method for a call on an object {_w}.",
        "the class is the same and the instance has not shadowed the method",
    )
_spec(
    "LOAD_METHOD_CLASS",
    (11,),
    "LOAD_METHOD",
    "Loads a method called on a class object directly.",
    "the class is the same version as before",
)
_spec(
    "LOAD_METHOD_MODULE",
    (11,),
    "LOAD_METHOD",
    "Loads a function called as `module.f()` straight from the module's dict.",
    "the module's dict has not changed its keys since",
)
_spec(
    "LOAD_SUPER_ATTR_ATTR",
    _POST11,
    "LOAD_SUPER_ATTR",
    "`super().name` done directly, for an attribute.",
    "`super` is still the builtin super",
)
_spec(
    "LOAD_SUPER_ATTR_METHOD",
    _POST11,
    "LOAD_SUPER_ATTR",
    "`super().name` done directly, for a method call.",
    "`super` is still the builtin super",
)
_spec(
    "STORE_ATTR_INSTANCE_VALUE",
    _ALL,
    "STORE_ATTR",
    "Stores an attribute into an object's own values at a remembered position.",
    "the class is the same and attributes are stored inline",
)
_spec(
    "STORE_ATTR_SLOT",
    _ALL,
    "STORE_ATTR",
    "Stores into a __slots__ slot at a remembered position.",
    "the class is the same",
)
_spec(
    "STORE_ATTR_WITH_HINT",
    _ALL,
    "STORE_ATTR",
    "Stores into the object's __dict__ at a remembered position.",
    "the class is the same and the key is still at that position",
)
_spec(
    "TO_BOOL_BOOL",
    _POST12,
    "TO_BOOL",
    "Leaves a value that is already a bool as it is.",
    "the value is a bool",
)
_spec(
    "TO_BOOL_INT",
    _POST12,
    "TO_BOOL",
    "Turns an int into a bool: False only for 0.",
    "the value is exactly int",
)
_spec(
    "TO_BOOL_LIST",
    _POST12,
    "TO_BOOL",
    "Turns a list into a bool: False only when empty.",
    "the value is exactly list",
)
_spec(
    "TO_BOOL_STR",
    _POST12,
    "TO_BOOL",
    "Turns a string into a bool: False only for ''.",
    "the value is exactly str",
)
_spec("TO_BOOL_NONE", _POST12, "TO_BOOL", "Turns None into False.", "the value is None")
_spec(
    "TO_BOOL_ALWAYS_TRUE",
    _POST12,
    "TO_BOOL",
    "Gives True for an object whose class defines no __bool__ or __len__.",
    "the class is the same version as before",
)
_spec(
    "RESUME_CHECK",
    _POST12,
    "RESUME",
    "RESUME after warm-up: only checks that nothing (tracing, a signal) needs attention.",
    "the code has not been instrumented since",
)
for _a, _b in (
    ("LOAD_FAST", "LOAD_FAST"),
    ("LOAD_FAST", "LOAD_CONST"),
    ("LOAD_CONST", "LOAD_FAST"),
    ("STORE_FAST", "LOAD_FAST"),
    ("STORE_FAST", "STORE_FAST"),
):
    _spec(
        f"{_a}__{_b}",
        _PRE13,
        _a,
        f"{_a} and the {_b} after it in one step (a superinstruction), so the interpreter"
        " does less work between them.",
        f"the next instruction is {_b}; the interpreter merges them when it prepares the code",
        f"as {_a}, then as {_b}",
        deopts=False,
    )

# Calls: (3.11 name or None, 3.12 name or None, 3.13 name or None, summary, assumes)
_CALLS: tuple[tuple[str | None, str | None, str | None, str, str], ...] = (
    (
        "PRECALL_PYFUNC",
        None,
        None,
        "Gets a call to a Python function ready.",
        "the callable is a Python function",
    ),
    (
        "PRECALL_BOUND_METHOD",
        None,
        None,
        "Splits a bound method into its function and self for the call.",
        "the callable is a bound method",
    ),
    (
        None,
        "CALL_BOUND_METHOD_EXACT_ARGS",
        "CALL_BOUND_METHOD_EXACT_ARGS",
        "Calls a bound Python method with exactly the arguments it takes.",
        "a bound method whose function takes exactly this many arguments",
    ),
    (
        None,
        None,
        "CALL_BOUND_METHOD_GENERAL",
        "Calls a bound Python method.",
        "a bound method of a Python function",
    ),
    (
        "CALL_PY_EXACT_ARGS",
        "CALL_PY_EXACT_ARGS",
        "CALL_PY_EXACT_ARGS",
        (
            "Calls a Python function with exactly its number of parameters, without leaving the "
            "interpreter loop."
        ),
        "the same Python function with exactly that many positional parameters",
    ),
    (
        "CALL_PY_WITH_DEFAULTS",
        "CALL_PY_WITH_DEFAULTS",
        None,
        "Calls a Python function, filling missing arguments from its defaults.",
        "the same Python function, given enough arguments with defaults for the rest",
    ),
    (
        None,
        None,
        "CALL_PY_GENERAL",
        "Calls a Python function without leaving the interpreter loop.",
        "the callable is a Python function",
    ),
    (
        None,
        None,
        "CALL_NON_PY_GENERAL",
        "Calls anything that is not a Python function (a builtin, a class...), in the general way.",
        "the callable is not a Python function",
    ),
    (
        "PRECALL_BUILTIN_CLASS",
        "CALL_BUILTIN_CLASS",
        "CALL_BUILTIN_CLASS",
        "Calls a built-in class such as int or list to make an object.",
        "the callable is a built-in class with a fast constructor",
    ),
    (
        "PRECALL_NO_KW_BUILTIN_O",
        "CALL_NO_KW_BUILTIN_O",
        "CALL_BUILTIN_O",
        "Calls a built-in function that takes exactly one argument.",
        "a C function taking one argument, called without keywords",
    ),
    (
        "PRECALL_NO_KW_BUILTIN_FAST",
        "CALL_NO_KW_BUILTIN_FAST",
        "CALL_BUILTIN_FAST",
        "Calls a built-in function through its fast calling convention.",
        "a C function using the fast convention, called without keywords",
    ),
    (
        "PRECALL_BUILTIN_FAST_WITH_KEYWORDS",
        "CALL_BUILTIN_FAST_WITH_KEYWORDS",
        "CALL_BUILTIN_FAST_WITH_KEYWORDS",
        "Calls a built-in function that accepts keywords, through the fast convention.",
        "a C function using the fast convention with keywords",
    ),
    (
        "PRECALL_NO_KW_LEN",
        "CALL_NO_KW_LEN",
        "CALL_LEN",
        "`len(x)` done directly.",
        "the callable is the builtin len, with one argument",
    ),
    (
        "PRECALL_NO_KW_ISINSTANCE",
        "CALL_NO_KW_ISINSTANCE",
        "CALL_ISINSTANCE",
        "`isinstance(x, cls)` done directly.",
        "the callable is the builtin isinstance, with two arguments",
    ),
    (
        "PRECALL_NO_KW_LIST_APPEND",
        "CALL_NO_KW_LIST_APPEND",
        "CALL_LIST_APPEND",
        "`lst.append(x)` done directly.",
        "the method is list.append called on a list with one argument",
    ),
    (
        "PRECALL_NO_KW_METHOD_DESCRIPTOR_O",
        "CALL_NO_KW_METHOD_DESCRIPTOR_O",
        "CALL_METHOD_DESCRIPTOR_O",
        "Calls a built-in method taking one argument, such as `s.startswith(p)`.",
        "a C method taking one argument, called without keywords",
    ),
    (
        "PRECALL_NO_KW_METHOD_DESCRIPTOR_NOARGS",
        "CALL_NO_KW_METHOD_DESCRIPTOR_NOARGS",
        "CALL_METHOD_DESCRIPTOR_NOARGS",
        "Calls a built-in method taking no arguments, such as `s.upper()`.",
        "a C method taking no arguments",
    ),
    (
        "PRECALL_NO_KW_METHOD_DESCRIPTOR_FAST",
        "CALL_NO_KW_METHOD_DESCRIPTOR_FAST",
        "CALL_METHOD_DESCRIPTOR_FAST",
        "Calls a built-in method through its fast calling convention.",
        "a C method using the fast convention, called without keywords",
    ),
    (
        "PRECALL_METHOD_DESCRIPTOR_FAST_WITH_KEYWORDS",
        "CALL_METHOD_DESCRIPTOR_FAST_WITH_KEYWORDS",
        "CALL_METHOD_DESCRIPTOR_FAST_WITH_KEYWORDS",
        "Calls a built-in method that accepts keywords, through the fast convention.",
        "a C method using the fast convention with keywords",
    ),
    (
        "PRECALL_NO_KW_STR_1",
        "CALL_NO_KW_STR_1",
        "CALL_STR_1",
        "`str(x)` with one argument, done directly.",
        "the callable is str itself, with one argument",
    ),
    (
        "PRECALL_NO_KW_TUPLE_1",
        "CALL_NO_KW_TUPLE_1",
        "CALL_TUPLE_1",
        "`tuple(x)` with one argument, done directly.",
        "the callable is tuple itself, with one argument",
    ),
    (
        "PRECALL_NO_KW_TYPE_1",
        "CALL_NO_KW_TYPE_1",
        "CALL_TYPE_1",
        "`type(x)` with one argument, done directly.",
        "the callable is type itself, with one argument",
    ),
    (
        None,
        None,
        "CALL_ALLOC_AND_ENTER_INIT",
        (
            "Makes an instance of a Python class and runs its __init__ without leaving the "
            "interpreter loop."
        ),
        "the same class, with a plain __init__ written in Python",
    ),
)
_SPEC_VERSIONS: dict[str, list[int]] = {}
_CALL_TEXT: dict[str, tuple[str, str, str]] = {}
for _c11, _c12, _c13, _summary, _assumes in _CALLS:
    # 3.14 and 3.15 kept 3.13's call specializations, names and all.
    for _v, _n in ((11, _c11), (12, _c12), (13, _c13), (14, _c13), (15, _c13)):
        if _n is not None:
            _SPEC_VERSIONS.setdefault(_n, []).append(_v)
            _CALL_TEXT[_n] = ("PRECALL" if _n.startswith("PRECALL") else "CALL", _summary, _assumes)
for _n, (_generic, _summary, _assumes) in _CALL_TEXT.items():
    _spec(_n, tuple(_SPEC_VERSIONS[_n]), _generic, _summary, _assumes)


# Specialized forms new in 3.14 and 3.15.
_SUBSCR_STACK = "pops: key, container · pushes: container[key]"
for _name, _summary, _assumes in (
    ("DICT", "`d[key]` on a dict, done directly.", "the container is exactly dict"),
    (
        "GETITEM",
        "`obj[key]` calling a __getitem__ written in Python, without leaving the interpreter loop.",
        "the class's __getitem__ is the same Python function as before",
    ),
    (
        "LIST_INT",
        "`lst[i]` on a list, done directly.",
        "a list indexed by a small non-negative int inside its bounds",
    ),
    (
        "LIST_SLICE",
        "`lst[a:b]` on a list, taking the slice directly.",
        "the container is exactly list and the key a slice object",
    ),
    (
        "TUPLE_INT",
        "`t[i]` on a tuple, done directly.",
        "a tuple indexed by a small non-negative int inside its bounds",
    ),
):
    _spec(f"BINARY_OP_SUBSCR_{_name}", _POST13, "BINARY_OP", _summary, _assumes, _SUBSCR_STACK)
_spec(
    "BINARY_OP_SUBSCR_STR_INT",
    _POST13,
    "BINARY_OP",
    "`s[i]` on a string, done directly.",
    "an exact str indexed by a small int inside its bounds, where that character is ASCII",
    _SUBSCR_STACK,
    later=((15, "an exact str made only of ASCII characters, indexed by a small int inside it"),),
)
_spec(
    "BINARY_OP_SUBSCR_USTR_INT",
    (15,),
    "BINARY_OP",
    "`s[i]` on a string that may hold non-ASCII text, done directly.",
    "an exact str indexed by a small int inside its bounds, where that character is ASCII",
    _SUBSCR_STACK,
)
_spec(
    "BINARY_OP_EXTEND",
    _POST13,
    "BINARY_OP",
    (
        "An operator on a pair of types that has no specialized form of its own, done through"
        " one of a short list of extra fast paths (an int mixed with a float, say); the inline"
        " cache keeps which one."
    ),
    "both operands still have the types that fast path handles",
)
_spec(
    "CALL_KW_PY",
    _POST13,
    "CALL_KW",
    "Calls a Python function with keyword arguments, without leaving the interpreter loop.",
    "the same Python function as before",
)
_spec(
    "CALL_KW_BOUND_METHOD",
    _POST13,
    "CALL_KW",
    "Calls a bound Python method with keyword arguments, splitting it into function and self.",
    "a bound method of a Python function",
)
_spec(
    "CALL_KW_NON_PY",
    _POST13,
    "CALL_KW",
    "Calls anything that is not a Python function (a builtin, a class...) with keywords.",
    "the callable is not a Python function",
)
_spec(
    "CALL_EX_PY",
    (15,),
    "CALL_FUNCTION_EX",
    "`f(*args, **kwargs)` for a Python function, without leaving the interpreter loop.",
    "the callable is a Python function",
)
_spec(
    "CALL_EX_NON_PY_GENERAL",
    (15,),
    "CALL_FUNCTION_EX",
    "`f(*args, **kwargs)` for anything that is not a Python function, in the general way.",
    "the callable is not a Python function",
)
_spec(
    "LOAD_ATTR_CLASS_WITH_METACLASS_CHECK",
    _POST13,
    "LOAD_ATTR",
    "Reads an attribute of a class object directly, after checking its metaclass too.",
    "the class and its metaclass are the same versions as before",
)
_spec(
    "LOAD_CONST_IMMORTAL",
    (14,),
    "LOAD_CONST",
    "LOAD_CONST for a value that is never freed (None, a small int...): no reference is counted.",
    "the constant is immortal; the interpreter picks this form the first time it runs",
    deopts=False,
)
_spec(
    "LOAD_CONST_MORTAL",
    (14,),
    "LOAD_CONST",
    "LOAD_CONST for a value that can be freed: it counts one more reference to it.",
    "the constant is not immortal; the interpreter picks this form the first time it runs",
    deopts=False,
)
_spec(
    "JUMP_BACKWARD_JIT",
    _POST13,
    "JUMP_BACKWARD",
    (
        "JUMP_BACKWARD when the JIT is switched on: it also counts the turns of the loop, and"
        " hands a hot loop to the JIT's optimizer."
    ),
    "the JIT is on; the interpreter picks this form once",
    deopts=False,
)
_spec(
    "JUMP_BACKWARD_NO_JIT",
    _POST13,
    "JUMP_BACKWARD",
    "JUMP_BACKWARD when the JIT is off: it jumps back and checks for interrupts, nothing more.",
    "the JIT is off; the interpreter picks this form once",
    deopts=False,
)
_spec(
    "RESUME_CHECK_JIT",
    (15,),
    "RESUME",
    (
        "RESUME after warm-up when the JIT is on: the checks RESUME_CHECK makes, plus a count"
        " that lets the JIT notice code that runs often."
    ),
    "the code has not been instrumented since",
)
_spec(
    "FOR_ITER_VIRTUAL",
    (15,),
    "FOR_ITER",
    (
        "Steps through a list or tuple by position, using the index kept beside it on the stack;"
        " no iterator object exists."
    ),
    "GET_ITER left a sequence and an index, not an iterator",
)
_spec(
    "GET_ITER_SELF",
    (15,),
    "GET_ITER",
    "GET_ITER for an object that is its own iterator (a generator, say): keeps it, NULL above.",
    "iter() of the object gives the object itself",
)
_spec(
    "GET_ITER_VIRTUAL",
    (15,),
    "GET_ITER",
    (
        "GET_ITER for a list or tuple: keeps the sequence itself with a starting index above it,"
        " so no iterator object is made."
    ),
    "the value is of a type that can be walked by position, such as list or tuple",
)
_spec(
    "SEND_VIRTUAL",
    (15,),
    "SEND",
    "SEND for a `yield from` over a list or tuple walked by position: takes its next item.",
    "the inner iterator is a sequence and an index left by GET_ITER",
)
_spec(
    "SEND_ASYNC_GEN",
    (15,),
    "SEND",
    "SEND into an async generator (for `async for` over one), done directly.",
    "the receiver comes from an async generator",
)


def _running() -> Version:
    return (sys.version_info[0], sys.version_info[1])


def _texts_for(version: Version) -> int | None:
    """The minor version whose texts apply: newer Pythons read as the newest one written for,
    older ones have none."""
    if version < (3, _FIRST):
        return None
    return min(version[1], _LATEST) if version[0] == 3 else _LATEST


def _newer_note(version: Version) -> str | None:
    if version > (3, _LATEST):
        return f"written for Python 3.{_FIRST} to 3.{_LATEST}; {version[0]}.{version[1]} may differ"
    return None


def _span_note(versions: tuple[int, ...]) -> str | None:
    """Where a name exists, when not in every version written for (the spans are unbroken)."""
    if versions == _ALL:
        return None
    first, last = versions[0], versions[-1]
    if last == _LATEST:
        return f"new in 3.{first}"
    if first == last:
        return f"exists only in 3.{first}"
    if last == first + 1:
        return f"exists in 3.{first} and 3.{last} only"
    return f"exists in 3.{first} to 3.{last} only"


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


def _from_tables(name: str, version: Version, minor: int) -> OpcodeExplanation | None:
    """Our words for ``name`` as 3.``minor`` has it, or None when the tables have none."""
    special = _SPECIAL.get(name)
    if special is not None:
        if minor not in special.versions:
            return None
        base = _from_tables(special.generic, version, minor)
        assumes = special.assumes
        for since, later in special.later:
            if minor >= since:
                assumes = later
        assumes = assumes[0].upper() + assumes[1:] + "."
        if special.deopts:
            assumes += (
                f" If that does not hold it does the generic {special.generic} instead; after"
                " repeated misses it is specialized anew."
            )
        stack = special.stack or (base.stack if base else f"as {special.generic}")
        return OpcodeExplanation(
            name,
            version,
            special.summary,
            stack,
            base.argument if base else None,
            _join(
                _span_note(special.versions),
                "made at run time by the specializing interpreter, never by the compiler",
                _newer_note(version),
            ),
            None if special.stack or base is None else base.pops,
            None if special.stack or base is None else base.pushes,
            special.generic,
            assumes,
        )
    text = _GENERIC.get(name)
    if text is None or minor not in text.versions:
        return None
    override = _OVERRIDES.get((name, minor))
    if override:
        text = replace(text, **override)
    return OpcodeExplanation(
        name,
        version,
        text.summary,
        text.stack,
        text.argument,
        _join(_span_note(text.versions), text.note, _newer_note(version)),
        text.pops,
        text.pushes,
    )


def _specializations() -> dict[str, tuple[str, ...]]:
    """Generic name -> its specialized names, as the running interpreter lists them."""
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    return {generic: tuple(names) for generic, names in table.items()}


def _interpreter_has(name: str) -> tuple[bool, str | None]:
    """Whether the running interpreter has ``name``, and the generic name if it is specialized."""
    if name in dis.opmap:
        return True, None
    for generic, names in _specializations().items():
        if name in names:
            return True, generic
    return False, None


# What dis's lists say an argument is, for names the tables lack; the first that holds wins.
_ARGUMENT_KINDS = (
    ("hasconst", "an index into co_consts"),
    ("hasname", "an index into co_names (maybe shifted, with flags in the low bits)"),
    ("haslocal", "an index into the local variables"),
    ("hasfree", "an index into the cell and free variables"),
    ("hasjrel", "a jump distance, in 2-byte code units"),
    ("hasjabs", "a jump target"),
    ("hascompare", "a comparison operator, an index into dis.cmp_op"),
    ("hasexc", "the handler of a protected region"),
)


def _argument_kind(op: int) -> str | None:
    """What the running interpreter tells about ``op``'s argument: None when it takes none."""
    takes: list[int] | range = getattr(dis, "hasarg", range(dis.HAVE_ARGUMENT, 256))
    if op not in takes:
        return None
    for attribute, words in _ARGUMENT_KINDS:
        if op in getattr(dis, attribute, ()):
            return f"it takes one, which dis lists as {words}"
    return "it takes one; dis does not say what kind"


def _stack_words(op: int) -> str:
    """The net stack effect dis computes for ``op`` (with argument 0 when it takes one)."""
    takes = _argument_kind(op) is not None
    arg = 0 if takes else None
    try:
        jumping = dis.stack_effect(op, arg, jump=True)
        falling = dis.stack_effect(op, arg, jump=False)
    except (ValueError, TypeError):
        return "not known here: dis cannot compute its stack effect"
    with_arg = " with argument 0" if takes else ""
    if jumping == falling:
        return f"net effect {jumping:+d}{with_arg}, as dis.stack_effect computes it"
    return (
        f"net effect {jumping:+d} when it jumps, {falling:+d} when it does not{with_arg}, as"
        " dis.stack_effect computes it"
    )


def _from_interpreter(name: str, version: Version, generic: str | None) -> OpcodeExplanation:
    """An explanation made of what the running interpreter tells, for a name we have no words
    for: a newer Python's, or one a table lost."""
    where = f"Python {version[0]}.{version[1]}"
    if name in OPCODE_NAMES_COVERED:
        lead = f"tui-exec has no words yet for {name} as {where} has it."
    elif version > (3, _LATEST):
        lead = f"{name} is new in {where}; tui-exec has no words for it yet."
    else:
        lead = f"{name} is not in tui-exec's tables for {where}; it has no words for it yet."
    summary = lead + " What the interpreter itself tells about it is below."
    op = dis.opmap.get(generic or name)
    if op is None:
        stack, argument, pseudo = "not known here", None, False
    else:
        stack, argument, pseudo = _stack_words(op), _argument_kind(op), op >= 256
    formats: dict[str, dict[str, int]] = getattr(opcode, "_cache_format", {})
    units = sum(formats.get(generic or name, {}).values())
    return OpcodeExplanation(
        name,
        version,
        summary,
        stack,
        argument,
        _join(
            "a pseudo-instruction: the compiler replaces it before the code is finished"
            if pseudo
            else None,
            "made at run time by the specializing interpreter, never by the compiler"
            if generic
            else None,
            "put in place only while a sys.monitoring tool is active"
            if name.startswith("INSTRUMENTED_")
            else None,
            f"an inline cache of {units} code unit{'s' if units != 1 else ''} follows it"
            if units
            else None,
            _newer_note(version),
        ),
        specialized_from=generic,
        assumes=(
            f"Not known to tui-exec: the interpreter makes it from {generic} for some kind of"
            " value."
            if generic
            else None
        ),
    )


def opcode_explanation(name: str, version: Version | None = None) -> OpcodeExplanation | None:
    """The explanation of `name` as it is in `version` (default: the running one), or None.

    For the running version the interpreter decides which names exist: one it has that our
    tables lack still gets an explanation, made of what the interpreter tells and saying that
    we have no words for it yet; one it lacks gets None, whatever the tables say.
    """
    running = _running()
    version = version or running
    minor = _texts_for(version)
    if minor is None:
        return None
    if version != running:
        return _from_tables(name, version, minor)
    has, generic = _interpreter_has(name)
    if not has:
        return None
    return _from_tables(name, version, minor) or _from_interpreter(name, version, generic)


def opcode_names(version: Version | None = None) -> frozenset[str]:
    """Every opcode name, generic or specialized, explained for `version`: for the running
    one, every name its interpreter has."""
    running = _running()
    version = version or running
    minor = _texts_for(version)
    if minor is None:
        return frozenset()
    if version == running:
        names = set(dis.opmap)
        for specialized in _specializations().values():
            names.update(specialized)
        return frozenset(names)
    found = {n for n, t in _GENERIC.items() if minor in t.versions}
    found.update(n for n, s in _SPECIAL.items() if minor in s.versions)
    return frozenset(found)


OPCODE_NAMES_COVERED: Final = frozenset(_GENERIC) | frozenset(_SPECIAL)
"""Every name explained for at least one of 3.11 to 3.15."""

VERSIONS_WRITTEN_FOR: Final = tuple((3, minor) for minor in _ALL)
"""The versions the texts were written for; a newer one reads the newest texts, with a note."""
