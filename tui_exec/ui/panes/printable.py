"""Program output made safe to draw: no byte a program writes may reach the terminal as such.

A program's ``print("\\x1b[2J")`` or ``os.system("clear")`` would otherwise clear or garble the
whole app. Colour codes (SGR: ``ESC [ ... m``) are taken out of the text: the Output pane
draws them as colours (:func:`styled_lines`), other panes drop them; every other control
character is shown as its Unicode picture (``␛[2J``), and tabs are expanded over what is left.
"""

from __future__ import annotations

import re

from rich.ansi import AnsiDecoder
from rich.style import Style

TAB_SIZE = 8
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_PICTURES = {c: chr(0x2400 + c) for c in range(32) if c != 9} | {0x7F: "\u2421"}


def printable_lines(text: str) -> list[str]:
    """``text`` as lines a terminal draws literally: split on newlines only (as a terminal
    does, not on form feeds or \\u2028), colour codes dropped, control characters pictured."""
    text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return [
        _SGR.sub("", line).translate(_PICTURES).expandtabs(TAB_SIZE) for line in text.split("\n")
    ]


Spans = tuple[tuple[int, int, Style], ...]
"""Where a line's colours go: (start, end, style), in characters of the drawn line."""


def styled_lines(text: str) -> list[tuple[str, Spans]]:
    """``text`` as :func:`printable_lines` draws it, each line with the colours its SGR codes
    asked for (a colour set on one line lasts until a code resets it, as in a terminal)."""
    decoder = AnsiDecoder()  # keeps the style the codes so far add up to
    style: Style | None = None
    text = text.replace("\r\n", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    styled: list[tuple[str, Spans]] = []
    for line in text.split("\n"):
        pieces: list[str] = []
        spans: list[tuple[int, int, Style]] = []
        column = position = 0
        codes = list(_SGR.finditer(line)) if "\x1b" in line else []
        for end, code in [*((c.start(), c) for c in codes), (len(line), None)]:
            piece = _expand(line[position:end].translate(_PICTURES), column)
            if piece and style:
                spans.append((column, column + len(piece), style))
            pieces.append(piece)
            column += len(piece)
            if code is not None:
                decoder.decode_line(code.group())
                style = decoder.style or None
                position = code.end()
        styled.append(("".join(pieces), tuple(spans)))
    return styled


def _expand(piece: str, column: int) -> str:
    """``piece`` with its tabs expanded as if it started at ``column``."""
    if "\t" not in piece:
        return piece
    out: list[str] = []
    for char in piece:
        if char == "\t":
            width = TAB_SIZE - (column % TAB_SIZE)
            out.append(" " * width)
            column += width
        else:
            out.append(char)
            column += 1
    return "".join(out)
