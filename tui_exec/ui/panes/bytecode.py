"""The bytecode pane: every code object as a section, every instruction as a row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.events import Resize

from ...core import Analysis, Instruction
from ...core.flow import Flow, Handler, code_flow, exception_handlers
from ..commands import Command, bindings
from ..selection import Origin, Selection
from .base import LinePane
from .heat import count_text, heat_style
from .stage import PaneSpec, stage_error_text


@dataclass(frozen=True, slots=True)
class BytecodeLayout:
    """Which row shows what: instruction id (>= 0), code-object header (-1 - code id), gap, or
    exception-table entry (``TABLE - k`` for ``handlers[k]``).

    Built by :func:`layout_bytecode` off the UI thread: at 100k instructions it takes ~0.1 s.
    """

    rows: list[int]
    row_of_instruction: list[int]
    labels: dict[tuple[int, int], str]
    """(code id, offset) → ``L3`` for jump and handler targets, numbered per code object."""
    handlers: list[Handler] = field(default_factory=list)
    """Every code object's exception-table entries, in row order."""
    opname_width: int = 20
    where_width: int = 12
    width: int = 0
    """Cells in the widest row, the arrow gutter included."""
    prefix_width: int = 0
    """Cells before the argument's meaning (the last, free-form column), without the gutter."""
    has_jumps: bool = False
    """Whether any code object jumps: without jumps the pane needs no room for arrows."""


GAP = -(10**9)
TABLE = GAP - 1
LANES = 4
"""Arrow lanes in the gutter; jumps that find none free name their target in words only."""
GUTTER = LANES + 2
"""Cells of the gutter: the lanes, the arrow head, a space."""
_opname = itemgetter(Instruction._fields.index("opname"))
_argrepr = itemgetter(Instruction._fields.index("argrepr"))


def layout_bytecode(analysis: Analysis) -> BytecodeLayout:
    """Lay out the code objects of ``analysis`` (pure: safe to call from a worker thread)."""
    rows: list[int] = []
    row_of: list[int] = []
    labels: dict[tuple[int, int], str] = {}
    handlers: list[Handler] = []
    # Jump targets, found in one pass over the jumps only.
    targets: dict[int, set[int]] = {}
    for ins in analysis.instructions:
        if ins.jump_target is not None:
            targets.setdefault(ins.code, set()).add(ins.jump_target)
    instructions = analysis.instructions
    for code in analysis.code_objects:
        if code.id:
            rows.append(GAP)
        rows.append(-1 - code.id)
        table = exception_handlers(analysis, code.id)
        offsets = targets.get(code.id, set()) | {instructions[h.target].offset for h in table}
        for number, offset in enumerate(sorted(offsets), 1):
            labels[(code.id, offset)] = f"L{number}"
        # Each code object adds a heading (and, after the first, a gap) before its rows.
        shift = len(rows) - code.first_instruction
        row_of.extend(range(code.first_instruction + shift, code.end_instruction + shift))
        rows.extend(code.instruction_ids)
        # Its exception table follows its instructions, one row an entry.
        rows.extend(range(TABLE - len(handlers), TABLE - len(handlers) - len(table), -1))
        handlers.extend(table)
    # map() over itemgetter keeps these C-speed at 100k+ instructions.
    opname_width = max(map(len, map(_opname, instructions)), default=18) + 2
    where_width = 2 * len(str(len(analysis.source.lines))) + 8
    longest_argrepr = max(map(len, map(_argrepr, instructions)), default=0)
    prefix_width = 25 + opname_width + where_width
    has_jumps = bool(targets)
    width = (
        prefix_width
        + (GUTTER if has_jumps else 0)
        + max(min(longest_argrepr, 200), 70 if handlers else 0)
    )
    return BytecodeLayout(
        rows, row_of, labels, handlers, opname_width, where_width, width, prefix_width, has_jumps
    )


