"""Small helpers for turning component styles into text styles."""

from __future__ import annotations

from rich.style import Style


def foreground(style: Style) -> Style:
    """``style`` without its background, so text keeps the pane's (or a mark's) background.

    Component styles resolved in full carry a background; stacking them on a row would paint
    each word's box. Resolved partially, colours with alpha (``$text-muted``) are not blended
    and come out wrong. So resolve in full, then drop the background.
    """
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        reverse=style.reverse,
        strike=style.strike,
    )
