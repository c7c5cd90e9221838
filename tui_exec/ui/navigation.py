"""Moving around the explorer: focusing, maximizing and hiding panes, search, go to line, help."""

from __future__ import annotations

from collections.abc import Iterator

from .commands import Command, help_rows
from .explorer import Explorer
from .panes import PANES, LinePane
from .screens import HelpGroup, HelpScreen

FOCUS_COMMANDS = tuple(
    Command(
        f"app.focus_{spec.name}",
        spec.key,
        f"focus_pane('{spec.name}')",
        spec.title,
        f"Focus the {spec.title} pane" + (" (after a run)" if spec.after_run else ""),
        palette=f"go: {spec.title} pane",
    )
    for spec in PANES
)

NAVIGATION_COMMANDS = (
    Command(
        "app.help",
        "question_mark,f1",
        "help",
        "Help",
        "Every key, pane and term",
        "view: help",
        footer=True,
    ),
    Command(
        "app.search",
        "slash",
        "search",
        "Search",
        "Search the focused pane",
        "search: focused pane…",
        footer=True,
    ),
    Command(
        "app.search_next", "n", "search_next(False)", "Next match", "Next match of the last search"
    ),
    Command("app.search_previous", "N", "search_next(True)", "Previous match", "Previous match"),
    Command(
        "app.goto_line",
        "g",
        "goto_line",
        "Go to",
        "Go to a line (line or line:column)",
        "go: line…",
        footer=True,
    ),
    Command(
        "app.maximize",
        "z",
        "toggle_maximize",
        "Zoom",
        "Maximize the focused pane, or restore",
        "view: maximize pane",
        footer=True,
    ),
    Command("app.hide_pane", "x", "hide_pane", "Hide", "Hide the focused pane", "view: hide pane"),
    Command(
        "app.show_all", "a", "show_all", "Show all", "Show every pane again", "view: show all panes"
    ),
    Command(
        "app.redraw",
        "ctrl+l",
        "redraw",
        "Redraw",
        "Draw the whole screen again (after other output or a bad link garbled it)",
        "view: redraw the screen",
    ),
    *FOCUS_COMMANDS,
)

ABOUT_POSITIONS = (
    "Positions read line:column. Lines count from 1 and columns from 0, in characters, as "
    "ast and dis count them; a span 3:4–9 runs from column 4 up to, not including, column 9 "
    "of line 3 (3:4–5:2 crosses lines)."
)
ABOUT_HIGHLIGHTS = (
    "Primary highlight (reverse video): what matches the selection exactly, e.g. the "
    "instructions whose position is the selected node's span. Secondary (underlined): what "
    "merely contains the selection or lies inside it, e.g. the CALL around a selected +."
)
ABOUT_STATUS = (
    "The status line names the selection: its position, token, node and instruction. "
    "'+2' means two more instructions at the same place; '5 more around' (or 'inside') "
    "counts the secondary ones. An instruction with no position is compiler-made clean-up "
    "code; a 'synthetic position' (line of the def, column 0) belongs to a function's "
    "prologue and links to the def."
)


