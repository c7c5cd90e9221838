"""Every demo and the largest stdlib files open headless without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.stdlib_files import stdlib_files
from tests.ui.helpers import app_for, ready

DEMOS = sorted((Path(__file__).parent.parent.parent / "demo_scripts").glob("*.py"))
LARGEST = sorted(stdlib_files(), key=lambda p: p.stat().st_size)[-3:]


@pytest.mark.parametrize("path", DEMOS + LARGEST, ids=lambda p: p.name)
async def test_opens_and_every_pane_fills(path: Path) -> None:
    app = app_for(path.read_bytes(), str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.source_pane.row_count > 0
        assert app.tokens_pane.row_count > 0
        await pilot.press("ctrl+end", "2", "end", "3", "down", "4", "end")
        await pilot.pause()
        assert app.selection is not None


async def test_the_built_in_sample_opens_and_compiles() -> None:
    from tui_exec.sample import SAMPLE_NAME, SAMPLE_PROGRAM

    app = app_for(SAMPLE_PROGRAM, SAMPLE_NAME)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        assert app.analysis.errors == () and app.analysis.compiled


async def test_deep_nesting_and_binary_input_do_not_crash() -> None:
    nested = "x = " + "[" * 150 + "]" * 150 + "\n"
    for source in (nested, "x = (" * 3000, "a = 1\n\x00\n"):
        app = app_for(source)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("down", "2", "down", "3", "4")
