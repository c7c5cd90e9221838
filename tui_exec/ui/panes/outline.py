"""Outline: which AST nodes are rows of the AST pane, given what is folded.

Rows are the nodes in preorder, minus the Load/Store/Del contexts (their parent's label names
them) and minus the descendants of folded nodes. Both directions, row → node and node → row,
are a bisect over the folded runs, so a 200k-node tree costs nothing per keystroke.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from ...core import Node

# Load/Store/Del are shown in their parent's label ("Name 'x' Store"), never as rows.
CONTEXTS = frozenset({"Load", "Store", "Del"})


class Outline:
    """Row ↔ node id for an AST in which any nodes may be folded (collapsed)."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self._nodes = nodes
        # Ids of the nodes that can be rows, ascending: a node's position is a bisect away.
        self._shown = array("i", [node.id for node in nodes if node.type not in CONTEXTS])
        self._folded: set[int] = set()
        # Hidden runs of positions [start, stop), disjoint and ascending, one per outermost fold.
        self._run_starts: list[int] = []
        self._run_stops: list[int] = []
        # _hidden_before[i]: positions hidden by runs 0..i-1; _run_rows[i]: the row run i sits at.
        self._hidden_before: list[int] = [0]
        self._run_rows: list[int] = []

    # -- shape -----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows show."""
        return len(self._shown) - self._hidden_before[-1]

    @property
    def folded(self) -> frozenset[int]:
        """Ids of the folded nodes (some may lie inside other folds)."""
        return frozenset(self._folded)

    def _position(self, node_id: int) -> int | None:
        position = bisect_left(self._shown, node_id)
        if position < len(self._shown) and self._shown[position] == node_id:
            return position
        return None

    def _children_stop(self, node: Node, position: int) -> int:
        """One past the position of ``node``'s last descendant row."""
        return bisect_left(self._shown, node.end, position + 1)

    def has_children(self, node_id: int) -> bool:
        """Whether the node has rows under it (anything but a lone Load/Store/Del). O(1)."""
        node = self._nodes[node_id]
        size = node.end - node.id - 1
        return size > 1 or (size == 1 and self._nodes[node.id + 1].type not in CONTEXTS)

    def has_next_sibling(self, node_id: int) -> bool:
        """Whether a row follows this node's subtree under the same parent."""
        node = self._nodes[node_id]
        if node.parent is None:
            return False
        after = node.end
        return after < self._nodes[node.parent].end and self._nodes[after].type not in CONTEXTS

    def is_folded(self, node_id: int) -> bool:
        """Whether the node's children are hidden."""
        return node_id in self._folded

    # -- row ↔ node ------------------------------------------------------------------------------

    def node_at(self, row: int) -> int:
        """The node shown on ``row`` (0 <= row < row_count)."""
        run = bisect_right(self._run_rows, row)
        return self._shown[row + self._hidden_before[run]]

    def row_of(self, node_id: int) -> int | None:
        """The row showing ``node_id``; None when it is folded away or never a row."""
        position = self._position(node_id)
        if position is None:
            return None
        run = bisect_right(self._run_starts, position)
        if run and position < self._run_stops[run - 1]:
            return None
        return position - self._hidden_before[run]

    def shown_node(self, node_id: int) -> int | None:
        """``node_id``, or for a Load/Store/Del its parent: the node that names it in a row."""
        node: Node | None = self._nodes[node_id]
        while node is not None and node.type in CONTEXTS:
            node = self._nodes[node.parent] if node.parent is not None else None
        return node.id if node is not None else None

    # -- folding ---------------------------------------------------------------------------------

    def fold(self, node_id: int) -> bool:
        """Hide the node's children; False if there was nothing to hide."""
        return self.fold_many([node_id])

    def fold_many(self, node_ids: Iterable[int]) -> bool:
        """Hide the children of each of ``node_ids``; False if that hid nothing new."""
        before = len(self._folded)
        self._folded.update(n for n in node_ids if self.has_children(n))
        if len(self._folded) == before:
            return False
        self._rebuild()
        return True

    def unfold(self, node_ids: Iterable[int]) -> bool:
        """Show the children of ``node_ids``; False if none was folded."""
        before = len(self._folded)
        self._folded.difference_update(node_ids)
        if len(self._folded) == before:
            return False
        self._rebuild()
        return True

    def unfold_below(self, node_id: int) -> bool:
        """Unfold the node and every node under it."""
        node = self._nodes[node_id]
        return self.unfold([n for n in self._folded if node.id <= n < node.end])

    def reveal(self, node_id: int) -> bool:
        """Unfold the ancestors of ``node_id`` so it shows; False if it already did."""
        hidden = []
        parent = self._nodes[node_id].parent
        while parent is not None:
            if parent in self._folded:
                hidden.append(parent)
            parent = self._nodes[parent].parent
        return self.unfold(hidden) if hidden else False

    def _rebuild(self) -> None:
        starts: list[int] = []
        stops: list[int] = []
        for node_id in sorted(self._folded):
            position = self._position(node_id)
            assert position is not None
            start = position + 1
            if stops and start < stops[-1]:
                continue  # inside a fold already hiding it
            starts.append(start)
            stops.append(self._children_stop(self._nodes[node_id], position))
        hidden_before = [0]
        run_rows = []
        for start, stop in zip(starts, stops, strict=True):
            run_rows.append(start - hidden_before[-1])
            hidden_before.append(hidden_before[-1] + stop - start)
        self._run_starts, self._run_stops = starts, stops
        self._hidden_before, self._run_rows = hidden_before, run_rows
