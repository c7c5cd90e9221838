"""The .pyc pane: the file CPython would cache for the program, its bytes beside its structure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from rich.text import Text

from ...core import Analysis
from ...core import marshal_reader as mr
from ...core.linetable import decode_linetable
from ...core.pyc import (
    HEADER_SIZE,
    PycMap,
    cache_path,
    describe_magic,
    pyc_for_analysis,
    read_pyc,
)
from ..selection import Origin, Selection
from .base import LinePane
from .stage import PaneSpec, TitleChanged, stage_error_text

HEX_BYTES = 8
"""Bytes shown on a row; longer items end in '…' (their children have rows of their own)."""
_HEX_WIDTH = 3 * HEX_BYTES + 1

# Row kinds.
NOTE, HEADING, FIELD, INSTRUCTION, LINE_ENTRY = range(5)


class PycRow(NamedTuple):
    """One row: a header field, a marshalled object, an instruction or a co_linetable entry."""

    kind: int
    depth: int
    start: int
    """First byte in the file (-1 for notes)."""
    end: int
    label: str
    detail: str
    code: int = -1
    """The code object it belongs to."""
    instruction: int = -1
    """For instruction rows, the instruction's id in the analysis."""
    own_end: int = -1
    """Where its own bytes end, when its children (rows of their own) follow them."""


@dataclass(frozen=True, slots=True)
class PycLayout:
    """The rows and where selections land, built in a worker thread."""

    pyc: PycMap
    rows: list[PycRow]
    row_of_instruction: dict[int, int]
    entry_row_of_instruction: dict[int, int]
    code_rows: list[tuple[int, int]]
    """Per code object: its heading row and its last row."""
    cache_path: str | None
    width: int


def layout_pyc(analysis: Analysis) -> PycLayout | None:
    """Build and map the program's .pyc (pure: runs in a worker thread)."""
    data = pyc_for_analysis(analysis)
    if data is None:
        return None
    pyc = read_pyc(data)
    if len(pyc.code_objects) != len(analysis.code_objects):
        return None  # not the code the other panes show: nothing could be linked
    builder = _Builder(analysis, pyc)
    path = cache_path(analysis.filename) if not analysis.filename.startswith("<") else None
    if analysis.pyc is not None:
        builder.opened_header(analysis.filename)
    else:
        builder.header(path)
    builder.item(pyc.stream.root, 0, "module")
    rows = builder.rows
    width = max((len(r.label) + len(r.detail) + 2 * r.depth for r in rows), default=0) + 40
    return PycLayout(
        pyc,
        rows,
        builder.row_of_instruction,
        builder.entry_row_of_instruction,
        [builder.code_rows[i] for i in range(len(pyc.code_objects))],
        path,
        width,
    )


