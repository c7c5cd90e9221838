"""The .pyc stage: the bytes equal what import caches, the header decodes, the map points right."""

from __future__ import annotations

import dis
import importlib.util
import marshal
import os
import py_compile
import sys
from pathlib import Path
from types import CodeType

import pytest

from tests.import_cache import cached_by_import
from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code
from tui_exec.core.linetable import decode_linetable
from tui_exec.core.pyc import (
    MAGIC,
    PycError,
    build_pyc,
    cache_path,
    check_loadable,
    magic_version,
    pyc_for_analysis,
    pyc_for_file,
    read_header,
    read_pyc,
)


def _compiles(path: Path) -> bool:
    """Whether the running Python compiles ``path`` (the syntax-error demo never does, the
    demos of 3.14's and 3.15's syntax only there)."""
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


DEMOS = sorted(
    path
    for path in (Path(__file__).parent.parent.parent / "demo_scripts").glob("*.py")
    if _compiles(path)
)
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _py_compile(path: Path, out: Path, mode: py_compile.PycInvalidationMode) -> bytes:
    py_compile.compile(str(path), str(out), doraise=True, invalidation_mode=mode)
    return out.read_bytes()


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_bytes_equal_what_import_caches(path: Path) -> None:
    expected = cached_by_import(path)
    analyze(path.read_bytes(), str(path))  # an analysis of the same file changes nothing
    assert pyc_for_file(str(path)) == expected


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_an_analysis_gives_the_same_bytes(path: Path) -> None:
    assert pyc_for_analysis(analyze(path.read_bytes(), str(path))) == cached_by_import(path)


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_py_compile_writes_the_same_but_on_3_15(path: Path, tmp_path: Path) -> None:
    """py_compile and import share importlib's writer; 3.15's py_compile hands it the code
    object borrowed, so marshal leaves the module's code object unmarked (FLAG_REF)."""
    ours = pyc_for_file(str(path))
    theirs = _py_compile(path, tmp_path / "x.pyc", py_compile.PycInvalidationMode.TIMESTAMP)
    if sys.version_info[:2] == (3, 15):
        assert (ours[16], theirs[16]) == (0xE3, 0x63)
    else:
        assert ours == theirs


def test_a_program_that_is_no_file_gets_mtime_zero() -> None:
    data = pyc_for_analysis(analyze("x = 'é'\n", "<stdin>"))
    assert data is not None
    header = read_header(data)
    assert (header.mtime, header.source_size) == (0, len("x = 'é'\n".encode()))
    assert pyc_for_analysis(analyze("x = (\n", "<stdin>")) is None


def test_header_of_a_timestamp_pyc() -> None:
    path = DEMOS[0]
    header = read_header(pyc_for_file(str(path)))
    stat = os.stat(path)
    assert header.magic == importlib.util.MAGIC_NUMBER
    assert header.flags == 0 and header.invalidation == "timestamp"
    assert header.mtime == int(stat.st_mtime) & 0xFFFFFFFF
    assert header.source_size == stat.st_size
    assert header.python == THIS_PYTHON


@pytest.mark.parametrize(
    ("mode", "flags", "name"),
    [
        (py_compile.PycInvalidationMode.CHECKED_HASH, 3, "checked hash"),
        (py_compile.PycInvalidationMode.UNCHECKED_HASH, 1, "unchecked hash"),
    ],
)
def test_header_of_hash_based_pycs(
    tmp_path: Path, mode: py_compile.PycInvalidationMode, flags: int, name: str
) -> None:
    data = _py_compile(DEMOS[0], tmp_path / "x.pyc", mode)
    header = read_header(data)
    assert (header.flags, header.invalidation) == (flags, name)
    assert header.source_hash == importlib.util.source_hash(DEMOS[0].read_bytes())
    assert header.mtime is None and header.source_size is None


@pytest.mark.parametrize(
    ("number", "version"),
    [(3495, "3.11"), (3531, "3.12"), (3571, "3.13"), (62211, "2.7"), (3379, "3.6")],
)
def test_magic_numbers_name_their_version(number: int, version: str) -> None:
    assert magic_version(number.to_bytes(2, "little") + b"\r\n") == version


