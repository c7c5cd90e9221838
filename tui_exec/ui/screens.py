"""Modal screens: the help."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class HelpGroup(NamedTuple):
    """One section of the help: a title, a paragraph, and (keys, what they do) rows."""

    title: str
    about: str
    keys: list[tuple[str, str]]


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works, built from the commands themselves, with what
    each pane shows and the terms the panes use."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, groups: Iterable[HelpGroup]) -> None:
        super().__init__()
        self._groups = list(groups)

    @property
    def groups(self) -> list[HelpGroup]:
        """The sections shown."""
        return self._groups

    def compose(self) -> ComposeResult:
        parts: list[RenderableType] = []
        for group in self._groups:
            parts.append(Text(group.title, style="bold underline"))
            if group.about:
                parts.append(Text(group.about))
            if group.keys:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True, max_width=24)
                table.add_column(ratio=1)
                for key, description in group.keys:
                    table.add_row(key, description)
                parts.append(table)
            parts.append(Text(""))
        with Vertical(id="help-box"):
            yield Label("tui-exec help  (Esc or ? closes, arrows scroll)", id="help-title")
            with VerticalScroll():
                yield Static(Group(*parts), id="help-table")

    def on_mount(self) -> None:
        # Focused, the text scrolls with the arrows and page keys.
        self.query_one(VerticalScroll).focus()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