class _Builder:
    """Walks the marshal items in stream order, making rows."""

    def __init__(self, analysis: Analysis, pyc: PycMap) -> None:
        self.analysis = analysis
        self.pyc = pyc
        self.rows: list[PycRow] = []
        self.row_of_instruction: dict[int, int] = {}
        self.entry_row_of_instruction: dict[int, int] = {}
        self.code_rows: dict[int, tuple[int, int]] = {}
        self.code_at = {extent.start: extent.id for extent in reversed(pyc.code_objects)}

    def header(self, path: str | None) -> None:
        add = self.rows.append
        where = path or "nowhere: the program is not a file"
        add(PycRow(NOTE, 0, -1, -1, "CPython would cache it at", where))
        add(PycRow(NOTE, 0, -1, -1, "built in memory:", "nothing is written to __pycache__"))
        self._fields()

    def opened_header(self, path: str) -> None:
        """For a .pyc opened as the program: the file itself, as read."""
        self.rows.append(PycRow(NOTE, 0, -1, -1, "the file", f"{path}, as read"))
        self._fields()

    def _fields(self) -> None:
        add = self.rows.append
        add(PycRow(HEADING, 0, 0, HEADER_SIZE, "header", f"{HEADER_SIZE} bytes"))
        header = self.pyc.header
        add(PycRow(FIELD, 1, 0, 4, "magic", describe_magic(header.magic)))
        add(PycRow(FIELD, 1, 4, 8, "flags", f"{header.flags}: {header.invalidation}-based"))
        if header.source_hash is not None:
            add(PycRow(FIELD, 1, 8, 16, "source hash", header.source_hash.hex()))
        else:
            mtime = header.mtime or 0
            when = datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            add(PycRow(FIELD, 1, 8, 12, "source mtime", f"{mtime} = {when}"))
            add(PycRow(FIELD, 1, 12, 16, "source size", f"{header.source_size} bytes"))

    def item(self, item: mr.Item, depth: int, label: str, code: int = -1) -> None:
        if item.type == mr.CODE:
            self.code(item, depth)
            return
        own_end = item.items[0].start if item.items else item.end
        self.rows.append(
            PycRow(
                FIELD,
                depth,
                item.start,
                item.end,
                label,
                _describe(self.pyc, item),
                code,
                own_end=own_end,
            )
        )
        if item.type == mr.DICT:
            for i, child in enumerate(item.items):
                self.item(child, depth + 1, "key" if i % 2 == 0 else "value", code)
        else:
            for i, child in enumerate(item.items):
                self.item(child, depth + 1, f"[{i}]", code)

    def code(self, item: mr.Item, depth: int) -> None:
        code_id = self.code_at[item.start]
        extent = self.pyc.code_objects[code_id]
        first = len(self.rows)
        self.rows.append(
            PycRow(
                HEADING,
                depth,
                item.start,
                item.end,
                f"code object #{code_id} {extent.qualname}",
                f"{item.end - item.start:,} bytes",
                code_id,
                own_end=item.start + 1,
            )
        )
        for field in item.items:
            if field.field == "co_code":
                self.item(field, depth + 1, field.field, code_id)
                self.instructions(code_id, depth + 2)
            elif field.field == "co_linetable":
                self.item(field, depth + 1, field.field, code_id)
                self.line_entries(code_id, depth + 2)
            else:
                self.item(field, depth + 1, field.field, code_id)
        self.code_rows[code_id] = (first, len(self.rows) - 1)

    def instructions(self, code_id: int, depth: int) -> None:
        code = self.analysis.code_objects[code_id]
        rows = [self.analysis.instructions[i] for i in code.instruction_ids]
        for ins, after in zip(rows, [*rows[1:], None], strict=True):
            where = self.pyc.instruction_bytes(code_id, ins.offset, after and after.offset)
            arg = "" if ins.arg is None else f" {ins.arg}"
            caches = where.cache_entries
            detail = f"offset {ins.offset}" + (
                f" · {caches} CACHE entr{'y' if caches == 1 else 'ies'}" if caches else ""
            )
            self.row_of_instruction[ins.id] = len(self.rows)
            self.rows.append(
                PycRow(
                    INSTRUCTION,
                    depth,
                    where.start,
                    where.end,
                    f"{ins.opname}{arg}",
                    detail,
                    code_id,
                    ins.id,
                )
            )

    def line_entries(self, code_id: int, depth: int) -> None:
        table = self.pyc.field(code_id, "co_linetable")
        firstlineno = self.pyc.field_value(code_id, "co_firstlineno")
        if not isinstance(table.value, bytes) or not isinstance(firstlineno, int):
            return
        code = self.analysis.code_objects[code_id]
        by_offset = {self.analysis.instructions[i].offset: i for i in code.instruction_ids}
        for entry in decode_linetable(table.value, firstlineno):
            row = len(self.rows)
            for offset in range(entry.first_offset, entry.end_offset, 2):
                if offset in by_offset:
                    self.entry_row_of_instruction[by_offset[offset]] = row
            self.rows.append(
                PycRow(
                    LINE_ENTRY,
                    depth,
                    table.data_start + entry.start,
                    table.data_start + entry.end,
                    f"kind {entry.kind}",
                    f"{entry.kind_name}: {_positions(entry.positions)} · code units "
                    f"{entry.first_offset}..{entry.end_offset}",
                    code_id,
                )
            )


