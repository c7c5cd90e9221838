"""Pane layouts are computed in the analysis worker: pure functions of an Analysis."""

from __future__ import annotations

import dis
import threading

from rich.cells import cell_len

from tests.ui.helpers import UNICODE
from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code
from tui_exec.ui.panes import layout_panes

PROGRAM = UNICODE + "def f(x):\n\treturn [y for y in x]\n"


def test_layouts_need_no_app_and_run_in_any_thread() -> None:
    analysis = analyze(PROGRAM)
    found: list[dict[str, object]] = []
    worker = threading.Thread(target=lambda: found.append(layout_panes(analysis)))
    worker.start()
    worker.join()
    (layouts,) = found
    # The source's widest line counts wide characters twice and expands the tab to 4 cells.
    expected = max(cell_len(line.replace("\t", "    ")) for line in analysis.source.lines)
    assert layouts["source"].longest_line == expected
    assert layouts["source"].number_width == 1
    # Bytecode: one row per instruction, plus a heading per code object and a gap before each
    # code object after the first, and one row per exception-table entry.
    codes = len(analysis.code_objects)
    assert analysis.module_code is not None
    entries = sum(
        len(dis._parse_exception_table(code))  # type: ignore[attr-defined]
        for code, _ in walk_code(analysis.module_code)
    )
    assert len(layouts["bytecode"].rows) == len(analysis.instructions) + 2 * codes - 1 + entries
    assert layouts["ast"].outline.row_count == sum(
        1 for n in analysis.nodes if n.type not in ("Load", "Store", "Del")
    )
