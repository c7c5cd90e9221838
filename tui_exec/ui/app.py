"""The tui-exec application: four synchronized panes over one analysis."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from ..core import EMPTY_LINKS, Analysis, Span, analyze
from ..core.run import ProgramRun, RunLimits, RunResult
from ..core.source import decode
from .footer import KeyFooter
from .messages import AnalysisProgress, AnalysisReady, ReloadFailed, RunFinished, RunProgress
from .panes import AstPane, BytecodePane, LinePane, SourcePane, TokensPane
from .panes.layouts import layout_panes
from .panes.run import OutputPane, RunPane, Timeline
from .screens import HelpScreen, PromptScreen
from .selection import Origin, Selection
from .status import describe_errors, describe_selection

# Below this size the panes stack, the focused one taking the room.
WIDE_MIN_WIDTH = 120
WIDE_MIN_HEIGHT = 34
WATCH_INTERVAL = 1.0
_STAGE_STEPS = {
    "tokenize": "tokenizing (1/5)",
    "parse": "parsing and compiling (2/5)",
    "disassemble": "disassembling (3/5)",
    "index": "linking the stages (4/5)",
    "layout": "laying out the panes (5/5)",
}


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How F5 runs the program: limits, standard input and arguments."""

    limits: RunLimits = RunLimits()
    stdin: bytes = b""
    args: tuple[str, ...] = ()


DEFAULT_RUN_OPTIONS = RunOptions()


class StagePanel(Vertical):
    """A bordered box for one stage: its view, and a message shown instead when it has none."""

    ALLOW_MAXIMIZE = True

    def __init__(self, view: Widget, title: str, *, id: str, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view = view
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.id}-message", classes="stage-message")
        yield self.view

    def show_message(self, message: str | Text | None) -> None:
        """Show ``message`` instead of the view (None shows the view)."""
        label = self.query_one(".stage-message", Static)
        label.update(message or "")
        self.set_class(message is not None, "-message")


