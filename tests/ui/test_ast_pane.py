"""The AST pane's outline: folding, row ↔ node lookups, and syncing into folded subtrees."""

from __future__ import annotations

import random

from tests.ui.helpers import app_for, ready
from tui_exec.core import analyze
from tui_exec.ui.panes.outline import CONTEXTS, Outline

PROGRAM = """\
import os

def area(width, height):
    total = width * height
    return total

class Box:
    size = [1, 2, 3]

    def grow(self, by):
        self.size = [s + by for s in self.size]

print(area(2, 3) + Box().size[0])
"""


def visible_by_brute_force(outline: Outline, nodes: list) -> list[int]:  # type: ignore[type-arg]
    """The rows as their definition says: non-context nodes without a folded ancestor."""
    rows = []
    for node in nodes:
        if node.type in CONTEXTS:
            continue
        parent = node.parent
        while parent is not None and not outline.is_folded(parent):
            parent = nodes[parent].parent
        if parent is None:
            rows.append(node.id)
    return rows


def test_outline_matches_brute_force_under_random_folds() -> None:
    nodes = analyze(PROGRAM).nodes
    outline = Outline(nodes)
    rng = random.Random(7)
    parents = [n.id for n in nodes if outline.has_children(n.id)]
    for _ in range(300):
        node_id = rng.choice(parents)
        if rng.random() < 0.6:
            outline.fold(node_id)
        else:
            outline.unfold([node_id])
        expected = visible_by_brute_force(outline, nodes)
        assert outline.row_count == len(expected)
        assert [outline.node_at(row) for row in range(outline.row_count)] == expected
        rows = {node_id: row for row, node_id in enumerate(expected)}
        assert all(outline.row_of(n.id) == rows.get(n.id) for n in nodes)


def test_outline_reveal_unfolds_only_the_ancestors() -> None:
    nodes = analyze(PROGRAM).nodes
    outline = Outline(nodes)
    plus = [n for n in nodes if n.type == "BinOp" and n.detail == "Add"][-1]  # the last line
    grow = next(n for n in nodes if n.detail == "'grow'")
    outline.fold_many([0, grow.id])
    assert outline.row_count == 1 and outline.row_of(plus.id) is None
    assert outline.reveal(plus.id)
    assert outline.row_of(plus.id) is not None
    assert outline.is_folded(grow.id)  # off the path: still folded
    assert not outline.reveal(plus.id)  # nothing left to do


def test_context_nodes_are_never_rows_but_name_their_parent() -> None:
    nodes = analyze("x = y\n").nodes
    outline = Outline(nodes)
    store = next(n for n in nodes if n.type == "Store")
    assert outline.row_of(store.id) is None
    assert outline.shown_node(store.id) == store.parent
    name = nodes[store.parent]  # type: ignore[index]
    assert not outline.has_children(name.id)  # a lone Store is not a child row


async def test_left_folds_right_unfolds_and_the_cursor_stays() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        pane = app.ast_pane
        area = next(n.id for n in app.analysis.nodes if n.detail == "'area'")
        await pilot.press("3", "slash", *"area", "enter")
        await pilot.pause()
        assert pane.cursor_node_id == area
        rows = pane.row_count
        await pilot.press("left")
        assert pane.folded_nodes == {area}
        assert pane.cursor_node_id == area
        assert pane.row_count < rows
        assert "▸" in pane.row_text(pane.cursor_row).plain
        await pilot.press("left")  # folded already: go to the parent
        assert pane.cursor_node_id == 0
        await pilot.press("slash", *"area", "enter", "right")
        assert pane.folded_nodes == frozenset() and pane.row_count == rows
        await pilot.press("right")  # unfolded: step into the first child
        assert app.analysis.nodes[pane.cursor_node_id or 0].parent == area


async def test_syncing_unfolds_the_path_to_the_selected_node() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        pane = app.ast_pane
        await pilot.press("3", "home", "minus")  # fold every top-level statement
        statements = sum(1 for n in app.analysis.nodes if n.parent == 0)
        assert pane.row_count == 1 + statements
        # Now put the source cursor on the `+` of the last line.
        await pilot.press("1", "g", *"13:17", "enter")
        await pilot.pause()
        assert (app.source_pane.cursor_line, app.source_pane.cursor_col) == (13, 17)
        (plus,) = pane.primary_nodes
        assert app.analysis.nodes[plus].type == "BinOp"
        assert pane.cursor_node_id == plus
        assert pane.primary_rows == {pane.cursor_row}
        last_statement = max(n.id for n in app.analysis.nodes if n.parent == 0)
        assert last_statement not in pane.folded_nodes
        assert len(pane.folded_nodes) == statements - 1  # the others stay folded


async def test_search_finds_nodes_inside_folds_and_unfold_below_opens_all() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        pane = app.ast_pane
        await pilot.press("3", "home", "minus", "slash", *"ListComp", "enter")
        await pilot.pause()
        cursor = pane.cursor_node_id
        assert cursor is not None and app.analysis.nodes[cursor].type == "ListComp"
        await pilot.press("home", "e")
        assert pane.folded_nodes == frozenset()
        assert pane.row_count == sum(1 for n in app.analysis.nodes if n.type not in CONTEXTS)


async def test_clicking_a_fold_icon_toggles_it() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        pane = app.ast_pane
        rows = pane.row_count
        await pilot.press("3", "home", "1")  # scrolled to the top, focus elsewhere
        await pilot.click("#ast-view", offset=(0, 0))  # the module's ▾
        assert pane.folded_nodes == {0} and pane.row_count == 1
        assert app.focused is pane
        await pilot.click("#ast-view", offset=(0, 0))
        assert pane.row_count == rows
        await pilot.click("#ast-view", offset=(12, 1))  # a label, not an icon: select it
        assert pane.cursor_row == 1 and pane.folded_nodes == frozenset()
        assert app.ast_pane.primary_nodes == {pane.node_at(1)}


async def test_small_trees_are_exactly_as_wide_as_their_widest_row() -> None:
    app = app_for(PROGRAM + 'print("中文 😀")\n')
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        pane = app.ast_pane
        widest = max(pane.row_text(row).cell_len for row in range(pane.row_count))
        assert pane.virtual_size.width == widest
