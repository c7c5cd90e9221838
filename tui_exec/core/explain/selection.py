"""The Explain pane's words for one selection, as plain data.

What the selected token, node, instruction or code object is, in paragraphs of styled pieces:
the pane draws them with Rich, the HTML export with tags, and neither decides what is said.
Everything here is true for the running Python (its opcode words, stack effects, tables).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from types import CodeType
from typing import Literal, NamedTuple

from ..analysis import Analysis
from ..arguments import TableEntry, entry_value, table_entries
from ..bytecode import walk_code
from ..index import Links
from ..stack import StackEntry, stack_after, stack_before
from ..words import counted
from .caches import inline_cache
from .codes import code_object_role
from .nodes import node_explanation
from .opcodes import opcode_explanation
from .tokens import token_category

Style = Literal["", "strong", "quiet", "mark"]
"""How a piece reads: plain, a heading or label (strong), an aside (quiet), or the entry of a
table an argument reads (mark)."""


class Piece(NamedTuple):
    """A run of text in one style."""

    text: str
    style: Style = ""


Paragraph = tuple[Piece, ...]
"""One line of the explanation (the pane wraps it to its width)."""

SelectionKind = Literal["source", "token", "node", "instruction", "code", "step"]

HINT: Paragraph = (Piece("Move in any pane: this one says what is selected.", "quiet"),)
"""What the pane says before anything is selected."""

# The code flags a learner meets, in our words (inspect.CO_* gives the bits).
_FLAGS = (
    (inspect.CO_OPTIMIZED, "optimized: its local variables live in fast slots"),
    (inspect.CO_NEWLOCALS, "new locals: each call gets its own namespace"),
    (inspect.CO_VARARGS, "*args: takes extra positional arguments"),
    (inspect.CO_VARKEYWORDS, "**kwargs: takes extra keyword arguments"),
    (inspect.CO_NESTED, "nested: defined inside another function"),
    (inspect.CO_GENERATOR, "generator: calling it makes a generator"),
    (inspect.CO_COROUTINE, "coroutine: an async def"),
    (inspect.CO_ASYNC_GENERATOR, "async generator"),
    (inspect.CO_ITERABLE_COROUTINE, "iterable coroutine (a decorated generator)"),
)

_AROUND = 3
"""Table entries shown on either side of the ones an argument reads."""

_CHILDREN = 12
"""A node's children listed before "… and N more"."""


def live_code_objects(analysis: Analysis) -> list[CodeType]:
    """The analysis's code objects in id order (none for a program that did not compile)."""
    module = analysis.module_code
    return [code for code, _ in walk_code(module)] if module is not None else []


def explain_selection(
    analysis: Analysis,
    kind: SelectionKind,
    item: int | tuple[int, int],
    links: Links,
    *,
    codes: Sequence[CodeType] = (),
    specialized: Mapping[int, Mapping[int, str]] | None = None,
) -> list[Paragraph]:
    """The paragraphs that explain a selection of ``kind`` (what the user moved in) and the
    ``links`` the span index gave it. ``codes`` are :func:`live_code_objects` (for the tables
    an argument reads); ``specialized`` names instructions as a run left them (code id →
    offset → name)."""
    parts: list[Paragraph] = []
    if kind in ("instruction", "step") and links.instructions:
        parts += explain_instruction(analysis, links.instructions[0], codes, specialized)
    elif kind == "code" and isinstance(item, int):
        parts += explain_code(analysis, item, codes)
    elif kind == "node" and links.nodes:
        parts += explain_node(analysis, links.nodes[0])
    elif links.tokens:
        parts += explain_token(analysis, links.tokens[0])
        if links.nodes:
            parts += [(), *explain_node(analysis, links.nodes[0])]
    elif kind == "source" and links.nodes:
        # The status line's rule (SpanIndex.at): on a space, the innermost node around it.
        parts += [
            (Piece("No token here: the node around this point is selected.", "quiet"),),
            *explain_node(analysis, links.nodes[0]),
        ]
    return parts or [(Piece("Nothing here to explain.", "quiet"),)]


