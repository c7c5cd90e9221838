"""`tui-exec pyc` and `tui-exec dump X.pyc`: bytes as CPython writes them, foreign ones refused."""

from __future__ import annotations

import dis
import json
import marshal
import os
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_cache import cached_by_import
from tui_exec.core.bytecode import walk_code

from .test_cli import DEMOS, run

INTERPRETERS = {
    (3, 11): Path.home() / ".pyenv/versions/3.11.7/bin/python3.11",
    (3, 12): Path.home() / ".pyenv/versions/3.12.1/bin/python3.12",
    (3, 13): Path.home() / ".pyenv/versions/3.13.0/bin/python3.13",
}


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "fibonacci.py"
    shutil.copy(DEMOS / "fibonacci.py", path)
    return path


def test_pyc_json_map_and_bytes_equal_what_import_caches(program: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pyc"
    result = run("pyc", str(program), "-o", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "cache_path",
        "magic",
        "flags",
        "mtime",
        "source_size",
        "length",
        "code_objects",
    ]
    written = out.read_bytes()
    assert written == cached_by_import(program)
    assert data["length"] == len(written)
    assert data["magic"] == written[:4].hex() and data["flags"] == 0
    assert data["source_size"] == program.stat().st_size
    assert data["cache_path"] == str(
        program.parent / "__pycache__" / f"fibonacci.{sys.implementation.cache_tag}.pyc"
    )
    codes = walk_code(compile(program.read_bytes(), str(program), "exec", dont_inherit=True))
    dumped = json.loads(run("dump", str(program), "--format", "json").stdout)["code_objects"]
    assert [(c["id"], c["qualname"]) for c in data["code_objects"]] == [
        (c["id"], c["qualname"]) for c in dumped
    ]
    for entry, (code, _) in zip(data["code_objects"], codes, strict=True):
        start, end = entry["co_code"]
        assert written[start:end] == code.co_code
        assert entry["start"] < start < end <= entry["end"] <= len(written)
    assert not (program.parent / "__pycache__").exists()


def test_pyc_text_is_for_people(program: Path, tmp_path: Path) -> None:
    result = run("pyc", str(program), "-o", str(tmp_path / "out.pyc"))
    assert result.returncode == 0, result.stderr
    major, minor = sys.version_info[:2]
    assert f"Python {major}.{minor} (magic" in result.stdout
    assert "(timestamp)" in result.stdout and "fibonacci" in result.stdout


def test_pyc_of_a_syntax_error_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.pyc"
    result = run("pyc", str(DEMOS / "syntax_error.py"), "-o", str(out))
    assert result.returncode == 1
    assert "does not compile" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not out.exists()


def test_pyc_never_overwrites_its_source(program: Path) -> None:
    before = program.read_bytes()
    result = run("pyc", str(program), "-o", str(program))
    assert result.returncode == 2 and "source file itself" in result.stderr
    assert program.read_bytes() == before


def test_dump_of_a_pyc_shows_header_code_objects_and_bytecode(
    program: Path, tmp_path: Path
) -> None:
    pyc = tmp_path / "x.pyc"
    py_compile.compile(str(program), str(pyc), doraise=True)
    text = run("dump", str(pyc))
    assert text.returncode == 0, text.stderr
    assert "== header" in text.stdout and "== bytecode" in text.stdout
    assert "== tokens" not in text.stdout and "== ast" not in text.stdout
    result = run("dump", str(pyc), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pyc"]["source_path"] == str(program)
    data_bytes = pyc.read_bytes()
    codes = walk_code(marshal.loads(data_bytes[16:]))
    for entry, (code, _) in zip(data["code_objects"], codes, strict=True):
        assert [i["opname"] for i in entry["instructions"]] == [
            i.opname for i in dis.get_instructions(code)
        ]
        first = entry["instructions"][0]["bytes"][0]
        assert first == entry["co_code"][0]


def _foreign_python() -> Path:
    for version, path in INTERPRETERS.items():
        if version != sys.version_info[:2] and path.exists():
            return path
    pytest.skip("no other CPython installed to write a foreign .pyc")


def test_a_foreign_pyc_is_refused_with_its_version(program: Path, tmp_path: Path) -> None:
    python = _foreign_python()
    pyc = tmp_path / "foreign.pyc"
    subprocess.run([str(python), "-m", "py_compile", str(program)], check=True, capture_output=True)
    written = next((program.parent / "__pycache__").glob("fibonacci.*.pyc"))
    written.rename(pyc)
    version = next(f"{v[0]}.{v[1]}" for v, p in INTERPRETERS.items() if p == python)
    # Where that Python is installed, `dump` and the explorer hand the file to it (issue 22:
    # tests/test_compare_cli.py, tests/ui/test_explorer_elsewhere.py); where none is, both
    # refuse it in one line, naming its version.
    for args in (("dump", str(pyc)), (str(pyc),)):
        result = _run_alone(*args)
        assert result.returncode == 2
        assert f"made by Python {version} (magic" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def _run_alone(*args: str) -> subprocess.CompletedProcess[str]:
    """``tui-exec ARGS`` on a machine where the running Python is the only one found."""
    nowhere = "/nonexistent-tui-exec-test"
    env = {
        **os.environ,
        "PATH": nowhere,
        "PYENV_ROOT": nowhere,
        "UV_PYTHON_INSTALL_DIR": nowhere,
        "TUI_EXEC_PYTHONS": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "tui_exec", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_a_file_that_is_not_a_pyc_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pyc"
    fake.write_bytes(b"print('hello')\n")
    result = run("dump", str(fake))
    assert result.returncode == 2
    assert "not a .pyc file" in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_explorer_refuses_another_pythons_pyc_in_one_line(
    program: Path, tmp_path: Path
) -> None:
    pyc = tmp_path / "x.pyc"
    py_compile.compile(str(program), str(pyc), doraise=True)
    data = pyc.read_bytes()
    mine = int.from_bytes(data[:2], "little")  # each release's magic: 3.11 to 3.15
    releases = [3495, 3531, 3571, 3627, 3666]
    other = releases[(releases.index(mine) + 1) % len(releases)]
    pyc.write_bytes(other.to_bytes(2, "little") + data[2:])  # another version's magic
    result = _run_alone(str(pyc))
    assert result.returncode == 2 and "made by Python 3.1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_pyc_wants_a_source_file(program: Path, tmp_path: Path) -> None:
    pyc = tmp_path / "x.pyc"
    py_compile.compile(str(program), str(pyc), doraise=True)
    result = run("pyc", str(pyc), "-o", str(tmp_path / "again.pyc"))
    assert result.returncode == 2 and "not a text file" in result.stderr
    assert not (tmp_path / "again.pyc").exists()
