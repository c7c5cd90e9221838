"""The AST pane: the tree of ast.parse, filled in lazily as nodes are expanded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core import Analysis, Node
from ..selection import Selection
from .styles import foreground

# Load/Store/Del are folded into their parent's label ("Name 'x' Store"), not shown as children.
_FOLDED = frozenset({"Load", "Store", "Del"})
# How many nodes syncing may leave expanded before it folds those off the current path.
_FOLD_AFTER = 48


class AstPane(Tree[int]):
    """Every node of the AST, labelled ``field: Type detail  span``.

    Children are created only when a node is first expanded, so a 100k-node tree opens at once.

    | Class | Description |
    | :- | :- |
    | `ast-pane--primary` | The node(s) matching the selection. |
    | `ast-pane--type` | Node type names. |
    | `ast-pane--field` | The parent field holding a node. |
    | `ast-pane--span` | Node spans. |
    """

    COMPONENT_CLASSES = Tree.COMPONENT_CLASSES | {
        "ast-pane--primary",
        "ast-pane--type",
        "ast-pane--field",
        "ast-pane--span",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "expand_node", "Expand", show=False, id="ast.expand"),
        Binding("left", "collapse_or_parent", "Collapse", show=False, id="ast.collapse"),
        Binding("e", "expand_all_below", "Expand below", show=False, id="ast.expand_below"),
    ]

    @dataclass
    class NodeMoved(Message):
        """The user moved the tree cursor onto AST node ``node_id``."""

        pane: AstPane
        node_id: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, AstPane.NodeMoved)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Module", data=0, id=id)
        self.guide_depth = 3
        self._analysis: Analysis | None = None
        self._tree_nodes_by_ast: dict[int, TreeNode[int]] = {}
        self._populated: set[int] = set()
        self._primary: frozenset[int] = frozenset()
        self._syncing_to: int | None = None
        self._styles: tuple[Style, Style, Style] | None = None
        self._auto_expanded: set[int] = set()

    def show_analysis(self, analysis: Analysis) -> None:
        """Show the tree of ``analysis`` (empty when it did not parse)."""
        self._analysis = analysis
        self._tree_nodes_by_ast.clear()
        self._populated.clear()
        self._primary = frozenset()
        self._syncing_to = None
        self._auto_expanded.clear()
        self.cursor_line = -1  # so that rebuilding the tree highlights nothing by itself
        self.clear()
        if not analysis.nodes:
            return
        self.root.data = 0
        self.root.set_label(self._label(analysis.nodes[0]))
        self._tree_nodes_by_ast[0] = self.root
        self._populate(self.root)
        self.root.expand()

    @property
    def primary_nodes(self) -> frozenset[int]:
        """AST node ids marked as matching the selection."""
        return self._primary

    def _children(self, node: Node) -> list[Node]:
        assert self._analysis is not None
        nodes = self._analysis.nodes
        found = []
        child = node.id + 1
        while child < node.end:
            if nodes[child].type not in _FOLDED:
                found.append(nodes[child])
            child = nodes[child].end
        return found

    def _has_children(self, node: Node) -> bool:
        """Whether ``node`` shows children: any descendant but a lone Load/Store/Del. O(1)."""
        assert self._analysis is not None
        size = node.end - node.id - 1
        return size > 1 or (size == 1 and self._analysis.nodes[node.id + 1].type not in _FOLDED)

    def _populate(self, tree_node: TreeNode[int]) -> None:
        """Create the children of ``tree_node`` if not done yet."""
        assert self._analysis is not None and tree_node.data is not None
        if tree_node.data in self._populated:
            return
        self._populated.add(tree_node.data)
        for child in self._children(self._analysis.nodes[tree_node.data]):
            has_children = self._has_children(child)
            added = tree_node.add(self._label(child), data=child.id, allow_expand=has_children)
            self._tree_nodes_by_ast[child.id] = added

    def _label_styles(self) -> tuple[Style, Style, Style]:
        if self._styles is None:
            self._styles = (
                foreground(self.get_component_rich_style("ast-pane--field")),
                foreground(self.get_component_rich_style("ast-pane--type")),
                foreground(self.get_component_rich_style("ast-pane--span")),
            )
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _label(self, node: Node) -> Text:
        field, kind, muted = self._label_styles()
        parts: list[tuple[str, Style] | str] = []
        if node.field is not None:
            parts.append((f"{node.label}: ", field))
        parts.append((node.type, kind))
        if node.detail:
            parts.append(" " + node.detail)
        if node.span is not None:
            parts.append((f"  {node.span}", muted))
        return Text.assemble(*parts, no_wrap=True, end="")

    def render_label(self, node: TreeNode[int], base_style: Style, style: Style) -> Text:
        if node.data in self._primary:
            style = style + self.get_component_rich_style("ast-pane--primary")
        return super().render_label(node, base_style, style)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[int]) -> None:
        if event.node.tree is self:
            self._populate(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        event.stop()
        node_id = event.node.data
        if node_id is None or self._analysis is None:
            return
        if node_id == self._syncing_to:
            self._syncing_to = None  # this highlight was our own doing: do not echo it back
            return
        if not self.has_focus:
            return  # only the user, in this pane, selects from here
        self.post_message(self.NodeMoved(self, node_id))

    def action_expand_node(self) -> None:
        """Expand the node under the cursor, or step into its first child."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._populate(node)
            node.expand()
            if node.data is not None:
                self._auto_expanded.discard(node.data)  # the user's: never folded for them
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_parent(self) -> None:
        """Collapse the node under the cursor, or go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_expand_all_below(self) -> None:
        """Expand everything under the cursor (bounded, so huge subtrees stay responsive)."""
        node = self.cursor_node
        if node is None:
            return
        budget = 2000
        stack = [node]
        while stack and budget > 0:
            current = stack.pop()
            self._populate(current)
            current.expand()
            budget -= len(current.children)
            stack.extend(child for child in current.children if child.allow_expand)

    def reveal(self, node_id: int) -> TreeNode[int] | None:
        """Create and expand the path to ``node_id``; return its tree node."""
        if self._analysis is None:
            return None
        nodes = self._analysis.nodes
        target: int | None = node_id
        while target is not None and nodes[target].type in _FOLDED:
            target = nodes[target].parent
        if target is None:
            return None
        ancestors = set()
        current: int | None = nodes[target].parent
        while current is not None:
            ancestors.add(current)
            current = nodes[current].parent
        # Once syncs have opened many nodes, fold away those off this path: the tree stays
        # small enough to redraw at once. (Not on every move: nearby moves would churn.)
        if len(self._auto_expanded) > _FOLD_AFTER:
            for stale in self._auto_expanded - ancestors:
                shown = self._tree_nodes_by_ast.get(stale)
                if shown is not None and shown.is_expanded:
                    shown.collapse()
            self._auto_expanded &= ancestors
        path = []
        current = target
        while current is not None and current not in self._tree_nodes_by_ast:
            path.append(current)
            current = nodes[current].parent
        if current is None:
            return None
        tree_node = self._tree_nodes_by_ast[current]
        for ancestor in reversed(path):
            self._expand(tree_node)
            tree_node = self._tree_nodes_by_ast[ancestor]
        parent = tree_node.parent
        while parent is not None and not parent.is_expanded:
            self._expand(parent)
            parent = parent.parent
        return tree_node

    def _expand(self, tree_node: TreeNode[int]) -> None:
        """Expand for a sync (remembered, so the next sync may fold it again)."""
        self._populate(tree_node)
        if not tree_node.is_expanded and tree_node.data is not None:
            tree_node.expand()
            if tree_node is not self.root:
                self._auto_expanded.add(tree_node.data)

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        """Mark the selection's nodes; unless it came from here, reveal and move to the first."""
        old = self._primary
        self._primary = frozenset(selection.links.nodes)
        for node_id in old ^ self._primary:
            tree_node = self._tree_nodes_by_ast.get(node_id)
            if tree_node is not None:
                tree_node.refresh()
        if from_here or not selection.links.nodes:
            return
        tree_node = self.reveal(selection.links.nodes[0])
        if tree_node is None:
            return
        for node_id in self._primary:
            if (shown := self._tree_nodes_by_ast.get(node_id)) is not None:
                shown.refresh()
        if self.cursor_node is not tree_node:
            self._syncing_to = tree_node.data
            # Expanding leaves the tree's line table stale until it is next read; reading a
            # line rebuilds it, so the cursor lands on the right node in this same frame.
            self.get_node_at_line(0)
            previous = self.cursor_line
            self.move_cursor(tree_node, animate=False)
            if self.cursor_line == previous:
                self._syncing_to = None  # no highlight event will come to consume the guard

    def search(self, term: str, *, backwards: bool = False, skip_current: bool = True) -> bool:
        """Find the next node (in preorder) whose type, detail or field contains ``term``."""
        if self._analysis is None or not term:
            return False
        nodes = self._analysis.nodes
        needle = term.casefold()
        current = self.cursor_node.data if self.cursor_node and self.cursor_node.data else 0
        step = -1 if backwards else 1
        count = len(nodes)
        for i in range(1, count + 1):
            node = nodes[(current + step * i) % count]
            if node.type in _FOLDED:
                continue
            if needle in f"{node.type} {node.detail} {node.field or ''}".casefold():
                tree_node = self.reveal(node.id)
                if tree_node is not None:
                    self.get_node_at_line(0)  # rebuild the line table after expanding
                    self.move_cursor(tree_node)
                    return True
        return False