def _listed_magics() -> dict[int, str]:
    """Every magic number in the history CPython keeps as comments in the running version's
    importlib/_bootstrap_external.py, with the X.Y release that wrote it (to 3.13: 3.14 moved
    the history into a C header, which an installed Python does not carry)."""
    import re
    from importlib import _bootstrap_external

    assert _bootstrap_external.__file__ is not None
    text = Path(_bootstrap_external.__file__).read_text(encoding="utf-8")
    line = re.compile(r"^#\s+Python (\d+\.\d+|3000)\S*:?\s+(\d{4,5})\b", re.MULTILINE)
    found = line.findall(text)  # "Python 3000" is what 3.0 was called before its release
    return {int(number): "3.0" if version == "3000" else version for version, number in found}


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="3.14+ keep the history in a C header")
def test_every_listed_magic_names_its_version_and_the_gaps_none() -> None:
    listed = _listed_magics()
    assert len(listed) > 100 and listed[3413] == "3.8"
    magic = {n: n.to_bytes(2, "little") + b"\r\n" for n in range(65536)}
    for number, version in listed.items():
        assert magic_version(magic[number]) == version, number
    for version in set(listed.values()):
        first = min(n for n, v in listed.items() if v == version)
        if first - 1 not in listed:  # just below a version's first magic: nobody's
            assert magic_version(magic[first - 1]) is None, (version, first - 1)


def test_magic_beyond_the_table_and_non_magic() -> None:
    def number(n: int) -> bytes:
        return n.to_bytes(2, "little") + b"\r\n"

    assert magic_version(MAGIC) == THIS_PYTHON
    # From 3.14 each version has a block of 50 (pycore_magic_number.h): 3.14's first alpha
    # wrote 3600, its release 3627; 3.15's 3650 and 3666.
    assert [magic_version(number(n)) for n in (3599, 3600, 3627, 3650, 3666)] == [
        None,
        "3.14",
        "3.14",
        "3.15",
        "3.15",
    ]
    assert magic_version(number(3700)) == "3.16 or later"
    assert magic_version((3440).to_bytes(2, "little") + b"\r\n") is None  # between releases
    assert magic_version(b"\x7fELF") is None


def test_cache_path_is_importlibs_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "pycache_prefix", None)
    path = os.path.join("some", "dir", "mod.py")
    assert cache_path(path) == importlib.util.cache_from_source(path)
    # A prefix (tui-exec sets one for its own imports) does not move the user's cache.
    monkeypatch.setattr(sys, "pycache_prefix", "/elsewhere")
    assert cache_path(path) == os.path.join(
        "some", "dir", "__pycache__", f"mod.{sys.implementation.cache_tag}.pyc"
    )


def test_foreign_magic_and_non_pyc_are_refused() -> None:
    other = b"\xa7\r\r\n" if MAGIC != b"\xa7\r\r\n" else b"\xcb\r\r\n"
    with pytest.raises(PycError, match=r"made by Python 3\.1[12] \(magic \d+\)"):
        check_loadable(other + bytes(12) + b"\xe3")
    with pytest.raises(PycError, match="not a .pyc file"):
        read_pyc(b"print('hello')\n" + bytes(10))
    with pytest.raises(PycError, match="not a .pyc file"):
        read_pyc(MAGIC)  # too short for a header


def test_a_truncated_pyc_is_damaged_not_a_crash() -> None:
    data = build_pyc(b"x = 1\n", "x.py", 0, 6)
    with pytest.raises(PycError, match="damaged"):
        read_pyc(data[:-3])


SOURCE = b"""\
def outer(a):
    def inner(b):
        return a + b
    return inner
class C:
    def m(self):
        return [x * 2 for x in range(3)], lambda: 1
print(outer(1)(2), C().m())
"""


def _code_objects(data: bytes, path: str) -> list[tuple[CodeType, int | None]]:
    return walk_code(compile(data, path, "exec", dont_inherit=True))


def _cache_counts(code: CodeType) -> dict[int, int]:
    """Offset → CACHE entries after it, as dis reports them."""
    if sys.version_info >= (3, 13):
        return {
            ins.offset: sum(size for _, size, _ in ins.cache_info or ())  # type: ignore[attr-defined]
            for ins in dis.get_instructions(code)
        }
    counts: dict[int, int] = {}
    last = 0
    for ins in dis.get_instructions(code, show_caches=True):
        if ins.opname == "CACHE":
            counts[last] += 1
        else:
            last = ins.offset
            counts[last] = 0
    return counts


