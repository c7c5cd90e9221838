"""The AST pane: the tree of ast.parse as a Line-API outline, every node one row.

A Textual Tree re-lays itself out whenever a sync expands a new path, which costs a second full
frame on every far jump. Here the tree starts fully unfolded (as ``ast.dump(indent=…)`` would
print it), rows are drawn only when visible, and a sync only unfolds what the user folded.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.events import Click

from ...core import Analysis, Node
from ..commands import Command, bindings
from ..selection import Origin, Selection
from .base import LinePane
from .outline import CONTEXTS, Outline
from .stage import PaneSpec, no_source_text, stage_error_text

_ICON_OPEN, _ICON_FOLDED, _ICON_LEAF = "▾ ", "▸ ", "─ "
_GUIDE_WIDTH = 2
# Up to this many nodes the pane measures every row (about 5 ms); above, it estimates.
_EXACT_WIDTH_NODES = 20_000
_depth = itemgetter(Node._fields.index("depth"))
_detail = itemgetter(Node._fields.index("detail"))


def _row_width(node: Node) -> int:
    """Cells in ``node``'s row: guides and icon, ``field: ``, type, detail and span."""
    width = _GUIDE_WIDTH * (node.depth + 1) + len(node.type)
    if node.field is not None:
        width += len(node.label) + 2
    if node.detail:
        width += 1 + cell_len(node.detail)
    if node.span is not None:
        width += 2 + len(str(node.span))
    return width


# `python -m ast` shows a node's empty list fields (``keywords=[]``) before 3.13, not after:
# the pane shows them where it does, so the two can be put side by side.
SHOW_EMPTY_FIELDS = sys.version_info < (3, 13)
# ASDL types that are not AST nodes: a list of them (Global's names) has no child nodes.
_PLAIN_TYPES = frozenset({"identifier", "int", "string", "constant"})
# Lists as long as another list of the node: Dict's keys and kw_defaults may hold None, which
# is no node; kwd_attrs holds names. Any other list of names (Global's) is never empty.
_AS_LONG_AS = {
    ("Dict", "keys"): "values",
    ("arguments", "kw_defaults"): "kwonlyargs",
    ("MatchClass", "kwd_attrs"): "kwd_patterns",
}


@functools.cache
def _list_fields(type_name: str) -> tuple[tuple[str, bool], ...]:
    """The list fields of AST class ``type_name``, each with whether it holds nodes, from
    its ASDL signature (``Call(expr func, expr* args, keyword* keywords)``)."""
    cls = getattr(ast, type_name, None)
    signature = (getattr(cls, "__doc__", None) or "").split("\n", 1)[0]
    found = re.findall(r"(\w+)\??\* (\w+)", signature)
    return tuple((name, kind not in _PLAIN_TYPES) for kind, name in found)


def empty_fields(nodes: Sequence[Node], node: Node) -> list[str]:
    """The list fields of ``node`` that are empty (``keywords``, ``type_ignores``...), as
    the AST holds them; its children are the nodes ``node.id+1 .. node.end-1`` at one level
    below it."""
    fields = _list_fields(node.type)
    if not fields:
        return []
    filled = set()
    child = node.id + 1
    while child < node.end:
        filled.add(nodes[child].field)
        child = nodes[child].end
    empty = []
    for name, of_nodes in fields:
        other = _AS_LONG_AS.get((node.type, name))
        if other is not None:
            if other not in filled:
                empty.append(name)
        elif of_nodes and name not in filled:
            empty.append(name)
    return empty


def _empty_text(nodes: Sequence[Node], node: Node) -> str:
    """``  keywords=[]``: what a row adds for the node's empty fields ("" for none)."""
    empty = empty_fields(nodes, node)
    return "  " + " ".join(f"{name}=[]" for name in empty) if empty else ""


def _search_text(node: Node) -> str:
    """What ``/`` matches in a node's row: its type, detail and field."""
    return f"{node.type} {node.detail} {node.field or ''}"