def _positions(positions: tuple[int | None, int | None, int | None, int | None]) -> str:
    line, end_line, col, end_col = positions
    if line is None:
        return "no position"
    if col is None or end_col is None:
        return f"line {line}, no columns"
    if end_line == line:
        return f"line {line}, bytes {col}–{end_col}"
    return f"lines {line}–{end_line}, bytes {col}–{end_col}"


def _describe(pyc: PycMap, item: mr.Item) -> str:
    """Its type, and its value or size, in a few words."""
    name = mr.TYPE_NAMES.get(item.type, item.type)
    kept = f" · kept as #{item.ref}" if item.ref is not None else ""
    if item.type == mr.REF:
        target = pyc.stream.resolve(item)
        return f"→ #{item.value}: {_describe(pyc, target)}"
    if item.type in (mr.TUPLE, mr.SMALL_TUPLE, mr.LIST, mr.SET, mr.FROZENSET):
        count = len(item.items)
        return f"{name}, {count} item{'' if count == 1 else 's'}{kept}"
    if item.type == mr.DICT:
        return f"{name}, {len(item.items) // 2} pairs{kept}"
    if isinstance(item.value, bytes):
        return f"{name}, {len(item.value)} bytes{kept}"
    value = repr(item.value)
    if len(value) > 40:
        value = value[:39] + "…"
    return f"{name} {value}{kept}"


