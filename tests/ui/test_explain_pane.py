"""The Explain pane follows the selection: a token, a node, an instruction, a code object."""

from __future__ import annotations

import opcode
import os

import pytest
from rich.console import Console
from rich.text import Text

from tests.ui.helpers import app_for, ready
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.panes.explain import ExplainPane

PROGRAM = "x = 5\ny = 10\nprint(x + y)\n"


def shown(app: TuiExecApp) -> str:
    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.query_one(ExplainPane).content)
    return console.export_text()


async def test_it_explains_whatever_is_selected() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        analysis = app.analysis
        app.select("source", (3, 6))  # while hidden: explained once shown
        await pilot.press("8")  # shown on demand
        await pilot.pause()
        assert "Token 'x' at 3:6–7" in shown(app)

        app.select("source", (1, 0))
        await pilot.pause()
        assert "Token 'x'" in shown(app) and "an identifier: type NAME" in shown(app)

        binary = next(i for i in analysis.instructions if i.opname.startswith("BINARY_OP"))
        app.select("instruction", binary.id)
        await pilot.pause()
        text = shown(app)
        assert "Instruction BINARY_OP" in text and "line 3" in text
        assert "two-operand operator" in text  # the opcode's own explanation
        assert "here: argument 0 → +" in text
        # The value stack, each entry named by the expression that made it (3.13 puts the
        # function below NULL, 3.11 and 3.12 above it).
        import sys

        callee = "print | NULL" if sys.version_info >= (3, 13) else "NULL | print"
        assert f"value stack before: {callee} | x | y ← top" in text
        assert f"value stack after: {callee} | x + y ← top" in text
        # Its inline cache: a counter on every version (one code unit until 3.13, five with
        # room for BINARY_OP_EXTEND's function from 3.14).
        units = sum(opcode._cache_format["BINARY_OP"].values())  # type: ignore[attr-defined]
        unit_word = "code unit" if units == 1 else "code units"
        assert f"inline cache: {units} {unit_word} ({2 * units} bytes) after it" in text
        assert "counter (1)" in text

        node = next(n for n in analysis.nodes if n.type == "BinOp")
        app.select("node", node.id)
        await pilot.pause()
        text = shown(app)
        assert "AST node BinOp" in text and "left: Name" in text and "right: Name" in text
        assert "compiled to:" in text and "BINARY_OP" in text

        app.select("code", 0)
        await pilot.pause()
        text = shown(app)
        assert "Code object <module>" in text
        assert "names (co_names): 0: x, 1: y, 2: print" in text
        consts = compile(PROGRAM, "<test>", "exec").co_consts  # 3.14+ load 5 and 10 apart
        listed = ", ".join(f"{i}: {c!r}" for i, c in enumerate(consts))
        assert f"constants (co_consts): {listed}\n" in text


def marked(app: TuiExecApp) -> list[str]:
    """The text of every span the pane shows in reverse video: the table entries it marks."""
    found = []
    content = app.query_one(ExplainPane).content
    for line in getattr(content, "renderables", []):
        for span in getattr(line, "spans", []):
            if "reverse" in str(span.style):
                found.append(line.plain[span.start : span.end])
    return found


