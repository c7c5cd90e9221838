"""The explorer's core: panels built from the pane registry, the analysis worker, and the one
selection every pane shows, for one program (:class:`~.program.ProgramState`). What the user
can do with it comes from the features composed into it (:mod:`.feature`, :mod:`.app`)."""

from __future__ import annotations

import gc
import time
from typing import TypeVar, cast

from rich.text import Text
from textual import events, work
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.containers import Container
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from ..core import EMPTY_LINKS, Analysis, Links, analyze, analyze_pyc, preview
from ..core.pyc import PycError
from .command_line import Answer, CommandLine
from .commands import Command
from .feature import Feature
from .footer import KeyFooter
from .messages import AnalysisProgress, AnalysisReady, ItemPicked, ReloadFailed
from .panes import (
    PANES,
    AstPane,
    BytecodePane,
    OutputPane,
    RunPane,
    SourcePane,
    TokensPane,
    layout_panes,
)
from .program import OfProgram, ProgramState, RunOptions
from .selection import Origin, Selection, links_for
from .stage_panel import StagePanel, activate, panel_of
from .status import describe_errors, describe_selection
from .timeline import Timeline

# Below this size the panes stack, the focused one taking the room.
WIDE_MIN_WIDTH = 120
WIDE_MIN_HEIGHT = 34
_STAGE_STEPS = {
    "tokenize": "tokenizing (1/5)",
    "parse": "parsing and compiling (2/5)",
    "disassemble": "disassembling (3/5)",
    "index": "linking the stages (4/5)",
    "layout": "laying out the panes (5/5)",
}
# The stage whose error the cursor starts on: the parser's is the one people act on;
# tokenize's is often a consequence of it.
_ERROR_PRECEDENCE = ("parse", "compile", "decode", "tokenize")

ViewT = TypeVar("ViewT")
FeatureT = TypeVar("FeatureT", bound=Feature)


class ExplorerScreen(Screen[None]):
    """The explorer's screen: Textual's, minus a full repaint on every change of focus.

    Textual's ``Screen.focused`` repaints the whole screen when it changes: 73 KB written for
    one Tab at 160x50, 2 s over a 1 Mbit/s link. What focus restyles (the active panel's
    border, the cursor rows) refreshes itself, so the screen need not.
    """

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    # A question must show whatever the layout: a maximized pane (z) hid it, and the keys
    # typed went into a field no one could see.
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, #command-line"

    def watch_focused(self, focused: Widget | None) -> None:
        # The active panel is the one the focus was last in. While a question in the command
        # line has the focus it stays active: restyling panels as the focus goes there and
        # back repainted the whole screen twice per question (and, stacked, resized them).
        # Done here, as the focus moves, the new border comes in the same frame as the rest.
        panel = panel_of(focused)
        if panel is not None:
            activate(self.query(StagePanel), panel)


