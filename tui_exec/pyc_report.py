"""``tui-exec pyc`` and ``tui-exec dump X.pyc``: .pyc bytes written, mapped and listed."""

from __future__ import annotations

import dis
import json
import marshal
import os
import platform
import sys
import warnings
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from types import CodeType
from typing import TYPE_CHECKING, Any

from .core.bytecode import walk_code
from .core.pyc import (
    HEADER_SIZE,
    Header,
    PycError,
    PycMap,
    build_pyc,
    cache_path,
    describe_magic,
    is_python_magic,
    magic_version,
    read_pyc,
)
from .core.words import counted

if TYPE_CHECKING:
    from .core.interpreters import Interpreter

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def looks_like_pyc(name: str, data: bytes) -> bool:
    """A .pyc by its name, or by a magic number of a known Python at its start.

    The magic alone is not enough: ``3\\r\\r\\n`` is both 3.6's magic and valid source, so a
    known magic counts only where the file is not text.
    """
    if name.lower().endswith(".pyc"):
        return True
    if not is_python_magic(data[:4]) or magic_version(data[:4]) is None:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def write_pyc(source: bytes, path: str, out: str, form: str) -> int:
    """Compile ``path`` (read as ``source``) as importlib does, write the .pyc to ``out``,
    print its map. Exit 1 if it does not compile, 2 if ``out`` cannot be written."""
    try:
        if os.path.exists(out) and os.path.samefile(out, path):
            return _fail(f"{out}: is the source file itself; choose another output")
        stat = os.stat(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # py_compile would print them; here they are noise
            data = build_pyc(source, path, int(stat.st_mtime), stat.st_size)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        _fail(f"{path}: does not compile{where}: {type(exc).__name__}: {exc}")
        return EXIT_ERRORS
    except OSError as exc:
        return _fail(f"{path}: cannot read ({exc.strerror or exc})")
    try:
        with open(out, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        return _fail(f"{out}: cannot write ({exc.strerror or exc})")
    pyc = read_pyc(data)
    if form == "json":
        return _print([json.dumps(map_data(pyc, cache_path(path)), ensure_ascii=False)])
    return _print(map_text(pyc, cache_path(path), out))


def interpreter_for_pyc(data: bytes) -> Interpreter | None:
    """Another installed Python whose magic number ``data`` starts with: a .pyc it wrote is
    dumped by it (the bytes are never unmarshalled here). None for this Python's own .pyc,
    a damaged one, or when no installed Python has that magic (it is then refused)."""
    from importlib.util import MAGIC_NUMBER

    from .core.interpreters import by_magic, find_interpreters

    magic = data[:4]
    if len(data) < HEADER_SIZE or not is_python_magic(magic) or magic == MAGIC_NUMBER:
        return None
    return by_magic(magic, find_interpreters())


def dump_pyc(data: bytes, name: str, form: str) -> int:
    """``tui-exec dump X.pyc``; a .pyc of another Python is refused before it is unmarshalled."""
    try:
        pyc = read_pyc(data)
    except PycError as exc:
        return _fail(f"{name}: {exc}")
    if form == "json":
        return _print([json.dumps(dump_data(pyc, name), ensure_ascii=False)])
    return _print(dump_text(pyc, name))


def _fail(message: str) -> int:
    print(f"tui-exec: {message}", file=sys.stderr)
    return EXIT_UNREADABLE


def _print(lines: Iterable[str]) -> int:
    try:
        for line in lines:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head` is fine
        sys.stderr.close()
    return EXIT_OK


def map_data(pyc: PycMap, cache_path: str | None) -> dict[str, Any]:
    """The shape ``tui-exec pyc --format json`` prints: offsets are into the written file."""
    header = pyc.header
    return {
        "cache_path": cache_path,
        "magic": header.magic.hex(),
        "flags": header.flags,
        "mtime": header.mtime,
        "source_size": header.source_size,
        "length": len(pyc.data),
        "code_objects": [
            {
                "id": code.id,
                "qualname": code.qualname,
                "start": code.start,
                "end": code.end,
                "co_code": [code.code_start, code.co_code.end],
            }
            for code in pyc.code_objects
        ],
    }


def _when(mtime: int) -> str:
    return datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def header_lines(header: Header) -> Iterator[str]:
    """The 16 header bytes, field by field."""
    yield f"   0..4   magic        {header.magic.hex(' ')}  {describe_magic(header.magic)}"
    yield f"   4..8   flags        {header.flags}  ({header.invalidation})"
    if header.source_hash is not None:
        yield f"   8..16  source hash  {header.source_hash.hex(' ')}"
    else:
        mtime = header.mtime or 0
        yield f"   8..12  mtime        {mtime}  ({_when(mtime)})"
        yield f"  12..16  source size  {header.source_size} bytes"


def code_object_lines(pyc: PycMap) -> Iterator[str]:
    """One row per code object: its extent and its co_code's, in dump order."""
    yield f"{'id':>4} {'start':>7} {'end':>7}  {'co_code':<15}  qualname"
    for code in pyc.code_objects:
        span = f"{code.code_start}..{code.co_code.end}"
        yield f"{code.id:>4} {code.start:>7} {code.end:>7}  {span:<15}  {code.qualname}"


def map_text(pyc: PycMap, cache_path: str | None, out: str) -> Iterator[str]:
    """``tui-exec pyc --format text``: where it went, the header, the code objects."""
    yield f"# {out}: {len(pyc.data)} bytes, as CPython would cache it at {cache_path or '-'}"
    yield ""
    yield "== header"
    yield from header_lines(pyc.header)
    yield ""
    yield f"== code objects (marshalled from byte {HEADER_SIZE})"
    yield from code_object_lines(pyc)


def _loaded(pyc: PycMap) -> list[tuple[CodeType, int | None]]:
    """The code objects, unmarshalled: only ever called on a map of this interpreter's magic."""
    return walk_code(marshal.loads(pyc.data[HEADER_SIZE:]))


def _argrepr(ins: dis.Instruction) -> str:
    if isinstance(ins.argval, CodeType):  # dis shows an address that changes on every run
        return f"<code object {ins.argval.co_name}, line {ins.argval.co_firstlineno}>"
    return ins.argrepr


def dump_data(pyc: PycMap, name: str) -> dict[str, Any]:
    """``tui-exec dump X.pyc --format json``: header, code objects, bytecode; no source."""
    header = pyc.header
    codes = []
    for extent, (code, parent) in zip(pyc.code_objects, _loaded(pyc), strict=True):
        instructions = list(dis.get_instructions(code))
        rows = []
        for ins, after in zip(instructions, [*instructions[1:], None], strict=True):
            where = pyc.instruction_bytes(extent.id, ins.offset, after and after.offset)
            rows.append(
                {
                    "offset": ins.offset,
                    "opname": ins.opname,
                    "arg": ins.arg,
                    "argrepr": _argrepr(ins),
                    "positions": list(ins.positions) if ins.positions else None,
                    "bytes": [where.start, where.end],
                }
            )
        codes.append(
            {
                "id": extent.id,
                "name": code.co_name,
                "qualname": code.co_qualname,
                "parent": parent,
                "firstlineno": code.co_firstlineno,
                "start": extent.start,
                "end": extent.end,
                "co_code": [extent.code_start, extent.co_code.end],
                "instructions": rows,
            }
        )
    return {
        "python": platform.python_version(),
        "pyc": {
            "path": name,
            "magic": header.magic.hex(),
            "flags": header.flags,
            "mtime": header.mtime,
            "source_size": header.source_size,
            "source_hash": None if header.source_hash is None else header.source_hash.hex(),
            "length": len(pyc.data),
            "source_path": _source_path(pyc),
        },
        "code_objects": codes,
    }


def _source_path(pyc: PycMap) -> str | None:
    filename = pyc.field_value(0, "co_filename")
    return filename if isinstance(filename, str) else None


def dump_text(pyc: PycMap, name: str) -> Iterator[str]:
    """``tui-exec dump X.pyc``: the header, the code objects, then a listing of each."""
    loaded = _loaded(pyc)
    count = sum(len(list(dis.get_instructions(code))) for code, _ in loaded)
    yield (
        f"# {name}: .pyc of {describe_magic(pyc.header.magic)}, {len(pyc.data)} bytes, "
        f"{counted(len(loaded), 'code object')}, {counted(count, 'instruction')}; "
        f"compiled from {_source_path(pyc)}"
    )
    yield ""
    yield "== header"
    yield from header_lines(pyc.header)
    yield ""
    yield "== code objects"
    yield from code_object_lines(pyc)
    yield ""
    yield "== bytecode (positions: line:column in UTF-8 bytes, as co_positions gives them)"
    for extent, (code, _) in zip(pyc.code_objects, loaded, strict=True):
        yield ""
        yield (
            f"-- {code.co_qualname}  (code object #{extent.id}, first line "
            f"{code.co_firstlineno}, bytes {extent.start}..{extent.end})"
        )
        yield f"{'byte':>7} {'offset':>6} {'instruction':<28}{'arg':>6} {'':<30} position"
        instructions = list(dis.get_instructions(code))
        for ins, after in zip(instructions, [*instructions[1:], None], strict=True):
            where = pyc.instruction_bytes(extent.id, ins.offset, after and after.offset)
            arg = "" if ins.arg is None else str(ins.arg)
            argrepr = _argrepr(ins)
            shown = f"({argrepr})" if argrepr else ""
            yield (
                f"{where.start:>7} {ins.offset:>6} {ins.opname:<28}{arg:>6} {shown:<30}"
                f" {_positions(ins)}"
            ).rstrip()


def _positions(ins: dis.Instruction) -> str:
    line, end_line, col, end_col = ins.positions or (None, None, None, None)
    if line is None:
        return "-"
    if col is None or end_col is None:
        return f"{line}"
    return f"{line}:{col}-{end_line}:{end_col}"
