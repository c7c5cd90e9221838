"""Screen snapshots where layout matters: the main screen at two sizes, and the error view.

Bytecode differs between CPython versions, so the baselines are those of CPython 3.11 (the
version CI runs the whole suite under); other versions skip. Regenerate with
``uv run pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import app_for, ready

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"

pytestmark = pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="snapshot baselines show CPython 3.11 bytecode"
)


async def _analysed(pilot: Pilot[int]) -> None:
    await ready(pilot)


def _demo(name: str):  # type: ignore[no-untyped-def]
    path = DEMOS / name
    return app_for(path.read_bytes(), f"demo_scripts/{name}")


class TestMainScreen:
    """The four panes in sync, with the cursor on `+` of `print(x + y)`."""

    KEYS = ["down", "down", "down", "down", *["right"] * 8]

    def test_wide_terminal(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            _demo("classic.py"), press=self.KEYS, terminal_size=(160, 50), run_before=_analysed
        )

    def test_80x24_stacks_the_panes(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            _demo("classic.py"), press=self.KEYS, terminal_size=(80, 24), run_before=_analysed
        )

    def test_bytecode_pane_focused_at_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            _demo("classic.py"),
            press=[*self.KEYS, "4"],
            terminal_size=(80, 24),
            run_before=_analysed,
        )


class TestErrorView:
    """A syntax error: marked in the source, tokens kept, AST and bytecode explain it."""

    def test_syntax_error(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(_demo("syntax_error.py"), terminal_size=(160, 50), run_before=_analysed)


class TestControlFlow:
    """Jump arrows, block ends and the exception table in the bytecode pane, at 80x24."""

    def test_loop_arrows(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            _demo("fibonacci.py"),
            press=["4", "slash", *"JUMP_BACK", "enter"],
            terminal_size=(80, 24),
            run_before=_analysed,
        )

    def test_handler_highlights_its_range(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            _demo("exceptions.py"),
            press=["4", "z", "slash", *"PUSH_EXC", "enter"],
            terminal_size=(80, 24),
            run_before=_analysed,
        )