class Explorer(App[int]):
    """Source → tokens → AST → bytecode of one program, every pane showing one selection."""

    # The program's state, as attributes of the app (tests and features read them here).
    program_data = OfProgram[bytes]("data")
    program_name = OfProgram[str]("name")
    program_path = OfProgram[str | None]("path")
    program_is_pyc = OfProgram[bool]("is_pyc")
    unsaved = OfProgram[bool]("unsaved")
    analysis = OfProgram[Analysis | None]("analysis")
    selection = OfProgram[Selection | None]("selection")
    timeline = OfProgram[Timeline | None]("timeline")
    specialized = OfProgram[dict[int, dict[int, str]]]("specialized")
    run_options = OfProgram[RunOptions]("run_options")

    def __init__(
        self, data: bytes, name: str, *, path: str | None = None, pyc: bool = False
    ) -> None:
        super().__init__()
        self.program = ProgramState(data, name, path=path, pyc=pyc)
        """The program shown: what every feature reads and changes."""
        self.analysis_seconds = 0.0
        """How long the last analysis took in the worker (with the panes' layouts)."""
        self._preview: Analysis | None = None
        """Until then, its decoded text alone: the source pane shows it and moves at once."""
        self._preview_selection: Selection | None = None
        """Where the user moved in the preview, until the analysis comes."""
        self._progress = ""
        """The analysis step under way, as the status line says it."""
        self.analysis_started = False
        """Whether the first analysis was started (after the first frame, not at mount)."""
        self.panels: dict[str, StagePanel] = {spec.name: StagePanel(spec) for spec in PANES}
        self.components: dict[str, Feature] = {}
        """The features (components) the app is composed of, by name."""
        self.for_palette = False
        """Set while the palette asks which commands apply (not which keys act)."""

    # -- the features and their commands ---------------------------------------------------------

    def command_applies(self, command: Command) -> bool:
        """Whether the palette offers ``command`` now."""
        self.for_palette = True
        try:
            if command.feature is not None:
                return bool(self.check_action("feature", (command.feature, command.action)))
            return bool(self.check_action(command.action_name, ()))
        finally:
            self.for_palette = False

    def app_commands(self) -> tuple[Command, ...]:
        """Every app-wide command (the app lists them all)."""
        return ()

    def line_total(self) -> int:
        """How many lines the program has, as the user sees it now (the editor may say)."""
        for feature in self.components.values():
            count = feature.line_count()
            if count is not None:
                return count
        return len(self.analysis.source.lines) if self.analysis is not None else 0

    def taken_go_to_line(self, line: int, col: int | None) -> bool:
        """Whether a feature took a go-to-line itself (the editor moves its own cursor)."""
        return any(feature.go_to_line(line, col) for feature in self.components.values())

    def add_feature(self, feature: FeatureT) -> FeatureT:
        """Compose ``feature`` into the app (before it is mounted)."""
        self.components[feature.NAME] = feature
        return feature

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "feature":
            name, inner = parameters
            assert isinstance(name, str) and isinstance(inner, str)
            if self.screen.is_modal and not isinstance(self.screen, CommandPalette):
                # Help, the values, the compare view: the explorer is behind them, and its
                # keys (F5 and F2 among them, checked first whatever the screen) wait. (The
                # palette's commands are for the explorer: it asks, and runs them, on top.)
                return False
            _, inner_name, inner_parameters = parse_action(inner)
            return self.components[name].check_action(inner_name, inner_parameters)
        return super().check_action(action, parameters)

    async def action_feature(self, name: str, action: str) -> None:
        """Run ``action`` on the feature ``name``: the keys of the features come here."""
        await self.run_action(action, self.components[name])

    def get_default_screen(self) -> Screen[None]:
        return ExplorerScreen(id="_default")

    @property
    def escape_to_minimize(self) -> bool:
        # While a question is open, Esc cancels it (the zoom stays): otherwise Esc restored
        # the layout and left the question open, and the next key went into it.
        return super().escape_to_minimize and not self.query_one(CommandLine).is_open

    async def _on_key(self, event: events.Key) -> None:
        # A key that arrived with the one that opened a question belongs to the question.
        # (Textual then calls App._on_key, which runs the bindings, unless prevented.)
        if self.query_one(CommandLine).take(event):
            event.stop()
            event.prevent_default()

    # -- the panes ---------------------------------------------------------------------------

    def view(self, name: str, kind: type[ViewT]) -> ViewT:
        """The view of pane ``name``, checked to be a ``kind``."""
        view = self.panels[name].view
        assert isinstance(view, kind)
        return cast(ViewT, view)

    @property
    def source_pane(self) -> SourcePane:
        return self.view("source", SourcePane)

    @property
    def tokens_pane(self) -> TokensPane:
        return self.view("tokens", TokensPane)

    @property
    def ast_pane(self) -> AstPane:
        return self.view("ast", AstPane)

    @property
    def bytecode_pane(self) -> BytecodePane:
        return self.view("bytecode", BytecodePane)

    @property
    def run_pane(self) -> RunPane:
        return self.view("run", RunPane)

    @property
    def output_pane(self) -> OutputPane:
        return self.view("output", OutputPane)

    def focused_panel(self) -> StagePanel | None:
        """The panel holding the focused widget."""
        return panel_of(self.focused)

    def ask(
        self,
        prompt: str,
        answer: Answer,
        *,
        placeholder: str = "",
        value: str = "",
        raw: bool = False,
    ) -> None:
        """Ask for a line of text in the status line's row; ``answer`` gets it, or None
        (``raw``: as typed, empty included)."""
        status = self.query_one("#status")
        status.display = False

        def done(text: str | None) -> None:
            status.display = True
            answer(text)

        self.query_one(CommandLine).ask(prompt, done, placeholder=placeholder, value=value, raw=raw)

    def reveal_panes(self, *names: str) -> None:
        """Show the panes that wait for a run (the Run and Output panes), now it came."""
        for name in names:
            self.panels[name].remove_class("-idle", "-hidden")
        self.query_one("#panes").add_class("-ran")

    def add_overlay(self, widget: Widget) -> None:
        """Show ``widget`` below the panes, above the status line (the tour's box)."""
        self.mount(widget, before=self.query_one("#errors"))

    def cancel_question(self) -> None:
        """Close the question the command line asks, as Esc would."""
        self.query_one(CommandLine).action_cancel()

    def retitle(self) -> None:
        """Title every panel from what its view shows now."""
        for panel in self.panels.values():
            panel.retitle()

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield from self.panels.values()
        yield from self.components.values()
        yield Static(id="errors")
        yield Static("Analysing…", id="status")
        yield CommandLine(id="command-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._apply_layout()
        # A still line, not Textual's animated loading indicators: four of them animating
        # took the GIL from the analysis thread (the first full frame came 0.15-0.4 s later).
        for panel in self.panels.values():
            if not panel.spec.after_run and panel.spec.name != "source":
                panel.show_message(Text("Analysing…", style="italic"))
        self.call_after_refresh(self._analyse_at_start)
        # The text first, so the first frame has it and the first keys move in it while the
        # worker analyses; the other panes fill when the analysis comes back.
        if not self.program_is_pyc:
            self._preview = preview(self.program_data, self.program_name)
            self.source_pane.show_analysis(self._preview, None)
        self.source_pane.focus()

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        narrow = self.size.width < WIDE_MIN_WIDTH or self.size.height < WIDE_MIN_HEIGHT
        self.query_one("#panes").set_class(narrow, "-narrow")

    # -- analysis ----------------------------------------------------------------------------

    def _analyse_at_start(self) -> None:
        # After the first frame, not before it: the worker holds the GIL for tens of
        # milliseconds at a time (tokenize, ast.parse, compile), and the first frame and the
        # keys pressed on it waited for it. The analysis takes as long either way.
        if not self.analysis_started:
            self.start_analysis(self.program_data, reloaded=False)

    def start_analysis(self, data: bytes, *, reloaded: bool) -> None:
        """Analyse ``data`` in a worker; the panes change when it is done."""
        self.analysis_started = True
        self.program_data = data
        self._analyze(data, self.program_name, reloaded)

    @work(thread=True, exclusive=True, group="analysis", exit_on_error=False)
    def _analyze(self, data: bytes, name: str, reloaded: bool) -> None:
        """Heavy work off the UI thread; the result comes back as a message."""

        def report(stage: str) -> None:
            self.post_message(AnalysisProgress(stage))  # thread-safe, unlike widget calls

        started = time.perf_counter()
        if self.program_is_pyc:
            try:
                analysis = analyze_pyc(data, name)
            except PycError as exc:  # it changed on disk: the CLI checked the first one
                self.post_message(ReloadFailed(f"{name}: {exc}"))
                return
        else:
            analysis = analyze(data, name, on_stage=report)
        report("layout")
        layouts = layout_panes(analysis)
        self.analysis_seconds = time.perf_counter() - started
        # A newer text started its own analysis meanwhile (typing in the editor): this one is
        # out of date, and must not arrive after it.
        if not get_current_worker().is_cancelled:
            self.post_message(AnalysisReady(analysis, reloaded, layouts))

    def on_analysis_progress(self, message: AnalysisProgress) -> None:
        if self.analysis is not None:
            return
        self._progress = _STAGE_STEPS.get(message.stage, "")
        if self._preview_selection is not None:
            # The user moved already: the status line keeps answering where the cursor is
            # (it said the step instead, so a key pressed early looked unanswered until the
            # analysis came: 0.1-0.3 s on typing.py).
            self._show_preview_status(self._preview_selection)
        else:
            self.query_one("#status", Static).update(
                f"Analysing {self.program_name}: {self._progress}…", layout=False
            )

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        analysis = message.analysis
        self.analysis = analysis
        self._preview = None
        self._preview_selection = None
        # An analysis is hundreds of thousands of acyclic records. Left in the collector's
        # generations, every full collection walks them all: 50-150 ms pauses in the middle
        # of key presses. Frozen, they are skipped by the cycle collector but still freed by
        # reference counting when a reload replaces them.
        gc.freeze()
        for panel in self.panels.values():
            stage = panel.stage
            stale = self.keeps_last_good(panel, analysis)
            panel.set_class(stale, "-stale")
            if not stale:
                stage.show_analysis(analysis, message.layouts.get(panel.spec.name))
                panel.show_message(stage.stage_message(analysis), error=True)
        self.analysis_changed(analysis, reloaded=message.reloaded)
        self.retitle()
        errors = self.query_one("#errors", Static)
        errors.update(describe_errors(analysis))
        errors.set_class(bool(analysis.errors or analysis.warnings), "-shown")
        source = self.source_pane
        by_stage = {e.stage: e.span for e in analysis.errors if e.span is not None}
        first_error = next((by_stage[s] for s in _ERROR_PRECEDENCE if s in by_stage), None)
        moved = (source.cursor_line, source.cursor_col) != (1, 0)
        if not message.reloaded and first_error is not None and not moved:
            source.move_point(max(first_error.start_line, 1), first_error.start_col, user=False)
        else:
            source.move_point(source.cursor_line, source.cursor_col, user=False)
        if self.focused is None:
            source.focus()
        self.select("source", (source.cursor_line, source.cursor_col))

    def analysis_changed(self, analysis: Analysis, *, reloaded: bool) -> None:
        """A new analysis is on screen: the features drop what belonged to the old one."""
        for feature in self.components.values():
            feature.analysis_changed(analysis, reloaded=reloaded)

    def on_reload_failed(self, message: ReloadFailed) -> None:
        self.notify(f"{message.reason}; still showing the previous version.", severity="error")

    def keeps_last_good(self, panel: StagePanel, analysis: Analysis) -> bool:
        """Whether ``panel`` keeps what it shows instead of showing ``analysis`` (the editor
        keeps the AST and bytecode of the last text that compiled while one does not)."""
        return any(f.keeps_last_good(panel, analysis) for f in self.components.values())

    # -- selection ---------------------------------------------------------------------------

    def select(
        self, origin: Origin, item: int | tuple[int, int], *, picked_in: str | None = None
    ) -> None:
        """Make ``item`` the selection and show it in every pane (one index query).

        ``picked_in`` names the pane the user picked it in, when two panes list that kind of
        item (instructions: the bytecode and .pyc panes), so the other one follows.
        """
        if self.analysis is None:
            self._select_in_preview(origin, item)
            return
        if origin == "step":
            assert isinstance(item, int)
            links = self.links_for_step(item)
        else:
            links = links_for(self.analysis.index, origin, item)
        self.selection = selection = Selection(origin, item, links)
        for panel in self.panels.values():
            from_here = origin in panel.spec.selects and picked_in in (None, panel.spec.name)
            panel.stage.show_selection(selection, from_here=from_here)
        # The status line is one row whatever it says: no layout pass (a full repaint) needed.
        self.query_one("#status", Static).update(
            describe_selection(self.analysis, selection), layout=False
        )
        for feature in self.components.values():
            feature.selected(origin, item)

    def _select_in_preview(self, origin: Origin, item: int | tuple[int, int]) -> None:
        """Before the analysis: the source cursor moves, and nothing links anywhere yet."""
        if self._preview is None or origin != "source":
            return
        selection = Selection(origin, item, EMPTY_LINKS)
        self.source_pane.show_selection(selection, from_here=True)
        self._preview_selection = selection
        self._show_preview_status(selection)

    def _show_preview_status(self, selection: Selection) -> None:
        assert self._preview is not None
        status = describe_selection(self._preview, selection)
        step = f": {self._progress}" if self._progress else ""
        status.append(f" · analysing{step}…", style="italic")
        self.query_one("#status", Static).update(status, layout=False)

    def links_for_step(self, step: int) -> Links:
        """What a step of the program's last run links to: its instruction's links."""
        analysis, timeline = self.analysis, self.timeline
        instruction = timeline.instruction(step) if timeline is not None else None
        if analysis is None or instruction is None:
            return EMPTY_LINKS
        return analysis.index.for_instruction(instruction)

    def on_item_picked(self, message: ItemPicked) -> None:
        panel = self.focused_panel()  # the user moves in the focused pane
        self.select(message.origin, message.item, picked_in=panel.spec.name if panel else None)
