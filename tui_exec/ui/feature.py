"""What a feature of the explorer is: a component that owns its commands, state and workers.

Running the program, following the file on disk, editing, the tour: each is a :class:`Feature`,
mounted (invisible) beside the panes. The app hands it the program and the panes (attributes
down, :class:`Host`); it tells the app what happened with messages (up), and the app tells the
other features what concerns them. No feature knows another, and none is the App.

Keys reach a feature through the app: a command declared with ``feature="running"`` binds
``feature('running', 'run')``, which the app runs on that feature (and asks that feature's
``check_action`` whether it applies), so a feature's keys work whichever pane has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from textual.widget import Widget

from ..core import Analysis
from .commands import Command
from .selection import Origin

if TYPE_CHECKING:
    from .panes import BytecodePane, OutputPane, RunPane, SourcePane
    from .program import ProgramState
    from .stage_panel import StagePanel

ViewT = TypeVar("ViewT")


class Host(Protocol):
    """What the app gives its features: the program, its panes, and the one selection."""

    program: ProgramState
    panels: dict[str, StagePanel]
    analysis_seconds: float
    for_palette: bool
    """Set while the palette asks which commands apply (not which keys act)."""

    @property
    def touring(self) -> bool:
        """Whether the guided tour is on (its box takes the arrows)."""
        ...

    @property
    def source_pane(self) -> SourcePane: ...
    @property
    def bytecode_pane(self) -> BytecodePane: ...
    @property
    def run_pane(self) -> RunPane: ...
    @property
    def output_pane(self) -> OutputPane: ...

    def view(self, name: str, kind: type[ViewT]) -> ViewT: ...

    def select(
        self, origin: Origin, item: int | tuple[int, int], *, picked_in: str | None = None
    ) -> None: ...

    def ask(
        self,
        prompt: str,
        answer: Callable[[str | None], None],
        *,
        placeholder: str = "",
        value: str = "",
        raw: bool = False,
    ) -> None: ...

    def retitle(self) -> None: ...

    def reveal_panes(self, *names: str) -> None: ...

    def cancel_question(self) -> None: ...

    def focus_pane(self, name: str) -> None: ...

    def focused_panel(self) -> StagePanel | None: ...

    def line_total(self) -> int: ...

    def taken_go_to_line(self, line: int, col: int | None) -> bool: ...

    def app_commands(self) -> tuple[Command, ...]: ...

    def add_overlay(self, widget: Widget) -> None: ...

    def leave_editor(self) -> None: ...

    def start_analysis(self, data: bytes, *, reloaded: bool) -> None: ...


class Feature(Widget):
    """One ability of the explorer, as a component (see the module's docstring)."""

    DEFAULT_CSS = "Feature { display: none; }"
    NAME: ClassVar[str] = ""
    """Its name in the commands that reach it (``feature('running', 'run')``)."""
    COMMANDS: ClassVar[tuple[Command, ...]] = ()
    """What it can do: its keys, footer labels, palette entries and help lines."""

    def __init__(self, host: Host) -> None:
        super().__init__(id=f"{self.NAME}-feature")
        self.host = host

    @property
    def program(self) -> ProgramState:
        """The program shown (the app's, handed down)."""
        return self.host.program

    def analysis_changed(self, analysis: Analysis, *, reloaded: bool) -> None:
        """A new analysis is on screen: drop what belonged to the old one."""

    def selected(self, origin: Origin, item: int | tuple[int, int]) -> None:
        """The selection changed (every pane shows it already)."""

    def keeps_last_good(self, panel: StagePanel, analysis: Analysis) -> bool:
        """Whether ``panel`` should keep what it shows instead of showing ``analysis`` (the
        editor keeps the AST and bytecode of the last text that compiled)."""
        return False

    def line_count(self) -> int | None:
        """How many lines the program has as this feature shows it (None: as analysed)."""
        return None

    def go_to_line(self, line: int, col: int | None) -> bool:
        """Take a go-to-line (the editor moves its own cursor); False leaves it to the app."""
        return False