@dataclass(frozen=True, slots=True)
class AstLayout:
    """The outline and the widest row, built off the UI thread (~50 ms at 400k nodes)."""

    outline: Outline
    width: int


def layout_ast(analysis: Analysis) -> AstLayout:
    """Build the rows of ``analysis``'s tree (pure: safe to call from a worker thread)."""
    nodes = analysis.nodes
    if len(nodes) <= _EXACT_WIDTH_NODES:
        if SHOW_EMPTY_FIELDS:
            width = max((_row_width(n) + len(_empty_text(nodes, n)) for n in nodes), default=0)
        else:
            width = max(map(_row_width, nodes), default=0)
    else:
        # An upper bound, from C-speed passes: exact widths would cost far more.
        deepest = max(map(_depth, nodes))
        longest_detail = max(map(len, map(_detail, nodes)))
        span_width = 2 * len(str(len(analysis.source.lines))) + 12
        width = _GUIDE_WIDTH * (deepest + 1) + 40 + longest_detail + span_width
        width += 40 if SHOW_EMPTY_FIELDS else 0
    return AstLayout(Outline(nodes), width)


class AstPane(LinePane):
    """Every node of the AST, labelled ``field: Type detail  span``, foldable.

    | Class | Description |
    | :- | :- |
    | `ast-pane--type` | Node type names. |
    | `ast-pane--field` | The parent field holding a node. |
    | `ast-pane--guide` | The tree's guide lines and fold icons. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {
        "ast-pane--type",
        "ast-pane--field",
        "ast-pane--guide",
    }

    COMMANDS: ClassVar[tuple[Command, ...]] = (
        Command("pane.up", "up", "cursor(-1)", "Up", "Previous node"),
        Command("pane.down", "down", "cursor(1)", "Down", "Next node"),
        Command("pane.page_up", "pageup", "page(-1)", "Page up", "One screen up"),
        Command("pane.page_down", "pagedown", "page(1)", "Page down", "One screen down"),
        Command("pane.first", "home,ctrl+home", "first", "First node", "The Module node"),
        Command("pane.last", "end,ctrl+end", "last", "Last node", "The last node shown"),
        Command(
            "ast.unfold",
            "right",
            "unfold_or_enter",
            "Unfold",
            "Unfold the node, or go to its child",
        ),
        Command("ast.fold", "left", "fold_or_parent", "Fold", "Fold the node, or go to its parent"),
        Command("ast.toggle", "space", "toggle_fold", "Fold/unfold", "Fold or unfold the node"),
        Command("ast.unfold_all", "e", "unfold_below", "Unfold all", "Unfold everything below"),
        Command(
            "ast.fold_children",
            "minus",
            "fold_children",
            "Fold children",
            "Fold the node's children: an outline of its parts",
        ),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMANDS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._outline = Outline(())
        self._selection: Selection | None = None

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> AstLayout:
        return layout_ast(analysis)

    def show_analysis(self, analysis: Analysis, layout: AstLayout | None = None) -> None:
        """Show the tree of ``analysis`` (``layout``: from :func:`layout_ast`)."""
        layout = layout or layout_ast(analysis)
        self._analysis = analysis
        self._outline = layout.outline
        self._selection = None
        self.reset_rows(layout.width)

    # -- rows --------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._outline.row_count

    def node_at(self, row: int) -> int:
        """The id of the node shown on ``row``."""
        return self._outline.node_at(row)

    def item_at(self, row: int) -> tuple[Origin, int] | None:
        return "node", self.node_at(row)

    def title_detail(self) -> str:
        if self._analysis is None or not self._analysis.nodes:
            return ""
        count = len(self._analysis.nodes)
        return f"{count:,} node" + ("" if count == 1 else "s")

    def stage_message(self, analysis: Analysis) -> Text | None:
        if analysis.pyc is not None:
            return no_source_text(analysis)
        error = analysis.error_in("decode") or analysis.error_in("parse")
        if error is None:
            return None
        return stage_error_text(error, "No AST without a program that parses")

    @property
    def cursor_node_id(self) -> int | None:
        """The id of the node under the cursor (None when there is no tree)."""
        return self.node_at(self.cursor_row) if self.row_count else None

    @property
    def primary_nodes(self) -> frozenset[int]:
        """AST node ids marked as matching the selection."""
        return frozenset(self._selection.links.nodes) if self._selection else frozenset()

    @property
    def folded_nodes(self) -> frozenset[int]:
        """Ids of the nodes whose children are folded away."""
        return self._outline.folded

    def _guides(self, node: Node) -> str:
        """The guide lines left of a row: one column pair per ancestor below the module."""
        if node.parent is None:
            return ""
        assert self._analysis is not None
        outline, nodes = self._outline, self._analysis.nodes
        parts = ["├─" if outline.has_next_sibling(node.id) else "└─"]
        ancestor = nodes[node.parent]
        while ancestor.parent is not None:
            parts.append("│ " if outline.has_next_sibling(ancestor.id) else "  ")
            ancestor = nodes[ancestor.parent]
        parts.reverse()
        return "".join(parts)

    def _icon(self, node: Node) -> str:
        if self._outline.has_children(node.id):
            return _ICON_FOLDED if self._outline.is_folded(node.id) else _ICON_OPEN
        return _ICON_LEAF if node.parent is not None else ""

    def row_text(self, row: int) -> Text:
        assert self._analysis is not None
        node = self._analysis.nodes[self.node_at(row)]

        def styled(text: str, component: str) -> tuple[str, Style]:
            return text, self.component_style(component, text_only=True)

        parts: list[tuple[str, Style] | str] = [
            styled(self._guides(node) + self._icon(node), "ast-pane--guide")
        ]
        if node.field is not None:
            parts.append(styled(f"{node.label}: ", "ast-pane--field"))
        parts.append(styled(node.type, "ast-pane--type"))
        if node.detail:
            parts.append(" " + node.detail)
        if node.span is not None:
            parts.append(styled(f"  {node.span}", "line-pane--muted"))
        if SHOW_EMPTY_FIELDS and (empty := _empty_text(self._analysis.nodes, node)):
            parts.append(styled(empty, "line-pane--muted"))
        return Text.assemble(*parts, no_wrap=True, end="")

    def search_text(self, row: int) -> str:
        assert self._analysis is not None
        return _search_text(self._analysis.nodes[self.node_at(row)])

    # -- selection ---------------------------------------------------------------------------------

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        rows = []
        for node_id in selection.links.nodes:
            shown = self._outline.shown_node(node_id)
            row = self._outline.row_of(shown) if shown is not None else None
            if row is not None:
                rows.append(row)
        return rows, ()

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        if not selection.links.nodes:
            return None
        shown = self._outline.shown_node(selection.links.nodes[0])
        return self._outline.row_of(shown) if shown is not None else None

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        """Mark the selection's nodes; unless it came from here, unfold to and move to the first."""
        self._selection = selection
        if not from_here and selection.links.nodes:
            shown = self._outline.shown_node(selection.links.nodes[0])
            if shown is not None and self._outline.reveal(shown):
                self._rows_changed(keep=None)
        super().show_selection(selection, from_here=from_here)

    # -- folding -----------------------------------------------------------------------------------

    def _rows_changed(self, keep: int | None) -> None:
        """Rows came or went: repaint all, remark, and keep the cursor on node ``keep``."""
        self.rows_changed()
        if keep is not None:
            row = self._outline.row_of(keep)
            if row is not None:
                self.set_reactive(LinePane.cursor_row, row)
                self.scroll_to_row(row)
        if self._selection is not None:
            primary, secondary = self.marks_for(self._selection)
            self.set_marks(frozenset(primary), frozenset(secondary))

    def _fold(self, node_id: int, *, fold: bool) -> None:
        changed = self._outline.fold(node_id) if fold else self._outline.unfold([node_id])
        if changed:
            self._rows_changed(keep=node_id)

    def action_unfold_or_enter(self) -> None:
        """Unfold the node under the cursor, or step into its first child."""
        node_id = self.cursor_node_id
        if node_id is None:
            return
        if self._outline.is_folded(node_id):
            self._fold(node_id, fold=False)
        elif self._outline.has_children(node_id):
            self.move_cursor(self.cursor_row + 1, user=True)

    def action_fold_or_parent(self) -> None:
        """Fold the node under the cursor, or go to its parent."""
        node_id = self.cursor_node_id
        if node_id is None or self._analysis is None:
            return
        if self._outline.has_children(node_id) and not self._outline.is_folded(node_id):
            self._fold(node_id, fold=True)
            return
        parent = self._analysis.nodes[node_id].parent
        row = self._outline.row_of(parent) if parent is not None else None
        if row is not None:
            self.move_cursor(row, user=True)

    def action_toggle_fold(self) -> None:
        """Fold or unfold the node under the cursor."""
        node_id = self.cursor_node_id
        if node_id is not None:
            self._fold(node_id, fold=not self._outline.is_folded(node_id))

    def action_unfold_below(self) -> None:
        """Unfold the node under the cursor and everything inside it."""
        node_id = self.cursor_node_id
        if node_id is not None and self._outline.unfold_below(node_id):
            self._rows_changed(keep=node_id)

    def action_fold_children(self) -> None:
        """Fold each child of the node under the cursor: an overview of its direct parts."""
        node_id = self.cursor_node_id
        if node_id is None or self._analysis is None:
            return
        nodes = self._analysis.nodes
        node = nodes[node_id]
        child = node_id + 1
        children = []
        while child < node.end:
            children.append(child)
            child = nodes[child].end
        if self._outline.fold_many(children):
            self._rows_changed(keep=node_id)

    def on_click(self, event: Click) -> None:
        """A click on a fold icon toggles it; elsewhere LinePane's handler selects the row."""
        row = self.scroll_offset.y + event.y
        if self._analysis is None or not 0 <= row < self.row_count:
            return
        node_id = self.node_at(row)
        icon_at = _GUIDE_WIDTH * self._analysis.nodes[node_id].depth
        if icon_at <= self.scroll_offset.x + event.x < icon_at + 2:
            event.prevent_default()  # Textual would call LinePane.on_click next
            self.focus()
            self.move_cursor(row, user=True)
            self._fold(node_id, fold=not self._outline.is_folded(node_id))

    # -- search ------------------------------------------------------------------------------------

    def search(self, term: str, *, backwards: bool = False, skip_current: bool = True) -> bool:
        """Find the next node (in preorder, folded ones too) whose type, detail or field
        contains ``term``."""
        if self._analysis is None or not term:
            return False
        nodes = self._analysis.nodes
        needle = term.casefold()
        current = self.cursor_node_id or 0
        step = -1 if backwards else 1
        count = len(nodes)
        for i in range(0 if not skip_current else 1, count + 1):
            node = nodes[(current + step * i) % count]
            if node.type in CONTEXTS:
                continue
            if needle in _search_text(node).casefold():
                if self._outline.reveal(node.id):
                    self._rows_changed(keep=None)
                row = self._outline.row_of(node.id)
                if row is not None:
                    self.move_cursor(row, user=True)
                    return True
        return False


PANE = PaneSpec(
    "ast",
    "AST",
    "3",
    AstPane,
    "The tree the parser builds from the tokens, one node a row: the field of its parent "
    "that holds it, its type, a detail (a name, a value, an operator) and its span. Fold and "
    "unfold it with the arrows to read a statement's outline.",
    selects=("node",),
)
