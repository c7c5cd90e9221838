"""Regression tests for the rough edges a new user hit (issue 8, section 4), one or more each."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from textual.color import Color
from textual.filter import Monochrome, NoColor
from textual.widgets._footer import FooterKey

from tests.core.reference import constant_load
from tests.ui.helpers import app_for, ready
from tests.ui.test_run import run_and_wait
from tui_exec.ui.app import StagePanel, TuiExecApp, few_colours
from tui_exec.ui.command_line import CommandLine
from tui_exec.ui.panes.printable import printable_lines

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def _demo(name: str) -> TuiExecApp:
    path = DEMOS / name
    return app_for(path.read_bytes(), str(path), path=str(path))


def _panel(app: TuiExecApp, name: str) -> StagePanel:
    return app.query_one(f"#{name}", StagePanel)


def _hold_the_analysis(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the analysis wait until the event returned is set: the test must set it (in a
    ``finally``, so that a failure does not leave the worker waiting)."""
    import tui_exec.ui.explorer as explorer

    release = threading.Event()
    real_analyze = explorer.analyze

    def slow_analyze(*args: object, **kwargs: object) -> object:
        release.wait(timeout=30)
        return real_analyze(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(explorer, "analyze", slow_analyze)
    return release


async def test_b_run_and_output_keys_before_a_run_keep_the_focus() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("2", "5")
        assert app.focused is app.tokens_pane
        await pilot.press("6", "down")
        assert app.focused is app.tokens_pane and app.tokens_pane.cursor_row == 1


async def test_c_go_to_line_lands_on_the_code_of_the_line() -> None:
    app = _demo("fibonacci.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("g", *"12", "enter")
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (12, 4)
        assert app.analysis is not None and app.selection is not None
        node = app.analysis.nodes[app.selection.links.nodes[0]]
        assert node.type == "Return"
        await pilot.press("g", *"12:0", "enter")  # an explicit column is kept
        assert app.source_pane.cursor_col == 0


async def test_d_after_a_run_the_run_pane_has_focus_its_keys_and_the_output_shows() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = {key.description for key in app.query(FooterKey)}
        assert {"Run", "Quit", "Help"} <= footer and "Stop" not in footer
        await run_and_wait(pilot)
        await pilot.pause()
        assert app.focused is app.run_pane
        footer = {key.description for key in app.query(FooterKey)}
        assert {"Step", "Line", "Run"} <= footer
        # The stacked Output pane's one row is the program's last line of output.
        output = app.output_pane
        assert output.lines[-1] == "15"
        assert output.scroll_offset.y == output.max_scroll_y
        assert "exit 0" in str(_panel(app, "output").border_title)


async def test_d_the_footer_fits_80_columns() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        keys = list(app.query(FooterKey))
        assert keys and all(key.region.right <= 80 and key.region.width > 0 for key in keys)
        labels = " ".join(str(key.render()) for key in keys)
        assert "Run" in labels and "Quit" in labels


def test_e_program_output_cannot_drive_the_terminal() -> None:
    lines = printable_lines("\x1b[31mred?\x1b[0m and a tab:\tend\n\x1b[H\x1b[2Jcleared\rback\n")
    assert lines == ["red? and a tab:\tend".expandtabs(8), "␛[H␛[2Jcleared␍back"]
    assert not any(ch < " " for line in lines for ch in line)


async def test_e_control_sequences_reach_the_output_pane_pictured(tmp_path: Path) -> None:
    path = tmp_path / "clear.py"
    path.write_text('import os\nprint("\\x1b[31mred\\x1b[0m\\tend")\nos.system("clear")\n')
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        text = "\n".join(app.output_pane.lines)
        assert "red     end" in text
        assert "\x1b" not in text and "\t" not in text


async def test_f_positions_plurals_and_counts_agree() -> None:
    app = app_for("")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert str(_panel(app, "ast").border_title).endswith("· 1 node")
        bytecode_title = str(_panel(app, "bytecode").border_title)
        assert "1 code object," in bytecode_title and "code objects" not in bytecode_title
    app = _demo("syntax_error.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        message = str(_panel(app, "ast").query_one(".stage-message").render())
        errors = str(app.query_one("#errors").render())
        assert "at 6:5 (line:column)" in message and "SyntaxError at 6:5" in errors


async def test_g_a_run_without_recording_leaves_no_stale_counts_or_step() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("c")
        assert app.bytecode_pane.showing_counts and app.source_pane.showing_counts
        assert app.selection is not None and app.selection.origin == "step"
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.bytecode_pane.showing_counts and not app.source_pane.showing_counts
        assert app.selection is not None and app.selection.origin != "step"
        assert "step" not in str(app.query_one("#status").render())
        assert "not recorded" in str(_panel(app, "run").border_title)


async def test_g_a_reload_marks_the_old_run_out_of_date(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("print(1)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        path.write_text("print(2)\n")
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert "out of date" in str(_panel(app, "run").border_title)
        assert "out of date" in app.output_pane.lines[0]
        assert app.timeline is None


async def test_i_screenshot_goes_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_for("x = 1\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "current folder" in commands["Screenshot"].help
        app.action_screenshot_here()
        await pilot.pause()
        assert list(tmp_path.glob("*.svg"))


async def test_i_searching_a_pane_without_rows_says_so() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("5", "slash")
        assert not app.query_one(CommandLine).is_open  # no prompt: nothing to search
        notes = [n.message for n in app._notifications]
        assert any("nothing to search" in note for note in notes)


async def test_k_no_color_means_no_colour_and_focus_by_style(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        filters = app.get_line_filters()
        assert any(isinstance(f, NoColor) for f in filters)
        assert not any(isinstance(f, Monochrome) for f in filters)
        focused, other = _panel(app, "source"), _panel(app, "tokens")
        assert focused.styles.border_top[0] == "double"
        assert other.styles.border_top[0] == "round"


async def test_k_sixteen_colours_focus_is_not_the_error_red() -> None:
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert not few_colours(app)  # headless: never, whatever TERM says
        accent = _panel(app, "source").styles.border_top[1]
        app.add_class("-few-colours")  # what on_mount does in a 16-colour terminal
        await pilot.pause()
        calm = _panel(app, "source").styles.border_top[1]
        assert calm != accent
        assert calm.hex == Color.parse(app.get_css_variables()["primary"]).hex


async def test_panes_start_at_their_top_on_a_big_file() -> None:
    """typing.py used to open with AST and bytecode scrolled 2 rows, hiding Module/RESUME."""
    import typing

    source = Path(typing.__file__).read_bytes()
    app = app_for(source)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.pause()
        for pane in (app.tokens_pane, app.ast_pane, app.bytecode_pane):
            assert pane.scroll_offset.y == 0, type(pane).__name__


@pytest.mark.skipif(os.name != "posix", reason="tmux")
def test_a_keys_in_one_burst_act_on_the_pane_the_first_focuses(tmp_path: Path) -> None:
    """Over SSH keys arrive together; Pilot sends them one by one, so this needs a terminal."""
    from tests.ui.terminal import Terminal

    with Terminal(["tui-exec", str(DEMOS / "classic.py")], size=(120, 40)) as term:
        term.wait_for("4 Bytecode ·")  # analysed
        term.send("3", "z")  # one write: both keys arrive in one read
        screen = term.wait_until(lambda s: s.count("╭─ ") == 1)  # one pane, maximized
        assert "3 AST" in screen  # the AST, not the source
        term.send("z", "2", "x")  # restore, focus tokens, hide it
        # Waited for whole: a frame drawn while the layout changes may show some titles only.
        term.wait_until(
            lambda s: (
                all(t in s for t in ("1 Source", "3 AST", "4 Bytecode")) and "2 Tokens" not in s
            )
        )
        term.send("4", "Down", "Down")  # the bytecode cursor moves, not the source's
        term.wait_for_row(f" {constant_load('5')[0]} @")


@pytest.mark.skipif(os.name != "posix", reason="tmux")
def test_ctrl_l_draws_again_what_other_output_garbled() -> None:
    """A frame writes only what changed: after another program scribbled on the terminal,
    ctrl+l writes every cell again, and the screen is what it was."""
    from tests.ui.terminal import Terminal

    with Terminal(["tui-exec", str(DEMOS / "classic.py")], size=(100, 30)) as term:
        term.wait_for("4 Bytecode ·")
        term.send("Down")
        term.wait_for_row(" 2:0 ")
        term.send("Up")
        clean = term.wait_for_row(" 1:0 ")
        term.scribble("Broadcast message from root: the system goes down", row=1)
        term.scribble("SCRIBBLE", row=30)
        term.wait_for("SCRIBBLE")
        term.send("Down")  # a frame: it writes what changed and leaves the scribbles
        moved = term.wait_for_row(" 2:0 ")
        assert "Broadcast message" in moved and "SCRIBBLE" in moved
        term.send("Up")
        term.wait_for_row(" 1:0 ")
        term.send("C-l")
        assert term.wait_until(lambda s: "SCRIBBLE" not in s) == clean


async def test_keys_pressed_while_the_analysis_runs_move_the_source_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first frame has the text; a key pressed then is answered, never dropped."""
    release = _hold_the_analysis(monkeypatch)
    app = _demo("fibonacci.py")
    async with app.run_test(size=(160, 50)) as pilot:
        try:
            await pilot.pause()
            assert app.analysis is None  # still analysing
            assert app.source_pane.row_count == 15
            await pilot.press("down", "down", "down", "down", "right")
            assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (5, 1)
            assert "5:1 · analysing" in str(app.query_one("#status").render())
        finally:
            release.set()  # a failure above must not leave the worker waiting
        await ready(pilot)
        # The analysis arrives; the cursor stays where the user put it, now linked.
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (5, 1)
        assert app.selection is not None and app.selection.item == (5, 1)


async def test_the_analysis_starts_once_the_first_frame_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker holds the GIL for tens of milliseconds at a time: started at mount, it
    delayed the first frame and the keys pressed on it."""
    import tui_exec.ui.explorer as explorer

    heights: list[int] = []
    real_analyze = explorer.analyze

    def analyze(*args: object, **kwargs: object) -> object:
        heights.append(app.source_pane.size.height)  # laid out and drawn by now
        return real_analyze(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(explorer, "analyze", analyze)
    app = _demo("fibonacci.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert heights and heights[0] > 0
        assert app.tokens_pane.row_count > 0  # and the analysis still comes


async def test_the_analysis_progress_does_not_hide_where_an_early_key_moved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the user moved, each analysis step is told after the cursor's position, never
    instead of it (a key pressed early looked unanswered until the analysis came)."""
    from tui_exec.ui.messages import AnalysisProgress

    release = _hold_the_analysis(monkeypatch)
    app = _demo("fibonacci.py")
    async with app.run_test(size=(160, 50)) as pilot:
        try:
            await pilot.pause()
            app.post_message(AnalysisProgress("tokenize"))
            await pilot.pause()
            status = app.query_one("#status")
            assert str(status.render()).startswith("Analysing")  # nothing moved yet
            await pilot.press("down")
            app.post_message(AnalysisProgress("parse"))
            await pilot.pause()
            shown = str(status.render())
            assert shown.startswith("2:0 · ")
            assert "analysing: parsing and compiling (2/5)" in shown
        finally:
            release.set()
        await ready(pilot)
        assert str(app.query_one("#status").render()).startswith("2:0 · ")
        assert "analysing" not in str(app.query_one("#status").render())


class _Frames:
    """What the app would write to a terminal: each update's escape codes, as Textual makes
    them (headless apps compute every update but write none)."""

    def __init__(self, app: TuiExecApp) -> None:
        from textual._compositor import CompositorUpdate

        self.updates: list[str] = []
        display = app._display

        def record(screen: object, renderable: object) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.updates.append(renderable.render_segments(app.console))
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = record  # type: ignore[method-assign]

    def take(self) -> list[str]:
        """The updates since the last call."""
        updates, self.updates = self.updates, []
        return updates


def _rows(update: str) -> set[int]:
    """The screen rows (1-based) an update writes to."""
    import re

    return {int(row) for row in re.findall(r"\x1b\[(\d+);\d+H", update)}


async def test_a_key_repaints_only_what_it_changes_and_each_row_once() -> None:
    """Over SSH every byte counts: Tab wrote 61 KB in 3 frames, a far jump two full screens."""
    import typing

    app = app_for(Path(typing.__file__).read_bytes())
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.pause()
        frames = _Frames(app)
        app.screen.refresh()  # what a full repaint costs, to compare with
        await pilot.pause()
        full = sum(map(len, frames.take()))
        assert full > 20_000

        async def cost(*keys: str) -> list[str]:
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            return frames.take()

        assert sum(map(len, await cost("down"))) < full * 0.05  # the cursor rows
        # The focus moves: two panel borders change (a whole panel each), in one frame.
        tab = await cost("tab")
        assert sum(map(len, tab)) < full * 0.6
        assert sum(bool(_rows(update) & set(range(1, 49))) for update in tab) == 1
        # Asking writes the asking row (and the scrollbar's focus colour), not the panes.
        assert sum(map(len, await cost("g"))) < full * 0.15
        jump = await cost("2", "0", "0", "0", "enter")
        assert str(app.query_one("#status").render()).startswith("2000:")
        pane_rows = [_rows(update) & set(range(1, 49)) for update in jump]
        assert sum(len(rows) > 40 for rows in pane_rows) == 1  # every pane, in one frame
        assert sum(map(len, jump)) < full * 1.5  # about one screen (was two), typing included


async def test_go_to_line_selects_the_line_as_the_answer_comes() -> None:
    """The answer selects the line itself, in the handler that closes the question, instead
    of waiting for the source pane's message to bubble up to the app: the status line then
    comes back already naming the line, and nothing is drawn in between."""
    import typing

    from textual.widgets import Input

    from tui_exec.ui.command_line import CommandLine

    app = app_for(Path(typing.__file__).read_bytes())
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("g", "2", "0", "0", "0")
        await pilot.pause()
        field = app.query_one("#command-line-input", Input)
        app.query_one(CommandLine).on_input_submitted(Input.Submitted(field, field.value))
        # No pause: the selection is made by the time the answer has been handled.
        col = app.source_pane.cursor_col
        assert app.selection is not None and app.selection.item == (2000, col)
        assert str(app.query_one("#status").render()).startswith(f"2000:{col} ")
        await pilot.pause()
        assert app.source_pane.cursor_line == 2000 and app.focused is app.source_pane


async def test_rows_are_cut_into_the_segments_rich_would_render() -> None:
    """Rows of side-by-side pieces are cut without rich's renderer, into the very segments it
    makes; rows whose styles overlap (marks) still go through it."""
    from rich.style import Style
    from rich.text import Span, Text

    from tui_exec.ui.panes.base import _segments

    def rich_way(text: Text, base: Style) -> list[object]:
        # Rich cuts empty segments where a span runs past the end: they draw nothing.
        return [
            (seg.text, base + seg.style if seg.style else base)
            for seg in text.render(app.console)
            if seg.text or not text.spans
        ]

    base = Style(color="white", bgcolor="black")
    samples = [
        Text("plain"),
        Text(""),
        Text.assemble(("def", Style(bold=True)), " ", ("f", "red"), ("", "blue"), "(x):"),
        Text.assemble(("a", "bold"), ("b", Style(italic=True)), end="", style="underline"),
        Text("0123456789", spans=[]),
    ]
    overlapping = Text.assemble(("mark ", "bold"), ("me", Style(color="red")))
    overlapping.stylize(Style(reverse=True), 2, 6)
    overlapping.pad_right(4)
    padded = Text.assemble(("x", "green"), "  y")
    padded.pad_right(3)
    past_the_end = Text("abc", spans=[Span(1, 9, "bold"), Span(9, 12, "red")])
    samples += [overlapping, padded, past_the_end]
    app = _demo("classic.py")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for text in samples:
            mine = [(seg.text, seg.style) for seg in _segments(text, base, app.console)]
            assert mine == rich_way(text, base)
        # Every row of every pane, marks and all, on a real program.
        await pilot.press("down", "down")
        for pane in (app.tokens_pane, app.ast_pane, app.bytecode_pane):
            for row in range(pane.row_count):
                text = pane.row_text(row)
                mine = [(seg.text, seg.style) for seg in _segments(text, base, app.console)]
                assert mine == rich_way(text, base)


async def test_rows_draw_neighbours_of_one_style_as_one_segment() -> None:
    """Each segment costs its own escape codes: a row's pieces in the same style are sent as
    one (the gutter's number, marker and space; plain words side by side)."""
    from itertools import pairwise

    from rich.segment import Segment
    from rich.style import Style

    from tui_exec.ui.panes.base import joined

    red, blue = Style(color="red"), Style(color="blue")
    pieces = [Segment("a", red), Segment("b", red), Segment("c", blue), Segment("d", red)]
    assert joined(pieces) == [Segment("ab", red), Segment("c", blue), Segment("d", red)]
    assert joined([]) == [] and joined(pieces[:1]) == pieces[:1]
    app = _demo("classic.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        for pane in (app.source_pane, app.tokens_pane, app.ast_pane, app.bytecode_pane):
            for y in range(pane.scrollable_content_region.height):
                segments = list(pane.render_line(y))
                # The gutter and the code, and the padding after a row, are cut apart.
                inner = segments[1:-1] if pane is app.source_pane else segments[:-1]
                styles = [segment.style for segment in inner]
                assert all(a != b for a, b in pairwise(styles)), (pane, y)


async def test_a_pane_asked_to_scroll_while_it_has_no_rows_scrolls_once_it_has() -> None:
    """A pane shows a message instead of its rows while the analysis runs. A scroll asked for
    then must wait for the rows: done on a view of none it put the row at the top, hiding
    the ones above it (typing.py once opened with the AST scrolled 2 rows)."""
    app = app_for("".join(f"x{i} = {i}\n" for i in range(300)))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        panel, pane = _panel(app, "tokens"), app.tokens_pane
        panel.show_message("Analysing…")
        await pilot.pause()
        assert pane.scrollable_content_region.height == 0
        pane.move_cursor(600, user=False)
        for _ in range(3):  # frames go by and the pane still has no rows
            await pilot.pause()
        assert pane.scroll_offset.y == 0
        panel.show_message(None)
        await pilot.pause()
        await pilot.pause()
        height = pane.scrollable_content_region.height
        assert height > 0
        assert abs(pane.scroll_offset.y + height // 2 - 600) <= 1  # centred, as a sync does
