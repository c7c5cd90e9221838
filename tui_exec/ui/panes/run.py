"""The virtual machine at work: a timeline of executed instructions, and the program's output."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.highlighter import Highlighter
from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Log

from ...core.bytecode import Instruction
from ...core.explain.selection import stack_text
from ...core.recorded_stacks import StackValue
from ...core.run import RunLimits, RunResult
from ...core.stack import StackEntry, stack_before
from ..commands import Command, bindings
from ..messages import ItemPicked
from ..timeline import Timeline
from .printable import Spans, printable_lines, styled_lines
from .stage import PaneSpec, StageView
from .values import StackItem, ValuesScreen, objects_section, variable_value

_STACK_HEADING = "Value stack  "
_ENTRY_LIMIT = 24
"""An entry of the values line is cut to this many characters (``v`` shows it whole)."""


def _one_line(text: str, limit: int = _ENTRY_LIMIT) -> str:
    """``text`` on one line (runs of white space as one space), cut to ``limit`` with …."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def labelled_stack(
    values: tuple[StackValue, ...], entries: tuple[StackEntry, ...] | None
) -> tuple[StackItem, ...]:
    """The recorded values with the static stack's labels, bottom first. The two have the
    same depth; should they not, labels are matched from the top (what runs next) and an
    entry without one has None."""
    texts = [entry.text for entry in entries] if entries is not None else []
    texts = texts[len(texts) - len(values) :] if len(texts) > len(values) else texts
    labels: list[str | None] = [None] * (len(values) - len(texts))
    labels.extend(texts)
    return tuple(zip(labels, values, strict=True))


def stack_value_lines(items: tuple[StackItem, ...], width: int) -> list[Text]:
    """The Run pane's value stack as recorded: one line of values, bottom first, top last,
    and under it, in the same columns, a dim line of what produced each value (left blank
    where the value reads as its label: a constant, NULL). When ``width`` (the pane's, 0 if
    unknown) is too narrow, the bottom entries give way to ``…`` first: the top is what the
    next instruction uses."""
    if not items:
        return [Text.assemble((_STACK_HEADING, "bold"), "empty")]
    columns: list[tuple[str, str]] = []
    for label, value in items:
        named = "" if label is None else _one_line(label)
        if value.repr is None:
            shown = "NULL"
        elif label is not None and _named_by(value.repr, label):
            shown = named  # `<built-in function print>` labelled print: v shows it whole
        else:
            shown = _one_line(value.repr)
        columns.append((shown, "" if named == shown else named))
    widths = [max(cell_len(shown), cell_len(named)) for shown, named in columns]
    first = 0
    if width > 0:
        room = width - cell_len(_STACK_HEADING) - cell_len(" ← top")
        # Drop entries from the bottom (behind a "… | ") until the rest fit.
        while first < len(columns) - 1:
            kept = len(columns) - first
            if sum(widths[first:]) + 3 * (kept - 1) + (4 if first else 0) <= room:
                break
            first += 1
    values = Text(no_wrap=True, overflow="ellipsis")
    labels = Text(no_wrap=True, overflow="ellipsis", style="dim")
    values.append(_STACK_HEADING, style="bold")
    labels.append(" " * cell_len(_STACK_HEADING))
    if first:
        values.append("… | ", style="dim")
        labels.append(" " * 4)
    for i in range(first, len(columns)):
        shown, named = columns[i]
        if i > first:
            values.append(" | ")
            labels.append("   ")
        values.append(shown, style="dim italic" if items[i][1].repr is None else "")
        if i < len(columns) - 1:
            values.append(" " * (widths[i] - cell_len(shown)))
        labels.append(named + " " * (widths[i] - cell_len(named)))
    values.append(" ← top")
    lines = [values]
    if labels.plain.strip():
        labels.rstrip()
        lines.append(labels)
    return lines


_NAMED_REPRS = ("<function ", "<built-in function ", "<class ", "<module ", "<built-in method ")


def _named_by(text: str, label: str) -> bool:
    """Whether ``text``, a function's, class's or module's repr, only names ``label``
    (``<function fact at 0x7f…>`` for ``fact``): the values line then shows the label."""
    return (
        label.isidentifier()
        and text.startswith(_NAMED_REPRS)
        and re.search(rf"[ '.]{re.escape(label)}[ '>]", text) is not None
    )


