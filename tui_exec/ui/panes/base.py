"""LinePane: a Line-API list view that stays fast at 100k rows.

Rows are rendered only when visible and cached per (row, state); changing the marks repaints
only the rows whose state changed. Subclasses provide ``row_count`` and ``row_text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..commands import Command, bindings
from ..messages import ItemPicked
from ..selection import Origin, Selection
from .stage import StageView
from .styles import foreground

# Above this many changed rows a full repaint is cheaper than computing which rows changed.
_FULL_REPAINT = 2000
# Rendered rows kept per pane: a few screens' worth, enough for scrolling back and forth.
_CACHED_ROWS = 1024


def joined(segments: list[Segment]) -> list[Segment]:
    """``segments`` with each run of neighbours in the same style made one segment.

    Every segment costs its own escape codes on the terminal and its own pass through
    Textual's compositor, and pieces of a row often end up in the same style (a gutter's
    number, marker and space; the plain words between a row's coloured ones): after a far
    jump on typing.py the four panes drew 652 segments where 395 do.
    """
    if len(segments) < 2:
        return segments
    out = [segments[0]]
    for segment in segments[1:]:
        last = out[-1]
        if segment.style == last.style:
            out[-1] = Segment(last.text + segment.text, last.style)
        else:
            out.append(segment)
    return out


def _segments(text: Text, base: Style, console: Console) -> list[Segment]:
    """``text.render(console)`` with ``base`` under every segment's style.

    Most rows are pieces side by side (``Text.assemble``, a token per span): their segments
    are cut straight from the spans. Rich's own renderer keeps a sorted stack of open spans
    for every cut, a third of a far jump's time in the panes; it still renders rows whose
    spans overlap (marks drawn over a row).
    """
    plain = text.plain
    spans = text.spans
    if not spans:
        return [Segment(plain, base)]
    end = 0
    for span in spans:
        if span.start < end:
            return [
                Segment(seg.text, base + seg.style if seg.style else base)
                for seg in text.render(console)
            ]
        end = span.end
    null = Style.null()
    get_style = console.get_style
    outer = base + get_style(text.style, default=null)
    length = len(plain)
    segments: list[Segment] = []
    append = segments.append
    at = 0
    for span in spans:
        start, stop = span.start, min(span.end, length)
        if start >= stop:
            continue
        if at < start:
            append(Segment(plain[at:start], outer))
        style = span.style
        append(
            Segment(
                plain[start:stop],
                outer + (style if isinstance(style, Style) else get_style(style, default=null)),
            )
        )
        at = stop
    if at < length:
        append(Segment(plain[at:], outer))
    return segments


class RenderedRow(NamedTuple):
    """A row's segments, cached instead of a Strip: each Strip carries seven caches of its own,
    and tens of thousands of them made every full garbage collection take 100-300 ms."""

    segments: list[Segment]
    cell_length: int

    @classmethod
    def of(cls, text: Text, base: Style, console: Console) -> RenderedRow:
        """Render ``text``, giving every segment the pane's colours under its own (an unstyled
        segment would show the terminal's default background, and NO_COLOR needs a Style)."""
        return cls(joined(_segments(text, base, console)), text.cell_len)

    def strip(self) -> Strip:
        return Strip(self.segments, self.cell_length)


