"""The source pane: the program as the compiler reads it, with a character cursor."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.strip import Strip

from ...core import Analysis, Span
from ...core.tokens import STRING_TYPES
from ..commands import Command, bindings
from ..messages import ItemPicked
from ..selection import Selection
from .base import LinePane, RenderedRow, joined
from .heat import WIDTH as HEAT_WIDTH
from .heat import count_text, heat_style
from .stage import PaneSpec, no_source_text

TAB_SIZE = 4
# Lines longer than this (in characters) are drawn only where the pane shows them.
_WINDOW_OVER = 1000
# Prepared and rendered lines kept: a few screens' worth (see RenderedRow).
_CACHED_LINES = 1024
# Control characters would move the terminal's cursor: show their Unicode pictures instead.
_CONTROL = {c: chr(0x2400 + c) for c in range(32)} | {0x7F: "\u2421"}
_CONTROL.pop(9)  # tabs are expanded, not pictured

_TOKEN_CLASSES = {
    "COMMENT": "source-pane--comment",
    "NUMBER": "source-pane--number",
    "OP": "source-pane--operator",
    "ERRORTOKEN": "source-pane--error",
} | dict.fromkeys(STRING_TYPES, "source-pane--string")


@dataclass(frozen=True, slots=True)
class _Line:
    """A source line prepared for display."""

    text: str
    """Tabs expanded, control characters replaced by their pictures."""
    index: list[int] | None
    """index[col] = position in ``text`` of character ``col`` (None when they are the same)."""

    def at(self, col: int) -> int:
        if self.index is None:
            return min(col, len(self.text))
        return self.index[min(col, len(self.index) - 1)]


def _prepare(line: str) -> _Line:
    if line.isprintable() and "\t" not in line:
        return _Line(line, None)
    out: list[str] = []
    index: list[int] = []
    width = 0
    for char in line:
        index.append(width)
        if char == "\t":
            pad = TAB_SIZE - width % TAB_SIZE
            out.append(" " * pad)
            width += pad
        else:
            out.append(_CONTROL.get(ord(char), char))
            width += 1
    index.append(width)
    return _Line("".join(out), index if "\t" in line else None)


@dataclass(frozen=True, slots=True)
class SourceLayout:
    """Gutter and line widths, measured off the UI thread."""

    number_width: int
    longest_line: int
    """Cells in the longest line, tabs expanded and wide characters counted twice."""


def layout_source(analysis: Analysis) -> SourceLayout:
    """Measure the lines of ``analysis`` (pure: safe to call from a worker thread)."""
    lines = analysis.source.lines
    wide = analysis.source.non_ascii_lines | {n for n, t in enumerate(lines, 1) if "\t" in t}
    longest = max(
        (
            cell_len(_prepare(text).text) if n in wide else len(text)
            for n, text in enumerate(lines, 1)
        ),
        default=0,
    )
    return SourceLayout(len(str(max(len(lines), 1))), longest)


class SourcePane(LinePane):
    """Read-only source with line numbers, syntax colours, the selection and the error marked.

    | Class | Description |
    | :- | :- |
    | `source-pane--gutter` | Line numbers. |
    | `source-pane--gutter-cursor` | The cursor line's number. |
    | `source-pane--keyword` / `--string` / `--number` / `--comment` / `--operator` | Syntax. |
    | `source-pane--error` | The span a stage reported an error for. |
    | `source-pane--char-cursor` | The character under the cursor. |
    | `source-pane--step` / `--step-raise` | The run's current step in the gutter (raising). |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {
        "source-pane--gutter",
        "source-pane--gutter-cursor",
        "source-pane--keyword",
        "source-pane--string",
        "source-pane--number",
        "source-pane--comment",
        "source-pane--operator",
        "source-pane--error",
        "source-pane--char-cursor",
        "source-pane--step",
        "source-pane--step-raise",
    }

    COMMANDS: ClassVar[tuple[Command, ...]] = (
        Command("source.up", "up", "move(-1, 0)", "Up", "Line up (keeps the column)"),
        Command("source.down", "down", "move(1, 0)", "Down", "Line down (keeps the column)"),
        Command("source.left", "left", "move(0, -1)", "Left", "Previous character"),
        Command("source.right", "right", "move(0, 1)", "Right", "Next character"),
        Command("source.page_up", "pageup", "page(-1)", "Page up", "One screen up"),
        Command("source.page_down", "pagedown", "page(1)", "Page down", "One screen down"),
        Command("source.prev_token", "ctrl+left", "token(-1)", "Previous token", "Previous token"),
        Command("source.next_token", "ctrl+right", "token(1)", "Next token", "Next token"),
        Command(
            "source.home",
            "home",
            "line_edge(0)",
            "Line start",
            "Start of the code on the line, then the line's very start",
        ),
        Command("source.end", "end", "line_edge(1)", "Line end", "End of the line"),
        Command("source.top", "ctrl+home", "file_edge(0)", "File start", "First line"),
        Command("source.bottom", "ctrl+end", "file_edge(1)", "File end", "Last line"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMANDS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._lines: LRUCache[int, _Line] = LRUCache(_CACHED_LINES)
        self.cursor_col = 0
        self._goal_col = 0
        self._primary_span: Span | None = None
        self._secondary_span: Span | None = None
        self._error_spans: tuple[Span, ...] = ()
        self._gutter_width = 4
        self._source_cache: LRUCache[tuple[object, ...], RenderedRow] = LRUCache(_CACHED_LINES)
        self._line_counts: dict[int, int] | None = None
        self._hottest = 0
        self._step_line: int | None = None
        self._step_raises = False
        self._number_width = 1

    # -- data ------------------------------------------------------------------------------------

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> SourceLayout:
        return layout_source(analysis)

    def title_detail(self) -> str:
        return self._analysis.filename if self._analysis is not None else ""

    def show_analysis(self, analysis: Analysis, layout: SourceLayout | None = None) -> None:
        """Show the source of ``analysis``, keeping the cursor where it can."""
        layout = layout or layout_source(analysis)
        self._analysis = analysis
        self._lines.clear()
        self._source_cache.clear()
        self._error_spans = tuple(e.span for e in analysis.errors if e.span is not None)
        self._number_width = layout.number_width
        self._line_counts = None
        self._gutter_width = self._number_width + 3
        self.reset_rows(self._gutter_width + layout.longest_line + 1)
        self._primary_span = self._secondary_span = None
        line = min(self.cursor_row + 1, max(len(analysis.source.lines), 1))
        self.cursor_col = min(self.cursor_col, len(analysis.source.line_text(line)))

    @property
    def row_count(self) -> int:
        return max(len(self._analysis.source.lines), 1) if self._analysis else 0

    @property
    def cursor_line(self) -> int:
        """The 1-based line of the cursor."""
        return self.cursor_row + 1

    def _line(self, line: int) -> _Line:
        prepared = self._lines.get(line)
        if prepared is None:
            assert self._analysis is not None
            prepared = self._lines[line] = _prepare(self._analysis.source.line_text(line))
        return prepared

    def stage_message(self, analysis: Analysis) -> Text | None:
        return no_source_text(analysis)

    def search_text(self, row: int) -> str:
        return self._analysis.source.line_text(row + 1) if self._analysis else ""

    # -- selection ---------------------------------------------------------------------------------

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        if self._pending_rows:
            self._scroll_to_col(self.cursor_line, self.cursor_col)
        self._apply_pending()
        links = selection.links
        primary = links.span
        self._set_spans(primary, links.context_span)
        if not from_here and primary is not None and self._analysis is not None:
            line = max(primary.start_line, 1)
            col = primary.start_col if primary.start_line >= 1 else 0
            self.move_point(line, col, user=False)
            # Show the whole span when it fits.
            if primary.end_line > line:
                self.scroll_to_row(min(primary.end_line, self.row_count) - 1)
                self.scroll_to_row(line - 1)

    def _set_spans(self, primary: Span | None, secondary: Span | None) -> None:
        old = (self._primary_span, self._secondary_span)
        if old == (primary, secondary):
            return  # moving inside a long docstring must not repaint all its rows
        self._primary_span, self._secondary_span = primary, secondary
        for span in (*old, primary, secondary):
            if span is not None:
                self.refresh_rows(max(span.start_line, 1) - 1, span.end_line - 1)

    @property
    def marked_spans(self) -> tuple[Span | None, Span | None]:
        """The primary and secondary spans shown."""
        return self._primary_span, self._secondary_span

    # -- cursor ----------------------------------------------------------------------------------

    def move_point(
        self, line: int, col: int, *, user: bool, keep_goal: bool = False, tell: bool = True
    ) -> None:
        """Put the cursor on (line, col), clamped; ``user`` moves tell the app (with
        ``tell=False`` the caller selects the point itself, as the app does for go to line)."""
        if self._analysis is None:
            return
        line = max(1, min(line, self.row_count))
        col = max(0, min(col, len(self._analysis.source.line_text(line))))
        old_row = self.cursor_row
        self.cursor_col = col
        if not keep_goal:
            self._goal_col = col
        self.set_reactive(LinePane.cursor_row, line - 1)
        if user:
            # Scrolled and repainted with the selection, in the same frame as the other panes.
            self._pending_rows.update((old_row, line - 1))
            if tell:
                self.post_message(ItemPicked("source", (line, col)))
        else:
            self.scroll_to_row(line - 1, recenter=True)
            self._scroll_to_col(line, col)
            self.refresh_rows(old_row, old_row)
            self.refresh_rows(line - 1, line - 1)

    def _scroll_to_col(self, line: int, col: int) -> None:
        prepared = self._line(line)
        x = cell_len(prepared.text[: prepared.at(col)])
        width = self.scrollable_content_region.width - self._gutter_width
        if width <= 0:
            return
        scroll_x = self.scroll_offset.x
        if x < scroll_x or x >= scroll_x + width - 1:
            self.scroll_to(x=max(0, x - width // 2), animate=False, immediate=True)

    def action_move(self, lines: int, cols: int) -> None:
        """Arrow keys: up/down keep the column you were on; left/right cross line ends."""
        if self._analysis is None:
            return
        line, col = self.cursor_line, self.cursor_col
        if lines:
            self.move_point(line + lines, self._goal_col, user=True, keep_goal=True)
            return
        col += cols
        if col < 0 and line > 1:
            line -= 1
            col = len(self._analysis.source.line_text(line))
        elif col > len(self._analysis.source.line_text(line)) and line < self.row_count:
            line, col = line + 1, 0
        self.move_point(line, col, user=True)

    def action_page(self, direction: int) -> None:
        step = max(self.scrollable_content_region.height - 1, 1)
        self.move_point(
            self.cursor_line + direction * step, self._goal_col, user=True, keep_goal=True
        )

    def go_to_line(
        self, line: int, col: int | None = None, *, tell: bool = True
    ) -> tuple[int, int] | None:
        """Jump to ``line`` (clamped), at ``col`` or else where its code starts, as Home does;
        the point it lands on (None before the analysis). ``tell``: see :meth:`move_point`."""
        if self._analysis is None:
            return None
        line = max(1, min(line, self.row_count))
        if col is None:
            text = self._analysis.source.line_text(line)
            col = len(text) - len(text.lstrip())
        self.move_point(line, col, user=True, tell=tell)
        return self.cursor_line, self.cursor_col

    def action_line_edge(self, end: int) -> None:
        """Home/End: the start or end of the line (Home goes to the indentation first)."""
        if self._analysis is None:
            return
        text = self._analysis.source.line_text(self.cursor_line)
        if end:
            col = len(text)
        else:
            indent = len(text) - len(text.lstrip())
            col = 0 if self.cursor_col == indent else indent
        self.move_point(self.cursor_line, col, user=True)

    def action_file_edge(self, end: int) -> None:
        """Ctrl+Home/End: the start or end of the file."""
        if end:
            line = self.row_count
            self.move_point(
                line, len(self._analysis.source.line_text(line)) if self._analysis else 0, user=True
            )
        else:
            self.move_point(1, 0, user=True)

    def action_first(self) -> None:
        self.action_file_edge(0)

    def action_last(self) -> None:
        self.action_file_edge(1)

    def action_token(self, direction: int) -> None:
        """Ctrl+Left/Right: jump to the start of the previous or next token."""
        if self._analysis is None:
            return
        tokens = self._analysis.tokens
        here = (self.cursor_line, self.cursor_col)
        candidates = (
            (t.span.start_line, t.span.start_col)
            for t in (tokens if direction > 0 else reversed(tokens))
            if not t.span.is_empty and t.type not in ("NEWLINE", "NL", "INDENT", "DEDENT")
        )
        for start in candidates:
            if (direction > 0 and start > here) or (direction < 0 and start < here):
                self.move_point(*start, user=True)
                return

    def search(self, term: str, *, backwards: bool = False, skip_current: bool = True) -> bool:
        if self._analysis is None or not term:
            return False
        lines = self._analysis.source.lines
        needle = term.casefold()
        count = len(lines)
        step = -1 if backwards else 1
        start = self.cursor_row
        for i in range(count + 1):
            row = (start + step * i) % count
            text = lines[row].casefold()
            if row == start and i == 0:
                pos = (
                    text.find(needle, self.cursor_col + 1)
                    if not backwards
                    else text.rfind(needle, 0, max(self.cursor_col, 0))
                )
            else:
                pos = text.find(needle) if not backwards else text.rfind(needle)
            if pos >= 0:
                self.move_point(row + 1, pos, user=True)
                return True
        return False

    def on_click(self, event: Click) -> None:
        if self._analysis is None:
            return
        self.focus()
        row = self.scroll_offset.y + event.y
        if not 0 <= row < self.row_count:
            return
        x = event.x - self._gutter_width + self.scroll_offset.x
        text = self._analysis.source.line_text(row + 1)
        prepared = self._line(row + 1)
        col = len(text)
        for i in range(len(text)):
            if cell_len(prepared.text[: prepared.at(i + 1)]) > x:
                col = i
                break
        self.move_point(row + 1, col, user=True)

    # -- rendering ---------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._source_cache.clear()

    @staticmethod
    def _cols_on(span: Span | None, line: int, length: int) -> tuple[int, int] | None:
        """The part of ``span`` on ``line`` as (start col, end col); a line end counts as a col."""
        if span is None or not span.start_line <= line <= span.end_line:
            return None
        start = span.start_col if line == span.start_line else 0
        end = span.end_col if line == span.end_line else length + 1
        if span.is_empty:
            end = start + 1 if start < length else start
        return (start, end)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.base_style
        if self._analysis is None or row >= self.row_count:
            return Strip.blank(width, base)
        line = row + 1
        length = len(self._analysis.source.line_text(line))
        is_cursor = row == self.cursor_row
        focused = self.has_focus
        primary = self._cols_on(self._primary_span, line, length)
        secondary = self._cols_on(self._secondary_span, line, length)
        errors = tuple(
            cols for span in self._error_spans if (cols := self._cols_on(span, line, length))
        )
        cursor = self.cursor_col if is_cursor and focused else -1
        code_width = max(width - self._gutter_width, 0)
        window = self._window(line, scroll_x, code_width)
        key = (row, is_cursor, cursor, primary, secondary, errors, self._generation, window)
        code = self._source_cache.get(key)
        if code is None:
            code = self._source_cache[key] = self._render_code(
                line, primary, secondary, errors, cursor, window
            )
        gutter = self._render_gutter(line, is_cursor, bool(errors))
        left = scroll_x - window[0] if window else scroll_x
        return Strip.join([gutter, code.strip().crop_extend(left, left + code_width, base)])

    def _render_gutter(self, line: int, is_cursor: bool, has_error: bool) -> Strip:
        style = self.component_style(
            "source-pane--gutter-cursor" if is_cursor else "source-pane--gutter"
        )
        number = f"{line:>{self._number_width}} "
        if line == self._step_line:
            # The run's current step, apart from the selection: ▶, or ! where it raises.
            raising = self._step_raises
            marker = "!" if raising else "▶"
            marker_style = self.component_style(
                "source-pane--step-raise" if raising else "source-pane--step"
            )
        else:
            marker = "✗" if has_error else " "
            marker_style = self.component_style("source-pane--error") if has_error else style
        heat: list[Segment] = []
        if self._line_counts is not None:
            count = self._line_counts.get(line, 0)
            heat.append(Segment(count_text(count), style + heat_style(count, self._hottest)))
        return Strip(
            joined(
                [*heat, Segment(number, style), Segment(marker, marker_style), Segment(" ", style)]
            ),
            self._gutter_width,
        )

    def show_step_line(self, line: int | None, *, raises: bool = False) -> None:
        """Mark ``line`` as where the run's current step is (None: no step), ``raises``
        when that step raises an exception."""
        old = self._step_line
        self._step_line, self._step_raises = line, raises
        for row in {old, line} - {None}:
            self.refresh_rows(row - 1, row - 1)  # type: ignore[operator]

    @property
    def showing_counts(self) -> bool:
        """Whether the gutter shows execution counts."""
        return self._line_counts is not None

    def show_counts(self, counts: dict[int, int] | None) -> None:
        """Show how often each line ran in the gutter (None hides the counts)."""
        self._line_counts = counts
        self._hottest = max(counts.values(), default=0) if counts else 0
        self._gutter_width = self._number_width + 3 + (HEAT_WIDTH if counts is not None else 0)
        self.refresh()

    def _window(self, line: int, scroll_x: int, code_width: int) -> tuple[int, int] | None:
        """For a long line of one-cell characters, the columns on screen (else None).

        Only those are drawn: colouring the 20k tokens of a long data literal on every
        keystroke took 0.1-0.3 s. Lines with tabs or non-ASCII text are drawn whole, as
        their columns and cells differ.
        """
        assert self._analysis is not None
        prepared = self._line(line)
        if (
            len(prepared.text) <= _WINDOW_OVER
            or prepared.index is not None
            or line in self._analysis.source.non_ascii_lines
        ):
            return None
        return scroll_x, scroll_x + code_width + 1

    def _render_code(
        self,
        line: int,
        primary: tuple[int, int] | None,
        secondary: tuple[int, int] | None,
        errors: tuple[tuple[int, int], ...],
        cursor: int,
        window: tuple[int, int] | None,
    ) -> RenderedRow:
        """Draw ``line`` with its marks; with a ``window``, only those columns."""
        assert self._analysis is not None
        prepared = self._line(line)
        # One extra cell at the end so a selected line break or end-of-line cursor is visible.
        whole = prepared.text + " "
        low, high = window or (0, len(whole))
        text = Text(whole[low:high], style=self.base_style, end="", no_wrap=True)

        def stylize(style: Style, start: int, end: int) -> None:
            start, end = max(start, low) - low, min(end, high) - low
            if start < end:
                text.stylize(style, start, end)

        at = prepared.at
        source_line = self._analysis.source.line_text(line)
        tokens = self._analysis.tokens
        # In a window, text positions are columns (see _window): ask only for those tokens.
        for token_id in self._analysis.index.tokens_on_line(line, low, high):
            token = tokens[token_id]
            name = _TOKEN_CLASSES.get(token.type)
            if name is None:
                if token.type == "NAME" and (
                    keyword.iskeyword(token.string) or keyword.issoftkeyword(token.string)
                ):
                    name = "source-pane--keyword"
                else:
                    continue
            cols = self._cols_on(token.span, line, len(source_line))
            if cols:
                stylize(self.component_style(name, text_only=True), at(cols[0]), at(cols[1]))
        for cols, component in (
            *((cols, "source-pane--error") for cols in errors),
            (secondary, "line-pane--secondary"),
            (primary, "line-pane--primary"),
        ):
            if cols is not None:
                stylize(
                    self.component_style(component),
                    at(cols[0]),
                    max(at(cols[1]), at(cols[0]) + 1),
                )
        if cursor >= 0:
            start = at(cursor)
            end = at(cursor + 1) if cursor < len(source_line) else start + 1
            stylize(self.component_style("source-pane--char-cursor"), start, max(end, start + 1))
        return RenderedRow.of(text, self.base_style, self.app.console)


PANE = PaneSpec(
    "source",
    "Source",
    "1",
    SourcePane,
    "The program as the compiler reads it, with line numbers: the cursor is a character. "
    "Primary highlight (reverse video): what the selection is; secondary (underlined): what "
    "contains it. An error a stage reported is underlined in red.",
    selects=("source",),
)
