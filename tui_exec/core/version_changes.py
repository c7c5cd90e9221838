"""What compiles differently between two Pythons: hand-written notes, each with its detector.

Each note names the release it came in and is shown only when its detector finds the change
in the two dumps compared (the older one's instructions, then the newer one's), and the
older version is before that release while the newer one is at or after it. The notes were
found by disassembling the demos and standard library files under 3.11 to 3.15. Each has a
small example: the tests check that its detector fires on it between the last installed
Python before the release and the first from it, and never between two Pythons both before
or both after it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CHANGES", "Change", "Seen", "changes_between", "seen_in", "version_tuple"]


@dataclass(frozen=True, slots=True)
class Seen:
    """What one dump's bytecode holds, as the detectors ask it."""

    opnames: frozenset[str]
    with_argrepr: frozenset[tuple[str, str]]
    """(opname, argrepr) of every instruction."""
    with_arg: frozenset[tuple[str, int | None]]
    """(opname, arg) of every instruction."""
    code_names: frozenset[str]
    """co_name of every code object: '<listcomp>', 'f', ..."""

    def argrepr(self, opname: str, text: str) -> bool:
        """Whether an ``opname`` instruction shows ``text`` as its argument."""
        return (opname, text) in self.with_argrepr


def seen_in(dump: Mapping[str, Any]) -> Seen:
    """Gather what the detectors look at from ``tui-exec dump --format json`` data."""
    codes = dump.get("code_objects", ())
    instructions = [ins for code in codes for ins in code["instructions"]]
    return Seen(
        frozenset(ins["opname"] for ins in instructions),
        frozenset((ins["opname"], ins["argrepr"]) for ins in instructions),
        frozenset((ins["opname"], ins["arg"]) for ins in instructions),
        frozenset(code["name"] for code in codes),
    )


Detector = Callable[[Seen, Seen], bool]


@dataclass(frozen=True, slots=True)
class Change:
    """One note: since which release, our words, how to see it, and an example."""

    since: str
    """The release that brought it: '3.12'."""
    words: str
    """One line for people, in our words."""
    detect: Detector
    """Given the older and the newer version's bytecode, whether this change shows in it."""
    example: str
    """A small program it shows on (the tests compile it under each pair of versions)."""


def _new(opname: str) -> Detector:
    """An instruction the newer version uses and the older one never does."""
    return lambda old, new: opname in new.opnames and opname not in old.opnames


def _gone(opname: str, instead: str) -> Detector:
    """An instruction the older version uses, replaced by ``instead`` in the newer one."""
    return lambda old, new: (
        opname in old.opnames and opname not in new.opnames and instead in new.opnames
    )


_COMPREHENSIONS = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>"})


def _inlined(old: Seen, new: Seen) -> bool:
    return bool(old.code_names & _COMPREHENSIONS) and "LOAD_FAST_AND_CLEAR" in new.opnames


def _directional(old: Seen, new: Seen) -> bool:
    said = any(op.startswith(("POP_JUMP_FORWARD_", "POP_JUMP_BACKWARD_")) for op in old.opnames)
    return said and any(op.startswith("POP_JUMP_IF_") for op in new.opnames)


def _subscript(old: Seen, new: Seen) -> bool:
    return "BINARY_SUBSCR" in old.opnames and new.argrepr("BINARY_OP", "[]")


def _two_locals(old: Seen, new: Seen) -> bool:
    pairs = {"LOAD_FAST_LOAD_FAST", "LOAD_FAST_BORROW_LOAD_FAST_BORROW"}
    return not (old.opnames & pairs) and bool(new.opnames & pairs)


def _static_attributes(old: Seen, new: Seen) -> bool:
    name = "__static_attributes__"
    return not old.argrepr("STORE_NAME", name) and new.argrepr("STORE_NAME", name)


def _assertion(old: Seen, new: Seen) -> bool:
    return "LOAD_ASSERTION_ERROR" in old.opnames and new.argrepr(
        "LOAD_COMMON_CONSTANT", "AssertionError"
    )


def _with(old: Seen, new: Seen) -> bool:
    return bool({"BEFORE_WITH", "BEFORE_ASYNC_WITH"} & old.opnames) and new.argrepr(
        "LOAD_SPECIAL", "__enter__"
    )


