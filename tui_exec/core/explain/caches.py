"""The inline cache after an instruction: the 2-byte code units CPython reserves behind some
instructions for its specializing interpreter, and what each part holds, in our words."""

from __future__ import annotations

import dis
import opcode
from typing import NamedTuple

# What each part of a cache holds, for every field name 3.11-3.15 use.
_FIELD_WORDS = {
    "counter": (
        "a counter; when it runs out CPython tries to specialize the instruction again "
        "(on conditional jumps, from 3.13: a record of which way they went)"
    ),
    "version": "the version tag of the type the specialization was made for",
    "type_version": "the version tag of the type the specialization was made for",
    "index": "where the value was found (an index into a dict's entries or an object's slots)",
    "keys_version": "the version of the dict keys the lookup relied on",
    "module_keys_version": "the version of the module globals' keys the lookup relied on",
    "builtin_keys_version": "the version of the builtins' keys the lookup relied on",
    "descr": "the attribute or method that was found, kept to use again",
    "func_version": "the version of the function the call was specialized for",
    "min_args": "how many arguments that function needs at least",
    "mask": "which outcomes of the comparison the specialization answers",
    "dict_offset": "where the instance's __dict__ sits inside the object",
}

# Where a field means something else behind one instruction: (generic name, field) -> words.
_OPCODE_FIELD_WORDS = {
    ("BINARY_OP", "descr"): (
        "which of the interpreter's extra fast paths BINARY_OP_EXTEND uses (3.14+)"
    ),
    ("JUMP_BACKWARD", "counter"): (
        "a count of the loop's turns; when it runs out the loop may be specialized, or with"
        " the JIT on, handed to the optimizer"
    ),
}

_UNKNOWN = "a part new in this Python, or missing from tui-exec's table; it has no words for it yet"


class CacheField(NamedTuple):
    """One part of an instruction's inline cache."""

    name: str
    """CPython's name for it (``opcode._cache_format``)."""
    units: int
    """Its size in 2-byte code units."""
    words: str
    """What it holds, for people."""


def _generic(opname: str) -> str:
    """The instruction a specialized name was compiled as (the name itself otherwise)."""
    table = getattr(opcode, "_specializations", None) or getattr(dis, "_specializations", {})
    for generic, names in table.items():
        if opname in names:
            return str(generic)
    return opname


def inline_cache(opname: str) -> tuple[CacheField, ...]:
    """The parts of the inline cache after ``opname`` in the running version (empty when it
    has none). A specialized name has the cache of the instruction it was compiled as."""
    formats: dict[str, dict[str, int]] = getattr(opcode, "_cache_format", {})
    generic = _generic(opname)
    return tuple(
        CacheField(
            name,
            units,
            _OPCODE_FIELD_WORDS.get((generic, name)) or _FIELD_WORDS.get(name, _UNKNOWN),
        )
        for name, units in formats.get(generic, {}).items()
    )


def field_words() -> dict[str, str]:
    """Every field name with its words (for the tests' completeness check)."""
    return dict(_FIELD_WORDS)