def test_code_objects_in_dump_order_with_their_co_code() -> None:
    data = build_pyc(SOURCE, "m.py", 0, len(SOURCE))
    pyc = read_pyc(data)
    analysis = analyze(SOURCE, "m.py")
    assert [(c.id, c.qualname, c.parent) for c in pyc.code_objects] == [
        (c.id, c.qualname, c.parent) for c in analysis.code_objects
    ]
    reals = _code_objects(SOURCE, "m.py")
    for extent, (real, _) in zip(pyc.code_objects, reals, strict=True):
        assert data[extent.code_start : extent.co_code.end] == real.co_code
        assert extent.start < extent.code_start < extent.co_code.end <= extent.end
        if extent.parent is not None:
            parent = pyc.code_objects[extent.parent]
            assert parent.start < extent.start and extent.end <= parent.end


def test_instruction_bytes_and_cache_entries() -> None:
    data = build_pyc(SOURCE, "m.py", 0, len(SOURCE))
    pyc = read_pyc(data)
    analysis = analyze(SOURCE, "m.py")
    seen_caches = 0
    for code, (real, _) in zip(analysis.code_objects, _code_objects(SOURCE, "m.py"), strict=True):
        rows = [analysis.instructions[i] for i in code.instruction_ids]
        caches = _cache_counts(real)
        for row, after in zip(rows, [*rows[1:], None], strict=True):
            where = pyc.instruction_bytes(code.id, row.offset, after and after.offset)
            assert data[where.start] == dis.opmap[row.opname]
            assert data[where.start + 1] == (row.arg or 0) & 0xFF
            assert where.cache_entries == caches[row.offset]
            assert data[where.start + 2 : where.end] == bytes(where.end - where.start - 2)
            seen_caches += where.cache_entries
    assert seen_caches > 0


def test_line_entry_of_each_instruction_matches_co_positions() -> None:
    data = build_pyc(SOURCE, "m.py", 0, len(SOURCE))
    pyc = read_pyc(data)
    for extent, (real, _) in zip(pyc.code_objects, _code_objects(SOURCE, "m.py"), strict=True):
        positions = list(real.co_positions())
        for ins in dis.get_instructions(real):
            found = pyc.line_entry(extent.id, ins.offset)
            assert found is not None
            entry, table_start = found
            assert entry.positions == positions[ins.offset // 2]
            assert data[table_start + entry.start] & 0x80  # an entry's first byte
            assert data[table_start + entry.start] >> 3 & 15 == entry.kind


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_linetable_decodes_to_co_positions(path: Path) -> None:
    for code, _ in _code_objects(path.read_bytes(), str(path)):
        ours = []
        for entry in decode_linetable(code.co_linetable, code.co_firstlineno):
            ours.extend([entry.positions] * ((entry.end_offset - entry.first_offset) // 2))
        assert ours == list(code.co_positions())


def test_a_pyc_is_disassembled_without_spans_and_one_without_code_refused(tmp_path: Path) -> None:
    from tui_exec.core.analysis import analyze_pyc

    data = _py_compile(DEMOS[0], tmp_path / "x.pyc", py_compile.PycInvalidationMode.TIMESTAMP)
    expected = compile(DEMOS[0].read_bytes(), str(DEMOS[0]), "exec", dont_inherit=True)
    analysis = analyze_pyc(data, "x.pyc")
    module = analysis.code_objects[0]
    assert module.name == "<module>"
    assert [analysis.instructions[i].opname for i in module.instruction_ids] == [
        i.opname for i in dis.get_instructions(expected)
    ]
    assert all(i.span is None for i in analysis.instructions)
    with pytest.raises(PycError, match="no code object"):
        analyze_pyc(data[:16] + marshal.dumps(5), "five.pyc")
    python38 = (3413).to_bytes(2, "little") + b"\r\n"  # refused before unmarshalling
    with pytest.raises(PycError, match=r"Python 3\.8 \(magic 3413\)"):
        analyze_pyc(python38 + data[4:], "old.pyc")


def test_every_short_form_decodes_to_co_positions() -> None:
    """Names every 3 columns of one line up to column 122: a same-line entry starting before
    column 80 is short form (start column // 8), so kinds 0 to 9 all occur."""
    source = "x = [" + ", ".join(["n"] * 40) + "]\n"
    code = compile(source, "<s>", "exec", dont_inherit=True)
    entries = list(decode_linetable(code.co_linetable, code.co_firstlineno))
    assert set(range(10)) <= {entry.kind for entry in entries}
    ours = []
    for entry in entries:
        ours.extend([entry.positions] * ((entry.end_offset - entry.first_offset) // 2))
    assert ours == list(code.co_positions())
