"""Syntax newer than the running Python: the parse error says which version it needs.

On a Python that has the construct the file compiles and nothing is added; on an older one
the error keeps CPython's words (taken from the running parser) and gains the hint, in
``analyze``'s errors and in ``tui-exec dump``. The new demos open, on every version, as what
they are there: a program, or the syntax error with its hint.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui_exec.core import Span, analyze
from tui_exec.core.newer_syntax import find_newer, hint_for, with_hint
from tui_exec.core.tokens import tokenize_source

DEMOS = Path(__file__).parent.parent / "demo_scripts"
RUNNING = sys.version_info[:2]
THIS = f"{RUNNING[0]}.{RUNNING[1]}"

# (source, what the hint calls it, the first version that parses it)
CONSTRUCTS = {
    "t-string": ('name = "w"\ngreeting = t"Hello {name}!"\n', "template strings", (3, 14)),
    "raw t-string": ('x = 1\nprint(Rt"{x}\\n")\n', "template strings", (3, 14)),
    "triple-quoted t-string": ('x = 1\ny = t"""{x}\n"""\n', "template strings", (3, 14)),
    "lazy import": ("lazy import json\nprint(json)\n", "lazy imports", (3, 15)),
    "lazy from, after ;": ("x = 1; lazy from os import path\n", "lazy imports", (3, 15)),
    "except A, B": (
        "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
        "exception types listed without parentheses",
        (3, 14),
    ),
    "except* A, B": (
        "try:\n    pass\nexcept* ValueError, TypeError:\n    pass\n",
        "exception types listed without parentheses",
        (3, 14),
    ),
    "type alias": ("type Pair = tuple[int, int]\n", "type aliases", (3, 12)),
    "generic type alias": ("type Pair[T] = tuple[T, T]\n", "type aliases", (3, 12)),
    "generic function": (
        "def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
        "type parameters",
        (3, 12),
    ),
    "generic class": ("class Box[T]:\n    item: T\n", "type parameters", (3, 12)),
}


def _parser_says(source: str) -> str:
    """The running parser's own message for ``source``."""
    with pytest.raises(SyntaxError) as caught:
        ast.parse(source)
    return caught.value.msg


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_a_newer_construct_compiles_or_says_which_python_it_needs(name: str) -> None:
    source, what, needs = CONSTRUCTS[name]
    analysis = analyze(source.encode())
    if needs <= RUNNING:
        assert analysis.errors == () and analysis.compiled
        return
    error = analysis.error_in("parse")
    assert error is not None and error.type == "SyntaxError"
    hint = f"{what} need Python {needs[0]}.{needs[1]}; this is {THIS}"
    assert error.message == f"{_parser_says(source)} ({hint})"


@pytest.mark.parametrize(
    "source",
    [
        "t = 1\nprint(t 'x')\n",  # a space: a name next to a string on every version
        "print(1 +)\ngreeting = t'{x}'\n",  # the error comes before the t-string
        "try:\n    pass\nexcept ValueError, TypeError as e:\n    pass\n",  # brackets needed
        "lazy = 1\nlazy +\n",  # lazy as a name
        "x = (\n",
    ],
)
def test_other_syntax_errors_keep_cpythons_words_alone(source: str) -> None:
    error = analyze(source.encode()).error_in("parse")
    assert error is not None
    assert error.message == _parser_says(source)


def test_the_soft_keywords_stay_names_where_they_are_names() -> None:
    source = "type = lazy = 1\nprint(type, lazy)\nt = 't'\nx = [t, 'x']\n"
    tokens, problem = tokenize_source(analyze(source.encode()).source)
    assert problem is None
    assert list(find_newer(tokens, (3, 11))) == []


