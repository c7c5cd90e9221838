"""The tokens pane: one row per token, as ``python -m tokenize`` would list it."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from rich.text import Text

from ...core import Analysis
from ..selection import Selection
from .base import LinePane


class TokensPane(LinePane):
    """Every token: its span, type, exact type (OP → PLUS) and the repr of its string.

    | Class | Description |
    | :- | :- |
    | `tokens-pane--type` | The token type column. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {"tokens-pane--type"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._span_width = 9

    def show_analysis(self, analysis: Analysis) -> None:
        """Render the tokens of ``analysis``."""
        self._analysis = analysis
        tokens = analysis.tokens
        lines = analysis.source.lines
        widest_col = len(str(max((len(line) for line in lines), default=0) + 1))
        self._span_width = len(str(len(lines) + 1)) + 2 * widest_col + 3
        # The longest string's repr is wide enough in practice; exact reprs of 500k tokens
        # would cost the UI thread a noticeable pause.
        strings = list(map(itemgetter(3), tokens))
        longest = len(repr(max(strings, key=len))) if strings else 0
        self.reset_rows(self._span_width + 12 + 16 + min(longest, 10_000))

    @property
    def row_count(self) -> int:
        return len(self._analysis.tokens) if self._analysis else 0

    def row_text(self, row: int) -> Text:
        assert self._analysis is not None
        token = self._analysis.tokens[row]
        muted = self.component_style("line-pane--muted", text_only=True)
        kind = self.component_style("tokens-pane--type", text_only=True)
        exact = token.exact_type if token.exact_type != token.type else ""
        return Text.assemble(
            (f"{str(token.span):<{self._span_width}}", muted),
            (f"{token.type:<12}", kind),
            (f"{exact:<16}", kind),
            repr(token.string),
            no_wrap=True,
            end="",
        )

    def search_text(self, row: int) -> str:
        assert self._analysis is not None
        token = self._analysis.tokens[row]
        return f"{token.type} {token.exact_type} {token.string}"

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        return selection.links.tokens, ()

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        tokens = selection.links.tokens
        return tokens[0] if tokens else None
