"""Issue 21, words and numbers the app shows: titles and headers whole, counts in the singular
when there is one, colours from the program kept."""

from __future__ import annotations

import ast
import dis
import io
import re
import sys
import tokenize
from pathlib import Path

from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.ui.app import StagePanel, TuiExecApp
from tui_exec.ui.panes.run import OutputPane, RunPane

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def on_demo(name: str) -> TuiExecApp:
    path = DEMOS / name
    return app_for(path.read_bytes(), str(path), path=str(path))


async def run_and_wait(pilot) -> TuiExecApp:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("f5")
    await wait_until(pilot, lambda: app.timeline is not None)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app


async def test_the_output_header_wraps_at_spaces_at_160x50() -> None:
    """It was cut mid-word: "── exited with status 0 in 0.10 s · 15 steps record"."""
    app = on_demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        pane = app.query_one(OutputPane)
        width = pane.scrollable_content_region.width
        assert width < len("── exited with status 0 in 0.00 s · 15 steps recorded")
        lines = list(pane.lines)
        stdout = lines.index("── stdout " + "─" * 30)
        header = lines[:stdout]
        assert len(header) >= 2 and all(len(line) <= width for line in header)
        assert header[0].startswith("── exited with status 0 in ")
        words = " ".join(line.removeprefix("── ").strip() for line in header).split()
        # classic.py runs straight through: every instruction once.
        code = compile((DEMOS / "classic.py").read_bytes(), "classic.py", "exec")
        steps = len(list(dis.get_instructions(code)))
        assert words[-4:] == ["·", str(steps), "steps", "recorded"]
        assert lines[stdout + 1] == "15"

        await pilot.resize_terminal(200, 50)  # wider: the header is drawn again, on one line
        await wait_until(pilot, lambda: pane.lines[0].endswith(f"{steps} steps recorded"))
        assert pane.lines[1] == "── stdout " + "─" * 30


async def test_the_bytecode_title_shows_the_python_version_first() -> None:
    """At 160x50 the title ended "15 instructions · …": the version was cut off."""
    app = on_demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        panel = app.query_one("#bytecode", StagePanel)
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        title = str(panel.border_title)
        assert title.startswith(f"4 Bytecode · Python {version} · 1 code object, ")
        # The border shows the title's start: the version is within the panel's width.
        assert len(f"4 Bytecode · Python {version}") < panel.size.width - 4


