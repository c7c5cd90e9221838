"""The compare view: one program's bytecode under two Pythons, side by side, by source span.

The rows come from :func:`~tui_exec.core.compare.aligned_rows`: each source line, then each
span of it with the instructions both versions made from it, so the same statement sits on
the same row. Moving the cursor selects a span: the source above marks it, and the rows of
both versions that came from it are highlighted. What changed between the two releases is
said below, in our words (:mod:`~tui_exec.core.version_changes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from ..core.comparison import AlignedRow, Comparison
from ..core.span import Span
from ..core.version_changes import Change

_GUTTER = 6
"""Line numbers of the source, right-aligned, and a space."""


class PairedBytecode(ScrollView, can_focus=True):
    """Both versions' instructions in two columns, row by row, grouped by source span."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paired-bytecode--code",
        "paired-bytecode--line",
        "paired-bytecode--span",
        "paired-bytecode--pair",
        "paired-bytecode--cursor",
        "paired-bytecode--differs",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "edge(False)", "First", show=False),
        Binding("end", "edge(True)", "Last", show=False),
        Binding("n", "next_change(1)", "Next change"),
        Binding("N", "next_change(-1)", "Previous change"),
    ]

    class PairChosen(Message):
        """The cursor moved to the rows of another span (its index in the comparison)."""

        def __init__(self, pair: int) -> None:
            super().__init__()
            self.pair = pair

    def __init__(self, comparison: Comparison, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.comparison = comparison
        self.rows: list[AlignedRow] = comparison.rows
        self.cursor = next((i for i, row in enumerate(self.rows) if row.pair >= 0), 0)
        self.virtual_size = Size(0, len(self.rows))

    @property
    def pair(self) -> int:
        """The span the cursor is on (-1 before any)."""
        return self.rows[self.cursor].pair if self.rows else -1

    def on_mount(self) -> None:
        if self.pair >= 0:
            self.call_after_refresh(self.scroll_to_region_row, self.cursor)
            self.post_message(self.PairChosen(self.pair))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        base = self.rich_style
        if row.kind == "line":
            style = base + self.get_component_rich_style("paired-bytecode--line")
            return Strip([Segment(_fit(row.left, width), style)], width)
        if row.kind == "code":
            base += self.get_component_rich_style("paired-bytecode--code")
        if row.pair == self.pair and row.pair >= 0:
            base += self.get_component_rich_style("paired-bytecode--pair")
        if index == self.cursor:
            base += self.get_component_rich_style("paired-bytecode--cursor")
        if row.kind == "span":
            style = base + self.get_component_rich_style("paired-bytecode--span")
            if self.comparison.differs(row.pair):
                marker = self.get_component_rich_style("paired-bytecode--differs")
                mark = Segment(" ≠ ", base + marker)
            else:
                mark = Segment("   ", base)
            return Strip([mark, Segment(_fit(row.left, width - 3), style)], width)
        column = max((width - 3) // 2, 1)
        return Strip(
            [
                Segment(_fit(row.left, column), base),
                Segment(" │ ", base),
                Segment(_fit(row.right, width - column - 3), base),
            ],
            width,
        )

    # -- moving ----------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        """Put the cursor on row ``index`` (a source line's own row moves on to its spans)."""
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        step = 1 if index >= self.cursor else -1
        found = self._span_row_from(index, step)
        if found is None:  # past the first or last span: the nearest one the other way
            found = self._span_row_from(index, -step)
        if found is None:
            return
        index = found
        before = self.pair
        self.cursor = index
        self.scroll_to_region_row(index)
        self.refresh()
        if self.pair != before:
            self.post_message(self.PairChosen(self.pair))

    def _span_row_from(self, index: int, step: int) -> int | None:
        """The first row from ``index`` on (by ``step``) that belongs to a span."""
        while 0 <= index < len(self.rows):
            if self.rows[index].pair >= 0:
                return index
            index += step
        return None

    def scroll_to_region_row(self, index: int) -> None:
        """Scroll so that row ``index`` is in view (with its line's row above it if it fits)."""
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if index < top:
            self.scroll_to(y=max(index - 2, 0), animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def action_move(self, delta: int) -> None:
        self._go(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor + direction * max(self.scrollable_content_region.height - 1, 1))

    def action_edge(self, end: bool) -> None:
        self._go(len(self.rows) - 1 if end else 0)

    def action_next_change(self, direction: int) -> None:
        """Go to the next (or previous) span whose instructions differ between versions."""
        index = self.cursor + direction
        while 0 <= index < len(self.rows):
            row = self.rows[index]
            if row.kind == "span" and self.comparison.differs(row.pair):
                self._go(index)
                return
            index += direction
        self.notify("No other span compiles differently.", severity="warning", timeout=3)


class SpanSource(ScrollView):
    """The program's source, with the span under the compare view's cursor marked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"span-source--gutter", "span-source--span"}

    def __init__(self, lines: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = [line.rstrip("\r\n") for line in lines]
        self.span: Span | None = None
        self.virtual_size = Size(0, len(self.lines))

    def show_span(self, span: Span) -> None:
        """Mark ``span`` and scroll its first line into view."""
        self.span = span
        first = max(span.start_line - 1, 0)
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if not top <= first < top + height or span.end_line - 1 >= top + height:
            self.scroll_to(y=max(first - height // 3, 0), animate=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y + 1
        width = self.scrollable_content_region.width
        if number > len(self.lines):
            return Strip.blank(width, self.rich_style)
        text = Text(self.lines[number - 1].expandtabs(8))
        span = self.span
        if span is not None and span.start_line <= number <= span.end_line:
            start = span.start_col if number == span.start_line else 0
            end = span.end_col if number == span.end_line else len(text.plain)
            text.stylize(self.get_component_rich_style("span-source--span"), start, end)
        gutter = Segment(
            f"{number:>{_GUTTER - 1}} ", self.get_component_rich_style("span-source--gutter")
        )
        base = self.rich_style
        segments = [gutter] + [
            Segment(part.text, base + part.style if part.style else base)
            for part in text.render(self.app.console)
        ]
        return Strip(segments).crop(0, width).extend_cell_length(width, base)


class CompareScreen(ModalScreen[None]):
    """Two versions' bytecode of one file, linked by source span. Modal: the explorer's keys
    (F5, g, z...) would act on the explorer hidden behind it."""

    CSS_PATH = "compare.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        comparison = self.comparison
        source = SpanSource(comparison.source_lines, id="compare-source")
        source.border_title = f"Source · {comparison.name}"
        yield source
        bytecode = PairedBytecode(comparison, id="compare-bytecode")
        bytecode.border_title = f"Python {comparison.a.python} │ Python {comparison.b.python}"
        yield bytecode
        with VerticalScroll(id="compare-notes") as notes:
            notes.border_title = "What changed (Tab scrolls it)"
            yield Static(comparison_notes(comparison), id="compare-notes-text")
        yield Static(id="compare-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PairedBytecode).focus()

    def on_paired_bytecode_pair_chosen(self, message: PairedBytecode.PairChosen) -> None:
        pair = self.comparison.pairs[message.pair]
        self.query_one(SpanSource).show_span(Span(*pair.span))
        start_line, start_col, end_line, end_col = pair.span
        where = (
            f"{start_line}:{start_col}–{end_col}"
            if start_line == end_line
            else (f"{start_line}:{start_col}–{end_line}:{end_col}")
        )
        a, b = self.comparison.a.python, self.comparison.b.python
        status = f"{where} · {a}: {_count(len(pair.a))} · {b}: {_count(len(pair.b))}"
        if self.comparison.differs(message.pair):
            status += " · compiles differently"
        here = self.comparison.changes_at(message.pair)
        if here:
            releases = ", ".join(dict.fromkeys(change.since for change in here))
            status += f" · {releases}: {_count(len(here), 'note')} here, marked ▶ below"
        self.query_one("#compare-status", Static).update(status)
        notes = self.query_one("#compare-notes-text", Static)
        notes.update(comparison_notes(self.comparison, here))
        if here:  # the first of them in sight
            index = self.comparison.changes.index(here[0])
            self.query_one("#compare-notes", VerticalScroll).scroll_to(
                y=len(self.comparison.errors) + index, animate=False
            )

    def action_close(self) -> None:
        """Back to the explorer, or out of ``tui-exec compare``."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()


def comparison_notes(comparison: Comparison, here: Sequence[Change] = ()) -> Text:
    """Errors of either version, our words on what changed (those about the span at the
    cursor, ``here``, marked ▶), and the instruction counts."""
    text = Text()
    for python, error in comparison.errors:
        text.append(f"{python}: {error}\n", style="bold red")
    for change in comparison.changes:
        marked = change in here
        text.append("▶ " if marked else "  ", style="bold")
        text.append(f"{change.since}: ", style="bold")
        text.append(f"{change.words}\n", style="reverse" if marked else "")
    if not comparison.changes:
        text.append("No construct of this file compiles differently in a way tui-exec knows.\n")
    a, b = comparison.a, comparison.b
    text.append(
        f"Instructions: {comparison.count(a)} under {a.python}, "
        f"{comparison.count(b)} under {b.python}; "
        f"{comparison.changed_pairs} of {len(comparison.pairs)} spans compile differently."
    )
    for qualname, only in comparison.only_in:
        text.append(f"\n{qualname}: a code object only under {only}")
    return text


class CompareApp(App[int]):
    """``tui-exec compare FILE --python A --python B``: the compare view on its own."""

    TITLE = "tui-exec compare"
    CSS_PATH = "compare.tcss"

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison

    def get_default_screen(self) -> Screen[None]:
        return CompareScreen(self.comparison)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells (with … when cut), padded to it."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + "…"
    return text.ljust(width)


def _count(n: int, noun: str = "instruction") -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
