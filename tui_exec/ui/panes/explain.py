"""The Explain pane: what the selected thing is, in plain words, whichever pane selected it.

A token says what kind of word it is; an instruction what it does, how it changes the value
stack and what its argument means here; a node its fields and what it compiled to; a code
object its tables. The opcode texts are core/explain/opcodes.py's, written for this project
and true for the running Python.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import CodeType

from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...core import Analysis
from ...core.arguments import TableEntry, entry_value, table_entries
from ...core.bytecode import walk_code
from ...core.explain.caches import inline_cache
from ...core.explain.codes import code_object_role
from ...core.explain.nodes import node_explanation
from ...core.explain.opcodes import opcode_explanation
from ...core.explain.tokens import token_category
from ...core.stack import StackEntry, stack_after, stack_before
from ...core.words import counted
from ..selection import Selection
from .stage import PaneSpec, StageView

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


class ExplainPane(ScrollView, StageView[None], can_focus=True):
    """Plain words for the selection; the arrows scroll them.

    The words are laid out into lines once per selection and drawn with the line API: a
    widget whose content changes height would re-lay the whole screen out on every move
    (measured: 9 ms a move without the pane shown, 16-42 ms with it as a Static).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._codes: list[CodeType] = []
        self._paragraphs: list[Text] = []
        self._lines: list[Strip] = []
        """``content`` laid out at the pane's width."""
        self._blank = Strip.blank(0)
        self._pending: Selection | None = None
        self._shown: Selection | None = None
        self._specialized: dict[int, dict[int, str]] | None = None

    @property
    def content(self) -> Group:
        """What the pane shows now, one text per paragraph."""
        return Group(*self._paragraphs)

    def show_analysis(self, analysis: Analysis, layout: None = None) -> None:
        self._analysis = analysis
        module = analysis.module_code
        self._codes = [code for code, _ in walk_code(module)] if module is not None else []
        self._show([Text("Move in any pane: this one says what is selected.", "italic")])

    def _show(self, paragraphs: list[Text]) -> None:
        """Show ``paragraphs`` from their top."""
        self._paragraphs = paragraphs
        self._lay_out()
        if self.scroll_offset:
            self.scroll_to(0, 0, animate=False, immediate=True)

    def _lay_out(self) -> None:
        """Lay ``content`` out into lines at the pane's width (none while it has no size)."""
        region = self.scrollable_content_region
        width = region.width
        if width <= 0:
            self._lines = []
            return
        style = self.rich_style  # computed from the CSS each time it is asked for
        # Cut and padded to the width once here: render_line runs for every row of every frame.
        self._lines = [
            Strip(Segment.simplify(row)).crop_extend(0, width, style)
            for row in _rows(self.app.console, self._paragraphs, width, style)
        ]
        self._blank = Strip.blank(width, style)
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Not through the reactive: it re-lays the whole screen out (a far jump's p95
            # went from 35 to 60 ms). Only this pane's scrollbar changes, and it is always
            # shown (app.tcss), so the width the lines were laid out for holds.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        self.refresh(Region(0, 0, width, region.height))  # the words, not the scrollbar

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        return self._lines[index] if index < len(self._lines) else self._blank

    def show_specialized(self, names: dict[int, dict[int, str]] | None) -> None:
        """Explain instructions by their specialized names (code id → offset → name), as
        the bytecode pane shows them, or by their own (None)."""
        self._specialized = names
        if self._shown is not None:
            self.show_selection(self._shown, from_here=False)

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        self._shown = selection
        analysis = self._analysis
        if analysis is None:
            return
        if not self.region:  # hidden: explained when shown (an update costs a layout pass)
            self._pending = selection
            return
        self._pending = None
        links = selection.links
        parts: list[Text] = []
        if selection.origin in ("instruction", "step") and links.instructions:
            parts += self._instruction(analysis, links.instructions[0])
        elif selection.origin == "code" and isinstance(selection.item, int):
            parts += self._code(analysis, selection.item)
        elif selection.origin == "node" and links.nodes:
            parts += self._node(analysis, links.nodes[0])
        elif links.tokens:
            parts += self._token(analysis, links.tokens[0])
            if links.nodes:
                parts += [Text(""), *self._node(analysis, links.nodes[0])]
        elif selection.origin == "source" and links.nodes:
            # The status line's rule (SpanIndex.at): on a space, the innermost node around it.
            parts += [
                Text("No token here: the node around this point is selected.", "italic"),
                *self._node(analysis, links.nodes[0]),
            ]
        if not parts:
            parts.append(Text("Nothing here to explain.", "italic"))
        self._show(parts)

    def on_show(self) -> None:
        if self._pending is not None:
            self.show_selection(self._pending, from_here=False)

    # -- what each kind of item says ------------------------------------------------------------

    def _token(self, analysis: Analysis, token_id: int) -> list[Text]:
        token = analysis.tokens[token_id]
        category = token_category(token.type, token.exact_type, token.string)
        exact = f" ({token.exact_type})" if token.exact_type != token.type else ""
        return [
            Text.assemble(("Token ", "bold"), (repr(token.string), "bold"), f" at {token.span}"),
            Text(f"{_article(category)} {category}: type {token.type}{exact}"),
        ]

    def _node(self, analysis: Analysis, node_id: int) -> list[Text]:
        node = analysis.nodes[node_id]
        where = f" at {node.span}" if node.span is not None else " (no position of its own)"
        lines: list[Text] = [Text.assemble(("AST node ", "bold"), (node.type, "bold"), where)]
        meaning = node_explanation(node.type)
        if meaning:
            lines.append(Text(meaning))
        if node.detail:
            lines.append(Text(f"shown as: {node.detail}"))
        # Child to child, each subtree skipped whole: a class's body is not walked per key.
        count, child_id = 0, node.id + 1
        while child_id < node.end:
            child = analysis.nodes[child_id]
            if count < 12:
                index = f"[{child.field_index}]" if child.field_index is not None else ""
                detail = f" {child.detail}" if child.detail else ""
                lines.append(Text(f"  {child.field}{index}: {child.type}{detail}"))
            count, child_id = count + 1, child.end
        if count > 12:
            lines.append(Text(f"  … and {count - 12} more", "italic"))
        ids = analysis.index.instructions_for_node(node.id)
        if ids:
            names = ", ".join(analysis.instructions[i].opname for i in ids[:10])
            more = f", … ({len(ids)} in all)" if len(ids) > 10 else ""
            lines.append(Text(f"compiled to: {names}{more}"))
        return lines

    def _instruction(self, analysis: Analysis, instruction_id: int) -> list[Text]:
        ins = analysis.instructions[instruction_id]
        code = analysis.code_objects[ins.code]
        name = ins.opname
        if self._specialized is not None:
            name = self._specialized.get(ins.code, {}).get(ins.offset, name)
        lines: list[Text] = [
            Text.assemble(
                ("Instruction ", "bold"),
                (name, "bold"),
                f" @{ins.offset} in {code.qualname}" + (f", line {ins.line}" if ins.line else ""),
            )
        ]
        explained = opcode_explanation(name)
        if name != ins.opname:
            lines.append(Text(f"specialized while running: compiled as {ins.opname}", "italic"))
        if explained is None:  # not even the running interpreter knows the name
            lines.append(Text(f"tui-exec has no words for {name} yet.", "italic"))
        else:
            lines.append(Text(explained.summary))
            if explained.assumes:
                lines.append(Text.assemble(("assumes: ", "bold"), explained.assumes))
            lines.append(Text.assemble(("stack: ", "bold"), explained.stack))
            if explained.argument is not None:
                lines.append(Text.assemble(("argument: ", "bold"), explained.argument))
        if ins.arg is not None:
            code_object = self._codes[ins.code] if ins.code < len(self._codes) else None
            entries = table_entries(code_object, ins.opname, ins.arg) if code_object else ()
            if code_object is not None and entries:
                read = ", ".join(
                    f"{entry.table}[{entry.position}] = {_short(entry_value(code_object, entry))}"
                    for entry in entries
                )
                lines.append(Text.assemble(("here: ", "bold"), f"argument {ins.arg} → {read}"))
                lines += _tables(code_object, entries)
            else:
                here = f"{ins.arg}" + (f" → {ins.argrepr}" if ins.argrepr else "")
                lines.append(Text.assemble(("here: ", "bold"), f"argument {here}"))
        before = stack_before(analysis, instruction_id)
        if before is None:
            lines.append(Text("never reached: no path from the start leads here", "italic"))
        else:
            after = stack_after(analysis, instruction_id)
            lines.append(Text.assemble(("value stack before: ", "bold"), stack_text(before)))
            if after is not None:
                lines.append(Text.assemble(("value stack after: ", "bold"), stack_text(after)))
        if ins.jump_target is not None:
            lines.append(Text.assemble(("jumps to: ", "bold"), f"offset {ins.jump_target}"))
        cache = inline_cache(ins.opname)
        if cache:
            units = sum(field.units for field in cache)
            parts = "; ".join(f"{field.name} ({field.units}): {field.words}" for field in cache)
            lines.append(
                Text.assemble(
                    ("inline cache: ", "bold"),
                    f"{units} code unit{'s' if units > 1 else ''} ({2 * units} bytes) after it, "
                    f"hidden by dis, where the specializing interpreter keeps {parts}",
                )
            )
        if explained is not None and explained.version_note:
            lines.append(Text.assemble(("note: ", "bold"), explained.version_note))
        return lines

    def _code(self, analysis: Analysis, code_id: int) -> list[Text]:
        record = analysis.code_objects[code_id]
        lines: list[Text] = [
            Text.assemble(
                ("Code object ", "bold"), (record.qualname, "bold"), f", line {record.firstlineno}"
            )
        ]
        role = code_object_role(record.name)
        if role is not None:
            lines.append(Text(role))
        if code_id < len(self._codes):
            code = self._codes[code_id]
            lines.append(
                Text(
                    f"arguments {code.co_argcount} (positional only {code.co_posonlyargcount},"
                    f" keyword only {code.co_kwonlyargcount}) · stack size {code.co_stacksize}"
                )
            )
            flags = [words for bit, words in _FLAGS if code.co_flags & bit]
            lines.append(Text("flags: " + ("; ".join(flags) or "none")))
            for title, values in (
                ("constants (co_consts)", [_short(v) for v in code.co_consts]),
                ("names (co_names)", list(code.co_names)),
                ("local variables (co_varnames)", list(code.co_varnames)),
                ("cell variables (co_cellvars)", list(code.co_cellvars)),
                ("free variables (co_freevars)", list(code.co_freevars)),
            ):
                if values:
                    shown = ", ".join(f"{i}: {v}" for i, v in enumerate(values[:20]))
                    more = ", …" if len(values) > 20 else ""
                    lines.append(Text.assemble((f"{title}: ", "bold"), shown + more))
        lines.append(Text(counted(len(record.instruction_ids), "instruction")))
        return lines


def _rows(
    console: Console, paragraphs: list[Text], width: int, style: Style
) -> Iterator[list[Segment]]:
    """The rows of segments ``paragraphs`` make at ``width`` on ``style``, as rich would lay
    them out as a group; wrapped one by one, the ones that fit (most) as they are: rich's
    own layout of the group took half of a move's time in this pane. The paragraphs are
    this pane's: left-justified, default tabs, each ending its line (a ``justify``,
    ``tab_size`` or ``end`` of their own would be ignored here)."""
    for paragraph in paragraphs:
        plain = paragraph.plain
        fits = paragraph.cell_len <= width and "\n" not in plain and "\t" not in plain
        for line in [paragraph] if fits else paragraph.wrap(console, width):
            if line.spans:
                segments = list(line.render(console))
            else:  # rendered without spans, a text drops its own style
                segments = [Segment(line.plain, console.get_style(line.style))]
            yield list(Segment.apply_style(segments, style))


def _tables(code: CodeType, entries: tuple[TableEntry, ...]) -> list[Text]:
    """Each table an argument reads, a few entries either side, the ones it reads marked."""
    lines = []
    for table in dict.fromkeys(entry.table for entry in entries):
        values: tuple[object, ...] = getattr(code, table)
        marked = {entry.position for entry in entries if entry.table == table}
        first = max(0, min(marked) - _AROUND)
        last = min(len(values), max(marked) + _AROUND + 1)
        line = Text.assemble((f"{table}: ", "bold"), "… " if first else "")
        for index in range(first, last):
            style = "reverse bold" if index in marked else ""
            line.append(f"{index}: {_short(values[index], 20)}", style)
            line.append("  " if index + 1 < last else "")
        line.append(" …" if last < len(values) else "")
        lines.append(line)
    return lines


_AROUND = 3
"""Table entries shown on either side of the ones an argument reads."""


def stack_text(entries: tuple[StackEntry, ...]) -> str:
    """A value stack bottom first, top last, each entry named by what made it:
    ``NULL | print | x | y ← top``."""
    return " | ".join(_cut(entry.text) for entry in entries) + " ← top" if entries else "empty"


def _cut(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _short(value: object, limit: int = 40) -> str:
    text = f"<code {value.co_qualname}>" if isinstance(value, CodeType) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


PANE = PaneSpec(
    "explain",
    "Explain",
    "8",
    ExplainPane,
    "What the selection is, in plain words: for a token, what kind of word it is; for an AST "
    "node, its parts and the instructions it compiled to; for an instruction, what it does, "
    "how it changes the value stack, and what its argument means here; for a code object, "
    "its arguments, flags and tables (constants, names, variables).",
    hidden=True,
)