def test_each_construct_is_found_where_it_is_whatever_the_running_version() -> None:
    """The constructs every tokenizer reads alike, looked at as 3.11 would parse them."""
    source = (
        "lazy import json\n"
        "type Alias = int\n"
        "def f[T](x): pass\n"
        "try:\n    pass\nexcept A, B:\n    pass\n"
    )
    tokens, _ = tokenize_source(analyze(source.encode()).source)
    found = [(c.what, c.needs, c.span) for c in find_newer(tokens, (3, 11))]
    assert found == [
        ("lazy imports", (3, 15), (1, 0, 1, 11)),
        ("type aliases", (3, 12), (2, 0, 2, 12)),
        ("type parameters", (3, 12), (3, 0, 3, 6)),
        ("exception types listed without parentheses", (3, 14), (6, 0, 6, 12)),
    ]
    # As 3.14 sees it, only the lazy import is newer.
    assert [c.what for c in find_newer(tokens, (3, 14))] == ["lazy imports"]
    assert list(find_newer(tokens, (3, 15))) == []


def test_the_hint_is_only_for_an_error_inside_the_construct() -> None:
    tokens, _ = tokenize_source(analyze(b"x = 1\nlazy import json\n").source)
    assert hint_for(tokens, Span(2, 5, 2, 11), (3, 14)) == (
        "lazy imports need Python 3.15; this is 3.14"
    )
    assert hint_for(tokens, Span(1, 0, 1, 1), (3, 14)) is None
    assert hint_for(tokens, None, (3, 14)) is None
    assert with_hint("invalid syntax", None) == "invalid syntax"


def _dump(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_exec", "dump", str(path), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("demo", "what", "needs"),
    [
        ("template_strings.py", "template strings", (3, 14)),
        ("lazy_imports.py", "lazy imports", (3, 15)),
    ],
)
def test_a_new_syntax_demo_dumps_or_says_which_python_it_needs(
    demo: str, what: str, needs: tuple[int, int]
) -> None:
    path = DEMOS / demo
    text = _dump(path)
    dumped = _dump(path, "--format", "json")
    errors = json.loads(dumped.stdout)["errors"]
    if needs <= RUNNING:
        assert text.returncode == 0 and errors == []
        return
    hint = f"({what} need Python {needs[0]}.{needs[1]}; this is {THIS})"
    assert text.returncode == 1
    line = next(row for row in text.stdout.splitlines() if row.startswith("! parse error"))
    assert line.startswith("! parse error: SyntaxError at ") and line.endswith(hint)
    # The JSON keeps its field names; the message carries the hint.
    assert [sorted(e) for e in errors] == [["message", "span", "stage", "type"]]
    assert errors[0]["message"].endswith(hint)


def test_deferred_annotations_compile_everywhere_and_fail_eagerly_before_3_14() -> None:
    """Deferred annotations are no new syntax: the demo compiles on every version, and only
    running it tells the versions apart (3.13 and older evaluate Leaf's annotations at once)."""
    path = DEMOS / "deferred_annotations.py"
    assert analyze(path.read_bytes()).errors == ()
    ran = subprocess.run(
        [sys.executable, "-m", "tui_exec", "run", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    result = json.loads(ran.stdout)
    if RUNNING >= (3, 14):
        assert result["exit"]["reason"] == "exited" and "'parent'" in result["stdout"]
    else:
        assert result["exit"]["reason"] == "exception"
        assert "NameError: name 'Tree' is not defined" in result["stderr"]


@pytest.mark.skipif(sys.version_info < (3, 15), reason="lazy imports are new in 3.15")
def test_the_ast_pane_says_which_imports_are_lazy() -> None:
    source = "lazy import json\nlazy from os import path\nimport re\n"
    flags = [node.is_lazy for node in ast.parse(source).body]  # type: ignore[attr-defined]
    assert flags == [1, 1, 0]
    analysis = analyze(source.encode())
    details = [n.detail for n in analysis.nodes if n.type in ("Import", "ImportFrom")]
    assert details == ["lazy", "os lazy", ""]


@pytest.mark.skipif(sys.version_info < (3, 14), reason="template strings are new in 3.14")
def test_an_interpolation_shows_its_conversion() -> None:
    analysis = analyze(b't"{x!r:>3} {y}"\n')
    conversions = [n.detail for n in analysis.nodes if n.type == "Interpolation"]
    assert conversions == ["!r", ""]
