"""Spans: emptiness, containment and the way they print, worked out by hand."""

from __future__ import annotations

from tui_exec.core import Span


def test_a_span_prints_its_end_line_only_when_it_differs() -> None:
    assert str(Span(3, 4, 3, 9)) == "3:4–9"
    assert str(Span(1, 0, 2, 3)) == "1:0–2:3"


def test_empty_spans_and_containment_at_the_edges() -> None:
    assert Span(2, 5, 2, 5).is_empty and Span(2, 5, 1, 9).is_empty
    assert not Span(2, 5, 2, 6).is_empty and not Span(1, 9, 2, 0).is_empty
    span = Span(1, 2, 2, 3)
    assert span.contains_point(1, 2) and span.contains_point(2, 2)
    assert not span.contains_point(1, 1) and not span.contains_point(2, 3)
    assert span.contains(span) and span.contains(Span(1, 5, 2, 0))
    assert not span.contains(Span(1, 1, 1, 4)) and not span.contains(Span(2, 0, 2, 4))
    assert span.as_list() == [1, 2, 2, 3]
