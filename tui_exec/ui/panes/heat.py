"""Execution counts as a number plus a heat colour (the number alone carries it without colour)."""

from __future__ import annotations

import math

from rich.style import Style

# A 256-colour ramp from cool to hot: distinct over SSH, where truecolor is rare.
_RAMP = (
    Style(color="grey11", bgcolor="grey35"),
    Style(color="grey11", bgcolor="dark_khaki"),
    Style(color="grey11", bgcolor="gold3"),
    Style(color="grey11", bgcolor="dark_orange"),
    Style(color="grey93", bgcolor="red3", bold=True),
)
NEVER = Style(dim=True)
WIDTH = 8
"""Cells taken by a count column (7 digits and a space)."""


def heat_style(count: int, hottest: int) -> Style:
    """The ramp colour for ``count`` on a log scale up to ``hottest`` (dim for 0)."""
    if count <= 0 or hottest <= 0:
        return NEVER
    level = math.log1p(count) / math.log1p(hottest)
    return _RAMP[min(int(level * len(_RAMP)), len(_RAMP) - 1)]


def count_text(count: int) -> str:
    """``   1.2M `` style: right-aligned, at most 7 characters."""
    if count <= 0:
        return f"{'·':>{WIDTH - 1}} "
    if count < 1_000_000:
        return f"{count:>{WIDTH - 1},} "
    return f"{count / 1_000_000:>{WIDTH - 2}.1f}M "
