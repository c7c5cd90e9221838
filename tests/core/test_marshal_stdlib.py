"""The marshal reader on the .pyc of every standard-library file: marshal.loads agrees.

Slow: run with ``pytest -m slow``; CI runs it under every installed CPython.
"""

from __future__ import annotations

import importlib.util
import marshal
import warnings
from pathlib import Path

import pytest

from tests.core.marshal_compare import assert_same
from tests.core.stdlib_files import stdlib_files
from tui_exec.core import marshal_reader as mr

HEADER = 16


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_reader_agrees_with_marshal_on_the_whole_stdlib() -> None:
    checked = 0
    for path in stdlib_files():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue  # test data that is meant not to compile
        data = importlib.util.MAGIC_NUMBER + bytes(HEADER - 4) + marshal.dumps(code)
        _check(path, data)
        checked += 1
    assert checked > 1000


def _check(path: Path, data: bytes) -> None:
    stream = mr.read(data, HEADER)
    assert stream.root.end == len(data), path
    assert_same(mr.to_value(stream), marshal.loads(data[HEADER:]), str(path))
    for item in stream.walk():
        if item.type == mr.CODE:
            co_code = stream.resolve(item.get("co_code"))
            assert data[co_code.data_start : co_code.end] == co_code.value, path
