"""Program output made safe to draw: no byte a program writes may reach the terminal as such.

A program's ``print("\\x1b[2J")`` or ``os.system("clear")`` would otherwise clear or garble the
whole app. Colour codes (SGR: ``ESC [ ... m``) are dropped; every other control character is
shown as its Unicode picture (``␛[2J``), and tabs are expanded over what is left.
"""

from __future__ import annotations

import re

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