class PycPane(LinePane):
    """The .pyc CPython would write for the program: where it would go, its header, and
    every marshalled object with its offset and bytes, instructions and co_linetable entries
    under the code objects that hold them.

    | Class | Description |
    | :- | :- |
    | `pyc-pane--heading` | The header's and each code object's heading row. |
    | `pyc-pane--hex` | The bytes. |
    """

    COMPONENT_CLASSES = LinePane.COMPONENT_CLASSES | {"pyc-pane--heading", "pyc-pane--hex"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._analysis: Analysis | None = None
        self._layout: PycLayout | None = None
        self._selection: Selection | None = None
        self._on_screen = False
        self._offset_width = 5

    def show_analysis(self, analysis: Analysis, layout: object = None) -> None:
        """Take a new analysis; its .pyc is built off the UI thread, only once the pane shows
        (most people never open it, and it costs about half an analysis)."""
        self._analysis = analysis
        self._layout = None
        self.reset_rows(0)
        if self._on_screen:
            self._build(analysis)

    def on_show(self) -> None:
        self._on_screen = True
        if self._analysis is not None and self._layout is None:
            self._build(self._analysis)

    def on_hide(self) -> None:
        self._on_screen = False

    def _build(self, analysis: Analysis) -> None:
        def work() -> None:
            layout = layout_pyc(analysis)
            self.app.call_from_thread(self._built, analysis, layout)

        self.run_worker(work, thread=True, group="pyc", exclusive=True, exit_on_error=False)

    def _built(self, analysis: Analysis, layout: PycLayout | None) -> None:
        if analysis is not self._analysis:
            return  # a newer analysis came meanwhile
        self._layout = layout
        self._offset_width = len(str(len(layout.pyc.data))) + 1 if layout else 5
        self.reset_rows(layout.width if layout else 0)
        self.post_message(TitleChanged())  # the title counts what was just built
        if self._selection is not None:
            # After the refresh: until then the view cannot scroll past its old, empty size.
            self.call_after_refresh(self.show_selection, self._selection, from_here=False)

    def show_selection(self, selection: Selection, *, from_here: bool) -> None:
        self._selection = selection
        super().show_selection(selection, from_here=from_here)

    @property
    def pyc_layout(self) -> PycLayout | None:
        """What is shown, if anything."""
        return self._layout

    @property
    def row_count(self) -> int:
        return len(self._layout.rows) if self._layout else 0

    def title_detail(self) -> str:
        if self._layout is None:
            return "building…" if self._analysis and self._analysis.compiled else ""
        pyc = self._layout.pyc
        codes = len(pyc.code_objects)
        where = "the file" if self._analysis and self._analysis.pyc is not None else "not written"
        return f"{len(pyc.data):,} bytes, {codes} code object{'' if codes == 1 else 's'} · {where}"

    def stage_message(self, analysis: Analysis) -> Text | None:
        error = analysis.error_in("decode") or analysis.error_in("parse")
        error = error or analysis.error_in("compile")
        if error is not None:
            return stage_error_text(error, "There is no .pyc without code that compiles")
        return None

    def row_text(self, row: int) -> Text:
        assert self._layout is not None
        item = self._layout.rows[row]
        muted = self.component_style("line-pane--muted", text_only=True)
        hex_style = self.component_style("pyc-pane--hex", text_only=True)
        label_style = (
            self.component_style("pyc-pane--heading", text_only=True)
            if item.kind == HEADING
            else None
        )
        if item.kind == NOTE:
            return Text.assemble((item.label, muted), " ", item.detail, end="", no_wrap=True)
        data = self._layout.pyc.data
        end = item.end if item.own_end < 0 else item.own_end
        shown = data[item.start : min(end, item.start + HEX_BYTES)]
        more = "…" if end - item.start > HEX_BYTES else " "
        hex_text = shown.hex(" ") + more
        return Text.assemble(
            (f"{item.start:>{self._offset_width}}  ", muted),
            (f"{hex_text:<{_HEX_WIDTH}} ", hex_style),
            "  " * item.depth,
            (item.label, label_style) if label_style else item.label,
            "  ",
            (item.detail, muted),
            end="",
            no_wrap=True,
        )

    def item_at(self, row: int) -> tuple[Origin, int] | None:
        if self._layout is None or not 0 <= row < len(self._layout.rows):
            return None
        item = self._layout.rows[row]
        if item.kind == INSTRUCTION:
            return "instruction", item.instruction
        if item.kind == HEADING and item.code >= 0:
            return "code", item.code
        return None

    def marks_for(self, selection: Selection) -> tuple[Iterable[int], Iterable[int]]:
        layout = self._layout
        if layout is None:
            return (), ()
        if selection.origin == "code" and isinstance(selection.item, int):
            first, last = layout.code_rows[selection.item]
            return [first], range(first + 1, last + 1)
        instructions = selection.links.instructions
        primary = [layout.row_of_instruction[i] for i in instructions]
        entries = layout.entry_row_of_instruction
        secondary = [entries[i] for i in instructions if i in entries]
        return primary, secondary

    def row_for_cursor_from(self, selection: Selection) -> int | None:
        layout = self._layout
        if layout is None:
            return None
        if selection.origin == "code" and isinstance(selection.item, int):
            return layout.code_rows[selection.item][0]
        first = selection.links.instructions or selection.links.secondary_instructions
        return layout.row_of_instruction[first[0]] if first else None


PANE = PaneSpec(
    "pyc",
    ".pyc",
    "7",
    PycPane,
    "The file CPython would save in __pycache__ for this program, built in memory (nothing is "
    "written): where it would go, its 16-byte header (the magic number that names the Python "
    "version, the flags, the source's modification time and size), then the code objects as "
    "marshal writes them. Each row is one object: its offset in the file, its first bytes, "
    "and what it is. Under co_code, each instruction's bytes: opcode, argument, then CACHE "
    "entries the interpreter fills in while running. Under co_linetable, how each position is "
    "stored. 'kept as #3' marks an object marshal remembers, so that a later '→ #3' row can "
    "point back to it instead of writing it again. Selecting an instruction anywhere lights "
    "its bytes here and its linetable entry; a code object lights all of its rows.",
    # Its rows are the very rows a selection moves its cursor to, so it syncs like any other.
    hidden=True,
)