class BytecodePane(LinePane):
    """Each code object headed by its qualname; each instruction with offset, line, jump
    arrows, opname, argument, jump labels and its source position; then its exception table.

    | Class | Description |
    | :- | :- |
    | `bytecode-pane--header` | A code object's heading row. |
    | `bytecode-pane--opname` | The operation name. |
    | `bytecode-pane--label` | Jump-target labels. |
    | `bytecode-pane--arrow-1` .. `-4` | Jump arrows, one colour a lane. |
    | `bytecode-pane--arrow-lit` | The arrow of the jump at the cursor (or landing there). |
    | `bytecode-pane--block-end` | The last instruction of a basic block: a line under it. |
    | `bytecode-pane--protected` | The instructions the selected exception handler protects. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {
        "bytecode-pane--header",
        "bytecode-pane--opname",
        "bytecode-pane--label",
        "bytecode-pane--block-end",
        "bytecode-pane--protected",
        "bytecode-pane--arrow-lit",
        *(f"bytecode-pane--arrow-{lane}" for lane in range(1, LANES + 1)),
    }

    COMMANDS: ClassVar[tuple[Command, ...]] = (
        *LinePane.COMMANDS,
        Command(
            "bytecode.follow",
            "j",
            "follow_jump",
            "Follow jump",
            "Go where the jump under the cursor lands (from an exception-table row: its handler)",
        ),
        Command("bytecode.back", "J", "jump_back", "Jump back", "Back to the jump last followed"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMANDS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._layout = BytecodeLayout([], [], {})
        self._opname_width = 20
        self._counts: dict[int, int] | None = None
        self._hottest = 0
        self._specialized: dict[int, dict[int, str]] | None = None
        self._flows: dict[int, Flow] = {}
        self._handlers_at: dict[int, list[Handler]] = {}
        self._protected: frozenset[int] = frozenset()
        self._lit: tuple[int, int, int] | None = None
        """First row, last row and lane of the arrow drawn bold."""
        self._came_from: list[int] = []
        self._gutter_shown = False

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> BytecodeLayout:
        return layout_bytecode(analysis)

    def show_analysis(self, analysis: Analysis, layout: BytecodeLayout | None = None) -> None:
        """Show the code objects of ``analysis`` (``layout``: from :func:`layout_bytecode`)."""
        self._analysis = analysis
        self._layout = layout or layout_bytecode(analysis)
        self._opname_width = self._layout.opname_width
        self._flows = {}
        self._handlers_at = {}
        for handler in self._layout.handlers:
            self._handlers_at.setdefault(handler.target, []).append(handler)
        self._protected = frozenset()
        self._lit = None
        self._came_from = []
        self._gutter_shown = self._gutter_fits()
        self.reset_rows(self._layout.width)

    def _flow(self, code_id: int) -> Flow:
        """Control flow of one code object, computed when one of its rows is first drawn."""
        flow = self._flows.get(code_id)
        if flow is None:
            assert self._analysis is not None
            flow = self._flows[code_id] = code_flow(self._analysis, code_id, LANES)
        return flow

    def _gutter_fits(self) -> bool:
        """Whether there are arrows and they fit without pushing a fixed column off screen
        (the argument's meaning, last and free-form, may be cut: Explain has it in full)."""
        width = self.scrollable_content_region.width
        return self._layout.has_jumps and self._layout.prefix_width + GUTTER <= width

    def on_resize(self, event: Resize) -> None:
        if self._gutter_fits() != self._gutter_shown:
            self._gutter_shown = not self._gutter_shown
            self.rows_changed()

    @property
    def gutter_shown(self) -> bool:
        """Whether jump arrows are drawn (they need a wide enough pane)."""
        return self._gutter_shown

    @property
    def protected_rows(self) -> frozenset[int]:
        """Rows of the instructions protected by the handler (or table entry) at the cursor."""
        return self._protected

    def watch_cursor_row(self, row: int) -> None:
        self._show_protected(self._protected_by(row))
        self._light_arrow(row)

    def _light_arrow(self, row: int) -> None:
        """Draw bold the arrow of the jump on ``row`` (or of the jumps landing there)."""
        old = self._lit
        instruction = self.instruction_at(row)
        self._lit = None
        if instruction is not None and self._gutter_shown and self._analysis is not None:
            arrow = self._flow(self._analysis.instructions[instruction].code).arrow_at(instruction)
            if arrow is not None:
                row_of = self._layout.row_of_instruction
                self._lit = (row_of[arrow.top], row_of[arrow.bottom], arrow.lane)
        if old != self._lit:
            for lit in (old, self._lit):
                if lit is not None:
                    self.refresh_rows(lit[0], lit[1])

    def _lit_lane(self, row: int) -> int | None:
        """The lane drawn bold on ``row``, if any."""
        lit = self._lit
        return lit[2] if lit is not None and lit[0] <= row <= lit[1] else None

    def _protected_by(self, row: int) -> frozenset[int]:
        """The rows guarded by the table entry on ``row``, or by the handler starting there."""
        value = self._layout.rows[row] if 0 <= row < len(self._layout.rows) else GAP
        if value <= TABLE:
            handlers = [self._layout.handlers[TABLE - value]]
        elif value >= 0:
            handlers = self._handlers_at.get(value, [])
        else:
            return frozenset()
        row_of = self._layout.row_of_instruction
        return frozenset(r for h in handlers for r in range(row_of[h.first], row_of[h.last] + 1))

    def _show_protected(self, rows: frozenset[int]) -> None:
        changed = rows ^ self._protected
        self._protected = rows
        if changed:
            self.refresh_rows(min(changed), max(changed))

    def _state(self, row: int) -> int:
        # Bit 8: protected; from bit 16 on, the lit lane plus one (the row looks different).
        state = super()._state(row)
        lane = self._lit_lane(row)
        if lane is not None:
            state |= (lane + 1) << 4
        return state | 8 if row in self._protected else state

    def _mark_style(self, state: int) -> Style:
        style = super()._mark_style(state)
        if state & 8:  # the tint only: the row keeps its own colours
            tint = self.component_style("bytecode-pane--protected").bgcolor
            style = Style(bgcolor=tint) + style
        return style

    def action_follow_jump(self) -> None:
        """Move to the target of the jump (or the handler of the table entry) at the cursor."""
        row = self.cursor_row
        value = self._layout.rows[row] if 0 <= row < len(self._layout.rows) else GAP
        target: int | None = None
        if value <= TABLE:
            target = self._layout.handlers[TABLE - value].target
        elif value >= 0 and self._analysis is not None:
            target = self._flow(self._analysis.instructions[value].code).target_of(value)
        if target is None:
            self.app.bell()
            return
        self._came_from.append(row)
        self.move_cursor(self.row_of_instruction(target), user=True)

    def action_jump_back(self) -> None:
        """Return to the row the last followed jump started from."""
        if not self._came_from:
            self.app.bell()
            return
        self.move_cursor(self._came_from.pop(), user=True)

    def show_counts(self, counts: dict[int, int] | None) -> None:
        """Show how often each instruction ran (None hides the column)."""
        self._counts = counts
        self._hottest = max(counts.values(), default=0) if counts else 0
        self.notify_style_update()
        self.refresh()

    def show_specialized(self, names: dict[int, dict[int, str]] | None) -> None:
        """Show specialized opnames (code id → offset → name), or the plain ones (None)."""
        self._specialized = names
        # Room for the longer specialized names (BINARY_OP → BINARY_OP_ADD_INT...).
        longest = max((len(n) for code in (names or {}).values() for n in code.values()), default=0)
        self._opname_width = max(self._layout.opname_width, longest + 2)
        self.notify_style_update()
        self.refresh()

    @property
    def showing_specialized(self) -> bool:
        """Whether specialized opnames are shown."""
        return self._specialized is not None

    @property
    def showing_counts(self) -> bool:
        """Whether the execution-count column is shown."""
        return self._counts is not None

    @property
    def row_count(self) -> int:
        return len(self._layout.rows)

    def instruction_at(self, row: int) -> int | None:
        """The instruction id on ``row``, or None for headings and gaps."""
        if 0 <= row < len(self._layout.rows):
            value = self._layout.rows[row]
            return value if value >= 0 else None
        return None

    def code_at(self, row: int) -> int | None:
        """The code object whose heading is ``row``."""
        value = self._layout.rows[row] if 0 <= row < len(self._layout.rows) else GAP
        return -1 - value if GAP < value < 0 else None

    def item_at(self, row: int) -> tuple[Origin, int] | None:
        instruction = self.instruction_at(row)
        if instruction is not None:
            return "instruction", instruction
        value = self._layout.rows[row] if 0 <= row < len(self._layout.rows) else GAP
        if value <= TABLE:  # an exception-table entry selects its handler
            return "instruction", self._layout.handlers[TABLE - value].target
        code = self.code_at(row)
        return ("code", code) if code is not None else None

    def title_detail(self) -> str:
        analysis = self._analysis
        if analysis is None or not analysis.code_objects:
            return ""
        view = "specialized view · " if self.showing_specialized else ""
        codes, count = len(analysis.code_objects), len(analysis.instructions)
        # The version first: a narrow pane cuts the end of its title.
        return (
            f"Python {'.'.join(analysis.python.split('.')[:2])} · {view}"
            f"{codes:,} code object{'' if codes == 1 else 's'}, "
            f"{count:,} instruction{'' if count == 1 else 's'}"
        )

    def stage_message(self, analysis: Analysis) -> Text | None:
        error = analysis.error_in("decode") or analysis.error_in("parse")
        if error is not None:
            return stage_error_text(error, "No bytecode without a program that parses")
        error = analysis.error_in("compile")
        if error is not None:
            return stage_error_text(
                error, "The program parses (see its AST) but the compiler refuses it"
            )
        return None

    def row_of_instruction(self, instruction_id: int) -> int:
        """The row showing ``instruction_id``."""
        return self._layout.row_of_instruction[instruction_id]

    def row_text(self, row: int) -> Text:
        assert self._analysis is not None
        value = self._layout.rows[row]
        if value == GAP:
            return Text("", end="")
        if value <= TABLE:
            return self._handler_text(self._layout.handlers[TABLE - value], row)
        if value < 0:
            code = self._analysis.code_objects[-1 - value]
            header = self.component_style("bytecode-pane--header", text_only=True)
            count = code.end_instruction - code.first_instruction
            return Text.assemble(
                (f"── {code.qualname} ", header),
                (
                    f"(line {code.firstlineno}, {count} instruction{'' if count == 1 else 's'})",
                    header,
                ),
                end="",
                no_wrap=True,
            )
        return self._instruction_text(self._analysis.instructions[value], row)

    def _margin(self, row: int, gutter: str = "", owners: bytes = b"") -> list[tuple[str, Style]]:
        """The protected-range bar and the arrow gutter (or the space it leaves when hidden)."""
        if row in self._protected:
            parts = [("┃", self.component_style("bytecode-pane--protected", text_only=True))]
        else:
            parts = [(" ", Style())]
        if not self._gutter_shown:
            return [*parts, (" ", Style())]
        if not gutter:
            return [*parts, (" " * GUTTER, Style())]
        start = 0
        lit = self._lit_lane(row)
        lit_owner = -1 if lit is None else lit + 1
        # One segment per run of cells drawn by the same lane, in that lane's colour.
        for end in range(1, len(gutter) + 1):
            if end == len(gutter) or owners[end] != owners[start]:
                lane = owners[start]
                if lane == lit_owner:
                    style = self.component_style("bytecode-pane--arrow-lit", text_only=True)
                elif lane:
                    style = self.component_style(f"bytecode-pane--arrow-{lane}", text_only=True)
                else:
                    style = Style()
                parts.append((gutter[start:end], style))
                start = end
        parts.append((" ", Style()))
        return parts

    def _handler_text(self, handler: Handler, row: int) -> Text:
        """An exception-table entry in words: which offsets it guards, where it goes, and
        what the handler finds on the stack."""
        assert self._analysis is not None
        instructions = self._analysis.instructions
        muted = self.component_style("line-pane--muted", text_only=True)
        label_style = self.component_style("bytecode-pane--label", text_only=True)
        code = instructions[handler.target].code
        target = handler.entry.target
        label = self._layout.labels.get((code, target), str(target))
        entries = "entry" if handler.depth == 1 else "entries"
        return Text.assemble(
            (f"{'exception':>15} ", muted),
            *self._margin(row),
            (f"{instructions[handler.first].offset} to {instructions[handler.last].offset}", ""),
            (" → ", label_style),
            (f"{label}", label_style),
            (f" (offset {target})" if label != str(target) else "", muted),
            (f", keeping {handler.depth} stack {entries}", muted),
            (", plus the offset it came from (lasti)" if handler.lasti else "", muted),
            end="",
            no_wrap=True,
        )

    def _instruction_text(self, ins: Instruction, row: int) -> Text:
        muted = self.component_style("line-pane--muted", text_only=True)
        opname = self.component_style("bytecode-pane--opname", text_only=True)
        label_style = self.component_style("bytecode-pane--label", text_only=True)
        label = self._layout.labels.get((ins.code, ins.offset), "")
        line = str(ins.line) if ins.starts_line and ins.line is not None else ""
        arg = "" if ins.arg is None else str(ins.arg)
        if ins.jump_target is not None:
            target = self._layout.labels.get((ins.code, ins.jump_target), str(ins.jump_target))
            argrepr = f"to {target}"
        else:
            argrepr = ins.argrepr
        where = str(ins.span) if ins.span is not None else "-"
        name = ins.opname
        if self._specialized is not None:
            specialized = self._specialized.get(ins.code, {}).get(ins.offset)
            if specialized is not None:
                name = specialized
                opname = opname + label_style + Style(bold=True)
        heat: list[tuple[str, Style]] = []
        if self._counts is not None:
            count = self._counts.get(ins.id, 0)
            heat.append((count_text(count), heat_style(count, self._hottest)))
        flow = self._flow(ins.code)
        at = ins.id - flow.first
        # Columns as dis prints them, arrows before the name as objdump draws them, and the
        # source position before the free-form argrepr.
        return Text.assemble(
            *heat,
            (f"{label + ':' if label else '':>4}", label_style),
            (f"{line:>5} ", muted),
            (f"{ins.offset:>5} ", muted),
            *self._margin(row, flow.gutter[at], flow.owners[at]),
            (f"{name:<{self._opname_width}}", opname),
            (f"{arg:>4}  ", muted),
            (f"{where:<{self._layout.where_width}}", muted),
            argrepr,
            # Under the spans, so the row keeps its colours and gains the line.
            style=self.component_style("bytecode-pane--block-end", text_only=True)
            if flow.ends_block(ins.id)
            else "",
            end="",
            no_wrap=True,
        )

    def search_text(self, row: int) -> str:
        assert self._analysis is not None
        value = self._layout.rows[row]
        if value >= 0:
            ins = self._analysis.instructions[value]
            return f"{ins.opname} {ins.argrepr}"
        if GAP < value < 0:
            return self._analysis.code_objects[-1 - value].qualname
        if value <= TABLE:
            return self._handler_text(self._layout.handlers[TABLE - value], row).plain
        return ""

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        row_of = self._layout.row_of_instruction
        links = selection.links
        return (
            [row_of[i] for i in links.instructions],
            [row_of[i] for i in links.secondary_instructions],
        )

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        links = selection.links
        first = links.instructions or links.secondary_instructions
        return self._layout.row_of_instruction[first[0]] if first else None


PANE = PaneSpec(
    "bytecode",
    "Bytecode",
    "4",
    BytecodePane,
    "What the compiler made of the tree: each code object (the module, every function, class "
    "body, lambda and comprehension) under a heading, then one instruction a row, as dis lists "
    "them: a jump label, the line it starts, its byte offset, arrows from each jump to where it "
    "lands, its name, its argument (the raw number), its span in the source, and what the "
    "argument means. A line under an instruction ends a basic block (the next one is only "
    "reached by a jump, or starts after one). Each code object ends with its exception table: "
    "which offsets an exception may come from, which handler it goes to, and what is kept on "
    "the stack; with the cursor on a handler or a table row, the instructions it guards are "
    "marked with a bar.",
    selects=("instruction", "code"),
)
