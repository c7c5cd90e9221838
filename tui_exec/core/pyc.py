"""The .pyc file CPython would write for a source file, and a map of where everything lies in it."""

from __future__ import annotations

import importlib.util
import marshal
import os
from dataclasses import dataclass
from typing import NamedTuple

from . import marshal_reader as mr
from .analysis import Analysis
from .linetable import LineEntry, entry_for_offset
from .pyc_header import (
    FLAG_CHECK_SOURCE,
    FLAG_HASH_BASED,
    HEADER_SIZE,
    MAGIC,
    Header,
    PycError,
    check_loadable,
    describe_magic,
    is_python_magic,
    magic_version,
    read_header,
)

__all__ = [
    "FLAG_CHECK_SOURCE",
    "FLAG_HASH_BASED",
    "HEADER_SIZE",
    "MAGIC",
    "Header",
    "PycError",
    "check_loadable",
    "describe_magic",
    "is_python_magic",
    "magic_version",
    "read_header",
    "build_pyc",
    "pyc_for_file",
    "pyc_for_analysis",
    "cache_path",
    "CodeExtent",
    "InstructionBytes",
    "PycMap",
    "read_pyc",
]


def build_pyc(source: str | bytes, path: str, mtime: int, source_size: int) -> bytes:
    """The timestamp-based .pyc importlib and py_compile write for ``source`` read from ``path``.

    The code is compiled here and marshalled at once: marshal marks an object for sharing
    (FLAG_REF) only when something else also holds a reference to it (interned strings always),
    so dumping a code object that an analysis has already walked gives other flag bits. The
    import system marshals the module's code object while its caller holds it too, so it is
    marked; it is held twice here as well, whatever the interpreter borrows (3.14 and 3.15 pass
    some locals to a call without a reference of their own: 3.15's py_compile leaves it unmarked).
    Raises SyntaxError and kin when ``source`` does not compile.
    """
    held = [compile(source, path, "exec", dont_inherit=True)]
    header = (
        MAGIC
        + (0).to_bytes(4, "little")
        + (mtime & 0xFFFFFFFF).to_bytes(4, "little")
        + (source_size & 0xFFFFFFFF).to_bytes(4, "little")
    )
    return header + marshal.dumps(held[0])


def pyc_for_file(path: str) -> bytes:
    """The .pyc bytes for the source file at ``path``, its mtime and size as importlib reads
    them. Nothing is written."""
    with open(path, "rb") as handle:
        source = handle.read()
    stat = os.stat(path)
    return build_pyc(source, path, int(stat.st_mtime), stat.st_size)


def pyc_for_analysis(analysis: Analysis) -> bytes | None:
    """The .pyc for an analysed program that compiled: with its file's mtime and size when it
    is a file, else mtime 0 and the size of its text. Its decoded text compiles to the same
    marshal bytes as the file's bytes (checked on the stdlib)."""
    if analysis.pyc is not None:
        return analysis.pyc  # opened from a .pyc: its own bytes
    if not analysis.compiled:
        return None
    source = analysis.source
    try:
        stat = os.stat(analysis.filename)
        mtime, size = int(stat.st_mtime), stat.st_size
    except (OSError, ValueError):
        mtime, size = 0, len(source.text.encode(source.encoding, "replace"))
    try:
        return build_pyc(source.text, analysis.filename, mtime, size)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None  # the analysis compiled its tree; from text a nesting limit may differ


def cache_path(path: str) -> str | None:
    """Where CPython caches ``path`` by default: ``__pycache__`` beside it, named for this
    interpreter (PYTHONPYCACHEPREFIX would move it elsewhere). None if it caches nothing."""
    try:
        name = os.path.basename(importlib.util.cache_from_source(path))
    except NotImplementedError:  # an implementation without a cache tag
        return None
    return os.path.join(os.path.dirname(path), "__pycache__", name)


