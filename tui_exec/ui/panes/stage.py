"""What a pane declares about itself, and what the app may ask of every pane.

A pane is one module: its widget (a :class:`StageView`) and one :class:`PaneSpec` naming its
title, focus key, the items it selects and its commands. ``panes/__init__.py`` lists the specs;
the app builds its panels, keys, help and palette from that list and knows no pane by name.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar, cast

from rich.text import Text
from textual.message import Message

from ...core import Analysis, StageError
from ..selection import Origin, Selection

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..commands import Command

LayoutT = TypeVar("LayoutT")


class TitleChanged(Message):
    """A view's :meth:`StageView.title_detail` changed by itself (work done in a worker, not
    at the app's call): the panel around it titles itself again."""


class StageView(Generic[LayoutT]):
    """The part of a pane widget the app talks to. Defaults suit panes that ignore a part.

    Data flows one way: the app calls these (attributes down); a pane tells the app that the
    user picked something with a message (see :class:`~tui_exec.ui.messages.ItemPicked`).
    """

    COMMANDS: ClassVar[tuple[Command, ...]] = ()
    """The pane's own commands (its keys), shown in the help under the pane's title."""

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> LayoutT | None:
        """Measure rows and widths for ``analysis``. Runs in the analysis worker thread, so it
        must not touch widgets: the result comes back to :meth:`show_analysis`."""
        return None

    def show_analysis(self, analysis: Analysis, layout: LayoutT | None) -> None:
        """Show a new analysis (``layout`` from :meth:`layout_rows`)."""

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        """Mark what matches ``selection``; ``from_here`` when this pane made it."""

    def title_detail(self) -> str:
        """What the pane's title adds after its name (counts, the view shown)."""
        return ""

    def stage_message(self, analysis: Analysis) -> Text | None:
        """A message shown instead of the pane's rows (why the stage is empty), or None."""
        return None


def no_source_text(analysis: Analysis) -> Text | None:
    """What the source, tokens and AST panes say for a program opened from a .pyc file."""
    if analysis.pyc is None:
        return None
    origin = analysis.module_code.co_filename if analysis.module_code is not None else ""
    text = Text.assemble(
        ("A .pyc file holds bytecode only", "bold"),
        ": the compiler's output, without the source, the tokens or the tree it came from. "
        "Its instructions still know their line numbers.",
    )
    if origin:
        text.append(f"\n\nIt was compiled from {origin}")
        if os.path.isfile(origin):
            text.append(": press o to open that source.", "bold")
        else:
            text.append(", which is not here.")
    return text


def stage_error_text(error: StageError, consequence: str) -> Text:
    """What a pane says instead of its rows when an earlier stage failed."""
    span = error.span
    where = f"{span.start_line}:{span.start_col} (line:column)" if span else "an unknown place"
    return Text.assemble(
        (error.type, "bold"),
        f" ({error.stage} stage)\n",
        (error.message, "bold"),
        f"\nat {where}\n\n",
        consequence,
        ". Fix the error and save the file: every pane comes back.",
    )


class PaneSpec(NamedTuple):
    """One pane, declared once."""

    name: str
    """The panel's id and the argument of ``focus_pane``: ``tokens``."""
    title: str
    """What the border says: ``Tokens``."""
    key: str
    """The key that focuses it: ``2``."""
    view: type[StageView[Any]]
    """Its widget class (a Widget and a :class:`StageView`), made with ``view(id=...)``."""
    about: str
    """What it shows and how to read it: the help screen's paragraph for the pane."""
    selects: tuple[Origin, ...] = ()
    """The kinds of item the user selects in it: syncing skips moving its cursor for these."""
    after_run: bool = False
    """Hidden until the program has run."""
    hidden: bool = False
    """Hidden until its key is pressed (or every pane is shown): a stage for the curious."""

    @property
    def view_id(self) -> str:
        """The id of its widget."""
        return f"{self.name}-view"

    def make_view(self) -> Widget:
        """A new widget for this pane."""
        return cast("Widget", self.view(id=self.view_id))  # type: ignore[call-arg]
