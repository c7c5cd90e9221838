"""The Explain pane: what the selected thing is, in plain words, whichever pane selected it.

A token says what kind of word it is; an instruction what it does, how it changes the value
stack and what its argument means here; a node its fields and what it compiled to; a code
object its tables. The words are the core's (core/explain/selection.py), written for this
project and true for the running Python; this pane lays them out and draws them.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import CodeType

from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core import Analysis
from ...core.explain.selection import (
    HINT,
    Paragraph,
    explain_selection,
    live_code_objects,
)
from ..selection import Selection
from .stage import PaneSpec, StageView

__all__ = ["PANE", "ExplainPane", "rich_paragraph"]


class ExplainPane(ScrollView, StageView[None], can_focus=True):
    """Plain words for the selection; the arrows scroll them.

    The words are laid out into lines once per selection and drawn with the line API: a
    widget whose content changes height would re-lay the whole screen out on every move
    (measured: 9 ms a move without the pane shown, 16-42 ms with it as a Static).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._codes: list[CodeType] = []
        self._paragraphs: list[Text] = []
        self._lines: list[Strip] = []
        """``content`` laid out at the pane's width."""
        self._blank = Strip.blank(0)
        self._pending: Selection | None = None
        self._shown: Selection | None = None
        self._specialized: dict[int, dict[int, str]] | None = None

    @property
    def content(self) -> Group:
        """What the pane shows now, one text per paragraph."""
        return Group(*self._paragraphs)

    def show_analysis(self, analysis: Analysis, layout: None = None) -> None:
        self._analysis = analysis
        self._codes = live_code_objects(analysis)
        self._show([rich_paragraph(HINT)])

    def _show(self, paragraphs: list[Text]) -> None:
        """Show ``paragraphs`` from their top."""
        self._paragraphs = paragraphs
        self._lay_out()
        if self.scroll_offset:
            self.scroll_to(0, 0, animate=False, immediate=True)

    def _lay_out(self) -> None:
        """Lay ``content`` out into lines at the pane's width (none while it has no size)."""
        region = self.scrollable_content_region
        width = region.width
        if width <= 0:
            self._lines = []
            return
        style = self.rich_style  # computed from the CSS each time it is asked for
        # Cut and padded to the width once here: render_line runs for every row of every frame.
        self._lines = [
            Strip(Segment.simplify(row)).crop_extend(0, width, style)
            for row in _rows(self.app.console, self._paragraphs, width, style)
        ]
        self._blank = Strip.blank(width, style)
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Not through the reactive: it re-lays the whole screen out (a far jump's p95
            # went from 35 to 60 ms). Only this pane's scrollbar changes, and it is always
            # shown (app.tcss), so the width the lines were laid out for holds.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        self.refresh(Region(0, 0, width, region.height))  # the words, not the scrollbar

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        return self._lines[index] if index < len(self._lines) else self._blank

    def show_specialized(self, names: dict[int, dict[int, str]] | None) -> None:
        """Explain instructions by their specialized names (code id → offset → name), as
        the bytecode pane shows them, or by their own (None)."""
        self._specialized = names
        if self._shown is not None:
            self.show_selection(self._shown, from_here=False)

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        self._shown = selection
        analysis = self._analysis
        if analysis is None:
            return
        if not self.region:  # hidden: explained when shown (an update costs a layout pass)
            self._pending = selection
            return
        self._pending = None
        paragraphs = explain_selection(
            analysis,
            selection.origin,
            selection.item,
            selection.links,
            codes=self._codes,
            specialized=self._specialized,
        )
        self._show([rich_paragraph(paragraph) for paragraph in paragraphs])

    def on_show(self) -> None:
        if self._pending is not None:
            self.show_selection(self._pending, from_here=False)


def _rows(
    console: Console, paragraphs: list[Text], width: int, style: Style
) -> Iterator[list[Segment]]:
    """The rows of segments ``paragraphs`` make at ``width`` on ``style``, as rich would lay
    them out as a group; wrapped one by one, the ones that fit (most) as they are: rich's
    own layout of the group took half of a move's time in this pane. The paragraphs are
    this pane's: left-justified, default tabs, each ending its line (a ``justify``,
    ``tab_size`` or ``end`` of their own would be ignored here)."""
    for paragraph in paragraphs:
        plain = paragraph.plain
        fits = paragraph.cell_len <= width and "\n" not in plain and "\t" not in plain
        for line in [paragraph] if fits else paragraph.wrap(console, width):
            if line.spans:
                segments = list(line.render(console))
            else:  # rendered without spans, a text drops its own style
                segments = [Segment(line.plain, console.get_style(line.style))]
            yield list(Segment.apply_style(segments, style))


PANE = PaneSpec(
    "explain",
    "Explain",
    "8",
    ExplainPane,
    "What the selection is, in plain words: for a token, what kind of word it is; for an AST "
    "node, its parts and the instructions it compiled to; for an instruction, what it does, "
    "how it changes the value stack, and what its argument means here; for a code object, "
    "its arguments, flags and tables (constants, names, variables).",
    hidden=True,
)


_RICH_STYLES = {"": "", "strong": "bold", "quiet": "italic", "mark": "reverse bold"}


def rich_paragraph(paragraph: Paragraph) -> Text:
    """A paragraph of the core's explanation as one Rich text."""
    return Text.assemble(*((piece.text, _RICH_STYLES[piece.style]) for piece in paragraph))
