"""The source pane's edit mode: Textual's TextArea, coloured from the analysis' own tokens.

TextArea colours Python with tree-sitter, an optional dependency that tui-exec does without:
the analysis already has every token, so the editor takes its colours (and the error marks)
from the latest analysis, as the read-only source pane does. Between a key and the analysis
that follows it (debounced, in the worker) the colours of shifted lines move with them.
"""

from __future__ import annotations

import keyword
from collections import defaultdict
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, TextAreaTheme

from ...core import Analysis, Span
from ...core.tokens import STRING_TYPES

_HIGHLIGHTS = {
    "COMMENT": "comment",
    "NUMBER": "number",
    "OP": "operator",
    "ERRORTOKEN": "error",
} | dict.fromkeys(STRING_TYPES, "string")


def editor_theme(styles: dict[str, Style], base: Style, gutter: Style) -> TextAreaTheme:
    """A TextArea theme with the source pane's own colours (``styles`` by highlight name)."""
    return TextAreaTheme(
        "tui-exec",
        base_style=base,
        gutter_style=gutter,
        syntax_styles=dict(styles),
    )


class Editor(TextArea):
    """An editor for the program, coloured by :meth:`show_tokens` after each analysis."""

    # Letters are text here: the keys the reading panes give to letters (g) take ctrl.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+home", "file_edge(False)", "File start", show=False, id="editor.top"),
        Binding("ctrl+end", "file_edge(True)", "File end", show=False, id="editor.bottom"),
        Binding(
            "ctrl+g",
            "app.feature('navigation', 'goto_line')",
            "Go to",
            show=False,
            id="editor.goto_line",
        ),
    ]

    _line_count = 0
    """How many lines the text had when its colours were last placed."""
    _edited_rows: tuple[int, int] | None = None
    """The rows an edit in progress replaces (None outside :meth:`edit`)."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(
            text,
            id=id,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
        )
        self._line_count = self.document.line_count

    def show_tokens(self, analysis: Analysis) -> None:
        """Colour the text from ``analysis`` (of this very text) and mark its errors."""
        highlights: defaultdict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
        source = analysis.source
        lines = source.lines

        def add(span: Span, name: str) -> None:
            for line in range(max(span.start_line, 1), min(span.end_line, len(lines)) + 1):
                text = lines[line - 1]
                start = span.start_col if line == span.start_line else 0
                end = span.end_col if line == span.end_line else len(text)
                if line in source.non_ascii_lines:  # TextArea counts bytes here
                    start, end = len(text[:start].encode()), len(text[:end].encode())
                if end > start:
                    highlights[line - 1].append((start, end, name))

        for token in analysis.tokens:
            name = _HIGHLIGHTS.get(token.type)
            if name is None and token.type == "NAME" and _is_keyword(token.string):
                name = "keyword"
            if name is not None:
                add(token.span, name)
        for error in analysis.errors:
            if error.span is not None:
                add(error.span, "error")
        self._highlights.clear()
        self._highlights.update(highlights)
        self._line_count = self.document.line_count
        self._line_cache.clear()
        self.refresh()

    def action_file_edge(self, end: bool) -> None:
        """ctrl+Home / ctrl+End: the start or the end of the text."""
        self.move_cursor(self.document.end if end else self.document.start)

    def edit(self, edit: Edit) -> EditResult:
        top, bottom = sorted((edit.from_location[0], edit.to_location[0]))
        self._edited_rows = (top, bottom)
        try:
            return super().edit(edit)
        finally:
            self._edited_rows = None

    def _build_highlight_map(self) -> None:
        # TextArea asks tree-sitter here after every change, and drops every rendered line;
        # the colours come from the analysis instead (show_tokens). An edit that keeps the
        # number of lines changed only its own rows: drop those alone, so a key redraws one
        # line, not the screen (undo and redo, which do not say, drop them all).
        rows = self._edited_rows
        if self._follow_lines() or rows is None:
            self._line_cache.clear()
            return
        top, bottom = rows
        cache = self._line_cache
        for key in [key for key in cache.keys() if top <= key[2] <= bottom]:  # noqa: SIM118
            cache.discard(key)

    def _follow_lines(self) -> bool:
        """Move the colours of the lines below an edit that added or removed lines; whether
        it did."""
        delta = self.document.line_count - self._line_count
        if not delta:
            return False
        self._line_count = self.document.line_count
        row = self.cursor_location[0]  # the edit ended here: rows below it moved by delta
        moved: dict[int, list[tuple[int, int | None, str]]] = {}
        for old_row, spans in self._highlights.items():
            if old_row <= row - delta:
                if old_row <= row:
                    moved[old_row] = spans
            else:
                moved[old_row + delta] = spans
        self._highlights.clear()
        self._highlights.update(moved)
        return True


def _is_keyword(name: str) -> bool:
    return keyword.iskeyword(name) or keyword.issoftkeyword(name)
