"""The .pyc readers on every standard-library file: marshal.loads and co_positions agree.

Slow: run with ``pytest -m slow``; CI runs it under every installed CPython.
"""

from __future__ import annotations

import importlib.util
import marshal
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest

from tests.core.marshal_compare import assert_same
from tests.core.stdlib_files import stdlib_files
from tui_exec.core import marshal_reader as mr
from tui_exec.core.bytecode import walk_code
from tui_exec.core.linetable import decode_linetable
from tui_exec.core.pyc import read_pyc

HEADER = 16


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_reader_agrees_with_marshal_on_the_whole_stdlib() -> None:
    checked = 0
    for path, code in _compiled():
        data = importlib.util.MAGIC_NUMBER + bytes(HEADER - 4) + marshal.dumps(code)
        _check(path, data)
        # The map's code objects are dump's, in dump's order, each co_code where it says.
        extents = read_pyc(data).code_objects
        walked = walk_code(code)
        assert [(e.qualname, e.parent) for e in extents] == [
            (c.co_qualname, parent) for c, parent in walked
        ], path
        for extent, (real, _) in zip(extents, walked, strict=True):
            assert data[extent.code_start : extent.co_code.end] == real.co_code, path
        checked += 1
    assert checked > 1000


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_linetable_decoder_agrees_with_co_positions_on_the_whole_stdlib() -> None:
    for path, module in _compiled():
        for code, _ in walk_code(module):
            ours = []
            for entry in decode_linetable(code.co_linetable, code.co_firstlineno):
                ours.extend([entry.positions] * ((entry.end_offset - entry.first_offset) // 2))
            assert ours == list(code.co_positions()), f"{path}: {code.co_qualname}"


def _compiled() -> Iterator[tuple[Path, CodeType]]:
    """Each file that compiles, compiled as importlib does."""
    for path in stdlib_files():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue  # test data that is meant not to compile
        yield path, code


def _check(path: Path, data: bytes) -> None:
    stream = mr.read(data, HEADER)
    assert stream.root.end == len(data), path
    assert_same(mr.to_value(stream), marshal.loads(data[HEADER:]), str(path))
    for item in stream.walk():
        if item.type == mr.CODE:
            co_code = stream.resolve(item.get("co_code"))
            assert data[co_code.data_start : co_code.end] == co_code.value, path
