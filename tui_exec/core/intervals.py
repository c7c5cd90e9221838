"""A static interval index (nested containment list) over [start, end) integer ranges.

Built once in O(n log n); each query costs O(log n + k) per nesting level it descends, where k
is the number of answers. Source spans nest almost perfectly (they come from a tree), so a
query touches little more than its answers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, repeat


class IntervalIndex:
    """Answers containment queries over intervals [start, end) named by integer ids.

    Each interval's children (the intervals it contains that no other child contains) form a
    level whose starts and ends both strictly increase. All levels live in flat arrays,
    grouped by parent, so building is one pass plus two sorts, with no object per level.
    """

    __slots__ = ("_starts", "_ends", "_ids", "_slots", "_child_starts")

    def __init__(self, ids: Sequence[int], starts: Sequence[int], ends: Sequence[int]) -> None:
        """Index the intervals ``[starts[i], ends[i])`` for each ``i`` in ``ids``.

        ``starts`` and ``ends`` are indexed by id (the span index's offset arrays, holes and
        all), so no tuple is built per interval; queries answer with ids.
        """
        # Sort by start, longest first, so that every interval follows those containing it.
        # One integer key per item sorts far faster than a tuple key.
        keys = [(starts[i] << 32) | (0xFFFFFFFF - ends[i]) for i in ids]
        by_start = list(map(ids.__getitem__, sorted(range(len(ids)), key=keys.__getitem__)))
        # parents[slot]: the slot of the innermost interval containing this one (-1: none).
        parents: list[int] = []
        open_ends: list[int] = [1 << 62]  # a sentinel containing everything
        open_slots: list[int] = [-1]
        for slot, end in enumerate(map(ends.__getitem__, by_start)):
            while open_ends[-1] < end:
                open_ends.pop()
                open_slots.pop()
            parents.append(open_slots[-1])
            open_ends.append(end)
            open_slots.append(slot)
        # Group by parent (a stable sort keeps each level in start order). Arrays, not lists:
        # no int object per entry (an index holds ~100k of them).
        grouped = sorted(range(len(by_start)), key=parents.__getitem__)
        grouped_ids = list(map(by_start.__getitem__, grouped))
        self._starts = array("q", map(starts.__getitem__, grouped_ids))
        self._ends = array("q", map(ends.__getitem__, grouped_ids))
        self._ids = array("q", grouped_ids)
        self._slots = array("q", grouped)
        # The level under slot s is [_child_starts[s], _child_starts[s + 1]) of those arrays:
        # prefix sums of child counts, all at C speed. _child_starts[-1] closes the top level.
        counts = Counter(parents)
        self._child_starts = array(
            "q", accumulate(map(counts.get, range(len(grouped)), repeat(0)), initial=counts[-1])
        )
        self._child_starts.append(counts[-1])

    def __len__(self) -> int:
        return len(self._ids)

    def containing_point(self, point: int) -> list[int]:
        """Ids of intervals with start <= point < end, outermost first."""
        found: list[int] = []
        starts, ends, ids, slots = self._starts, self._ends, self._ids, self._slots
        cs = self._child_starts  # the level under slot s: [cs[s], cs[s + 1])
        level: tuple[int, int] | None = (0, self._child_starts[-1])
        pending: list[tuple[int, int]] = []
        while level is not None:
            lo, hi = level
            i = bisect_right(starts, point, lo, hi) - 1
            while i >= lo and ends[i] > point:
                found.append(ids[i])
                slot = slots[i]
                if cs[slot] < cs[slot + 1]:
                    pending.append((cs[slot], cs[slot + 1]))
                i -= 1
            level = pending.pop() if pending else None
        return found

    def enclosing(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start' <= start and end <= end' (equal spans count)."""
        found: list[int] = []
        starts, ends, ids, slots = self._starts, self._ends, self._ids, self._slots
        cs = self._child_starts  # the level under slot s: [cs[s], cs[s + 1])
        pending: list[tuple[int, int]] = [(0, self._child_starts[-1])]
        while pending:
            lo, hi = pending.pop()
            i = bisect_right(starts, start, lo, hi) - 1
            while i >= lo and ends[i] >= end:
                found.append(ids[i])
                slot = slots[i]
                if cs[slot] < cs[slot + 1]:
                    pending.append((cs[slot], cs[slot + 1]))
                i -= 1
        return found

    def inside(self, start: int, end: int) -> list[int]:
        """Ids of intervals with start <= start' and end' <= end."""
        found: list[int] = []
        starts, ends, slots = self._starts, self._ends, self._slots
        cs = self._child_starts
        pending: list[tuple[int, int]] = [(0, self._child_starts[-1])]
        while pending:
            lo, hi = pending.pop()
            first = bisect_left(starts, start, lo, hi)
            # Earlier siblings that reach into the range may hold answers among their children.
            j = first - 1
            while j >= lo and ends[j] >= start:
                slot = slots[j]
                if cs[slot] < cs[slot + 1]:
                    pending.append((cs[slot], cs[slot + 1]))
                j -= 1
            i = first
            while i < hi and starts[i] <= end:
                if ends[i] <= end:
                    self._collect_subtree(i, found)
                else:
                    slot = slots[i]
                    if cs[slot] < cs[slot + 1]:
                        pending.append((cs[slot], cs[slot + 1]))
                i += 1
        return found

    def _collect_subtree(self, position: int, found: list[int]) -> None:
        """Append the id at ``position`` and every id nested under it, preorder."""
        stack = [position]
        ids, slots, cs = self._ids, self._slots, self._child_starts
        while stack:
            current = stack.pop()
            found.append(ids[current])
            slot = slots[current]
            stack.extend(range(cs[slot], cs[slot + 1]))
