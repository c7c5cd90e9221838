"""Small pieces of the words tui-exec shows: counts with their nouns."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``1 line``, ``2 lines``, ``0 lines``: a count and its noun, plural unless one."""
    return f"{count} {noun}" + ("" if count == 1 else "s")
