"""A static interval index (nested containment list) over [start, end) integer ranges.

Built once in O(n log n); each query costs O(log n + k) per nesting level it descends, where k
is the number of answers. Source spans nest almost perfectly (they come from a tree), so a
query touches little more than its answers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class IntervalIndex:
    """Answers containment queries over intervals given as (start, end, id).

    Each interval's children (the intervals it contains that no other child contains) form a
    level whose starts and ends both strictly increase. All levels live in three flat arrays,
    grouped by parent, so building is one pass plus two sorts, with no object per level.
    """

    __slots__ = ("_starts", "_ends", "_ids", "_slots", "_parents", "_top_count")

    def __init__(self, intervals: Iterable[tuple[int, int, int]]) -> None:
        items = intervals if isinstance(intervals, list) else list(intervals)
        # Sort by start, longest first, so that every interval follows those containing it.
        # One integer key per item sorts far faster than a tuple key.
        keys = [(start << 32) | (0xFFFFFFFF - end) for start, end, _ in items]
        ordered = [items[i] for i in sorted(range(len(items)), key=keys.__getitem__)]
        ends = [end for _, end, _ in ordered]
        # parents[slot]: the slot of the innermost interval containing this one (-1: none).
        parents: list[int] = []
        open_ends: list[int] = [1 << 62]  # a sentinel containing everything
        open_slots: list[int] = [-1]
        for slot, end in enumerate(ends):
            while open_ends[-1] < end:
                open_ends.pop()
                open_slots.pop()
            parents.append(open_slots[-1])
            open_ends.append(end)
            open_slots.append(slot)
        # Group by parent (a stable sort keeps each level in start order). Arrays, not lists:
        # no int object per entry (an index holds ~100k of them).
        grouped = sorted(range(len(ordered)), key=parents.__getitem__)
        self._starts = array("q", [ordered[i][0] for i in grouped])
        self._ends = array("q", [ends[i] for i in grouped])
        self._ids = array("q", [ordered[i][2] for i in grouped])
        self._slots = array("q", grouped)
        self._parents = array("q", [parents[i] for i in grouped])
        self._top_count = bisect_right(self._parents, -1)

    def _children(self, slot: int) -> tuple[int, int] | None:
        """The [lo, hi) range of the level under ``slot``; None when it contains nothing."""
        parents = self._parents
        lo = bisect_left(parents, slot, self._top_count)
        if lo < len(parents) and parents[lo] == slot:
            return lo, bisect_right(parents, slot, lo)
        return None

    def __len__(self) -> int:
        return len(self._ids)

    def containing_point(self, point: int) -> list[int]:
        """Ids of intervals with start <= point < end, outermost first."""
        found: list[int] = []
        starts, ends, ids, slots = self._starts, self._ends, self._ids, self._slots
        level: tuple[int, int] | None = (0, self._top_count)
        pending: list[tuple[int, int]] = []
        while level is not None:
            lo, hi = level
            i = bisect_right(starts, point, lo, hi) - 1
            while i >= lo and ends[i] > point:
                found.append(ids[i])
                child = self._children(slots[i])
                if child is not None:
                    pending.append(child)
                i -= 1
            level = pending.pop() if pending else None
        return found

    def enclosing(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start' <= start and end <= end' (equal spans count)."""
        found: list[int] = []
        starts, ends, ids, slots = self._starts, self._ends, self._ids, self._slots
        pending: list[tuple[int, int]] = [(0, self._top_count)]
        while pending:
            lo, hi = pending.pop()
            i = bisect_right(starts, start, lo, hi) - 1
            while i >= lo and ends[i] >= end:
                found.append(ids[i])
                child = self._children(slots[i])
                if child is not None:
                    pending.append(child)
                i -= 1
        return found

    def inside(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start <= start' and end' <= end."""
        found: list[int] = []
        starts, ends, slots = self._starts, self._ends, self._slots
        pending: list[tuple[int, int]] = [(0, self._top_count)]
        while pending:
            lo, hi = pending.pop()
            first = bisect_left(starts, start, lo, hi)
            # Earlier siblings that reach into the range may hold answers among their children.
            j = first - 1
            while j >= lo and ends[j] >= start:
                child = self._children(slots[j])
                if child is not None:
                    pending.append(child)
                j -= 1
            i = first
            while i < hi and starts[i] <= end:
                if ends[i] <= end:
                    self._collect_subtree(i, found)
                else:
                    child = self._children(slots[i])
                    if child is not None:
                        pending.append(child)
                i += 1
        return found

    def _collect_subtree(self, position: int, found: list[int]) -> None:
        """Append the id at ``position`` and every id nested under it, preorder."""
        stack = [position]
        ids, slots = self._ids, self._slots
        while stack:
            current = stack.pop()
            found.append(ids[current])
            child = self._children(slots[current])
            if child is not None:
                stack.extend(range(child[0], child[1]))
