"""A static interval index (nested containment list) over [start, end) integer ranges.

Built once in O(n log n); each query costs O(log n + k) per nesting level it descends, where k
is the number of answers. Source spans nest almost perfectly (they come from a tree), so a
query touches little more than its answers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class _Level:
    """Siblings none of which contains another: starts and ends both strictly increase."""

    __slots__ = ("starts", "ends", "ids")

    def __init__(self) -> None:
        # Arrays, not lists: no int object per entry (an index holds ~100k of them).
        self.starts = array("q")
        self.ends = array("q")
        self.ids = array("q")


class IntervalIndex:
    """Answers containment queries over intervals given as (start, end, id)."""

    __slots__ = ("_top", "_children", "_size")

    def __init__(self, intervals: Iterable[tuple[int, int, int]]) -> None:
        items = intervals if isinstance(intervals, list) else list(intervals)
        # Sort by start, longest first, so that every interval follows those containing it.
        # One integer key per item sorts far faster than a tuple key.
        keys = [(start << 32) | (0xFFFFFFFF - end) for start, end, _ in items]
        ordered = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
        self._size = len(ordered)
        self._top = _Level()
        self._children: dict[int, _Level] = {}
        open_ends: list[int] = []  # the chain of intervals containing the current one
        open_ids: list[int] = []
        children = self._children
        top = self._top
        for start, end, ident in ordered:
            while open_ends and open_ends[-1] < end:
                open_ends.pop()
                open_ids.pop()
            if open_ids:
                level = children.get(open_ids[-1])
                if level is None:
                    level = children[open_ids[-1]] = _Level()
            else:
                level = top
            level.starts.append(start)
            level.ends.append(end)
            level.ids.append(ident)
            open_ends.append(end)
            open_ids.append(ident)

    def __len__(self) -> int:
        return self._size

    def containing_point(self, point: int) -> list[int]:
        """Ids of intervals with start <= point < end, outermost first."""
        found: list[int] = []
        level: _Level | None = self._top
        pending: list[_Level] = []
        while level is not None:
            starts, ends, ids = level.starts, level.ends, level.ids
            i = bisect_right(starts, point) - 1
            while i >= 0 and ends[i] > point:
                found.append(ids[i])
                child = self._children.get(ids[i])
                if child is not None:
                    pending.append(child)
                i -= 1
            level = pending.pop() if pending else None
        return found

    def enclosing(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start' <= start and end <= end' (equal spans count)."""
        found: list[int] = []
        pending: list[_Level] = [self._top]
        while pending:
            level = pending.pop()
            starts, ends, ids = level.starts, level.ends, level.ids
            i = bisect_right(starts, start) - 1
            while i >= 0 and ends[i] >= end:
                found.append(ids[i])
                child = self._children.get(ids[i])
                if child is not None:
                    pending.append(child)
                i -= 1
        return found

    def inside(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start <= start' and end' <= end."""
        found: list[int] = []
        pending: list[_Level] = [self._top]
        children = self._children
        while pending:
            level = pending.pop()
            starts, ends, ids = level.starts, level.ends, level.ids
            first = bisect_left(starts, start)
            # Earlier siblings that reach into the range may hold answers among their children.
            j = first - 1
            while j >= 0 and ends[j] >= start:
                child = children.get(ids[j])
                if child is not None:
                    pending.append(child)
                j -= 1
            i = first
            count = len(starts)
            while i < count and starts[i] <= end:
                if ends[i] <= end:
                    self._collect_subtree(ids[i], found)
                else:
                    child = children.get(ids[i])
                    if child is not None:
                        pending.append(child)
                i += 1
        return found

    def _collect_subtree(self, ident: int, found: list[int]) -> None:
        stack = [ident]
        children = self._children
        while stack:
            current = stack.pop()
            found.append(current)
            child = children.get(current)
            if child is not None:
                stack.extend(child.ids)