def _none(old: Seen, new: Seen) -> bool:
    return old.argrepr("LOAD_CONST", "None") and new.argrepr("LOAD_COMMON_CONSTANT", "None")


def _iter_argument(old: Seen, new: Seen) -> bool:
    return ("GET_ITER", None) in old.with_arg and ("GET_ITER", 0) in new.with_arg


CHANGES: tuple[Change, ...] = (
    Change(
        "3.12",
        "list, set and dict comprehensions run inline: no separate code object, and "
        "LOAD_FAST_AND_CLEAR saves the loop variable around them",
        _inlined,
        "def f(xs):\n    return [x * 2 for x in xs]\n",
    ),
    Change(
        "3.12",
        "a call is CALL alone: the PRECALL that came before it is gone",
        _gone("PRECALL", "CALL"),
        "print(1)\n",
    ),
    Change(
        "3.12",
        "a method is loaded by LOAD_ATTR (shown with NULL|self): LOAD_METHOD is gone",
        _gone("LOAD_METHOD", "LOAD_ATTR"),
        "items = []\nitems.append(1)\n",
    ),
    Change(
        "3.12",
        "a for loop that runs out jumps to END_FOR, which pops what the loop left",
        _new("END_FOR"),
        "for x in range(3):\n    pass\n",
    ),
    Change(
        "3.12",
        "returning a constant is one instruction, RETURN_CONST",
        _new("RETURN_CONST"),
        "def f():\n    return 1\n",
    ),
    Change(
        "3.12",
        "`super().name` is one LOAD_SUPER_ATTR: super() is no longer called as a function",
        _new("LOAD_SUPER_ATTR"),
        "class A(B):\n    def f(self):\n        return super().f()\n",
    ),
    Change(
        "3.12",
        "rare operations (unary +, `import *`, ...) are CALL_INTRINSIC_1 with the operation "
        "as its argument",
        _new("CALL_INTRINSIC_1"),
        "x = 1\ny = +x\n",
    ),
    Change(
        "3.12",
        "conditional jumps no longer say which way they go: POP_JUMP_FORWARD_IF_TRUE and "
        "the like are POP_JUMP_IF_TRUE",
        _directional,
        "if x:\n    y = 1\n",
    ),
    Change(
        "3.12",
        "`and` and `or` keep their value with COPY and a POP_JUMP_IF: "
        "JUMP_IF_FALSE_OR_POP and JUMP_IF_TRUE_OR_POP are gone",
        lambda old, new: (
            bool({"JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP"} & old.opnames)
            and not {"JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP"} & new.opnames
        ),
        "z = x and y\n",
    ),
    Change(
        "3.12",
        "`a[i:j]` is one BINARY_SLICE (and `a[i:j] = v` one STORE_SLICE), with no slice "
        "object built",
        _new("BINARY_SLICE"),
        "y = x[i:j]\n",
    ),
    Change(
        "3.13",
        "a value tested by a conditional jump goes through TO_BOOL first",
        _new("TO_BOOL"),
        "if x:\n    y = 1\n",
    ),
    Change(
        "3.13",
        "two locals pushed one after the other are one instruction, LOAD_FAST_LOAD_FAST "
        "(LOAD_FAST_BORROW_LOAD_FAST_BORROW from 3.14)",
        _two_locals,
        "def f(a, b):\n    return a + b\n",
    ),
    Change(
        "3.13",
        "a call with keyword arguments is CALL_KW after a tuple of the names: KW_NAMES is gone",
        _gone("KW_NAMES", "CALL_KW"),
        "print(1, sep='')\n",
    ),
    Change(
        "3.13",
        "an f-string's `{x}` is FORMAT_SIMPLE, and `{x:>3}` FORMAT_WITH_SPEC: FORMAT_VALUE is gone",
        lambda old, new: (
            "FORMAT_VALUE" in old.opnames
            and bool({"FORMAT_SIMPLE", "FORMAT_WITH_SPEC"} & new.opnames)
        ),
        "x = 1\ns = f'{x}'\n",
    ),
    Change(
        "3.13",
        "MAKE_FUNCTION makes a bare function; SET_FUNCTION_ATTRIBUTE then adds defaults, "
        "closure cells or annotations",
        _new("SET_FUNCTION_ATTRIBUTE"),
        "def f(x=1):\n    return x\n",
    ),
    Change(
        "3.13",
        "the cells given to a closure are pushed by LOAD_FAST: LOAD_CLOSURE is gone",
        lambda old, new: "LOAD_CLOSURE" in old.opnames and "LOAD_CLOSURE" not in new.opnames,
        "def f():\n    x = 1\n    def g():\n        return x\n    return g\n",
    ),
    Change(
        "3.13",
        "a class body also stores __firstlineno__ and __static_attributes__ (the names "
        "assigned on self)",
        _static_attributes,
        "class A:\n    def f(self):\n        self.x = 1\n",
    ),
    Change(
        "3.14",
        "`a[i]` is BINARY_OP with the subscript operator, shown as []: BINARY_SUBSCR is gone",
        _subscript,
        "y = x[0]\n",
    ),
    Change(
        "3.14",
        "a small int (0 to 255) is pushed by LOAD_SMALL_INT, the value being its argument",
        _new("LOAD_SMALL_INT"),
        "x = 7\n",
    ),
    Change(
        "3.14",
        "RETURN_CONST is gone: a constant is returned by LOAD_CONST then RETURN_VALUE again",
        lambda old, new: "RETURN_CONST" in old.opnames and "RETURN_CONST" not in new.opnames,
        "def f():\n    return 'done'\n",
    ),
    Change(
        "3.14",
        "a local read where the compiler knows it stays alive is LOAD_FAST_BORROW: its "
        "reference count is left alone",
        _new("LOAD_FAST_BORROW"),
        "def f(a):\n    return a.b\n",
    ),
    Change(
        "3.14",
        "a for loop ends with END_FOR then POP_ITER, which pops the iterator",
        _new("POP_ITER"),
        "for x in range(3):\n    pass\n",
    ),
    Change(
        "3.14",
        "NOT_TAKEN marks where a conditional jump falls through, for tools that watch branches",
        _new("NOT_TAKEN"),
        "if x:\n    y = 1\n",
    ),
    Change(
        "3.14",
        "`with` loads __enter__ and __exit__ with LOAD_SPECIAL and calls them itself: "
        "BEFORE_WITH is gone",
        _with,
        "with open(p) as f:\n    pass\n",
    ),
    Change(
        "3.14",
        "`assert` gets AssertionError from LOAD_COMMON_CONSTANT: LOAD_ASSERTION_ERROR is gone",
        _assertion,
        "assert x\n",
    ),
    Change(
        "3.14",
        "a dict display with constant keys pushes key, value, key, value for BUILD_MAP: "
        "BUILD_CONST_KEY_MAP is gone",
        lambda old, new: (
            "BUILD_CONST_KEY_MAP" in old.opnames and "BUILD_CONST_KEY_MAP" not in new.opnames
        ),
        "d = {'a': x, 'b': y}\n",
    ),
    Change(
        "3.15",
        "None is pushed by LOAD_COMMON_CONSTANT instead of LOAD_CONST",
        _none,
        "x = None\n",
    ),
    Change(
        "3.15",
        "a for loop keeps two stack entries: GET_ITER (now with an argument) pushes one more "
        "next to the iterator",
        _iter_argument,
        "for x in range(3):\n    pass\n",
    ),
    Change(
        "3.15",
        "`yield from` gets its iterator from GET_ITER: GET_YIELD_FROM_ITER is gone",
        _gone("GET_YIELD_FROM_ITER", "GET_ITER"),
        "def g(xs):\n    yield from xs\n",
    ),
)


def version_tuple(python: str) -> tuple[int, ...]:
    """'3.12.1' -> (3, 12, 1); '3.12' -> (3, 12). Stops at the first part that is not a number."""
    parts: list[int] = []
    for part in python.split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def changes_between(
    python_a: str, dump_a: Mapping[str, Any], python_b: str, dump_b: Mapping[str, Any]
) -> list[Change]:
    """The notes that apply between the two versions and whose detectors fire on the dumps
    (either may be the older), in the order of :data:`CHANGES`."""
    (old_python, old_dump), (new_python, new_dump) = sorted(
        ((python_a, dump_a), (python_b, dump_b)), key=lambda side: version_tuple(side[0])
    )
    old_version, new_version = version_tuple(old_python)[:2], version_tuple(new_python)[:2]
    old, new = seen_in(old_dump), seen_in(new_dump)
    return [
        change
        for change in CHANGES
        if old_version < version_tuple(change.since) <= new_version and change.detect(old, new)
    ]
