"""Compare what the marshal reader built with what marshal.loads / compile built."""

from __future__ import annotations

from types import CodeType

from tui_exec.core.marshal_reader import CodeFields

CO_FAST_LOCAL, CO_FAST_CELL, CO_FAST_FREE = 0x20, 0x40, 0x80  # CPython's localsplus kinds

_PLAIN_FIELDS = (
    "co_argcount",
    "co_posonlyargcount",
    "co_kwonlyargcount",
    "co_stacksize",
    "co_flags",
    "co_code",
    "co_names",
    "co_filename",
    "co_name",
    "co_qualname",
    "co_firstlineno",
    "co_linetable",
    "co_exceptiontable",
)


def assert_same(ours: object, real: object, where: str = "root") -> None:
    """Equal values of the same types, floats by repr (so -0.0 and nan count), code objects
    field by field against the real code object's attributes."""
    if isinstance(real, CodeType):
        assert isinstance(ours, CodeFields), where
        for name in _PLAIN_FIELDS:
            assert getattr(ours, name) == getattr(real, name), f"{where}.{name}"
        pairs = list(zip(ours.co_localsplusnames, ours.co_localspluskinds, strict=True))
        assert tuple(n for n, k in pairs if k & CO_FAST_LOCAL) == real.co_varnames, where
        assert tuple(n for n, k in pairs if k & CO_FAST_CELL) == real.co_cellvars, where
        assert tuple(n for n, k in pairs if k & CO_FAST_FREE) == real.co_freevars, where
        assert_same(ours.co_consts, real.co_consts, f"{where}.co_consts")
        return
    assert type(ours) is type(real), f"{where}: {type(ours)} != {type(real)}"
    if isinstance(real, tuple | list):
        assert isinstance(ours, tuple | list) and len(ours) == len(real), where
        for i, (mine, theirs) in enumerate(zip(ours, real, strict=True)):
            assert_same(mine, theirs, f"{where}[{i}]")
    elif isinstance(real, float | complex):
        assert repr(ours) == repr(real), where
    else:
        assert ours == real, where
