"""Pairs of ``tui-exec compare`` checked against ``dis`` run by each Python; the notes' words."""

from __future__ import annotations

import ast
import itertools
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_interpreters import installed, need_two
from tui_exec.core.compare import pairs
from tui_exec.core.elsewhere import run_cli
from tui_exec.core.interpreters import Interpreter
from tui_exec.core.version_changes import CHANGES, Change, seen_in, version_tuple

__all__ = ["installed"]  # the session fixture, shared with tests/test_compare_cli.py

ROOT = Path(__file__).parent.parent.parent
DEMOS = sorted((ROOT / "demo_scripts").glob("*.py"))
TIMEOUT = 300

# Run by each interpreter on its own: every instruction dis gives, code objects in the order
# a depth-first walk of co_consts meets them (parents first), with co_positions as they are.
DIS_SCRIPT = """\
import dis, json, sys, types
path = sys.argv[1]
try:
    code = compile(open(path, "rb").read(), path, "exec", dont_inherit=True)
except (SyntaxError, ValueError):
    print("[]")
    raise SystemExit
rows, stack = [], [code]
while stack:
    code = stack.pop()
    rows.append([code.co_qualname, [[i.offset, list(i.positions or (None,) * 4)]
                                    for i in dis.get_instructions(code)]])
    stack.extend(reversed([c for c in code.co_consts if isinstance(c, types.CodeType)]))
print(json.dumps(rows))
"""

_NEWLINE = re.compile(r"\r\n|\r|\n")


