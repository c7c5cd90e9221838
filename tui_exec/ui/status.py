"""The status line: one sentence naming the selection, and the stage errors."""

from __future__ import annotations

from rich.text import Text

from ..core import Analysis
from .selection import Selection


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"


def describe_selection(analysis: Analysis, selection: Selection) -> Text:
    """E.g. ``BinOp 3:6–11 · 3 tokens · BINARY_OP @14``."""
    links = selection.links
    parts: list[str] = []
    if selection.origin == "source":
        line, col = selection.item  # type: ignore[misc]
        parts.append(f"{line}:{col}")
    if selection.origin == "code":
        code = analysis.code_objects[selection.item]  # type: ignore[index]
        parts.append(f"code object {code.qualname} (line {code.firstlineno})")
    if selection.origin == "step":
        parts.append(f"step {selection.item + 1:,}")  # type: ignore[operator]
    if selection.origin in ("instruction", "step") and links.instructions:
        ins = analysis.instructions[links.instructions[0]]
        code = analysis.code_objects[ins.code]
        parts.append(f"{ins.opname} @{ins.offset} in {code.qualname}")
    if links.tokens and selection.origin in ("source", "token"):
        token = analysis.tokens[links.tokens[0]]
        parts.append(f"{token.exact_type} {token.string!r}")
    if links.nodes:
        node = analysis.nodes[links.nodes[0]]
        where = f" {node.span}" if node.span is not None else ""
        names = " + ".join(analysis.nodes[n].type for n in links.nodes)
        parts.append(f"{names}{where}")
    if selection.origin in ("node", "instruction", "code", "step") and links.span is not None:
        parts.append(_count(len(links.tokens), "token"))
    if selection.origin not in ("instruction", "code", "step"):
        if links.instructions:
            first = analysis.instructions[links.instructions[0]]
            more = len(links.instructions) - 1
            parts.append(f"{first.opname} @{first.offset}" + (f" +{more}" if more else ""))
        if links.secondary_instructions:
            word = "inside" if selection.origin == "node" else "around"
            parts.append(f"{len(links.secondary_instructions):,} more {word}")
        if not links.instructions and not links.secondary_instructions and analysis.compiled:
            parts.append("no instruction")
    if analysis.pyc is not None and links.instructions:
        line = analysis.instructions[links.instructions[0]].line
        parts.append(f"line {line} of the source" if line else "no line")
    elif links.note:
        parts.append(links.note)
    return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")


def describe_errors(analysis: Analysis) -> Text:
    """One line per stage error (and compiler warning)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for error in analysis.errors:
        if text:
            text.append("\n")
        text.append("✗ ", "bold red")
        text.append(f"{error.stage}: ", "bold")
        text.append(error.describe())
    for warning in analysis.warnings:
        if text:
            text.append("\n")
        text.append("! ", "bold yellow")
        text.append(warning.describe())
    return text
