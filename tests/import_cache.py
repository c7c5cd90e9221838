"""The .pyc the import system itself would cache for a source file: the reference the .pyc
stage is checked against.

``py_compile`` is not that reference on every version: on 3.15 it passes the module's code
object to importlib's writer as a borrowed reference, so marshal sees it held once and leaves
it unmarked (no FLAG_REF), one bit and the numbering of later references apart from what
``import`` writes into ``__pycache__``. Here importlib's own ``SourceFileLoader.get_code`` runs
on the file, with its cache write caught instead of made.
"""

from __future__ import annotations

import importlib.machinery
import sys
from pathlib import Path
from unittest import mock


def cached_by_import(path: Path) -> bytes:
    """The bytes ``import`` would write to ``__pycache__`` for ``path`` (nothing is written;
    a cache already there is not read)."""
    loader = importlib.machinery.SourceFileLoader("_tui_exec_reference", str(path))
    written: list[bytes] = []
    read = loader.get_data

    def get_data(name: str) -> bytes:
        if name != str(path):
            raise OSError("no cached .pyc is read: the source is compiled afresh")
        return read(name)

    def set_data(name: str, data: bytes, *, _mode: int = 0o666) -> None:
        written.append(bytes(data))

    with (
        mock.patch.object(loader, "get_data", get_data),
        mock.patch.object(loader, "set_data", set_data),
        mock.patch.object(sys, "dont_write_bytecode", False),
    ):
        loader.get_code("_tui_exec_reference")
    assert len(written) == 1, "importlib did not write a cache"
    return written[0]
