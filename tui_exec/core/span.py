"""Spans: where a token, node or instruction sits in the decoded source.

Every span in tui-exec is (start_line, start_col, end_line, end_col) with 1-based lines and
0-based, end-exclusive columns counted in *characters* (code points) of the decoded line.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A character range in the source: lines 1-based, columns 0-based, end exclusive.

    A NamedTuple rather than a frozen dataclass: just as immutable and ordered, but several
    times cheaper to build, and an analysis builds one for every token, node and instruction.
    """

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @property
    def is_empty(self) -> bool:
        """True for zero-width spans (synthetic positions, DEDENT tokens)."""
        return (self.start_line, self.start_col) >= (self.end_line, self.end_col)

    def contains_point(self, line: int, col: int) -> bool:
        """Whether the character at (line, col) lies inside this span."""
        return (self.start_line, self.start_col) <= (line, col) < (self.end_line, self.end_col)

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies wholly inside this span (equal spans count)."""
        return (self.start_line, self.start_col) <= (other.start_line, other.start_col) and (
            other.end_line,
            other.end_col,
        ) <= (self.end_line, self.end_col)

    def as_list(self) -> list[int]:
        """The span as a JSON-friendly list."""
        return list(self)

    def __str__(self) -> str:
        if self.start_line == self.end_line:
            return f"{self.start_line}:{self.start_col}–{self.end_col}"
        return f"{self.start_line}:{self.start_col}–{self.end_line}:{self.end_col}"
