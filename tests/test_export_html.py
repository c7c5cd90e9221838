"""The HTML page of a selection (export, ``dump --format html``), checked by parsing it: every
stage's section present, the marked text equal to the source's, nothing fetched from elsewhere."""

from __future__ import annotations

import subprocess
import sys
import tokenize
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest

from tui_exec.core import Analysis, Links, analyze
from tui_exec.core.explain.selection import explain_selection, live_code_objects
from tui_exec.selection_page import SECTIONS, AtError, selection_page, source_point

DEMOS = Path(__file__).parent.parent / "demo_scripts"


class Page(HTMLParser):
    """What a test needs of a page: its sections, the marked text per source line, its
    title, every attribute that could fetch something, and the text of each section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[str] = []
        self.marks: dict[int, list[str]] = {}
        self.title = ""
        self.tags: list[str] = []
        self.fetching: list[str] = []
        """src, href (other than #fragment) and similar attributes; @import and url()."""
        self.charset = ""
        self.section_text: dict[str, str] = {}
        self.text = ""
        self._section: str | None = None
        self._line: int | None = None
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        self._in.append(tag)
        if tag == "section":
            self._section = found.get("id") or ""
            self.sections.append(self._section)
            self.section_text[self._section] = ""
        if tag == "span" and found.get("class") == "line":
            self._line = int(found["data-line"] or 0)
        if tag == "meta" and "charset" in found:
            self.charset = found["charset"] or ""
        for name in ("src", "srcset", "action", "data", "poster", "background"):
            if name in found:
                self.fetching.append(f"{tag} {name}={found[name]}")
        href = found.get("href")
        if href is not None and not href.startswith("#"):
            self.fetching.append(f"{tag} href={href}")
        if tag == "mark":
            assert self._line is not None, "a mark outside the source's lines"
            self.marks.setdefault(self._line, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "section":
            self._section = None
        if tag == "span" and self._line is not None and "span" not in self._in:
            self._line = None

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "style" in self._in and ("@import" in data or "url(" in data):
            self.fetching.append("style: " + data)
        if "mark" in self._in and self._line is not None:
            self.marks[self._line][-1] += data
        if self._section is not None:
            self.section_text[self._section] += data
        if "style" not in self._in:
            self.text += data

    def marked_text(self) -> str:
        """The marked characters, the pieces of one line together, lines joined by \\n (an
        empty line inside the span has nothing to mark)."""
        if not self.marks:
            return ""
        lines = range(min(self.marks), max(self.marks) + 1)
        return "\n".join("".join(self.marks.get(line, ())) for line in lines)


def expected_text(path: Path, span: tuple[int, int, int, int]) -> str:
    """The text a span covers, cut from the file's own lines (not through tui-exec)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first, c1, last, c2 = span
    if first == last:
        return lines[first - 1][c1:c2]
    return "\n".join([lines[first - 1][c1:], *lines[first : last - 1], lines[last - 1][:c2]])


def analysed(path: Path) -> Analysis:
    return analyze(path.read_bytes(), str(path))


def page_at(path: Path, at: str | None) -> tuple[Page, Links, Analysis]:
    analysis = analysed(path)
    point = source_point(analysis, at)
    links = analysis.index.at(*point)
    return Page(selection_page(analysis, "source", point, links)), links, analysis


def check_page(page: Page) -> None:
    assert page.sections == list(SECTIONS)
    assert page.charset.lower() == "utf-8"
    assert page.title.strip()
    assert page.fetching == []
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags


# (file, --at, the token string under it per tokenize)
POINTS = [
    ("classic.py", "5:8", "+"),
    ("classic.py", "3:0", "x"),
    ("unicode_fstrings.py", "4:1", "café"),
    ("unicode_fstrings.py", "5:0", "城市"),
    ("unicode_fstrings.py", "6:9", '"🐍✨"'),
    ("fibonacci.py", None, None),
    ("comprehensions.py", "3", None),
    ("exceptions.py", "8:8", None),
]


@pytest.mark.parametrize(("name", "at", "token"), POINTS)
def test_a_source_point_marks_its_token(name: str, at: str | None, token: str | None) -> None:
    path = DEMOS / name
    page, links, analysis = page_at(path, at)
    check_page(page)
    assert links.span is not None
    assert page.marked_text() == expected_text(path, tuple(links.span))  # type: ignore[arg-type]
    if token is not None:
        # The independent reference: the token tokenize says covers that point.
        line, col = (int(part) for part in at.split(":"))  # type: ignore[union-attr]
        tokens = tokenize.tokenize(BytesIO(path.read_bytes()).readline)
        found = next(t for t in tokens if t.start <= (line, col) < t.end)
        assert found.string == token
        assert page.marked_text() == token
        assert token in page.section_text["tokens"]
    assert page.title.startswith(name)


@pytest.mark.parametrize("name", ["classic.py", "unicode_fstrings.py", "classes.py"])
def test_every_kind_of_selection_marks_its_span(name: str) -> None:
    path = DEMOS / name
    analysis = analysed(path)
    index = analysis.index
    picks: list[tuple[str, int, Links]] = []
    binop = next(n for n in analysis.nodes if n.type in ("BinOp", "JoinedStr", "FunctionDef"))
    picks.append(("node", binop.id, index.for_node(binop.id)))
    call = next(i for i in analysis.instructions if i.opname.startswith("CALL") and i.span)
    picks.append(("instruction", call.id, index.for_instruction(call.id)))
    token = next(t for t in reversed(analysis.tokens) if t.type == "NAME")
    picks.append(("token", token.id, index.for_token(token.id)))
    for origin, item, links in picks:
        page = Page(selection_page(analysis, origin, item, links))
        check_page(page)
        assert links.span is not None
        assert page.marked_text() == expected_text(path, tuple(links.span))  # type: ignore[arg-type]
    # The instruction's page lists it with its value stacks; its explain text names it.
    page = Page(selection_page(analysis, "instruction", call.id, index.for_instruction(call.id)))
    assert call.opname in page.section_text["bytecode"]
    assert "← top" in page.section_text["bytecode"]
    assert call.opname in page.section_text["explain"]


@pytest.mark.parametrize(("name", "opname"), [("classic.py", "LOAD_NAME"), ("classes.py", "CALL")])
def test_the_explain_section_says_what_the_explain_pane_says(name: str, opname: str) -> None:
    analysis = analysed(DEMOS / name)
    ins = next(i for i in analysis.instructions if i.opname.startswith(opname))
    links = analysis.index.for_instruction(ins.id)
    page = Page(selection_page(analysis, "instruction", ins.id, links))
    codes = live_code_objects(analysis)
    said = explain_selection(analysis, "instruction", ins.id, links, codes=codes)
    expected = "\n".join("".join(piece.text for piece in paragraph) for paragraph in said)
    heading, _, shown = page.section_text["explain"].strip("\n").partition("\n")
    assert heading == "Explain"
    assert shown == expected
    assert "value stack before" in shown


def test_the_page_of_classic_plus_says_each_stage() -> None:
    page, _, _ = page_at(DEMOS / "classic.py", "5:8")
    text = page.section_text
    assert "PLUS" in text["tokens"] and "operator" in text["tokens"]
    # The path from the module: Module, body[2] Expr, value Call, args[0] BinOp.
    path = [w for w in text["ast"].split() if w in ("Module", "Expr", "Call", "BinOp")]
    assert path == ["Module", "Expr", "Call", "BinOp"]
    assert "BINARY_OP" in text["bytecode"]
    assert "x + y ← top" in text["bytecode"]  # after BINARY_OP: its result, named
    assert "Not run" in text["run"]
    assert "BinOp" in text["explain"] and "operator" in text["explain"]
    assert f"Python {sys.version.split()[0]}" in page.text
    assert "What this is" in page.text


def test_a_syntax_error_still_makes_a_page_that_says_it() -> None:
    path = DEMOS / "syntax_error.py"
    analysis = analysed(path)
    with pytest.raises(SyntaxError) as raised:
        compile(path.read_bytes(), str(path), "exec")
    page, links, _ = page_at(path, None)
    check_page(page)
    # It opens where the explorer does: on the parser's error.
    assert links.span is not None and links.span[:2] == (raised.value.lineno, 5)
    assert page.marked_text() == "("
    whole = Page(selection_page(analysis, "source", (6, 5), links))
    assert raised.value.msg in whole.section_text["ast"]
    assert "No tree" in whole.section_text["ast"]
    assert "No bytecode" in whole.section_text["bytecode"]


def test_source_text_cannot_become_markup(tmp_path: Path) -> None:
    path = tmp_path / "tricky.py"
    path.write_text('s = "</pre><script>alert(1)</script><!--"\n# \x0c & < >\nt = 1\n')
    page, _, _ = page_at(path, "1:4")
    check_page(page)
    assert page.marked_text() == '"</pre><script>alert(1)</script><!--"'
    assert "␌ & < >" in page.section_text["source"]  # a form feed shows as its picture


def test_a_long_file_shows_the_lines_around_the_selection(tmp_path: Path) -> None:
    path = tmp_path / "long.py"
    path.write_text("".join(f"v{i} = {i}\n" for i in range(1, 1001)))
    page, _, _ = page_at(path, "500:0")
    check_page(page)
    assert page.marked_text() == "v500"
    assert "v500 = 500" in page.section_text["source"]
    assert "v1 = 1\n" not in page.section_text["source"]
    assert "v999 = 999" not in page.section_text["source"]


def test_source_point_defaults_and_refusals() -> None:
    classic = analysed(DEMOS / "classic.py")
    assert source_point(classic, None) == (3, 0)  # the first statement, after two comments
    assert source_point(classic, "5") == (5, 0)
    assert source_point(classic, "5:12") == (5, 12)  # the end of the line, as the cursor
    for bad in ("6:0", "0:0", "5:13", "5:-1", "x", "5:y", ""):
        with pytest.raises(AtError):
            source_point(classic, bad)
    assert source_point(analyze(b""), None) == (1, 0)


# -- the command line -----------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui_exec", "dump", *args],
        capture_output=True,
        timeout=60,
        env={"PYTHONIOENCODING": "ascii", "PATH": "/usr/bin:/bin"},
    )


def test_dump_format_html_at_writes_the_page_in_utf8() -> None:
    path = DEMOS / "unicode_fstrings.py"
    # UTF-8 even where the terminal's encoding is ASCII.
    done = run_cli(str(path), "--format", "html", "--at", "5:0")
    assert done.returncode == 0, done.stderr
    page = Page(done.stdout.decode("utf-8"))
    check_page(page)
    assert page.marked_text() == "城市"


def test_dump_format_html_of_a_syntax_error_exits_1_with_the_page() -> None:
    done = run_cli(str(DEMOS / "syntax_error.py"), "--format", "html")
    assert done.returncode == 1
    page = Page(done.stdout.decode("utf-8"))
    check_page(page)
    assert "was never closed" in page.section_text["ast"]


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("9:0", "line 9 is not in the file (lines 1 to 5)"),
        ("5:99", "column 99 is not on line 5 (columns 0 to 12)"),
        ("five", "give LINE or LINE:COL"),
    ],
)
def test_dump_bad_at_is_one_line_and_exit_2(at: str, said: str) -> None:
    done = run_cli(str(DEMOS / "classic.py"), "--format", "html", "--at", at)
    assert done.returncode == 2
    assert done.stdout == b""
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and lines[0].startswith("tui-exec: ")


def test_dump_at_needs_the_html_format() -> None:
    done = run_cli(str(DEMOS / "classic.py"), "--at", "5:8")
    assert done.returncode == 2
    assert b"--at goes with --format html" in done.stderr


def test_dump_format_html_of_a_pyc(tmp_path: Path) -> None:
    import importlib.util
    import py_compile

    pyc = tmp_path / "classic.pyc"
    py_compile.compile(str(DEMOS / "classic.py"), cfile=str(pyc), doraise=True)
    assert pyc.read_bytes()[:4] == importlib.util.MAGIC_NUMBER
    done = run_cli(str(pyc), "--format", "html")
    assert done.returncode == 0, done.stderr
    page = Page(done.stdout.decode("utf-8"))
    check_page(page)
    assert "holds no source" in page.section_text["source"]
    assert "RESUME" in page.section_text["bytecode"]
    refused = run_cli(str(pyc), "--format", "html", "--at", "1")
    assert refused.returncode == 2 and b"--at needs the .py file" in refused.stderr


def test_a_run_without_recording_says_it_has_no_steps() -> None:
    from array import array

    from tui_exec.core.run import RunResult
    from tui_exec.ui.exporting import run_step
    from tui_exec.ui.timeline import Timeline

    analysis = analysed(DEMOS / "classic.py")
    result = RunResult("exited", 0, 0.01, "15\n", "", array("I"), ())
    run = run_step(Timeline(analysis, result), 0)
    page = Page(selection_page(analysis, "source", (5, 8), analysis.index.at(5, 8), run=run))
    check_page(page)
    assert "exited with status 0" in page.section_text["run"]
    assert "No step was recorded" in page.section_text["run"]
