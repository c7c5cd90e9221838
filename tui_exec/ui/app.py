"""The tui-exec application: the explorer composed of its features, and the factory the CLI
and tests use.

The panes come from the registry in ``panes/__init__.py``; what the app can do comes from its
features, components of one module each (see :mod:`.feature`): ``navigation`` (focus, search,
go to line, help), ``running`` (F5 and what a run shows), ``watching`` (reload), ``editing``
(the editor, saving), ``touring`` (the guided tour), ``comparing`` (another Python's
bytecode beside this one's) and ``exporting`` (the screen as SVG, the selection as a page).
No feature knows another: what one
says that concerns another comes up here as a message and goes down to it as a call. Every
command is declared once, as a :class:`~tui_exec.ui.commands.Command`, and gives its
binding, footer entry, palette entry and help line from that declaration.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.filter import LineFilter, Monochrome, NoColor
from textual.screen import Screen
from textual.widgets import TextArea

from .commands import Command, bindings, palette_commands
from .comparing import COMPARE_COMMANDS, Comparer
from .editing import EDIT_COMMANDS, EditMode
from .explorer import Explorer
from .exporting import EXPORT_COMMANDS, Exporter
from .messages import RunFinished
from .navigation import NAVIGATION_COMMANDS, Navigator
from .policy import LOCAL, SessionPolicy
from .program import DEFAULT_RUN_OPTIONS, RunOptions
from .running import RUN_COMMANDS, Runner
from .stage_panel import StagePanel
from .tour_box import TourBox
from .touring import TOUR_COMMANDS, Tour
from .watching import WATCH_COMMANDS, Watcher

QUIT = Command(
    "app.quit", "q", "quit", "Quit", "Leave tui-exec (a run in progress is ended)", footer=True
)

__all__ = ["DEFAULT_RUN_OPTIONS", "RunOptions", "StagePanel", "TuiExecApp", "make_app"]


class TuiExecApp(Explorer):
    """Source → tokens → AST → bytecode → run → output of one Python file, every pane in sync."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-exec"
    ALL_COMMANDS: ClassVar[tuple[Command, ...]] = (
        QUIT,
        *NAVIGATION_COMMANDS,
        *RUN_COMMANDS,
        *WATCH_COMMANDS,
        *EDIT_COMMANDS,
        *TOUR_COMMANDS,
        *COMPARE_COMMANDS,
        *EXPORT_COMMANDS,
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(ALL_COMMANDS)

    def __init__(
        self,
        data: bytes,
        name: str,
        *,
        path: str | None = None,
        run_options: RunOptions = DEFAULT_RUN_OPTIONS,
        edit: bool = False,
        pyc: bool = False,
        policy: SessionPolicy = LOCAL,
    ) -> None:
        super().__init__(data, name, path=path, pyc=pyc)
        self.program.policy = policy
        self.navigator = self.add_feature(Navigator(self))
        """Focus, zoom, search, go to line, help."""
        self.watcher = self.add_feature(Watcher(self))
        """Follows the file on disk (reload)."""
        self.runner = self.add_feature(Runner(self))
        """Runs the program (F5) and lays the run over the panes."""
        self.edit_mode = self.add_feature(EditMode(self))
        """Turns the source pane into an editor (F2) and saves."""
        self.edit_mode.open_in_editor = edit
        self.tour = self.add_feature(Tour(self))
        """The guided tour of the stages (t)."""
        self.comparer = self.add_feature(Comparer(self))
        """The bytecode under another Python, side by side (C)."""
        self.exporter = self.add_feature(Exporter(self))
        """The screen as SVG and the selection as an HTML page (X)."""
        self.run_options = run_options
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # Smooth scrolling redraws a pane for a quarter second: over SSH that is dozens
            # of frames per key (Home in 200k lines of output kept the UI busy for 1.3 s).
            self.animation_level = "none"

    def on_mount(self) -> None:
        # In a 16-colour terminal the accent comes out as the red of errors: see app.tcss.
        self.set_class(few_colours(self), "-few-colours")

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Under NO_COLOR Textual draws in greys (256-colour codes); no colour means none.
        return [NoColor() if isinstance(f, Monochrome) else f for f in super().get_line_filters()]

    def app_commands(self) -> tuple[Command, ...]:
        return self.ALL_COMMANDS

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                # Textual saves to ~/Downloads, which lab machines and servers often lack.
                yield command._replace(
                    help="Save an SVG of the screen in the current folder",
                    # Later, as Textual does: the palette must close before the shot.
                    callback=lambda: self.set_timer(0.1, self.action_screenshot_here),
                )
            else:
                yield command
        yield from palette_commands(self, self.app_commands())

    def action_screenshot_here(self) -> None:
        """Save an SVG screenshot in the current folder and say where (served: a download in
        the browser, not a file on the server)."""
        if self.program.policy.served:
            self.deliver_screenshot()
            self.notify("Screenshot sent to your browser as a download (an SVG file)", timeout=6)
            return
        try:
            path = self.save_screenshot(path=str(Path.cwd()))
        except OSError as exc:
            self.notify(f"Could not save the screenshot: {exc}", severity="error")
            return
        self.notify(f"Screenshot saved to {path}", timeout=6)

    def on_unmount(self) -> None:
        self.runner.stop_run(save=False)

    async def action_quit(self) -> None:
        """Quit, ending a run in progress first (with unsaved edits, ask first)."""
        if self.unsaved:
            self.edit_mode.ask_before_quitting(self._quit_now)
            return
        self._quit_now()

    def _quit_now(self) -> None:
        self.runner.stop_run(save=False)
        self.exit(0)

    # -- what one feature says that concerns another ---------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.edit_mode.text_changed(event.text_area)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self.edit_mode.cursor_moved(event.text_area)

    def on_watcher_reloaded(self, message: Watcher.Reloaded) -> None:
        self.edit_mode.file_reloaded()

    def on_run_finished(self, message: RunFinished) -> None:
        # After the runner's own handler (the message comes up from it) laid the run out.
        self.tour.run_finished()

    def on_tour_run_wanted(self, message: Tour.RunWanted) -> None:
        if self.runner.check_action("run", ()):  # not running already
            self.runner.action_run()

    def on_tour_box_moved(self, message: TourBox.Moved) -> None:
        self.tour.moved(message)

    def on_tour_box_left(self, message: TourBox.Left) -> None:
        self.tour.leave()

    @property
    def touring(self) -> bool:
        """Whether the guided tour is on."""
        return self.tour.step is not None

    def focus_pane(self, name: str) -> None:
        """Focus one pane, as its number key does."""
        self.navigator.action_focus_pane(name)

    def leave_editor(self) -> None:
        """Show the source pane again if the editor is open (the tour starts from it)."""
        if self.edit_mode.editing:
            self.edit_mode.action_toggle_edit()


def few_colours(app: App[Any]) -> bool:
    """Whether ``app`` draws in a real terminal of 16 colours (TERM=xterm, the Linux console)."""
    return not app.is_headless and app.console.color_system == "standard"


def make_app(
    data: bytes,
    name: str,
    *,
    path: str | None = None,
    run_options: RunOptions = DEFAULT_RUN_OPTIONS,
    edit: bool = False,
    pyc: bool = False,
    policy: SessionPolicy = LOCAL,
) -> TuiExecApp:
    """The app for a program's bytes (``edit``: in the editor; ``pyc``: a .pyc file of this
    Python; ``policy``: what a served session may do); shared by the CLI, the tests and the
    benchmarks."""
    return TuiExecApp(
        data, name, path=path, run_options=run_options, edit=edit, pyc=pyc, policy=policy
    )