def stdlib_handful(interpreter: Interpreter) -> list[Path]:
    """A few stdlib files of the oldest Python installed, so every newer one compiles them."""
    done = subprocess.run(
        [interpreter.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    root = Path(done.stdout.strip())
    names = ("string.py", "textwrap.py", "json/decoder.py", "contextlib.py", "dataclasses.py")
    return [root / name for name in names if (root / name).exists()]


def dumped(interpreter: Interpreter, path: Path) -> dict[str, Any]:
    """``tui-exec dump --format json`` as ``interpreter`` gives it."""
    done = run_cli(interpreter, ["dump", str(path), "--format", "json"], timeout=TIMEOUT)
    assert done.status in (0, 1), done.stderr
    return dict(json.loads(done.stdout))


def by_dis(interpreter: Interpreter, path: Path) -> list[tuple[str, list[Any]]]:
    done = subprocess.run(
        [interpreter.executable, "-I", "-c", DIS_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [(qualname, rows) for qualname, rows in json.loads(done.stdout)]


def expected_spans(
    path: Path, listing: list[tuple[str, list[Any]]]
) -> dict[tuple[int, int, int, int], set[tuple[int, int]]]:
    """dis's instructions by character span: byte columns of the UTF-8 line turned into
    characters; an instruction with a missing position has no span."""
    lines = _NEWLINE.split(path.read_bytes().decode("utf-8"))

    def char_col(line: int, byte_col: int) -> int:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8"))

    spans: dict[tuple[int, int, int, int], set[tuple[int, int]]] = {}
    for code_id, (_, rows) in enumerate(listing):
        for offset, (line, end_line, col, end_col) in rows:
            if None in (line, end_line, col, end_col):
                continue
            span = (line, char_col(line, col), end_line, char_col(end_line, end_col))
            spans.setdefault(span, set()).add((code_id, offset))
    return spans


def check_pairs(
    path: Path, sides: dict[str, tuple[dict[str, Any], list[tuple[str, list[Any]]]]]
) -> None:
    """For every pair of versions: every instruction dis gives each is in the pair of its
    span, and each pair holds exactly the instructions of that span, in both versions."""
    expected = {spec: expected_spans(path, listing) for spec, (_, listing) in sides.items()}
    for spec, (dump, listing) in sides.items():
        assert [c["qualname"] for c in dump["code_objects"]] == [q for q, _ in listing], spec
        assert sum(len(c["instructions"]) for c in dump["code_objects"]) == sum(
            len(rows) for _, rows in listing
        )
    for spec_a, spec_b in itertools.combinations(sorted(sides, key=version_tuple), 2):
        found = pairs(sides[spec_a][0], sides[spec_b][0])
        assert len({pair.span for pair in found}) == len(found)
        want_a, want_b = expected[spec_a], expected[spec_b]
        assert {pair.span for pair in found} == want_a.keys() | want_b.keys(), (spec_a, spec_b)
        for pair in found:
            assert set(pair.a) == want_a.get(pair.span, set()), (spec_a, pair.span)
            assert set(pair.b) == want_b.get(pair.span, set()), (spec_b, pair.span)
            assert len(set(pair.a)) == len(pair.a) and len(set(pair.b)) == len(pair.b)


def sides_for(
    installed: dict[str, Interpreter], path: Path
) -> dict[str, tuple[dict[str, Any], list[tuple[str, list[Any]]]]]:
    return {
        spec: (dumped(interpreter, path), by_dis(interpreter, path))
        for spec, interpreter in installed.items()
    }


@pytest.mark.parametrize("demo", DEMOS, ids=lambda path: path.name)
def test_demo_pairs_match_dis_of_every_python(
    installed: dict[str, Interpreter], demo: Path
) -> None:
    need_two(installed)
    check_pairs(demo, sides_for(installed, demo))


def test_stdlib_pairs_match_dis_of_every_python(installed: dict[str, Interpreter]) -> None:
    need_two(installed)
    oldest = installed[min(installed, key=version_tuple)]
    for path in stdlib_handful(oldest):
        check_pairs(path, sides_for(installed, path))


WALK_LIMIT = 30_000
"""Characters: files with a simple statement longer than this are left out of the walk. A
dump labels each entry of the stack before every instruction with the source it came from,
so one long table literal (html/entities.py's 2,231-entry dict) makes a dump of 1.4 GB; the
pairing itself does not depend on it."""

_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.With,
    ast.AsyncWith,
    ast.Match,
)


def _longest_simple_statement(path: Path) -> int:
    """The length in characters of the longest statement that holds no other statement."""
    text = path.read_bytes().decode("utf-8", "replace")
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return 0
    return max(
        (
            len(ast.get_source_segment(text, node) or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND)
        ),
        default=0,
    )


def _whole_stdlib(interpreter: Interpreter) -> Iterator[Path]:
    """Every tenth file of the oldest Python's stdlib, Lib/test and site-packages left out."""
    root = stdlib_handful(interpreter)[0].parent
    for number, path in enumerate(sorted(root.rglob("*.py"))):
        # Every tenth file: the whole walk takes 45 minutes, CI's whole budget.
        if number % 10 or "site-packages" in path.parts or "test" in path.parts:
            continue
        if _longest_simple_statement(path) <= WALK_LIMIT:
            yield path


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_whole_stdlib_pairs_match_dis_of_every_python(installed: dict[str, Interpreter]) -> None:
    need_two(installed)
    oldest = installed[min(installed, key=version_tuple)]
    for path in _whole_stdlib(oldest):
        check_pairs(path, sides_for(installed, path))


def test_pairs_leave_out_instructions_without_a_span() -> None:
    def dump(*spans: list[int] | None) -> dict[str, Any]:
        rows = [{"offset": 2 * i, "span": span} for i, span in enumerate(spans)]
        return {"code_objects": [{"id": 0, "instructions": rows}]}

    found = pairs(dump([1, 0, 1, 5], None, [1, 0, 1, 5]), dump(None, [0, 0, 1, 0]))
    assert [(p.span, p.a, p.b) for p in found] == [
        ((0, 0, 1, 0), (), ((0, 2),)),
        ((1, 0, 1, 5), ((0, 0), (0, 4)), ()),
    ]


def _seen(interpreter: Interpreter, source: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / f"example-{interpreter.version_text}.py"
    path.write_text(source)
    return dumped(interpreter, path)


@pytest.mark.parametrize(
    "change", CHANGES, ids=lambda change: f"{change.since}-{change.words[:30]}"
)
def test_each_note_fires_across_its_release_only(
    installed: dict[str, Interpreter], change: Change, tmp_path: Path
) -> None:
    """On its example: the detector fires for the pair the note names (the last installed
    Python before its release and the first from it), and for no pair both before the release
    or both after it. Pairs further across may or may not show it (RETURN_CONST came in 3.12
    and went in 3.14: 3.11 and 3.14 do not differ there)."""
    need_two(installed)
    since = version_tuple(change.since)
    dumps = {
        spec: seen_in(_seen(interpreter, change.example, tmp_path))
        for spec, interpreter in installed.items()
    }
    ordered = sorted(installed, key=version_tuple)
    for old, new in itertools.combinations(ordered, 2):
        if not version_tuple(old) < since <= version_tuple(new):
            assert not change.detect(dumps[old], dumps[new]), (old, new)
    before = [spec for spec in ordered if version_tuple(spec) < since]
    after = [spec for spec in ordered if version_tuple(spec) >= since]
    if not before or not after:
        pytest.skip(f"no installed Pythons on both sides of {change.since}")
    assert change.detect(dumps[before[-1]], dumps[after[0]]), (before[-1], after[0])


def test_notes_are_one_line_and_name_a_release() -> None:
    for change in CHANGES:
        assert "\n" not in change.words and len(change.words) < 140
        assert re.fullmatch(r"3\.1[2-5]", change.since)
