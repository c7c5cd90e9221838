"""The command line: one row where the status line is, asking for a line, a search, input.

A modal screen would repaint the whole terminal twice per question (once to open, once to
close): 117 KB for one go-to-line at 160x50, 1.5 s over a 1 Mbit/s SSH link. Asking in the
status line's row changes only that row, and the panes the answer moves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar
from weakref import WeakSet

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label

Answer = Callable[[str | None], None]


class Field(Input):
    """The command line's input. Enter and Esc answer at once; a key that reaches it after its
    question closed goes on to the widget that has the focus now (keys that came in one
    read: see :meth:`CommandLine.take`)."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls Input._on_key after this one, unless prevented.
        line = self.parent
        if not isinstance(line, CommandLine):
            return
        if not line.is_open:
            if self.app.focused is self:  # nowhere else to go (the answer left it here)
                return
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key in ("enter", "escape"):
            # Answered here, before the field takes its next key: as a binding the answer
            # came after the keys queued behind it, which it should have sent elsewhere.
            line.finish(self.value if event.key == "enter" else None)
        else:
            return
        event.stop()
        event.prevent_default()


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
        self._seen: WeakSet[events.Key] = WeakSet()

    def compose(self) -> ComposeResult:
        yield Label(id="command-line-prompt")
        yield Field(id="command-line-input")

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

    def on_key(self, event: events.Key) -> None:
        # A key the field did not take (Enter, Esc): the app runs its binding as usual.
        self._seen.add(event)

    def take(self, event: events.Key) -> bool:
        """Hand the field a key that went elsewhere while the question opened; whether it did.

        Keys that come in one read (a paste, a batched SSH packet: ``g4``) are all handed to
        the widget focused when they come, before the first one opens the question: the 4
        went to the source pane, and was lost. The app gives each key that reaches it from
        elsewhere while a question is open to the question instead.
        """
        if not self.is_open or event in self._seen or self.app.screen is not self.screen:
            return False  # not asking, the field's own, or another screen's (the palette's)
        # Handed on as the app hands a key to the focused widget (forwarded: otherwise the
        # app took it, bubbling up from the field, for a new key and handed it on again).
        self.query_one(Field)._forward_event(events.Key(event.key, event.character))
        return True

    def _close(self, text: str | None) -> None:
        answer, self._answer = self._answer, None
        self.remove_class("-open")
        if self._return_focus is not None and self._return_focus.is_attached:
            self.screen.set_focus(self._return_focus)
        if answer is not None:
            answer(text)

    def finish(self, value: str | None) -> None:
        """Answer with ``value`` as typed (Enter), or None (Esc)."""
        if value is None:
            self._close(None)
        else:
            self._close(value if self._raw else value.strip() or None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.finish(event.value)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self._close(None)

    def on_descendant_blur(self) -> None:
        # Clicking elsewhere (or a focus key from the palette) abandons the question.
        if self.is_open and self.screen.focused is not self.query_one(Input):
            self._close(None)
