"""Commands declared once: each gives its key binding, footer entry, palette entry and help line.

A command is data. The app and every pane list theirs; Textual gets bindings from
:func:`bindings`, the palette gets :func:`palette_commands`, and the help screen gets
:func:`help_rows`, so a key, its footer label and its description can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Command:
    """One thing the user can do, with everything needed to offer it."""

    id: str
    """Stable id (``app.run``): Textual keymaps rebind keys by it."""
    keys: str
    """Textual key names, comma-separated (``question_mark,f1``)."""
    action: str
    """The action it runs, with arguments if any (``run(False)``)."""
    label: str
    """Footer label: a word or two."""
    help: str
    """What it does, as a sentence: the help screen's line and the palette's help text."""
    palette: str | None = None
    """Palette title with a category (``run: stop``); None keeps it out of the palette."""
    footer: bool = False
    """Whether the footer shows it (when it applies: see ``check_action``)."""
    priority: bool = False
    """Checked before the focused widget's own bindings (for keys panes use too)."""
    feature: str | None = None
    """The feature that performs it (see :mod:`.feature`); None: the app or the pane."""

    @property
    def bound_action(self) -> str:
        """The action its key runs: through the app to its feature, if it has one."""
        if self.feature is None:
            return self.action
        return f"feature({self.feature!r}, {self.action!r})"

    def binding(self) -> Binding:
        """The Textual binding for this command."""
        return Binding(
            self.keys,
            self.bound_action,
            self.label,
            show=self.footer,
            id=self.id,
            tooltip=self.help,
            priority=self.priority,
        )

    @property
    def action_name(self) -> str:
        """The action without its arguments (what ``check_action`` receives)."""
        return self.action.partition("(")[0]


def bindings(commands: Iterable[Command]) -> list[BindingType]:
    """The bindings of ``commands``, for a ``BINDINGS`` class attribute."""
    return [command.binding() for command in commands]


def help_rows(app: App[Any], commands: Iterable[Command]) -> list[tuple[str, str]]:
    """(keys as the terminal shows them, description) for the help screen."""
    return [
        (
            " / ".join(app.get_key_display(Binding(key, "")) for key in command.keys.split(",")),
            command.help,
        )
        for command in commands
    ]


def palette_commands(app: App[Any], commands: Iterable[Command]) -> Iterator[SystemCommand]:
    """Palette entries for the commands that have one and apply now (``check_action``)."""

    # A command may act on its key only to say why it does not apply: the palette asks the
    # app's ``command_applies`` when it has one.
    def checked(command: Command) -> bool:
        return bool(app.check_action(command.action_name, ()))

    applies: Callable[[Command], bool] = getattr(app, "command_applies", None) or checked
    for command in commands:
        if command.palette is None or not applies(command):
            continue
        keys = app.get_key_display(Binding(command.keys.split(",")[0], ""))
        yield SystemCommand(
            command.palette,
            f"{command.help} ({keys})",
            partial(app.run_action, command.bound_action),
        )