class LinePane(ScrollView, StageView[Any], can_focus=True):
    """A scrolling list of rows with a cursor and primary/secondary marks.

    | Class | Description |
    | :- | :- |
    | `line-pane--cursor` | The cursor row while the pane has focus. |
    | `line-pane--primary` | Rows that match the selection exactly. |
    | `line-pane--secondary` | Rows that merely contain, or lie inside, the selection. |
    | `line-pane--muted` | De-emphasised text (spans, offsets). |
    """

    COMPONENT_CLASSES = {
        "line-pane--cursor",
        "line-pane--primary",
        "line-pane--secondary",
        "line-pane--muted",
    }

    COMMANDS: ClassVar[tuple[Command, ...]] = (
        Command("pane.up", "up", "cursor(-1)", "Up", "Previous row"),
        Command("pane.down", "down", "cursor(1)", "Down", "Next row"),
        Command("pane.page_up", "pageup", "page(-1)", "Page up", "One screen up"),
        Command("pane.page_down", "pagedown", "page(1)", "Page down", "One screen down"),
        Command("pane.first", "home,ctrl+home", "first", "First row", "First row"),
        Command("pane.last", "end,ctrl+end", "last", "Last row", "Last row"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMANDS)

    cursor_row: reactive[int] = reactive(0, repaint=False)
    """The row under the cursor."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._primary: frozenset[int] = frozenset()
        self._secondary: frozenset[int] = frozenset()
        self._cache: LRUCache[tuple[int, int, int, int], RenderedRow] = LRUCache(_CACHED_ROWS)
        self._generation = 0
        self._max_width = 0
        self._pending_rows: set[int] = set()
        self._unscrolled: tuple[int, bool] | None = None
        """A scroll asked for while the pane had no rows: (row, recenter)."""
        self._styles: dict[tuple[str, bool], Style] = {}
        self._laid_out: tuple[Size, Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual's ScrollView redraws both scrollbars on every layout pass of the screen,
        # even when nothing about this pane changed (it compares the container size with a
        # measure of its own that never matches): the status line coming back after a
        # question rewrote every pane's scrollbar columns, 12 KB a pass at 160x50.
        laid_out = (size, virtual_size, container_size)
        if laid_out == self._laid_out:
            return False
        self._laid_out = laid_out
        return super()._size_updated(size, virtual_size, container_size, layout)

    # -- subclass API ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows there are."""
        return 0

    def row_text(self, row: int) -> Text:
        """The unmarked text of ``row``."""
        return Text()

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        """Where the cursor goes when another pane changes the selection (None: stay)."""
        return None

    def item_at(self, row: int) -> tuple[Origin, int] | None:
        """What selecting ``row`` selects (None: nothing, e.g. a gap)."""
        return None

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        """Primary and secondary rows for ``selection``."""
        return (), ()

    def search_text(self, row: int) -> str:
        """What ``/`` matches in a row."""
        return self.row_text(row).plain

    # -- state -----------------------------------------------------------------------------------

    def reset_rows(self, max_width: int) -> None:
        """Call after the rows changed (a new analysis)."""
        self._primary = self._secondary = frozenset()
        self._unscrolled = None  # a row of the old rows
        self._max_width = max_width
        self.rows_changed()
        self.set_reactive(LinePane.cursor_row, min(self.cursor_row, max(self.row_count - 1, 0)))

    def rows_changed(self) -> None:
        """Call after rows came or went; the caller re-marks (marks are row numbers)."""
        self._generation += 1
        self._cache.clear()
        self.virtual_size = Size(self._max_width, self.row_count)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._generation += 1
        self._cache.clear()
        self._styles.clear()

    @property
    def base_style(self) -> Style:
        """The pane's own style (``rich_style``), resolved once per style change: Textual
        computes it afresh on each call, 0.1 ms, and every row asked for it several times."""
        style = self._styles.get(("", False))
        if style is None:
            style = self._styles["", False] = self.rich_style
        return style

    def component_style(self, name: str, *, text_only: bool = False) -> Style:
        """A component class's style, resolved once per theme (rows ask for them constantly).

        ``text_only`` drops the background: see :func:`styles.foreground`.
        """
        key = (name, text_only)
        style = self._styles.get(key)
        if style is None:
            style = self.get_component_rich_style(name)
            if text_only:
                style = foreground(style)
            self._styles[key] = style
        return style

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        """Mark the rows matching ``selection``; unless it came from here, move the cursor."""
        primary, secondary = self.marks_for(selection)
        self.set_marks(frozenset(primary), frozenset(secondary))
        self._apply_pending()
        if not from_here:
            row = self.row_for_cursor_from(selection)
            if row is not None:
                self.move_cursor(row, user=False)

    def _apply_pending(self) -> None:
        """Scroll to and repaint what a user move changed (see :meth:`move_cursor`)."""
        if self._pending_rows:
            self.scroll_to_row(self.cursor_row)
            for row in self._pending_rows:
                self.refresh_rows(row, row)
            self._pending_rows.clear()

    @property
    def primary_rows(self) -> frozenset[int]:
        """Rows marked as exact matches."""
        return self._primary

    @property
    def secondary_rows(self) -> frozenset[int]:
        """Rows marked as containing or contained matches."""
        return self._secondary

    def set_marks(self, primary: frozenset[int], secondary: frozenset[int]) -> None:
        """Replace the marks, repainting only rows whose state changed."""
        old_primary, old_secondary = self._primary, self._secondary
        self._primary, self._secondary = primary, secondary - primary
        changed_count = len(old_primary) + len(old_secondary) + len(primary) + len(secondary)
        if changed_count > _FULL_REPAINT:
            self.refresh()
            return
        changed = (old_primary ^ self._primary) | (old_secondary ^ self._secondary)
        if changed:
            self.refresh_rows(min(changed), max(changed))

    def refresh_rows(self, first: int, last: int) -> None:
        """Repaint rows ``first..last`` (inclusive), or the part of them on screen.

        Rows off screen need nothing: their cache keys hold their state, so they are drawn
        right when they scroll into view. One region refresh is far cheaper than one per row.
        """
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height - 1
        first, last = max(first, top), min(last, bottom)
        if first <= last:
            self.refresh_lines(first, last - first + 1)

    def move_cursor(self, row: int, *, user: bool) -> None:
        """Move the cursor and scroll it into view; ``user`` moves tell the app."""
        count = self.row_count
        if count == 0:
            return
        row = max(0, min(row, count - 1))
        previous = self.cursor_row
        self.cursor_row = row
        if user:
            # Repaint and scroll when the selection comes back (show_selection), so that this
            # pane and every other one change in the same frame instead of two frames apart.
            self._pending_rows.update((previous, row))
            picked = self.item_at(row)
            if picked is not None:
                self.post_message(ItemPicked(*picked))
            else:  # nothing to select (a gap): no selection comes back to repaint
                self._apply_pending()
        else:
            self.scroll_to_row(row, recenter=True)
            if previous != row:
                self.refresh_rows(previous, previous)
                self.refresh_rows(row, row)

    def scroll_to_row(self, row: int, *, recenter: bool = False) -> None:
        """Bring ``row`` into view; far jumps centre it so its neighbours show too.

        ``recenter`` centres it whenever it is out of view (for syncs): the match shows with
        its context, and the next nearby syncs need no scroll, where scrolling a row at a time
        repainted the whole pane on every move.
        """
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if height <= 0:
            # Not laid out yet (the pane was just shown): a view of no rows would centre
            # the row at its top and hide the rows above it. The resize that gives the pane
            # its rows scrolls (waiting one refresh was not always enough for the layout).
            self._unscrolled = (row, recenter)
            return
        self._unscrolled = None
        far = row < top - height or row > top + 2 * height
        out_of_view = not top <= row < top + height
        self.scroll_to_region(
            Region(self.scroll_offset.x, row, 1, 1),
            animate=False,
            center=far or (recenter and out_of_view),
            force=True,
            x_axis=False,
            immediate=True,
        )

    # -- actions ---------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.move_cursor(self.cursor_row + delta, user=True)

    def action_page(self, direction: int) -> None:
        """Move the cursor by one screenful."""
        step = max(self.scrollable_content_region.height - 1, 1)
        self.move_cursor(self.cursor_row + direction * step, user=True)

    def action_first(self) -> None:
        """Go to the first row."""
        self.move_cursor(0, user=True)

    def action_last(self) -> None:
        """Go to the last row."""
        self.move_cursor(self.row_count - 1, user=True)

    def on_click(self, event: Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < self.row_count:
            self.focus()
            self.move_cursor(row, user=True)

    def search(self, term: str, *, backwards: bool = False, skip_current: bool = True) -> bool:
        """Move to the next row containing ``term`` (case-insensitive); False if none."""
        count = self.row_count
        if not count or not term:
            return False
        needle = term.casefold()
        step = -1 if backwards else 1
        start = self.cursor_row + (step if skip_current else 0)
        for i in range(count):
            row = (start + step * i) % count
            if needle in self.search_text(row).casefold():
                self.move_cursor(row, user=True)
                return True
        return False

    def on_resize(self, event: Resize) -> None:
        # A stacked pane shrinks to one row when it loses focus: keep that row the cursor's,
        # which is the item matching the selection, not whatever was at the top. A pane
        # that had no rows when asked to scroll does it now.
        self.call_after_refresh(self._scroll_once_resized)

    def _scroll_once_resized(self) -> None:
        # Read now, not at the resize: a sync in between scrolled and cleared the request.
        row, recenter = self._unscrolled or (self.cursor_row, False)
        self.scroll_to_row(row, recenter=recenter)

    # Textual's own handlers (Widget._on_focus/_on_blur) repaint the whole pane when it gains
    # or loses the focus. Here only the cursor row looks different, so these do what those do
    # but repaint that row alone: opening the command line rewrote a whole pane (15 KB).

    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()
        self.has_focus = True
        self.refresh_lines(self.cursor_row)
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self.has_focus = False
        self.refresh_lines(self.cursor_row)
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    # -- rendering -------------------------------------------------------------------------------

    def _state(self, row: int) -> int:
        state = 0
        if row in self._primary:
            state = 1
        elif row in self._secondary:
            state = 2
        if row == self.cursor_row and self.has_focus:
            state |= 4
        return state

    def _mark_style(self, state: int) -> Style:
        style = Style()
        if state & 3 == 1:
            style += self.component_style("line-pane--primary")
        elif state & 3 == 2:
            style += self.component_style("line-pane--secondary")
        if state & 4:
            style += self.component_style("line-pane--cursor")
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.base_style
        if row >= self.row_count:
            return Strip.blank(width, base)
        state = self._state(row)
        key = (row, state, self._generation, width if state else 0)
        rendered = self._cache.get(key)
        if rendered is None:
            text = self.row_text(row)
            if state:
                text.stylize(self._mark_style(state))
                # Pad marked rows so the mark reads as a bar across the pane, not just the text.
                text.pad_right(max(self._max_width, width) - text.cell_len)
            rendered = self._cache[key] = RenderedRow.of(text, base, self.app.console)
        return rendered.strip().crop_extend(scroll_x, scroll_x + width, base)