class Navigation(Explorer):
    """Keys that move between and within panes, whatever the panes are."""

    _search_term = ""
    for_palette = False
    """Set while the palette asks which commands apply (not which keys act)."""

    def command_applies(self, command: Command) -> bool:
        """Whether the palette offers ``command`` now."""
        self.for_palette = True
        try:
            if command.feature is not None:
                return bool(self.check_action("feature", (command.feature, command.action)))
            return bool(self.check_action(command.action_name, ()))
        finally:
            self.for_palette = False

    def action_focus_pane(self, name: str) -> None:
        """Focus one pane (showing it if it was hidden)."""
        panel = self.panels[name]
        if panel.has_class("-idle"):
            self.notify(f"The {panel.spec.title} pane appears after a run: press F5.")
            return
        panel.remove_class("-hidden")
        if self.screen.maximized is not None:
            self.screen.maximize(panel.view)
        # Focus now, not after a refresh (Widget.focus): the next key of a burst that arrived
        # with this one (`3 z` over SSH) must reach the pane it focuses.
        self.screen.set_focus(panel.view)

    def focus_pane(self, name: str) -> None:
        """Focus one pane, as its number key does."""
        self.action_focus_pane(name)

    def action_toggle_maximize(self) -> None:
        """Maximize the focused pane, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif (panel := self.focused_panel()) is not None:
            self.screen.maximize(panel.view)

    def action_hide_pane(self) -> None:
        """Hide the focused pane (``a`` or its number shows it again)."""
        panel = self.focused_panel()
        if panel is None or sum(p.shown for p in self.panels.values()) <= 1:
            self.notify("The last visible pane cannot be hidden.", severity="warning")
            return
        panel.add_class("-hidden")
        self.screen.focus_next()

    def action_show_all(self) -> None:
        """Show every pane again."""
        for panel in self.panels.values():
            panel.remove_class("-hidden")
        if self.screen.maximized is not None:
            self.screen.minimize()

    def action_redraw(self) -> None:
        """Write every cell of the screen again: the terminal may no longer show what the app
        last drew (a message from the system, a hiccup over SSH), and a frame only writes
        what changed."""
        self.screen.refresh()

    def action_help(self) -> None:
        """Show every key, what each pane shows, and the terms used."""
        self.push_screen(HelpScreen(self.help_groups()))

    def help_groups(self) -> Iterator[HelpGroup]:
        """The help screen's sections: keys everywhere, how to read the panes, each pane."""
        yield HelpGroup(
            "Everywhere",
            "",
            help_rows(self, self.app_commands())
            + [
                ("tab / shift+tab", "Next / previous pane"),
                ("ctrl+p", "Command palette: every command, and the colour themes"),
            ],
        )
        yield HelpGroup("Reading the panes", f"{ABOUT_POSITIONS}\n\n{ABOUT_HIGHLIGHTS}", [])
        yield HelpGroup("The status line", ABOUT_STATUS, [])
        for spec in PANES:
            yield HelpGroup(
                f"{spec.key} {spec.title} pane", spec.about, help_rows(self, spec.view.COMMANDS)
            )

    def app_commands(self) -> tuple[Command, ...]:
        """Every app-wide command: the app lists them all."""
        return NAVIGATION_COMMANDS

    def action_search(self) -> None:
        """Ask for text to find in the focused pane."""
        panel = self.focused_panel()
        if panel is None or not isinstance(panel.view, LinePane):
            title = panel.spec.title if panel is not None else "This"
            self.notify(f"The {title} pane has nothing to search.", severity="warning")
            return

        def found(term: str | None) -> None:
            if term:
                self._search_term = term
                self._search(term, backwards=False, skip_current=False)

        self.ask(f"Search the {panel.spec.title} pane", found, placeholder="text, type, opname…")

    def line_total(self) -> int:
        """How many lines the program has, as the user sees it now (the editor may say)."""
        for feature in self.components.values():
            count = feature.line_count()
            if count is not None:
                return count
        return len(self.analysis.source.lines) if self.analysis is not None else 0

    def action_search_next(self, backwards: bool) -> None:
        """Repeat the last search forwards (n) or backwards (N)."""
        if not self._search_term:
            self.notify("Nothing to repeat: search with / first.", severity="warning")
            return
        self._search(self._search_term, backwards=backwards, skip_current=True)

    def _search(self, term: str, *, backwards: bool, skip_current: bool) -> None:
        panel = self.focused_panel()
        view = panel.view if panel is not None else None
        if not isinstance(view, LinePane):
            title = panel.spec.title if panel is not None else "This"
            self.notify(f"The {title} pane has nothing to search.", severity="warning")
        elif not view.search(term, backwards=backwards, skip_current=skip_current):
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
                col = int(col_text) if col_text else None
            except ValueError:
                self.notify(f"Not a line number: {answer!r}", severity="error")
                return
            if any(f.go_to_line(line, col) for f in self.components.values()):
                return
            self.screen.set_focus(self.source_pane)
            # Selected here, in the handler that closes the question, not when the pane's
            # ItemPicked has bubbled up to the app through five message queues: that took
            # 3-4 ms, and let a frame (and the footer's rebuild) in between.
            point = self.source_pane.go_to_line(line, col, tell=False)
            if point is not None:
                self.select("source", point)

        total = self.line_total()
        self.ask(f"Go to line (1–{total})", go, placeholder="line, or line:column (columns from 0)")
