"""The one selection every pane shows: where it came from, and what it links to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core import Links

Origin = Literal["source", "token", "node", "instruction", "code", "step"]


@dataclass(frozen=True, slots=True)
class Selection:
    """A selected item and the cross-stage links the core computed for it."""

    origin: Origin
    """Which kind of item the user selected."""
    item: int | tuple[int, int]
    """A token, node, instruction, code-object id or run step; for the source, (line, col)."""
    links: Links
