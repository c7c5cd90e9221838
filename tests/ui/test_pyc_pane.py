"""The .pyc pane: hidden until asked for, then the bytes follow the selection."""

from __future__ import annotations

import dis
import importlib.util
from pathlib import Path

from textual.pilot import Pilot

from tests.import_cache import cached_by_import
from tests.ui.helpers import app_for, ready
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.panes.pyc import INSTRUCTION, LINE_ENTRY, PycPane

PROGRAM = "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n"


def pyc_pane(app: TuiExecApp) -> PycPane:
    return app.view("pyc", PycPane)


async def open_pyc(pilot: Pilot[int]) -> PycPane:
    app = await ready(pilot)
    await pilot.press("7")
    await app.workers.wait_for_complete()
    await pilot.pause()
    pane = pyc_pane(app)
    assert app.focused is pane and pane.pyc_layout is not None
    return pane


async def test_hidden_until_its_key_and_built_only_then(tmp_path: Path) -> None:
    path = tmp_path / "add.py"
    path.write_text(PROGRAM)
    app = app_for(PROGRAM, str(path), path=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert not app.panels["pyc"].shown and pyc_pane(app).pyc_layout is None
        pane = await open_pyc(pilot)
        layout = pane.pyc_layout
        assert layout is not None
        assert layout.pyc.data == cached_by_import(path)
        assert layout.cache_path == str(tmp_path / "__pycache__" / reference_name(path))
        assert not (tmp_path / "__pycache__").exists()  # nothing written
        assert "not written" in str(app.panels["pyc"].border_title)


def reference_name(path: Path) -> str:
    return Path(importlib.util.cache_from_source(str(path))).name


async def test_an_instruction_lights_its_bytes_and_its_linetable_entry() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_pyc(pilot)
        assert app.analysis is not None
        binary = next(i for i in app.analysis.instructions if i.opname == "BINARY_OP")
        app.select("instruction", binary.id)
        await pilot.pause()
        layout = pane.pyc_layout
        assert layout is not None
        row = layout.rows[pane.cursor_row]
        assert row.kind == INSTRUCTION and row.instruction == binary.id
        assert pane.primary_rows == {pane.cursor_row}
        data = layout.pyc.data
        assert data[row.start] == dis.opmap["BINARY_OP"] and data[row.start + 1] == binary.arg
        # opcode, argument, then its CACHE entries (1 on 3.11-3.13, 5 from 3.14): up to the
        # next instruction dis lists
        following = app.analysis.instructions[binary.id + 1]
        assert following.code == binary.code and following.offset - binary.offset >= 4
        assert row.end - row.start == following.offset - binary.offset
        (entry_row,) = pane.secondary_rows
        entry = layout.rows[entry_row]
        assert entry.kind == LINE_ENTRY and entry.code == binary.code
        assert data[entry.start] & 0x80  # the first byte of a co_linetable entry


async def test_a_code_object_lights_its_whole_extent_and_rows_select_back() -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_pyc(pilot)
        layout = pane.pyc_layout
        assert layout is not None
        first, last = layout.code_rows[1]
        app.select("code", 1)
        await pilot.pause()
        assert pane.cursor_row == first and pane.primary_rows == {first}
        assert pane.secondary_rows == set(range(first + 1, last + 1))
        heading = layout.rows[first]
        assert "add" in heading.label and heading.end - heading.start > 0
        # Moving in the pane selects what is under the cursor in every pane.
        for _ in range(len(layout.rows)):
            await pilot.press("down")
            if layout.rows[pane.cursor_row].kind == INSTRUCTION:
                break
        picked = layout.rows[pane.cursor_row].instruction
        assert app.selection is not None and app.selection.origin == "instruction"
        assert app.selection.item == picked
        assert app.bytecode_pane.instruction_at(app.bytecode_pane.cursor_row) == picked


async def test_a_program_that_does_not_compile_says_why() -> None:
    app = app_for("x = (\n")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("7")
        await pilot.pause()
        assert app.panels["pyc"].has_class("-message")
        assert pyc_pane(app).pyc_layout is None


async def test_opened_late_it_shows_the_selection_made_before() -> None:
    program = "".join(f"v{i} = {i}\n" for i in range(60)) + "print(v59 + 1)\n"
    app = app_for(program)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.select("source", (61, 7))  # v59 in the last line
        pane = await open_pyc(pilot)
        await pilot.pause()
        layout = pane.pyc_layout
        assert layout is not None
        row = layout.rows[pane.cursor_row]
        assert row.kind == INSTRUCTION and pane.cursor_row in pane.primary_rows
        top = pane.scroll_offset.y
        assert top <= pane.cursor_row < top + pane.scrollable_content_region.height