def explain_token(analysis: Analysis, token_id: int) -> list[Paragraph]:
    """What kind of word a token is."""
    token = analysis.tokens[token_id]
    category = token_category(token.type, token.exact_type, token.string)
    exact = f" ({token.exact_type})" if token.exact_type != token.type else ""
    return [
        (
            Piece("Token ", "strong"),
            Piece(repr(token.string), "strong"),
            Piece(f" at {token.span}"),
        ),
        (Piece(f"{_article(category)} {category}: type {token.type}{exact}"),),
    ]


def explain_node(analysis: Analysis, node_id: int) -> list[Paragraph]:
    """A node: what its class is for, its children, and what it compiled to."""
    node = analysis.nodes[node_id]
    where = f" at {node.span}" if node.span is not None else " (no position of its own)"
    lines: list[Paragraph] = [
        (Piece("AST node ", "strong"), Piece(node.type, "strong"), Piece(where))
    ]
    meaning = node_explanation(node.type)
    if meaning:
        lines.append((Piece(meaning),))
    if node.detail:
        lines.append((Piece(f"shown as: {node.detail}"),))
    # Child to child, each subtree skipped whole: a class's body is not walked per key.
    count, child_id = 0, node.id + 1
    while child_id < node.end:
        child = analysis.nodes[child_id]
        if count < _CHILDREN:
            index = f"[{child.field_index}]" if child.field_index is not None else ""
            detail = f" {child.detail}" if child.detail else ""
            lines.append((Piece(f"  {child.field}{index}: {child.type}{detail}"),))
        count, child_id = count + 1, child.end
    if count > _CHILDREN:
        lines.append((Piece(f"  … and {count - _CHILDREN} more", "quiet"),))
    ids = analysis.index.instructions_for_node(node.id)
    if ids:
        names = ", ".join(analysis.instructions[i].opname for i in ids[:10])
        more = f", … ({len(ids)} in all)" if len(ids) > 10 else ""
        lines.append((Piece(f"compiled to: {names}{more}"),))
    return lines


def explain_instruction(
    analysis: Analysis,
    instruction_id: int,
    codes: Sequence[CodeType] = (),
    specialized: Mapping[int, Mapping[int, str]] | None = None,
) -> list[Paragraph]:
    """An instruction: what it does, its argument here, the value stack around it, its cache."""
    ins = analysis.instructions[instruction_id]
    code = analysis.code_objects[ins.code]
    name = ins.opname
    if specialized is not None:
        name = specialized.get(ins.code, {}).get(ins.offset, name)
    line = f", line {ins.line}" if ins.line else ""
    lines: list[Paragraph] = [
        (
            Piece("Instruction ", "strong"),
            Piece(name, "strong"),
            Piece(f" @{ins.offset} in {code.qualname}{line}"),
        )
    ]
    explained = opcode_explanation(name)
    if name != ins.opname:
        lines.append((Piece(f"specialized while running: compiled as {ins.opname}", "quiet"),))
    if explained is None:  # not even the running interpreter knows the name
        lines.append((Piece(f"tui-exec has no words for {name} yet.", "quiet"),))
    else:
        lines.append((Piece(explained.summary),))
        if explained.assumes:
            lines.append(_labelled("assumes", explained.assumes))
        lines.append(_labelled("stack", explained.stack))
        if explained.argument is not None:
            lines.append(_labelled("argument", explained.argument))
    if ins.arg is not None:
        code_object = codes[ins.code] if ins.code < len(codes) else None
        entries = table_entries(code_object, ins.opname, ins.arg) if code_object else ()
        if code_object is not None and entries:
            read = ", ".join(
                f"{entry.table}[{entry.position}] = {short_repr(entry_value(code_object, entry))}"
                for entry in entries
            )
            lines.append(_labelled("here", f"argument {ins.arg} → {read}"))
            lines += _tables(code_object, entries)
        else:
            here = f"{ins.arg}" + (f" → {ins.argrepr}" if ins.argrepr else "")
            lines.append(_labelled("here", f"argument {here}"))
    before = stack_before(analysis, instruction_id)
    if before is None:
        lines.append((Piece("never reached: no path from the start leads here", "quiet"),))
    else:
        after = stack_after(analysis, instruction_id)
        lines.append(_labelled("value stack before", stack_text(before)))
        if after is not None:
            lines.append(_labelled("value stack after", stack_text(after)))
    if ins.jump_target is not None:
        lines.append(_labelled("jumps to", f"offset {ins.jump_target}"))
    cache = inline_cache(ins.opname)
    if cache:
        units = sum(field.units for field in cache)
        parts = "; ".join(f"{field.name} ({field.units}): {field.words}" for field in cache)
        lines.append(
            _labelled(
                "inline cache",
                f"{units} code unit{'s' if units > 1 else ''} ({2 * units} bytes) after it, "
                f"hidden by dis, where the specializing interpreter keeps {parts}",
            )
        )
    if explained is not None and explained.version_note:
        lines.append(_labelled("note", explained.version_note))
    return lines


