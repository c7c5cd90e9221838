"""The command line: one row where the status line is, asking for a line, a search, input.

A modal screen would repaint the whole terminal twice per question (once to open, once to
close): 117 KB for one go-to-line at 160x50, 1.5 s over a 1 Mbit/s SSH link. Asking in the
status line's row changes only that row, and the panes the answer moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label

Answer = Callable[[str | None], None]


class CommandLine(Horizontal):
    """A prompt and an input, shown in place of the status line while a question is open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="command_line.cancel"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._answer: Answer | None = None
        self._return_focus: Widget | None = None
        self._raw = False

    def compose(self) -> ComposeResult:
        yield Label(id="command-line-prompt")
        yield Input(id="command-line-input")

    @property
    def is_open(self) -> bool:
        """Whether a question is waiting for its answer."""
        return self._answer is not None

    def ask(
        self,
        prompt: str,
        answer: Answer,
        *,
        placeholder: str = "",
        value: str = "",
        raw: bool = False,
    ) -> None:
        """Show ``prompt``; ``answer`` gets the text (stripped, None when empty), or None if
        cancelled. ``raw``: the text as typed, empty included (a program's input line)."""
        self._raw = raw
        self._answer = answer
        self._return_focus = self.screen.focused
        self.query_one(Label).update(f"{prompt}: ")
        field = self.query_one(Input)
        field.placeholder = placeholder
        field.value = value
        self.add_class("-open")
        # At once, so the keys typed right after the one that asked land in the field.
        self.screen.set_focus(field)

    def _close(self, text: str | None) -> None:
        answer, self._answer = self._answer, None
        self.remove_class("-open")
        if self._return_focus is not None and self._return_focus.is_attached:
            self.screen.set_focus(self._return_focus)
        if answer is not None:
            answer(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close(event.value if self._raw else event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self._close(None)

    def on_descendant_blur(self) -> None:
        # Clicking elsewhere (or a focus key from the palette) abandons the question.
        if self.is_open and self.screen.focused is not self.query_one(Input):
            self._close(None)
