"""The tokens pane: one row per token, as ``python -m tokenize`` would list it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from rich.text import Text

from ...core import Analysis, Token
from ...core.explain.tokens import CATEGORIES, token_category
from ..selection import Origin, Selection
from .base import LinePane
from .stage import PaneSpec, no_source_text, stage_error_text

_string = itemgetter(Token._fields.index("string"))
# Width of the category column: the longest category ("end of statement") and a space.
_CATEGORY = max(map(len, CATEGORIES)) + 1


@dataclass(frozen=True, slots=True)
class TokensLayout:
    """Column widths, measured off the UI thread (reprs of 500k tokens take a while)."""

    span_width: int = 9
    width: int = 0


def layout_tokens(analysis: Analysis) -> TokensLayout:
    """Measure the token rows of ``analysis`` (pure: safe to call from a worker thread)."""
    lines = analysis.source.lines
    widest_col = len(str(max(map(len, lines), default=0) + 1))
    span_width = len(str(len(lines) + 1)) + 2 * widest_col + 3
    # The longest string's repr is wide enough in practice; exact reprs of every token
    # would cost far more.
    longest = len(repr(max(map(_string, analysis.tokens), key=len, default="")))
    return TokensLayout(span_width, span_width + _CATEGORY + 12 + 16 + min(longest, 10_000))


class TokensPane(LinePane):
    """Every token: its span, what kind of word it is, its type, exact type (OP → PLUS) and
    the repr of its string.

    | Class | Description |
    | :- | :- |
    | `tokens-pane--type` | The token type column. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {"tokens-pane--type"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._span_width = 9

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> TokensLayout:
        return layout_tokens(analysis)

    def show_analysis(self, analysis: Analysis, layout: TokensLayout | None = None) -> None:
        """Show the tokens of ``analysis`` (``layout``: from :func:`layout_tokens`)."""
        self._analysis = analysis
        layout = layout or layout_tokens(analysis)
        self._span_width = layout.span_width
        self.reset_rows(layout.width)

    @property
    def row_count(self) -> int:
        return len(self._analysis.tokens) if self._analysis else 0

    def row_text(self, row: int) -> Text:
        assert self._analysis is not None
        token = self._analysis.tokens[row]
        muted = self.component_style("line-pane--muted", text_only=True)
        kind = self.component_style("tokens-pane--type", text_only=True)
        exact = token.exact_type if token.exact_type != token.type else ""
        category = token_category(token.type, token.exact_type, token.string)
        return Text.assemble(
            (f"{str(token.span):<{self._span_width}}", muted),
            (f"{category:<{_CATEGORY}}", kind),
            (f"{token.type:<12}", muted),
            (f"{exact:<16}", kind),
            repr(token.string),
            no_wrap=True,
            end="",
        )

    def search_text(self, row: int) -> str:
        assert self._analysis is not None
        token = self._analysis.tokens[row]
        category = token_category(token.type, token.exact_type, token.string)
        return f"{category} {token.type} {token.exact_type} {token.string}"

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        return selection.links.tokens, ()

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        tokens = selection.links.tokens
        return tokens[0] if tokens else None

    def item_at(self, row: int) -> tuple[Origin, int] | None:
        return "token", row

    def title_detail(self) -> str:
        analysis = self._analysis
        if analysis is None or analysis.pyc is not None:
            return ""
        if not self.row_count:
            return "0"
        # python -m tokenize lists an ENCODING token first, which is no part of the text: the
        # title names it, so the two lists can be put side by side (21 lines there, 20 here).
        return f"ENCODING {analysis.source.encoding} + {self.row_count:,}"

    def stage_message(self, analysis: Analysis) -> Text | None:
        if analysis.pyc is not None:
            return no_source_text(analysis)
        error = analysis.error_in("decode")
        if analysis.tokens or error is None:
            return None
        return stage_error_text(error, "No tokens: the tokenizer reads only decoded text")


PANE = PaneSpec(
    "tokens",
    "Tokens",
    "2",
    TokensPane,
    "What the tokenizer cuts the text into, one token a row: its span (line:column, "
    "columns from 0, in characters), what kind of word it is (identifier, keyword, operator, "
    "punctuation, number literal...), its type, its exact type (OP becomes PLUS, LPAR...) "
    "and the text it covers.",
    selects=("token",),
)