def explain_code(
    analysis: Analysis, code_id: int, codes: Sequence[CodeType] = ()
) -> list[Paragraph]:
    """A code object: its role, arguments, flags and tables."""
    record = analysis.code_objects[code_id]
    lines: list[Paragraph] = [
        (
            Piece("Code object ", "strong"),
            Piece(record.qualname, "strong"),
            Piece(f", line {record.firstlineno}"),
        )
    ]
    role = code_object_role(record.name)
    if role is not None:
        lines.append((Piece(role),))
    if code_id < len(codes):
        code = codes[code_id]
        lines.append(
            (
                Piece(
                    f"arguments {code.co_argcount} (positional only {code.co_posonlyargcount},"
                    f" keyword only {code.co_kwonlyargcount}) · stack size {code.co_stacksize}"
                ),
            )
        )
        flags = [words for bit, words in _FLAGS if code.co_flags & bit]
        lines.append((Piece("flags: " + ("; ".join(flags) or "none")),))
        for title, values in (
            ("constants (co_consts)", [short_repr(v) for v in code.co_consts]),
            ("names (co_names)", list(code.co_names)),
            ("local variables (co_varnames)", list(code.co_varnames)),
            ("cell variables (co_cellvars)", list(code.co_cellvars)),
            ("free variables (co_freevars)", list(code.co_freevars)),
        ):
            if values:
                shown = ", ".join(f"{i}: {v}" for i, v in enumerate(values[:20]))
                more = ", …" if len(values) > 20 else ""
                lines.append(_labelled(title, shown + more))
    lines.append((Piece(counted(len(record.instruction_ids), "instruction")),))
    return lines


def plain_text(paragraphs: Sequence[Paragraph]) -> str:
    """The paragraphs as lines of plain text (for tests, logs and the clipboard)."""
    return "\n".join("".join(piece.text for piece in paragraph) for paragraph in paragraphs)


def stack_text(entries: tuple[StackEntry, ...]) -> str:
    """A value stack bottom first, top last, each entry named by what made it:
    ``NULL | print | x | y ← top``."""
    return " | ".join(one_line(entry.text) for entry in entries) + " ← top" if entries else "empty"


def short_repr(value: object, limit: int = 40) -> str:
    """A table entry as one short line (a code object by its qualified name)."""
    text = f"<code {value.co_qualname}>" if isinstance(value, CodeType) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _labelled(label: str, text: str) -> Paragraph:
    return (Piece(f"{label}: ", "strong"), Piece(text))


def _tables(code: CodeType, entries: tuple[TableEntry, ...]) -> list[Paragraph]:
    """Each table an argument reads, a few entries either side, the ones it reads marked."""
    lines: list[Paragraph] = []
    for table in dict.fromkeys(entry.table for entry in entries):
        values: tuple[object, ...] = getattr(code, table)
        marked = {entry.position for entry in entries if entry.table == table}
        first = max(0, min(marked) - _AROUND)
        last = min(len(values), max(marked) + _AROUND + 1)
        pieces = [Piece(f"{table}: ", "strong"), Piece("… " if first else "")]
        for index in range(first, last):
            style: Style = "mark" if index in marked else ""
            pieces.append(Piece(f"{index}: {short_repr(values[index], 20)}", style))
            pieces.append(Piece("  " if index + 1 < last else ""))
        pieces.append(Piece(" …" if last < len(values) else ""))
        lines.append(tuple(piece for piece in pieces if piece.text))
    return lines


def one_line(text: str, limit: int = 24) -> str:
    """``text`` on one line (its whitespace runs made single spaces), cut to ``limit``
    characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"
