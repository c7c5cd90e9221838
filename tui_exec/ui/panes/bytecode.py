"""The bytecode pane: every code object as a section, every instruction as a row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from rich.style import Style
from rich.text import Text

from ...core import Analysis, Instruction
from ..selection import Origin, Selection
from .base import LinePane
from .heat import count_text, heat_style
from .stage import PaneSpec, stage_error_text


@dataclass(frozen=True, slots=True)
class BytecodeLayout:
    """Which row shows what: instruction id (>= 0), code-object header (-1 - code id), or gap.

    Built by :func:`layout_bytecode` off the UI thread: at 100k instructions it takes ~0.1 s.
    """

    rows: list[int]
    row_of_instruction: list[int]
    labels: dict[tuple[int, int], str]
    """(code id, offset) → ``L3`` for jump targets, numbered per code object as dis does."""
    opname_width: int = 20
    where_width: int = 12
    width: int = 0
    """Cells in the widest row."""


GAP = -(10**9)
_opname = itemgetter(Instruction._fields.index("opname"))
_argrepr = itemgetter(Instruction._fields.index("argrepr"))


def layout_bytecode(analysis: Analysis) -> BytecodeLayout:
    """Lay out the code objects of ``analysis`` (pure: safe to call from a worker thread)."""
    rows: list[int] = []
    row_of: list[int] = []
    labels: dict[tuple[int, int], str] = {}
    # Jump targets, found in one pass over the jumps only.
    targets: dict[int, set[int]] = {}
    for ins in analysis.instructions:
        if ins.jump_target is not None:
            targets.setdefault(ins.code, set()).add(ins.jump_target)
    for code in analysis.code_objects:
        if code.id:
            rows.append(GAP)
        rows.append(-1 - code.id)
        for number, offset in enumerate(sorted(targets.get(code.id, ())), 1):
            labels[(code.id, offset)] = f"L{number}"
        # Each code object adds a heading (and, after the first, a gap) before its rows.
        shift = len(rows) - code.first_instruction
        row_of.extend(range(code.first_instruction + shift, code.end_instruction + shift))
        rows.extend(code.instruction_ids)
    instructions = analysis.instructions
    # map() over itemgetter keeps these C-speed at 100k+ instructions.
    opname_width = max(map(len, map(_opname, instructions)), default=18) + 2
    where_width = 2 * len(str(len(analysis.source.lines))) + 8
    longest_argrepr = max(map(len, map(_argrepr, instructions)), default=0)
    width = 24 + opname_width + where_width + min(longest_argrepr, 200)
    return BytecodeLayout(rows, row_of, labels, opname_width, where_width, width)


class BytecodePane(LinePane):
    """Each code object headed by its qualname; each instruction with offset, line, opname,
    argument, jump labels and its source position.

    | Class | Description |
    | :- | :- |
    | `bytecode-pane--header` | A code object's heading row. |
    | `bytecode-pane--opname` | The operation name. |
    | `bytecode-pane--label` | Jump-target labels. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {
        "bytecode-pane--header",
        "bytecode-pane--opname",
        "bytecode-pane--label",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._layout = BytecodeLayout([], [], {})
        self._opname_width = 20
        self._counts: dict[int, int] | None = None
        self._hottest = 0
        self._specialized: dict[int, dict[int, str]] | None = None

    @classmethod
    def layout_rows(cls, analysis: Analysis) -> BytecodeLayout:
        return layout_bytecode(analysis)

    def show_analysis(self, analysis: Analysis, layout: BytecodeLayout | None = None) -> None:
        """Show the code objects of ``analysis`` (``layout``: from :func:`layout_bytecode`)."""
        self._analysis = analysis
        self._layout = layout or layout_bytecode(analysis)
        self._opname_width = self._layout.opname_width
        self.reset_rows(self._layout.width)

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
        code = self.code_at(row)
        return ("code", code) if code is not None else None

    def title_detail(self) -> str:
        analysis = self._analysis
        if analysis is None or not analysis.code_objects:
            return ""
        view = "specialized view · " if self.showing_specialized else ""
        codes, count = len(analysis.code_objects), len(analysis.instructions)
        return (
            f"{view}{codes:,} code object{'' if codes == 1 else 's'}, "
            f"{count:,} instruction{'' if count == 1 else 's'} · Python "
            f"{'.'.join(analysis.python.split('.')[:2])}"
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
        if value < 0:
            code = self._analysis.code_objects[-1 - value]
            header = self.component_style("bytecode-pane--header", text_only=True)
            count = code.end_instruction - code.first_instruction
            return Text.assemble(
                (f"── {code.qualname} ", header),
                (f"(line {code.firstlineno}, {count} instructions)", header),
                end="",
                no_wrap=True,
            )
        return self._instruction_text(self._analysis.instructions[value])

    def _instruction_text(self, ins: Instruction) -> Text:
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
        # Columns as dis prints them, with the source position before the free-form argrepr.
        return Text.assemble(
            *heat,
            (f"{label + ':' if label else '':>4}", label_style),
            (f"{line:>5} ", muted),
            (f"{ins.offset:>5}  ", muted),
            (f"{name:<{self._opname_width}}", opname),
            (f"{arg:>4}  ", muted),
            (f"{where:<{self._layout.where_width}}", muted),
            argrepr,
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
    "them: a jump label, the line it starts, its byte offset, its name, its argument (the raw "
    "number), its span in the source, and what the argument means.",
    selects=("instruction", "code"),
)