async def test_an_argument_marks_the_table_entry_it_reads() -> None:
    app = app_for("a = 'first'\nb = 'second'\nprint(b)\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        await pilot.press("8")
        second = [i for i in app.analysis.instructions if i.opname == "LOAD_CONST"][1]
        app.select("instruction", second.id)
        await pilot.pause()
        text = shown(app)
        assert "here: argument 1 → co_consts[1] = 'second'" in text
        # None is a constant too, until 3.15 loads it with LOAD_COMMON_CONSTANT
        consts = compile("a = 'first'\nb = 'second'\nprint(b)\n", "<t>", "exec").co_consts
        assert "co_consts: " + "  ".join(f"{i}: {c!r}" for i, c in enumerate(consts)) in text
        assert marked(app) == ["1: 'second'"]

        load_b = next(
            i for i in app.analysis.instructions if i.opname == "LOAD_NAME" and i.argrepr == "b"
        )
        app.select("instruction", load_b.id)
        await pilot.pause()
        assert "here: argument 1 → co_names[1] = 'b'" in shown(app)
        assert marked(app) == ["1: 'b'"]


async def test_its_scrollbar_never_comes_or_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words that fit and words that need scrolling keep one width and one layout: a scrollbar
    shown or hidden re-lays the whole screen out (it did on a third of the moves)."""
    from textual.screen import Screen

    app = app_for("".join(f"name_{i} = 'a long constant, number {i}'\n" for i in range(30)))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        await pilot.press("8")
        await pilot.pause()
        pane = app.query_one(ExplainPane)
        layouts = 0
        original = Screen._refresh_layout

        def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        widths, fits = set(), set()
        for _ in range(3):
            for select in (("source", (1, 0)), ("code", 0)):  # one line of words; many
                app.select(*select)  # type: ignore[arg-type]
                await pilot.pause()
                assert pane.show_vertical_scrollbar
                widths.add(pane.scrollable_content_region.width)
                fits.add(pane.virtual_size.height <= pane.scrollable_content_region.height)
        assert fits == {True, False}  # both kinds of words were shown
        assert len(widths) == 1 and layouts == 0


@pytest.mark.skipif(os.name != "posix", reason="tmux")
def test_a_terminal_shows_the_words_a_full_repaint_shows() -> None:
    """After moves that change some of the pane's rows and not others, a terminal shows what
    a full repaint (ctrl+l) shows, row for row: no row is left from an earlier selection."""
    from pathlib import Path

    from tests.ui.terminal import Terminal

    demo = Path(__file__).parent.parent.parent / "demo_scripts" / "fibonacci.py"
    with Terminal(["tui-exec", str(demo)], size=(160, 50)) as term:
        term.wait_for("4 Bytecode ·")
        term.send("8", "1")
        term.wait_for("8 Explain")
        # Down a line, then along `numbers.append(a)` and `a, b = b, a + b`: the token's
        # words change while its node's stay, and explanations grow and shrink.
        for keys, where in (
            (["Down"] * 9, " 10:0 "),
            (["Right"] * 9, " 10:9 "),
            (["Down", "Down"], " 12:9 "),
            (["Up"], " 11:9 "),
        ):
            term.send(*keys)
            moved = term.wait_for_row(where)
        # The footer is the last row a full repaint writes: once the scribble on it is gone,
        # every row above it has been written again.
        term.scribble("SCRIBBLE", row=50)
        term.wait_for("SCRIBBLE")
        term.send("C-l")
        repainted = term.wait_until(lambda s: "SCRIBBLE" not in s)
        assert moved.splitlines() == repainted.splitlines()


def test_its_own_layout_of_the_words_is_rich_s() -> None:
    """The pane wraps its paragraphs itself (rich's layout of a group was half a move's
    time): row for row, segment for segment, what rich makes of the same group."""
    from rich.console import Group
    from rich.segment import Segment
    from rich.style import Style

    from tui_exec.ui.panes.explain import _rows

    console = Console(width=200, file=open(os.devnull, "w"), color_system="truecolor")  # noqa: SIM115
    base = Style(color="white", bgcolor="black")
    paragraphs = [
        Text(""),
        Text("plain"),
        Text("italic, no spans of its own", "italic"),
        Text.assemble(("value stack before: ", "bold"), "NULL | print | x | y ← top"),
        Text.assemble(("here: ", "bold"), "argument 1 → co_consts[1] = 'a long string' " * 4),
        Text("x" * 95, "underline"),  # one word longer than the width: folded
        Text("two\nlines and\ta tab"),
        Text("大きな値 " * 12 + "🐍 wide characters"),
        Text.assemble(("co_consts: ", "bold"), ("1: 'second'", "reverse bold"), "  2: None"),
    ]

    def drawn(rows: list[list[Segment]]) -> list[list[Segment]]:
        return [[segment for segment in row if segment.text] for row in rows]  # '' draws nothing

    for width in (1, 7, 24, 40, 80):
        options = console.options.update(width=width, height=None)
        expected = console.render_lines(Group(*paragraphs), options, style=base, pad=False)
        assert drawn(list(_rows(console, paragraphs, width, base))) == drawn(expected), width
