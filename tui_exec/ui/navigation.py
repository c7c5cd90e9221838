"""Moving around the explorer: focusing, maximizing and hiding panes, search, go to line, help."""

from __future__ import annotations

from collections.abc import Iterator

from .commands import Command, help_rows
from .feature import Feature
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
        feature="navigation",
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
        feature="navigation",
    ),
    Command(
        "app.search",
        "slash",
        "search",
        "Search",
        "Search the focused pane",
        "search: focused pane…",
        footer=True,
        feature="navigation",
    ),
    Command(
        "app.search_next",
        "n",
        "search_next(False)",
        "Next match",
        "Next match of the last search",
        feature="navigation",
    ),
    Command(
        "app.search_previous",
        "N",
        "search_next(True)",
        "Previous match",
        "Previous match",
        feature="navigation",
    ),
    Command(
        "app.goto_line",
        "g",
        "goto_line",
        "Go to",
        "Go to a line (line or line:column)",
        "go: line…",
        footer=True,
        feature="navigation",
    ),
    Command(
        "app.maximize",
        "z",
        "toggle_maximize",
        "Zoom",
        "Maximize the focused pane, or restore",
        "view: maximize pane",
        footer=True,
        feature="navigation",
    ),
    Command(
        "app.hide_pane",
        "x",
        "hide_pane",
        "Hide",
        "Hide the focused pane",
        "view: hide pane",
        feature="navigation",
    ),
    Command(
        "app.show_all",
        "a",
        "show_all",
        "Show all",
        "Show every pane again",
        "view: show all panes",
        feature="navigation",
    ),
    Command(
        "app.redraw",
        "ctrl+l",
        "redraw",
        "Redraw",
        "Draw the whole screen again (after other output or a bad link garbled it)",
        "view: redraw the screen",
        feature="navigation",
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


class Navigator(Feature):
    """Keys that move between and within panes, whatever the panes are."""

    NAME = "navigation"
    COMMANDS = NAVIGATION_COMMANDS
    _search_term = ""

    def action_focus_pane(self, name: str) -> None:
        """Focus one pane (showing it if it was hidden)."""
        panel = self.host.panels[name]
        if panel.has_class("-idle"):
            self.notify(f"The {panel.spec.title} pane appears after a run: press F5.")
            return
        panel.remove_class("-hidden")
        if self.screen.maximized is not None:
            self.screen.maximize(panel.view)
        # Focus now, not after a refresh (Widget.focus): the next key of a burst that arrived
        # with this one (`3 z` over SSH) must reach the pane it focuses.
        self.screen.set_focus(panel.view)

    def action_toggle_maximize(self) -> None:
        """Maximize the focused pane, or restore the layout."""
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif (panel := self.host.focused_panel()) is not None:
            self.screen.maximize(panel.view)

    def action_hide_pane(self) -> None:
        """Hide the focused pane (``a`` or its number shows it again)."""
        panel = self.host.focused_panel()
        if panel is None or sum(p.shown for p in self.host.panels.values()) <= 1:
            self.notify("The last visible pane cannot be hidden.", severity="warning")
            return
        panel.add_class("-hidden")
        self.screen.focus_next()

    def action_show_all(self) -> None:
        """Show every pane again."""
        for panel in self.host.panels.values():
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
        self.app.push_screen(HelpScreen(self.help_groups()))

    def help_groups(self) -> Iterator[HelpGroup]:
        """The help screen's sections: keys everywhere, how to read the panes, each pane."""
        yield HelpGroup(
            "Everywhere",
            "",
            help_rows(self.app, self.host.app_commands())
            + [
                ("tab / shift+tab", "Next / previous pane"),
                ("ctrl+p", "Command palette: every command, and the colour themes"),
            ],
        )
        yield HelpGroup("Reading the panes", f"{ABOUT_POSITIONS}\n\n{ABOUT_HIGHLIGHTS}", [])
        yield HelpGroup("The status line", ABOUT_STATUS, [])
        for spec in PANES:
            yield HelpGroup(
                f"{spec.key} {spec.title} pane", spec.about, help_rows(self.app, spec.view.COMMANDS)
            )

    def action_search(self) -> None:
        """Ask for text to find in the focused pane."""
        panel = self.host.focused_panel()
        if panel is None or not isinstance(panel.view, LinePane):
            title = panel.spec.title if panel is not None else "This"
            self.notify(f"The {title} pane has nothing to search.", severity="warning")
            return

        def found(term: str | None) -> None:
            if term:
                self._search_term = term
                self._search(term, backwards=False, skip_current=False)

        prompt = f"Search the {panel.spec.title} pane"
        self.host.ask(prompt, found, placeholder="text, type, opname…")

    def action_search_next(self, backwards: bool) -> None:
        """Repeat the last search forwards (n) or backwards (N)."""
        if not self._search_term:
            self.notify("Nothing to repeat: search with / first.", severity="warning")
            return
        self._search(self._search_term, backwards=backwards, skip_current=True)

    def _search(self, term: str, *, backwards: bool, skip_current: bool) -> None:
        panel = self.host.focused_panel()
        view = panel.view if panel is not None else None
        if not isinstance(view, LinePane):
            title = panel.spec.title if panel is not None else "This"
            self.notify(f"The {title} pane has nothing to search.", severity="warning")
        elif not view.search(term, backwards=backwards, skip_current=skip_current):
            self.notify(f"Not found: {term!r}", severity="warning", timeout=3)

    def action_goto_line(self) -> None:
        """Jump to a line (or line:col) in the source."""
        if self.program.analysis is None:
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
            if self.host.taken_go_to_line(line, col):
                return
            self.screen.set_focus(self.host.source_pane)
            # Selected here, in the handler that closes the question, not when the pane's
            # ItemPicked has bubbled up to the app through five message queues: that took
            # 3-4 ms, and let a frame (and the footer's rebuild) in between.
            point = self.host.source_pane.go_to_line(line, col, tell=False)
            if point is not None:
                self.host.select("source", point)

        total = self.host.line_total()
        placeholder = "line, or line:column (columns from 0)"
        self.host.ask(f"Go to line (1–{total})", go, placeholder=placeholder)