class CodeExtent(NamedTuple):
    """Where one code object lies in the file."""

    id: int
    """Its id in the analysis: the order of ``walk_code`` and ``tui-exec dump``."""
    qualname: str
    item: mr.Item
    """The code object's marshal item: ``start``..``end`` is its whole extent."""
    co_code: mr.Item
    """Its co_code bytes item: the instructions lie from ``data_start`` to ``end``."""
    parent: int | None

    @property
    def start(self) -> int:
        return self.item.start

    @property
    def end(self) -> int:
        return self.item.end

    @property
    def code_start(self) -> int:
        """Offset of co_code's first byte (instruction offset 0) in the file."""
        return self.co_code.data_start


class InstructionBytes(NamedTuple):
    """Where one instruction lies in the file: opcode and argument bytes, then CACHE entries."""

    start: int
    """Offset of the opcode byte; the argument byte follows."""
    end: int
    """Just past its CACHE entries (``start + 2`` when it has none)."""

    @property
    def cache_entries(self) -> int:
        """How many 2-byte CACHE entries follow it."""
        return (self.end - self.start - 2) // 2


@dataclass(frozen=True, slots=True)
class PycMap:
    """A .pyc's bytes read with offsets; its code objects are never loaded."""

    data: bytes
    header: Header
    stream: mr.Stream
    code_objects: tuple[CodeExtent, ...]

    def field(self, code_id: int, name: str) -> mr.Item:
        """A code object's field (``co_linetable``...), references followed."""
        return self.stream.resolve(self.code_objects[code_id].item.get(name))

    def field_value(self, code_id: int, name: str) -> object:
        return self.field(code_id, name).value

    def instruction_bytes(
        self, code_id: int, offset: int, next_offset: int | None
    ) -> InstructionBytes:
        """The bytes of the instruction at byte ``offset`` of co_code; ``next_offset`` is the
        next instruction's (as ``dis`` lists them, CACHE entries hidden), None for the last."""
        extent = self.code_objects[code_id]
        base = extent.code_start
        end = extent.co_code.end if next_offset is None else base + next_offset
        return InstructionBytes(base + offset, end)

    def line_entry(self, code_id: int, offset: int) -> tuple[LineEntry, int] | None:
        """The co_linetable entry of the instruction at ``offset`` and where the table's first
        byte lies in the file (entry offsets are relative to it)."""
        table = self.field(code_id, "co_linetable")
        firstlineno = self.field_value(code_id, "co_firstlineno")
        if not isinstance(table.value, bytes) or not isinstance(firstlineno, int):
            return None
        entry = entry_for_offset(table.value, firstlineno, offset)
        return None if entry is None else (entry, table.data_start)


def read_pyc(data: bytes) -> PycMap:
    """Map a .pyc of the running interpreter's version (PycError otherwise).

    Only the bytes are read, with :mod:`marshal_reader`: nothing is unmarshalled or run.
    """
    header = check_loadable(data)
    try:
        stream = mr.read(data, HEADER_SIZE)
    except mr.MarshalError as exc:
        raise PycError(f"damaged .pyc: {exc}") from None
    root = stream.resolve(stream.root)
    if root.type != mr.CODE:
        raise PycError("damaged .pyc: it holds no code object")
    return PycMap(data, header, stream, tuple(_code_extents(stream, root)))


def _code_extents(stream: mr.Stream, root: mr.Item) -> list[CodeExtent]:
    """Code objects parents first, children in co_consts order: the order of walk_code."""
    found: list[CodeExtent] = []
    stack: list[tuple[mr.Item, int | None]] = [(root, None)]
    while stack:
        item, parent = stack.pop()
        me = len(found)
        qualname = stream.resolve(item.get("co_qualname")).value
        found.append(
            CodeExtent(
                me,
                qualname if isinstance(qualname, str) else "?",
                item,
                stream.resolve(item.get("co_code")),
                parent,
            )
        )
        consts = stream.resolve(item.get("co_consts"))
        nested = [c for c in map(stream.resolve, consts.items) if c.type == mr.CODE]
        stack.extend((child, me) for child in reversed(nested))
    return found