def is_conditional_jump(opname: str) -> bool:
    """A jump taken or not by the value it tests: ``POP_JUMP_IF_FALSE``, 3.11's
    ``POP_JUMP_FORWARD_IF_NONE`` and ``JUMP_IF_TRUE_OR_POP``, their instrumented forms."""
    return any(part in opname for part in ("JUMP_IF", "JUMP_FORWARD_IF", "JUMP_BACKWARD_IF"))


class RunPane(Widget, StageView[None], can_focus=True):
    """Step through the recorded run: the instruction, call stack, locals and output so far."""

    COMMANDS: ClassVar[tuple[Command, ...]] = (
        Command("run.next_step", "right", "step(1)", "Step", "Next instruction", footer=True),
        Command("run.previous_step", "left", "step(-1)", "Previous step", "Previous instruction"),
        Command(
            "run.next_line",
            "down",
            "line(1)",
            "Line",
            "Next line in this call or its caller (a call on the line runs through: step over)",
            footer=True,
        ),
        Command(
            "run.previous_line",
            "up",
            "line(-1)",
            "Previous line",
            "Previous line in this call or its caller",
        ),
        Command(
            "run.step_into",
            "shift+down",
            "line(1, True)",
            "Step into",
            "Next line wherever it is, inside a call made on this line too (step into)",
        ),
        Command(
            "run.step_back_into",
            "shift+up",
            "line(-1, True)",
            "Back into",
            "Previous line wherever it is, inside calls too",
        ),
        Command(
            "run.call_out",
            "pagedown",
            "call(1)",
            "Step out",
            "Out of the current call: to just after it returns",
        ),
        Command(
            "run.call_back", "pageup", "call(-1)", "Call site", "Back to where this call was made"
        ),
        Command(
            "run.next_event",
            "e",
            "event(1)",
            "Next event",
            "The next return, yield or exception (raised, leaving a call, caught)",
        ),
        Command(
            "run.previous_event",
            "E",
            "event(-1)",
            "Previous event",
            "The previous return, yield or exception",
        ),
        Command(
            "run.values",
            "v",
            "values",
            "Values",
            "Every variable's value in full, the objects they refer to and the value stack",
            footer=True,
        ),
        Command("run.first", "home", "edge(0)", "First step", "First step"),
        Command("run.last", "end", "edge(1)", "Last step", "Last step"),
    )
    BINDINGS: ClassVar[list[BindingType]] = bindings(COMMANDS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summary = ""
        """What the title says of the run shown: its steps, 'running', 'out of date'."""
        self.timeline: Timeline | None = None
        self.step = 0
        self.status = ""

    def show_timeline(self, timeline: Timeline | None, status: str) -> None:
        """Show a finished run (or None while running / before any run)."""
        self.timeline = timeline
        self.status = status
        self.step = 0
        self.refresh()

    def title_detail(self) -> str:
        return self.summary

    def go(self, step: int, *, user: bool) -> None:
        """Move to ``step`` (clamped)."""
        if self.timeline is None or not self.timeline.count:
            return
        self.step = max(0, min(step, self.timeline.count - 1))
        self.refresh()
        if user:
            self.post_message(ItemPicked("step", self.step))

    def action_step(self, delta: int) -> None:
        """One instruction forwards or back."""
        self.go(self.step + delta, user=True)

    def action_line(self, direction: int, into: bool = False) -> None:
        """To the start of the next or previous line (``into``: calls included)."""
        if self.timeline is not None:
            target = self.timeline.next_line(self.step, direction, into=into)
            self._go_or_say(target, direction, self._no_line)

    def action_call(self, direction: int) -> None:
        """Out of the current call, forwards or back."""
        if self.timeline is not None:
            target = self.timeline.leave_call(self.step, direction)
            self._go_or_say(target, direction, self._no_call)

    def action_event(self, direction: int) -> None:
        """To the step after the next or previous return, yield or exception."""
        if self.timeline is not None:
            target = self.timeline.next_event(self.step, direction)
            self._go_or_say(target, direction, self._no_event)

    def _go_or_say(self, target: int | None, direction: int, why: Callable[[int], str]) -> None:
        """Go to ``target``; when there is none, say why instead of doing nothing."""
        timeline = self.timeline
        if target is not None:
            self.go(target, user=True)
        elif timeline is not None and not timeline.count:
            self.notify("This run was not recorded (F7): there are no steps to move through.")
        elif direction > 0 and timeline is not None and self.step >= timeline.count - 1:
            self.notify("This is the last step: the run ends here.")
        elif direction < 0 and self.step <= 0:
            self.notify("This is the first step.")
        else:
            self.notify(why(direction))

    @staticmethod
    def _no_line(direction: int) -> str:
        if direction > 0:
            return (
                "No line runs after this one: → steps through the rest of it, "
                "End goes to the last step."
            )
        return "No line ran before this one: ← steps back through it, Home goes to the first step."

    def _no_call(self, direction: int) -> str:
        record = self.timeline.record(self.step) if self.timeline is not None else None
        if record is None or len(record.stack) <= 1:
            return "Not inside a call here: there is no call to step out of."
        if direction > 0:
            return "This call never returns in the recorded run."
        return "The call site is not in this file."

    @staticmethod
    def _no_event(direction: int) -> str:
        if direction > 0:
            return "No return, yield or exception after this step."
        return "No return, yield or exception before this step."

    def action_values(self) -> None:
        """Open the current step's values in full."""
        timeline = self.timeline
        record = timeline.record(self.step) if timeline is not None else None
        if timeline is None or record is None:
            self.notify("No values recorded at this step.", severity="warning")
            return
        scope = "Globals" if len(record.stack) == 1 else "Locals"
        frame = timeline.qualnames[record.code]
        where = f"{scope} of {frame} before step {self.step + 1:,}"
        values = self._recorded_stack(self.step)
        stack: tuple[StackItem, ...] | None = None
        if values is not None:
            instruction = timeline.instruction(self.step)
            entries = None if instruction is None else stack_before(timeline.analysis, instruction)
            stack = labelled_stack(values, entries)
        result = timeline.result
        note = result.stacks_note if result.stacks is None else "not read at this step"
        screen = ValuesScreen(
            record.snapshot, where, timeline.qualnames, stack=stack, stack_note=note
        )
        self.app.push_screen(screen)

    def _recorded_stack(self, step: int) -> tuple[StackValue, ...] | None:
        """The values on CPython's stack before ``step``, if the run read them there."""
        stacks = self.timeline.result.stacks if self.timeline is not None else None
        return stacks.at(step) if stacks is not None else None

    def _jump_text(
        self,
        timeline: Timeline,
        ins: Instruction,
        stack: tuple[StackEntry, ...] | None,
        values: tuple[StackValue, ...] | None,
    ) -> Text:
        """What a conditional jump tests, the value it found, and where the run went:
        ``tests n <= 1: False → falls through``."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("tests ", style="bold")
        label = _one_line(stack[-1].text, 40) if stack else None
        text.append(label or "the top of the stack")
        if values:
            top = values[-1]
            shown = "NULL" if top.repr is None else _one_line(top.repr, 40)
            if shown != label:
                text.append(": ")
                text.append(shown, style="bold")
        step = self.step
        following = timeline.instruction(step + 1) if step + 1 < timeline.count else None
        if following is not None and not timeline.raises_at(step):
            after = timeline.analysis.instructions[following]
            if after.code != ins.code:
                pass  # the next step is in another frame: nothing to say about this jump
            elif after.offset == ins.jump_target:
                text.append(f" → jumps to @{after.offset}")
                if after.line is not None and after.line != ins.line:
                    text.append(f", line {after.line}")
            else:
                text.append(" → falls through")
        return text

    def action_edge(self, end: int) -> None:
        """To the first or last step."""
        if self.timeline is not None:
            self.go(self.timeline.count - 1 if end else 0, user=True)

    def render(self) -> RenderableType:
        timeline = self.timeline
        if timeline is None:
            return Text(self.status or "Press F5 to run the program.", style="italic")
        analysis = timeline.analysis
        heading = Text(no_wrap=True, overflow="ellipsis")
        if not timeline.count:
            hint = (
                "Ran without recording (F7): no timeline. Press s to see the bytecode as "
                "CPython specialized it while running."
                if timeline.result.specialized or not timeline.result.steps
                else "No instruction of this file was recorded."
            )
            return Group(Text(self.status), Text(hint, style="italic"))
        heading.append(f"Step {self.step + 1:,} / {timeline.count:,}  ", style="bold")
        instruction = timeline.instruction(self.step)
        record = timeline.record(self.step)
        if instruction is not None:
            ins = analysis.instructions[instruction]
            code = analysis.code_objects[ins.code]
            heading.append(f"{ins.opname} {ins.argrepr}".rstrip(), style="bold")
            where = f" @{ins.offset} in {code.qualname}"
            if ins.line is not None:
                where += f", line {ins.line}"
            heading.append(where)
        parts: list[RenderableType] = [heading, Text(self.status, style="italic")]
        for note in timeline.notes_at(self.step):
            style = "bold red" if " raised in " in note or " leaves " in note else "bold"
            parts.append(Text(f"↳ {note}", style=style, no_wrap=True, overflow="ellipsis"))
        if timeline.raises_at(self.step):
            parts.append(Text("! this instruction raises an exception", style="bold red"))
        if instruction is not None:
            ins = analysis.instructions[instruction]
            stack = stack_before(analysis, instruction)
            values = self._recorded_stack(self.step)
            if values is not None:
                items = labelled_stack(values, stack)
                parts.extend(stack_value_lines(items, self.content_size.width))
            elif stack is not None:
                shown = Text.assemble((_STACK_HEADING, "bold"), stack_text(stack))
                shown.no_wrap, shown.overflow = True, "ellipsis"
                parts.append(shown)
            if timeline.result.stacks is None and timeline.result.stacks_note:
                why = f"values on the stack are not shown: {timeline.result.stacks_note}"
                parts.append(Text(why, style="dim"))
            if is_conditional_jump(ins.opname):
                parts.append(self._jump_text(timeline, ins, stack, values))
        if record is not None:
            names = [analysis.code_objects[c].qualname for c in record.stack]
            parts.append(Text.assemble(("Call stack  ", "bold"), " → ".join(names) or "-"))
            snapshot = record.snapshot
            numbers = snapshot.numbers()
            table = Table.grid(padding=(0, 1))
            # Names whole (a long value must not squeeze them to "fun…"); values cut instead.
            widest = max((len(name) for name, _ in record.locals), default=1)
            table.add_column(style="bold", no_wrap=True, min_width=widest)
            table.add_column(no_wrap=True, overflow="ellipsis")
            for i, variable in enumerate(snapshot.variables):
                table.add_row(variable.name, variable_value(snapshot, i, numbers))
            in_module = len(record.stack) == 1
            parts.append(Text("Globals" if in_module else "Locals", style="bold"))
            parts.append(table if record.locals else Text("(none)", style="italic"))
            written = timeline.result.stdout_before(record)
            tail = printable_lines(written)[-5:] if written else []
            count = len(written)
            plural = "" if count == 1 else "s"
            parts.append(Text(f"Output so far ({count:,} character{plural})", style="bold"))
            parts.append(Text("\n".join(tail) or "(nothing yet)", no_wrap=True))
            # After the output: at 80x24 the pane is short, and v shows the objects anyway.
            parts.extend(objects_section(snapshot, timeline.qualnames))
        return Group(*parts)


class _Colours(Highlighter):
    """Draws the colours of the program's output (SGR codes) on the line being drawn."""

    def __init__(self, pane: OutputPane) -> None:
        self._pane = pane

    def highlight(self, text: Text) -> None:
        for start, end, style in self._pane.colours_of(self._pane._line_drawn):
            text.stylize(style, start, end)


# While the program runs, the Output pane shows this many of its last lines (all of them
# when it ends): rewritten every quarter second, they must stay cheap.
_RUNNING_LINES = 200


class OutputPane(Log, StageView[None]):
    """The complete stdout and stderr of the last run, and how it ended."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, highlight=False)
        self._header = ""
        """How the run shown ended (wrapped to the pane's width when drawn)."""
        self._header_lines: list[str] = []
        self._shown_lines: list[str] = []
        """The output shown under the header."""
        self._colours: dict[int, Spans] = {}
        """The colours the program's SGR codes asked for, by index in :attr:`_shown_lines`."""
        self._first_shown = 0
        """The Log line where :attr:`_shown_lines` start."""
        self._line_drawn = 0
        self.highlight = True
        self.highlighter = _Colours(self)
        self._stale = False
        self.summary = ""
        """What the title says of the output shown: how the run ended."""

    def render_line(self, y: int) -> Strip:
        # The highlighter colours one line at a time: tell it which.
        self._line_drawn = self.scroll_offset.y + y
        return super().render_line(y)

    def colours_of(self, line: int) -> Spans:
        """The colours of Log line ``line`` (a line of the program's output)."""
        return self._colours.get(line - self._first_shown, ())

    def title_detail(self) -> str:
        return self.summary

    def show_result(self, result: RunResult, limits: RunLimits) -> None:
        """Replace the text with ``result``'s output."""
        # How it ended goes first: at 80x24 the stacked pane shows its last row, which should
        # be the program's last line of output.
        self._header = result.describe()
        self._stale = False
        lines: list[str] = []
        colours: dict[int, Spans] = {}
        for name, text in (("stdout", result.transcript()), ("stderr", result.stderr)):
            if text or (name == "stdout" and result.inputs):
                lines.append(f"── {name} " + "─" * 30)
                for line, spans in styled_lines(text):
                    if spans:
                        colours[len(lines)] = spans
                    lines.append(line)
        if not result.stdout and not result.stderr:
            lines.append("(no output)")
        self._shown_lines = lines
        self._colours = colours
        self._draw()

    def _wrapped_header(self) -> list[str]:
        """The header cut at spaces to the pane's width ("… 14 steps record" was cut
        mid-word): a Log line never wraps by itself."""
        width = self.scrollable_content_region.width
        if width < 20:  # not laid out yet, or too narrow to wrap usefully
            return ["── " + self._header]
        return textwrap.wrap(
            self._header,
            width,
            initial_indent="── ",
            subsequent_indent="   ",
            break_on_hyphens=False,
        )

    def _draw(self) -> None:
        self.clear()
        self._header_lines = self._wrapped_header()
        stale = ["(out of date: the file changed since this run; F5 runs it again)"]
        above = (stale if self._stale else []) + self._header_lines
        self._first_shown = len(above)
        self.write_lines(above + self._shown_lines)
        self.scroll_end(animate=False)

    def on_resize(self) -> None:
        if self._header and self._wrapped_header() != self._header_lines:
            self._draw()

    def mark_stale(self) -> None:
        """Say, above the old output, that it came from an earlier version of the file."""
        if self._header:
            self._stale = True
            self._draw()

    def show_running(
        self, seconds: float, limits: RunLimits, stdout: str = "", stderr: str = ""
    ) -> None:
        """While the program runs: for how long, its limits, and the end of what it printed."""
        self._header = ""
        self._colours = {}
        self.clear()
        lines = [
            f"── Running… {seconds:.1f} s. Press F5 to stop.",
            f"Limits: {limits.wall_time:g} s, {limits.max_output:,} bytes of output, "
            f"{limits.max_steps:,} recorded steps (see tui-exec --help to change them).",
        ]
        for name, text in (("stdout", stdout), ("stderr", stderr)):
            if text:
                lines.append(f"── {name} so far " + "─" * 24)
                lines.extend(printable_lines(text)[-_RUNNING_LINES:])
        self.write_lines(lines)
        self.scroll_end(animate=False)


RUN_PANE = PaneSpec(
    "run",
    "Run",
    "5",
    RunPane,
    "The recorded run, one step per executed instruction: the instruction, the call stack, "
    "the innermost frame's variables and the output so far. The step is a selection like any "
    "other: its instruction, node, tokens and source light up in the other panes.",
    selects=("step",),
    after_run=True,
)

OUTPUT_PANE = PaneSpec(
    "output",
    "Output",
    "6",
    OutputPane,
    "Everything the program wrote to stdout and stderr, and how it ended (exit status, time).",
    after_run=True,
)