async def test_the_limits_while_running_are_in_bytes() -> None:
    app = app_for("import time\ntime.sleep(5)\n", "sleep.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        pane = app.query_one(OutputPane)
        await wait_until(pilot, lambda: len(pane.lines) > 1)
        assert "1,000,000 bytes of output" in pane.lines[1]
        await pilot.press("f5")  # stop
        await wait_until(pilot, lambda: app.timeline is not None)


def notes(app: TuiExecApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_down_on_the_last_line_of_the_module_says_why_it_does_not_move() -> None:
    """↓ on the last line of <module> in the Run pane did nothing and said nothing."""
    app = on_demo("classic.py")
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("5")
        pane = app.query_one(RunPane)
        for _ in range(5):  # lines 3, 4 and 5 of classic.py: ↓ reaches the last one
            await pilot.press("down")
        await wait_until(pilot, lambda: "No line runs after this one" in " ".join(notes(app)))
        step = pane.step
        record = pane.timeline.record(step) if pane.timeline else None
        assert record is not None and record.line == 5 and step < pane.timeline.count - 1
        await pilot.press("end", "down")
        await wait_until(pilot, lambda: "This is the last step: the run ends here." in notes(app))
        await pilot.press("home", "up")
        await wait_until(pilot, lambda: "This is the first step." in notes(app))
        await pilot.press("pagedown")  # classic.py calls no function of its own
        await wait_until(pilot, lambda: any("no call to step out of" in n for n in notes(app)))
        app.clear_notifications()
        await pilot.press("e")  # to the last step, where <module> returns
        await wait_until(pilot, lambda: pane.step == pane.timeline.count - 1)
        await pilot.press("e")  # it stayed there, silent
        await wait_until(pilot, lambda: "This is the last step: the run ends here." in notes(app))


async def test_the_output_pane_draws_the_programs_colours(tmp_path: Path) -> None:
    """Colour codes were dropped silently while other escapes showed as ␛[2J: colours (SGR)
    are drawn, other escapes still pictured."""
    program = tmp_path / "colours.py"
    program.write_text(
        "print('\\x1b[31mred\\x1b[0m plain')\n"
        "print('\\x1b[1;32mgreen\\nstill\\x1b[0m not')\n"
        "print('\\x1b[2Jcleared')\n"
    )
    app = app_for(program.read_bytes(), str(program), path=str(program))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        pane = app.query_one(OutputPane)
        lines = list(pane.lines)
        assert lines[-4:] == ["red plain", "green", "still not", "␛[2Jcleared"]
        pane.scroll_home(animate=False)
        await pilot.pause()

        def drawn(text: str) -> list[tuple[str, int | None, bool]]:
            """The line's pieces: text, colour number (1: red, 2: green), bold."""
            strip = pane.render_line(lines.index(text) - pane.scroll_offset.y)
            return [
                (
                    s.text,
                    s.style.color.number if s.style and s.style.color else None,
                    bool(s.style and s.style.bold),
                )
                for s in strip
                if s.text.strip()
            ]

        assert drawn("red plain")[0] == ("red", 1, False)
        assert ("plain", None, False) in [(t.strip(), c, b) for t, c, b in drawn("red plain")]
        assert drawn("green")[0] == ("green", 2, True)
        assert drawn("still not")[0] == ("still", 2, True)  # until the code that resets it
        assert all(colour is None for _, colour, _ in drawn("␛[2Jcleared"))


async def test_the_ast_pane_shows_the_empty_fields_python_m_ast_shows() -> None:
    """Issue 21 u: `python -m ast` of 3.11 and 3.12 prints `keywords=[]`, `type_ignores=[]`;
    3.13 stopped. The pane shows, dimmed, the ones this Python's `python -m ast` prints."""
    source = "print(1)\n"
    printed = ast.dump(ast.parse(source), indent=3)  # what `python -m ast` prints
    expected = set(re.findall(r"(\w+)=\[\]", printed))
    app = app_for(source, "p.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        pane = app.ast_pane
        rows = [pane.row_text(row) for row in range(pane.row_count)]
        shown = {name for row in rows for name in re.findall(r"(\w+)=\[\]", row.plain)}
        assert shown == expected
        if sys.version_info < (3, 13):
            assert expected == {"keywords", "type_ignores"}
            module = rows[0]
            assert module.plain.endswith("Module  type_ignores=[]")
            dim = [span for span in module.spans if module.plain[span.start : span.end].strip()]
            assert module.plain[dim[-1].start : dim[-1].end].strip() == "type_ignores=[]"


async def test_the_tokens_title_names_the_encoding_token_tokenize_lists_first() -> None:
    """Issue 21 u: python -m tokenize lists 21 tokens for classic.py, the pane 20: the title
    says the 21st, ENCODING, which covers no text."""
    data = (DEMOS / "classic.py").read_bytes()
    listed = list(tokenize.tokenize(io.BytesIO(data).readline))
    assert tokenize.tok_name[listed[0].type] == "ENCODING"
    app = on_demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        title = str(app.query_one("#tokens", StagePanel).border_title)
        assert title == f"2 Tokens · ENCODING {listed[0].string} + {len(listed) - 1}"
        assert app.tokens_pane.row_count == len(listed) - 1


async def test_f5_on_a_syntax_error_shows_what_python_prints(tmp_path: Path) -> None:
    """Issue 21 t: F5 on a file that does not compile says more than "nothing to run": the
    Output pane shows what `python FILE` prints, the SyntaxError with its line and caret."""
    import shutil
    import subprocess

    path = tmp_path / "syntax_error.py"
    shutil.copy(DEMOS / "syntax_error.py", path)
    python = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert python.returncode == 1 and "SyntaxError" in python.stderr
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert app.query_one("#output", StagePanel).display
        shown = "\n".join(app.output_pane.lines)
        # python names the file as it was given; the pane, its absolute path
        expected = [line for line in python.stderr.splitlines() if "File " not in line]
        assert expected and all(line in shown for line in expected), (expected, shown)
        assert app.timeline is None  # nothing ran: no timeline to step through