class TuiExecApp(App[int]):
    """Source → tokens → AST → bytecode of one Python file, every pane in sync."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-exec"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave tui-exec"),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Every key"),
        Binding("slash", "search", "Search", id="app.search", tooltip="Search the focused pane"),
        Binding("n", "search_next(False)", "Next match", show=False, id="app.search_next"),
        Binding("N", "search_next(True)", "Previous match", show=False, id="app.search_previous"),
        Binding("g", "goto_line", "Go to line", id="app.goto_line"),
        Binding(
            "z",
            "toggle_maximize",
            "Maximize",
            id="app.maximize",
            tooltip="Maximize the focused pane, or restore",
        ),
        Binding("x", "hide_pane", "Hide pane", show=False, id="app.hide_pane"),
        Binding("a", "show_all", "Show all panes", show=False, id="app.show_all"),
        Binding(
            "1", "focus_pane('source')", "Focus the source pane", show=False, id="app.focus_source"
        ),
        Binding(
            "2", "focus_pane('tokens')", "Focus the tokens pane", show=False, id="app.focus_tokens"
        ),
        Binding("3", "focus_pane('ast')", "Focus the AST pane", show=False, id="app.focus_ast"),
        Binding(
            "4",
            "focus_pane('bytecode')",
            "Focus the bytecode pane",
            show=False,
            id="app.focus_bytecode",
        ),
        Binding("ctrl+r", "reload", "Reload", id="app.reload", tooltip="Analyse the file again"),
        Binding("f5", "run", "Run/Stop", id="app.run", tooltip="Run the program, or stop it"),
        Binding(
            "f7",
            "run(False)",
            "Run unrecorded",
            show=False,
            id="app.run_unrecorded",
            tooltip="Run without recording, to see CPython's specialized bytecode",
        ),
        Binding(
            "s",
            "toggle_specialized",
            "Specialized",
            show=False,
            id="app.specialized",
            tooltip="After F7: the bytecode as the specializing interpreter rewrote it",
        ),
        Binding(
            "f6",
            "program_input",
            "Input",
            show=False,
            id="app.input",
            tooltip="Text the program reads from stdin",
        ),
        Binding("5", "focus_pane('run')", "Focus the run pane", show=False, id="app.focus_run"),
        Binding(
            "6", "focus_pane('output')", "Focus the output pane", show=False, id="app.focus_output"
        ),
        Binding(
            "c",
            "toggle_counts",
            "Counts",
            show=False,
            id="app.counts",
            tooltip="After a run: how often each line and instruction ran",
        ),
        Binding(
            "full_stop",
            "next_run",
            "Next run of it",
            show=False,
            id="app.next_run",
            tooltip="Bytecode pane: the next step that executes this instruction",
        ),
    ]

    def __init__(
        self,
        data: bytes,
        name: str,
        *,
        path: str | None = None,
        run_options: RunOptions = DEFAULT_RUN_OPTIONS,
    ) -> None:
        super().__init__()
        self._data = data
        self._name = name
        self._path = path
        self._stat: tuple[int, int] | None = None
        self.analysis: Analysis | None = None
        self.selection: Selection | None = None
        self._search_term = ""
        self.source_pane = SourcePane(id="source-view")
        self.tokens_pane = TokensPane(id="tokens-view")
        self.ast_pane = AstPane(id="ast-view")
        self.bytecode_pane = BytecodePane(id="bytecode-view")
        self.run_pane = RunPane(id="run-view")
        self.output_pane = OutputPane(id="output-view", highlight=False)
        self.run_options = run_options
        self.timeline: Timeline | None = None
        self.specialized: dict[int, dict[int, str]] = {}
        self._program: ProgramRun | None = None

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield StagePanel(self.source_pane, f"1 Source · {self._name}", id="source")
            yield StagePanel(self.tokens_pane, "2 Tokens", id="tokens")
            yield StagePanel(self.ast_pane, "3 AST", id="ast")
            yield StagePanel(self.bytecode_pane, "4 Bytecode", id="bytecode")
            yield StagePanel(self.run_pane, "5 Run (F5)", id="run", classes="-idle")
            yield StagePanel(self.output_pane, "6 Output", id="output", classes="-idle")
        yield Static(id="errors")
        yield Static("Analysing…", id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._apply_layout()
        for panel in self.query(StagePanel):
            panel.view.loading = True
        self.source_pane.focus()
        self._start_analysis(self._data, reloaded=False)
        if self._path is not None:
            self._stat = self._file_stat()
            self.set_interval(WATCH_INTERVAL, self._check_file, name="watch-file")

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        narrow = self.size.width < WIDE_MIN_WIDTH or self.size.height < WIDE_MIN_HEIGHT
        self.query_one("#panes").set_class(narrow, "-narrow")

    # -- analysis ----------------------------------------------------------------------------------

    def _start_analysis(self, data: bytes, *, reloaded: bool) -> None:
        self._analyze(data, self._name, reloaded)

    @work(thread=True, exclusive=True, group="analysis", exit_on_error=False)
    def _analyze(self, data: bytes, name: str, reloaded: bool) -> None:
        """Heavy work off the UI thread; the result comes back as a message."""

        def report(stage: str) -> None:
            self.post_message(AnalysisProgress(stage))  # thread-safe, unlike widget calls

        analysis = analyze(data, name, on_stage=report)
        report("layout")
        self.post_message(AnalysisReady(analysis, reloaded, layout_panes(analysis)))

    def on_analysis_progress(self, message: AnalysisProgress) -> None:
        if self.analysis is None:
            step = _STAGE_STEPS.get(message.stage, "")
            self.query_one("#status", Static).update(
                f"Analysing {self._name}: {step}…", layout=False
            )

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        analysis = message.analysis
        self.analysis = analysis
        # An analysis is hundreds of thousands of acyclic records. Left in the collector's
        # generations, every full collection walks them all: 50-150 ms pauses in the middle
        # of key presses. Frozen, they are skipped by the cycle collector but still freed by
        # reference counting when a reload replaces them.
        gc.freeze()
        if message.reloaded and self.timeline is not None:
            # Steps name instructions of the old code: they mean nothing for the new one.
            self.timeline = None
            self.run_pane.show_timeline(None, "The file changed: run it again (F5).")
            self.bytecode_pane.show_counts(None)
            self.source_pane.show_counts(None)
        for panel in self.query(StagePanel):
            panel.view.loading = False
        if self.focused is None:
            self.source_pane.focus()
        layouts = message.layouts
        self.source_pane.show_analysis(analysis, layouts.source)
        self.tokens_pane.show_analysis(analysis, layouts.tokens)
        self.ast_pane.show_analysis(analysis, layouts.ast)
        self.bytecode_pane.show_analysis(analysis, layouts.bytecode)
        self._show_stage_messages(analysis)
        self.query_one("#tokens", StagePanel).border_title = f"2 Tokens · {len(analysis.tokens):,}"
        self.query_one("#ast", StagePanel).border_title = f"3 AST · {len(analysis.nodes):,} nodes"
        # A new analysis has new code objects: an old run's specialized names no longer apply.
        self.specialized = {}
        self.bytecode_pane.show_specialized(None)
        self._title_bytecode()
        errors = self.query_one("#errors", Static)
        errors.update(describe_errors(analysis))
        errors.set_class(bool(analysis.errors or analysis.warnings), "-shown")
        # The parser's message is the one people act on; tokenize's is often a consequence.
        by_stage = {e.stage: e.span for e in analysis.errors if e.span is not None}
        first_error = next(
            (by_stage[s] for s in ("parse", "compile", "decode", "tokenize") if s in by_stage), None
        )
        if not message.reloaded and first_error is not None:
            self.source_pane.move_point(
                max(first_error.start_line, 1), first_error.start_col, user=False
            )
        else:
            self.source_pane.move_point(
                self.source_pane.cursor_line, self.source_pane.cursor_col, user=False
            )
        self.select("source", (self.source_pane.cursor_line, self.source_pane.cursor_col))
        if message.reloaded:
            self.notify("Reloaded: the file changed on disk.", timeout=3)

    def _show_stage_messages(self, analysis: Analysis) -> None:
        parse = analysis.error_in("decode") or analysis.error_in("parse")
        compile_error = analysis.error_in("compile")
        ast_panel = self.query_one("#ast", StagePanel)
        bytecode_panel = self.query_one("#bytecode", StagePanel)
        if parse is not None:

            def explain(stage: str) -> Text:
                return Text.assemble(
                    (f"{parse.type}", "bold"),
                    f" ({parse.stage} stage)\n",
                    (parse.message, "bold"),
                    f"\nat {_where(parse.span)}\n\n",
                    f"No {stage} without a program that parses. Fix the error and save the "
                    "file: every pane comes back.",
                )

            ast_panel.show_message(explain("AST"))
            bytecode_panel.show_message(explain("bytecode"))
        else:
            ast_panel.show_message(None)
            if compile_error is not None:
                bytecode_panel.show_message(
                    Text.assemble(
                        (compile_error.type, "bold"),
                        " (compile stage)\n",
                        (compile_error.message, "bold"),
                        f"\nat {_where(compile_error.span)}\n\n",
                        "The program parses (see its AST) but the compiler refuses it.",
                    )
                )
            else:
                bytecode_panel.show_message(None)
        tokens_panel = self.query_one("#tokens", StagePanel)
        tokens_panel.show_message(
            "No tokens: the file cannot be decoded." if not analysis.tokens else None
        )

    # -- selection -------------------------------------------------------------------------------

    def _pane_of(self, origin: Origin) -> Widget:
        return {
            "source": self.source_pane,
            "token": self.tokens_pane,
            "node": self.ast_pane,
            "instruction": self.bytecode_pane,
            "code": self.bytecode_pane,
            "step": self.run_pane,
        }[origin]

    def select(self, origin: Origin, item: int | tuple[int, int]) -> None:
        """Make ``item`` the selection and show it in every pane (one index query)."""
        if self.analysis is None:
            return
        index = self.analysis.index
        if origin == "source":
            assert isinstance(item, tuple)
            links = index.at(*item)
        elif origin == "token":
            assert isinstance(item, int)
            links = index.for_token(item)
        elif origin == "node":
            assert isinstance(item, int)
            links = index.for_node(item)
        elif origin == "code":
            assert isinstance(item, int)
            links = index.for_code(item)
        elif origin == "step":
            assert isinstance(item, int) and self.timeline is not None
            instruction = self.timeline.instruction(item)
            links = index.for_instruction(instruction) if instruction is not None else EMPTY_LINKS
        else:
            assert isinstance(item, int)
            links = index.for_instruction(item)
        self.selection = Selection(origin, item, links)
        origin_pane = self._pane_of(origin)
        for pane in (self.source_pane, self.tokens_pane, self.ast_pane, self.bytecode_pane):
            pane.show_selection(self.selection, from_here=pane is origin_pane)
        # The status line is one row whatever it says: no layout pass (a full repaint) needed.
        self.query_one("#status", Static).update(
            describe_selection(self.analysis, self.selection), layout=False
        )

    def on_source_pane_point_moved(self, message: SourcePane.PointMoved) -> None:
        self.select("source", (message.line, message.col))

    def on_line_pane_cursor_moved(self, message: LinePane.CursorMoved) -> None:
        if message.pane is self.tokens_pane:
            self.select("token", message.row)
        elif message.pane is self.ast_pane:
            self.select("node", self.ast_pane.node_at(message.row))
        elif message.pane is self.bytecode_pane:
            instruction = self.bytecode_pane.instruction_at(message.row)
            code = self.bytecode_pane.code_at(message.row)
            if instruction is not None:
                self.select("instruction", instruction)
            elif code is not None:
                self.select("code", code)

    # -- actions -----------------------------------------------------------------------------------

    def action_focus_pane(self, name: str) -> None:
        """Focus one pane (showing it if it was hidden)."""
        panel = self.query_one(f"#{name}", StagePanel)
        panel.remove_class("-hidden")
        if self.screen.maximized is not None:
            self.screen.maximize(panel.view)
        panel.view.focus()

    def _focused_panel(self) -> StagePanel | None:
        focused = self.focused
        while focused is not None and not isinstance(focused, StagePanel):
            parent = focused.parent
            focused = parent if isinstance(parent, Widget) else None
        return focused

    def action_toggle_maximize(self) -> None:
        """Maximize the focused pane, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif (panel := self._focused_panel()) is not None:
            self.screen.maximize(panel.view)

    def action_hide_pane(self) -> None:
        """Hide the focused pane (``a`` or its number shows it again)."""
        panel = self._focused_panel()
        visible = [p for p in self.query(StagePanel) if not p.has_class("-hidden")]
        if panel is None or len(visible) <= 1:
            self.notify("The last visible pane cannot be hidden.", severity="warning")
            return
        panel.add_class("-hidden")
        self.screen.focus_next()

    def action_show_all(self) -> None:
        """Show every pane again."""
        for panel in self.query(StagePanel):
            panel.remove_class("-hidden")
        if self.screen.maximized is not None:
            self.screen.minimize()

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(self._help_groups()))

    def _help_groups(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        def keys(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
            rows = []
            for binding in bindings:
                if isinstance(binding, Binding):
                    shown = ", ".join(
                        self.get_key_display(Binding(k, "")) for k in binding.key.split(",")
                    )
                    rows.append((shown, binding.description))
            return rows

        yield (
            "Everywhere",
            keys(self.BINDINGS)
            + [
                ("tab / shift+tab", "Next / previous pane"),
                ("ctrl+p", "Command palette (themes, commands)"),
            ],
        )
        yield "Source pane", keys(SourcePane.BINDINGS) + [("pgup / pgdn", "Page up / down")]
        yield "Tokens and bytecode panes", keys(LinePane.BINDINGS)
        yield "Run pane (after F5)", keys(RunPane.BINDINGS)
        yield (
            "AST pane",
            [("up / down, pgup / pgdn, home / end", "Move between nodes")] + keys(AstPane.BINDINGS),
        )

    def action_search(self) -> None:
        """Ask for text to find in the focused pane."""

        def found(term: str | None) -> None:
            if term:
                self._search_term = term
                self._search(term, backwards=False, skip_current=False)

        self.push_screen(
            PromptScreen("Search the focused pane (token text, node type, opname…)", "text"),
            found,
        )

    def action_search_next(self, backwards: bool) -> None:
        """Repeat the last search forwards (n) or backwards (N)."""
        if not self._search_term:
            self.notify("Nothing to repeat: search with / first.", severity="warning")
            return
        self._search(self._search_term, backwards=backwards, skip_current=True)

    def _search(self, term: str, *, backwards: bool, skip_current: bool) -> None:
        panel = self._focused_panel()
        view = panel.view if panel is not None else self.source_pane
        if not isinstance(view, LinePane) or not view.search(
            term, backwards=backwards, skip_current=skip_current
        ):
            self.notify(f"Not found: {term!r}", severity="warning", timeout=3)

    def action_goto_line(self) -> None:
        """Jump to a line (or line:col) in the source."""
        if self.analysis is None:
            return

        def go(answer: str | None) -> None:
            if not answer:
                return
            line_text, _, col_text = answer.partition(":")
            try:
                line = int(line_text)
                col = int(col_text) if col_text else 0
            except ValueError:
                self.notify(f"Not a line number: {answer!r}", severity="error")
                return
            self.source_pane.focus()
            self.source_pane.move_point(line, col, user=True)

        total = len(self.analysis.source.lines)
        self.push_screen(PromptScreen(f"Go to line (1–{total}, or line:col)", "line"), go)

    def action_reload(self) -> None:
        """Read the file again and analyse it."""
        if self._path is None:
            self.notify("Nothing to reload: the program did not come from a file.")
            return
        self._reload()

    # -- running -----------------------------------------------------------------------------------

    def action_run(self, record: bool = True) -> None:
        """F5: run the program in a subprocess, recording every step (F7: without recording),
        or stop the run in progress."""
        if self._program is not None:
            self._program.stop()
            return
        if self.analysis is None:
            return
        if not self.analysis.compiled:
            self.notify("The program does not compile: there is nothing to run.", severity="error")
            return
        for panel_id in ("#run", "#output"):
            self.query_one(panel_id, StagePanel).remove_class("-idle", "-hidden")
        self.query_one("#panes").add_class("-ran")
        limits = self.run_options.limits
        self.run_pane.show_timeline(None, "Running… (F5 stops it)")
        self.output_pane.show_running(0.0, limits)
        program = ProgramRun(
            self._path or "program.py",
            # A program from stdin or the sample: run the very bytes that were analysed.
            source=self._data if self._path is None else None,
            args=self.run_options.args,
            stdin=self.run_options.stdin,
            limits=limits,
            record=record,
        )
        self._program = program
        self._run_worker(program, self.analysis)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _run_worker(self, program: ProgramRun, analysis: Analysis) -> None:
        """Start, wait (the limits are enforced here) and read the trace, off the UI thread."""
        try:
            program.start()
        except OSError as exc:
            program.cleanup()
            from array import array

            self.post_message(
                RunFinished(
                    RunResult(
                        "failed",
                        None,
                        0.0,
                        "",
                        "",
                        array("I"),
                        (),
                        None,
                        f"could not start Python: {exc}",
                    )
                )
            )
            return
        last = [0.0]

        def tick(seconds: float) -> None:
            if seconds - last[0] >= 0.25:
                last[0] = seconds
                self.post_message(RunProgress(seconds))

        result = program.wait(on_tick=tick)
        # Counting a 2M-step run takes a moment: do it here, off the UI thread.
        self.post_message(RunFinished(result, Timeline(analysis, result)))

    def on_run_progress(self, message: RunProgress) -> None:
        if self._program is not None:
            self.output_pane.show_running(message.seconds, self.run_options.limits)

    def on_run_finished(self, message: RunFinished) -> None:
        result = message.result
        self._program = None
        analysis = self.analysis
        if analysis is None:
            return
        self.timeline = message.timeline or Timeline(analysis, result)
        if result.specialized:
            self.specialized = result.specialized
            if self.bytecode_pane.showing_specialized:
                self.bytecode_pane.show_specialized(self.specialized)
        if self.bytecode_pane.showing_counts:
            self.bytecode_pane.show_counts(self.timeline.instruction_counts)
            self.source_pane.show_counts(self.timeline.line_counts)
        self.run_pane.show_timeline(self.timeline, result.describe())
        self.output_pane.show_result(result, self.run_options.limits)
        self.query_one("#run", StagePanel).border_title = f"5 Run · {result.step_count:,} steps"
        clean = result.status == "exited" and result.exit_code == 0
        self.notify(
            f"The program {result.describe()}",
            severity="information" if clean else "warning",
            timeout=4,
        )
        if result.step_count:
            # After an exception, start where it was raised; otherwise at the beginning.
            last = result.step_count - 1 if result.status == "exception" else 0
            self.run_pane.go(last, user=False)
            self.select("step", last)

    def on_run_pane_step_changed(self, message: RunPane.StepChanged) -> None:
        self.select("step", message.step)

    def action_toggle_specialized(self) -> None:
        """Show or hide the specialized instructions of the last run without recording."""
        if self.bytecode_pane.showing_specialized:
            self.bytecode_pane.show_specialized(None)
        elif not self.specialized:
            self.notify(
                "Run without recording first (F7): CPython does not specialize traced code.",
                severity="warning",
            )
            return
        else:
            self.bytecode_pane.show_specialized(self.specialized)
        self._title_bytecode()

    def _title_bytecode(self) -> None:
        analysis = self.analysis
        if analysis is None:
            return
        view = " · specialized view" if self.bytecode_pane.showing_specialized else ""
        self.query_one("#bytecode", StagePanel).border_title = (
            f"4 Bytecode{view} · {len(analysis.code_objects)} code objects, "
            f"{len(analysis.instructions):,} instructions · Python "
            f"{'.'.join(analysis.python.split('.')[:2])}"
        )

    def action_toggle_counts(self) -> None:
        """Show or hide execution counts in the source gutter and the bytecode pane."""
        if self.timeline is None:
            self.notify("Run the program first (F5): counts come from a run.", severity="warning")
            return
        showing = self.bytecode_pane.showing_counts
        self.bytecode_pane.show_counts(None if showing else self.timeline.instruction_counts)
        self.source_pane.show_counts(None if showing else self.timeline.line_counts)

    def action_next_run(self) -> None:
        """Bytecode pane: go to the next step that executes the instruction under the cursor."""
        if self.timeline is None:
            self.notify("Run the program first (F5).", severity="warning")
            return
        instruction = self.bytecode_pane.instruction_at(self.bytecode_pane.cursor_row)
        if instruction is None:
            return
        step = self.timeline.next_run_of(instruction, self.run_pane.step)
        if step is None:
            self.notify("That instruction never ran.", severity="warning")
            return
        self.run_pane.go(step, user=False)
        self.select("step", step)

    def action_program_input(self) -> None:
        """F6: set the text the program reads from stdin (\\n for a new line)."""
        current = self.run_options.stdin.decode("utf-8", "replace").replace("\n", "\\n")

        def keep(answer: str | None) -> None:
            if answer is not None:
                text = answer.replace("\\n", "\n")
                if text and not text.endswith("\n"):
                    text += "\n"
                self.run_options = replace(self.run_options, stdin=text.encode())
                self.notify(f"The next run reads {len(text)} characters from stdin.")

        self.push_screen(
            PromptScreen("Input for the program's stdin (write \\n for a new line)", "", current),
            keep,
        )

    def _stop_run(self) -> None:
        if self._program is not None:
            self._program.stop()

    def on_unmount(self) -> None:
        self._stop_run()

    async def action_quit(self) -> None:
        """Quit, ending a run in progress first."""
        self._stop_run()
        self.exit(0)

    # -- file watching -------------------------------------------------------------------------

    def _file_stat(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self._path) if self._path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def _check_file(self) -> None:
        stat = self._file_stat()
        if stat is not None and stat != self._stat:
            self._stat = stat
            self._reload()

    def _reload(self) -> None:
        assert self._path is not None
        try:
            data = Path(self._path).read_bytes()
        except OSError as exc:
            self.post_message(ReloadFailed(f"cannot read {self._path}: {exc.strerror or exc}"))
            return
        _, problem = decode(data)
        if problem is not None and problem.type != "SyntaxError":
            self.post_message(ReloadFailed(f"{self._path} cannot be decoded: {problem.message}"))
            return
        self._data = data
        self._stat = self._file_stat()
        self._start_analysis(data, reloaded=True)

    def on_reload_failed(self, message: ReloadFailed) -> None:
        self.notify(f"{message.reason}; still showing the previous version.", severity="error")

    # -- command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        yield SystemCommand("view: help", "Every key of tui-exec", self.action_help)
        yield SystemCommand("go: line…", "Jump to a source line", self.action_goto_line)
        yield SystemCommand(
            "search: focused pane…", "Find text in the focused pane", self.action_search
        )
        yield SystemCommand(
            "view: maximize pane",
            "Maximize or restore the focused pane",
            self.action_toggle_maximize,
        )
        yield SystemCommand("view: hide pane", "Hide the focused pane", self.action_hide_pane)
        yield SystemCommand("view: show all panes", "Show every pane again", self.action_show_all)
        for number, name in enumerate(("source", "tokens", "ast", "bytecode"), 1):
            yield SystemCommand(
                f"go: {name} pane",
                f"Focus the {name} pane (key {number})",
                lambda name=name: self.action_focus_pane(name),  # type: ignore[misc]
            )
        if self._path is not None:
            yield SystemCommand(
                "file: reload", "Read and analyse the file again", self.action_reload
            )
        if self._program is not None:
            yield SystemCommand("run: stop", "End the run in progress (F5)", self.action_run)
        else:
            yield SystemCommand(
                "run: Run", "Run the program, recording every step (F5)", self.action_run
            )
            yield SystemCommand(
                "run: run without recording",
                "Run untraced, to see the specialized bytecode (F7)",
                lambda: self.action_run(False),
            )
        yield SystemCommand(
            "run: program input…", "Set what stdin reads (F6)", self.action_program_input
        )
        if self.timeline is not None:
            yield SystemCommand(
                "view: execution counts",
                "Show or hide how often each line ran (c)",
                self.action_toggle_counts,
            )
        if self.specialized:
            yield SystemCommand(
                "view: specialized bytecode",
                "Show or hide specialized instructions (s)",
                self.action_toggle_specialized,
            )


def _where(span: Span | None) -> str:
    if span is None:
        return "an unknown place"
    return f"line {span.start_line}, column {span.start_col + 1}"


def make_app(
    data: bytes,
    name: str,
    *,
    path: str | None = None,
    run_options: RunOptions = DEFAULT_RUN_OPTIONS,
) -> TuiExecApp:
    """The app for a program's bytes; shared by the CLI, the tests and the benchmarks."""
    return TuiExecApp(data, name, path=path, run_options=run_options)
