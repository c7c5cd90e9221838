"""The one selection every pane shows: where it came from, and what it links to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core import Links, SpanIndex

Origin = Literal["source", "token", "node", "instruction", "code", "step"]


@dataclass(frozen=True, slots=True)
class Selection:
    """A selected item and the cross-stage links the core computed for it."""

    origin: Origin
    """Which kind of item the user selected."""
    item: int | tuple[int, int]
    """A token, node, instruction, code-object id or run step; for the source, (line, col)."""
    links: Links


def links_for(index: SpanIndex, origin: Origin, item: int | tuple[int, int]) -> Links:
    """What ``item`` links to in every stage (run steps resolve to their instruction first)."""
    if origin == "source":
        assert isinstance(item, tuple)
        return index.at(*item)
    assert isinstance(item, int)
    if origin == "token":
        return index.for_token(item)
    if origin == "node":
        return index.for_node(item)
    if origin == "code":
        return index.for_code(item)
    if origin == "instruction":
        return index.for_instruction(item)
    raise ValueError(f"no static links for a {origin!r}")
