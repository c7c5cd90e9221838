"""TourBox: the guided tour's text, docked under the panes, with its own keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static


class TourBox(VerticalScroll, can_focus=True):
    """One step of the tour: where it is, what it says, and the keys that move on.

    It holds the keyboard while the tour is on, so a step's keys cannot move a pane by
    accident; the pane the step is about is shown as the active one.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,enter,space", "move(1)", "Next", id="tour.next"),
        Binding("left,backspace", "move(-1)", "Back", id="tour.back"),
        # q is not bound here: it quits, as everywhere (asking first if there are edits).
        Binding("escape,t", "leave", "Leave the tour", id="tour.leave"),
    ]

    @dataclass
    class Moved(Message):
        """The user asked for the next (1) or the previous (-1) step."""

        delta: int

    class Left(Message):
        """The user left the tour."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Static(id="tour-text")

    def compose(self) -> ComposeResult:
        yield self._text

    def show(self, number: int, total: int, title: str, body: Text) -> None:
        """Show step ``number`` (from 1) of ``total``."""
        text = Text.assemble(
            (f"Tour {number}/{total} · {title}", "bold"),
            "\n",
            body,
            "\n",
            (
                "→ or Enter: next · ← back · Esc or t: leave the tour · q: quit tui-exec",
                "italic",
            ),
        )
        self._text.update(text)
        self.scroll_home(animate=False)

    def action_move(self, delta: int) -> None:
        """Ask for the next or previous step."""
        self.post_message(self.Moved(delta))

    def action_leave(self) -> None:
        """Ask to leave the tour."""
        self.post_message(self.Left())
