"""The guided tour (t): the six stages of the pipeline, shown on the open program.

Source, tokens, AST, bytecode, the virtual machine running it, and its output: each step
focuses and marks its pane, selects the program's first statement there, and says in a few
sentences what the stage does and what it made of that statement. On a program with an
error the tour ends at the stage that failed, saying why. The words are written for this
project.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from rich.text import Text
from textual.message import Message

from ..core import Analysis, StageError
from ..core.pyc import cache_path
from ..core.syntax import Node
from ..core.words import counted
from .commands import Command
from .feature import Feature
from .stage_panel import activate
from .tour_box import TourBox

TOUR_COMMANDS = (
    Command(
        "app.tour",
        "t",
        "tour",
        "Tour",
        "A guided tour of the six stages, on this program",
        "help: guided tour of the stages",
        feature="touring",
    ),
)

# The step that explains a stage's failure (the source's for a file that cannot be decoded).
_FAILING_STEP = {"decode": 0, "tokenize": 1, "parse": 2, "compile": 3}

_STEP_TITLES = (
    "1. The source",
    "2. Tokens",
    "3. The abstract syntax tree",
    "4. Bytecode",
    "5. The Python virtual machine",
    "6. Output",
)

# A beginner's name for each token type (exact types of operators are shown beside them).
_TOKEN_WORDS = {
    "NAME": "name",
    "NUMBER": "number",
    "STRING": "string",
    "OP": "operator or punctuation",
    "NEWLINE": "end of the statement",
    "NL": "line break inside the statement",
    "COMMENT": "comment",
    "INDENT": "indentation",
    "DEDENT": "end of an indented block",
    "FSTRING_START": "start of an f-string",
    "FSTRING_MIDDLE": "f-string text",
    "FSTRING_END": "end of an f-string",
    "TSTRING_START": "start of a template string",
    "TSTRING_MIDDLE": "template string text",
    "TSTRING_END": "end of a template string",
}


class Tour(Feature):
    """Walks a learner through the stages; the steps are computed as they are shown."""

    NAME = "touring"
    COMMANDS = TOUR_COMMANDS
    step: int | None = None
    """The step shown (0-5), or None when no tour is on."""

    class RunWanted(Message):
        """The tour's step on the virtual machine needs a run: start one (F5)."""

    def action_tour(self) -> None:
        """t: start the guided tour (or leave it)."""
        if self.step is not None:
            self._leave_tour()
            return
        if self.program.analysis is None:
            self.notify("Still analysing: the tour starts when the analysis is done.")
            return
        if self.program.analysis.pyc is not None:
            self.notify("The tour follows a program from its source: o opens this .pyc's source.")
            return
        self.host.leave_editor()
        box = TourBox(id="tour")
        self.host.add_overlay(box)
        self.app.add_class("-touring")  # notifications move up, off the tour's text (app.tcss)
        self.step = 0
        self.screen.set_focus(box)
        self._show_step()

    def moved(self, message: TourBox.Moved) -> None:
        """The tour's box asks for the next or previous step (the app passes it on)."""
        if self.step is None:
            return
        last = self._last_step()
        step = self.step + message.delta
        if step > last:
            self._leave_tour()
            return
        self.step = max(0, step)
        self._show_step()

    def leave(self) -> None:
        """End the tour (its box was left: Esc)."""
        self._leave_tour()

    def _leave_tour(self) -> None:
        step, self.step = self.step, None
        panes = ("source", "tokens", "ast", "bytecode", "run", "output")
        for box in self.app.query(TourBox):
            box.remove()
        self.app.remove_class("-touring")
        if step is not None:
            self.host.focus_pane(panes[step])

    def run_finished(self) -> None:
        """A run ended and the panes show it: the tour's step on the virtual machine waits."""
        if self.step == 4:
            self.call_after_refresh(self._show_step)

    # -- the steps -------------------------------------------------------------------------------

    def _failure(self) -> tuple[int, StageError] | None:
        """The step whose stage failed, and its error."""
        assert self.program.analysis is not None
        errors = {error.stage: error for error in self.program.analysis.errors}
        if "parse" in errors:
            errors.pop("tokenize", None)  # the parser's words for the same problem are better
        for stage, step in _FAILING_STEP.items():
            if stage in errors:
                return step, errors[stage]
        return None

    def _last_step(self) -> int:
        failure = self._failure()
        return failure[0] if failure is not None else 5

    def _show_step(self) -> None:
        analysis = self.program.analysis
        step = self.step
        if analysis is None or step is None:
            return
        steps: tuple[tuple[str, Callable[[Analysis, Node | None], Text]], ...] = (
            ("source", self._about_source),
            ("tokens", self._about_tokens),
            ("ast", self._about_ast),
            ("bytecode", self._about_bytecode),
            ("run", self._about_vm),
            ("output", self._about_output),
        )
        (pane, about), title = steps[step], _STEP_TITLES[step]
        statement = _first_statement(analysis)
        failure = self._failure()
        if failure is not None and failure[0] == step:
            body = _about_failure(failure[1])
        else:
            body = about(analysis, statement)
        if statement is not None and step < 4:
            # Picked by the tour, not in a pane: every pane, the AST's too, moves its cursor
            # to the statement and scrolls it into view.
            self.host.select("node", statement.id, picked_in="tour")
        panel = self.host.panels[pane]
        if panel.has_class("-idle") and step < 4:
            pane = "source"
        if not panel.has_class("-idle"):
            panel.remove_class("-hidden")
            activate(self.host.panels.values(), panel)
        for box in self.app.query(TourBox):
            box.show(step + 1, self._last_step() + 1, title, body)
            self.screen.set_focus(box)  # a finished run takes the focus to its pane

    def _about_source(self, analysis: Analysis, statement: Node | None) -> Text:
        source = analysis.source
        lines = len(source.lines)
        text = Text(
            f"{os.path.basename(analysis.filename)} is plain text: {lines:,} "
            f"line{'' if lines == 1 else 's'} in {source.encoding}. Python does not run this "
            "text as it is: it reads it in stages, one pane each, and the tour follows one "
            "statement through all of them. "
        )
        failure = self._failure()
        if statement is not None:
            text.append("The first statement, marked here, is ")
            text.append(_snippet(analysis, statement), "bold")
            text.append(". ")
        elif failure is None:
            text.append("This program has no statements, so there is little to follow.")
        if failure is not None:
            name = _STEP_TITLES[failure[0]].split(". ", 1)[1]
            text.append(
                f"This program stops at step {failure[0] + 1}, {name[0].lower()}{name[1:]}: "
                "→ walks there, and that step says what went wrong."
            )
        return text

    def _about_tokens(self, analysis: Analysis, statement: Node | None) -> Text:
        text = Text(
            "First the tokenizer cuts the text into tokens: the names, numbers, strings and "
            "symbols Python's grammar is made of. Spaces between them are dropped; line "
            "breaks and indentation become tokens of their own. "
        )
        if statement is None or self.program.selection is None:
            return text
        tokens = [analysis.tokens[i] for i in self.program.selection.links.tokens][:12]
        text.append("The first statement's tokens: ")
        for number, token in enumerate(tokens):
            if number:
                text.append(" · ")
            shown = token.string if token.string.strip() else repr(token.string)
            text.append(shown, "bold")
            word = _TOKEN_WORDS.get(token.type, token.type.lower())
            exact = f", {token.exact_type}" if token.exact_type != token.type else ""
            text.append(f" ({word}{exact})")
        return text

    def _about_ast(self, analysis: Analysis, statement: Node | None) -> Text:
        text = Text(
            "Then the parser checks the tokens against Python's grammar and builds a tree of "
            "what they mean: the abstract syntax tree. Brackets, commas and colons are gone; "
            "what is left is structure: which operation, on which parts. "
        )
        if statement is not None:
            children = [n for n in analysis.nodes[statement.id + 1 : statement.end]]
            direct = [n for n in children if n.parent == statement.id]
            article = "an" if statement.type[0] in "AEIOU" else "a"
            text.append(f"The first statement is {article} {statement.type} node")
            if direct:
                parts = ", ".join(f"{n.field}: {n.type}" for n in direct[:4])
                text.append(f" ({parts})")
            text.append(f", {len(children)} node{'' if len(children) == 1 else 's'} below it.")
        return text

    def _about_bytecode(self, analysis: Analysis, statement: Node | None) -> Text:
        text = Text(
            "The compiler turns the tree into bytecode: small instructions for Python's "
            "virtual machine, kept with their constants and names in a code object. "
        )
        if statement is not None and self.program.selection is not None:
            links = self.program.selection.links
            ids = sorted({*links.instructions, *links.secondary_instructions})
            names = [analysis.instructions[i].opname for i in ids]
            if names:
                shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
                text.append(f"The first statement became {counted(len(names), 'instruction')}: ")
                text.append(shown, "bold")
                text.append(". ")
        cached = cache_path(analysis.filename) if os.path.exists(analysis.filename) else None
        if cached is not None:
            there = "" if os.path.exists(cached) else " (no such file yet)"
            text.append(
                "A program run directly, as python FILE runs it, is compiled afresh each time "
                "and nothing is saved. Only when this file is imported would CPython write "
                f"its bytecode to {cached}{there}, so that the next import can skip the first "
                "stages."
            )
        if "pyc" in self.host.panels:
            text.append(" Key 7 shows the bytes that file would hold;")
        if "explain" in self.host.panels:
            text.append(" key 8 says in plain words what any selected instruction does.")
        return text

    def _about_vm(self, analysis: Analysis, statement: Node | None) -> Text:
        text = Text(
            "The Python virtual machine runs the instructions one at a time. Most take their "
            "operands from a stack of values and put their result back on it. "
        )
        timeline = self.program.timeline
        if timeline is None or not timeline.count:
            if self.program.run is None:
                text.append("Running the program now (F5)…")
                self.post_message(self.RunWanted())
            else:
                text.append("Running the program…")
            return text
        start = _first_step_of(self, statement)
        self.host.run_pane.go(start, user=False)
        self.host.select("step", start)
        text.append(
            f"It ran {timeline.count:,} instructions. The Run pane shows step {start + 1:,}, "
            "the first of the first statement. After the tour (Esc), → and ← there step one "
            "instruction, ↓ and ↑ one line, and every other pane follows."
        )
        return text

    def _about_output(self, analysis: Analysis, statement: Node | None) -> Text:
        text = Text(
            "Last, what the program wrote to its standard output and standard error, in the "
            "order it wrote them, and how it ended"
        )
        summary = self.host.output_pane.summary
        text.append(f": {summary}." if summary else ".")
        text.append(" Edit the program (F2) and every stage changes with it.")
        return text


def _first_statement(analysis: Analysis) -> Node | None:
    """The program's first statement (the module's first body node), if any."""
    return next(
        (n for n in analysis.nodes if n.parent == 0 and n.field == "body"),
        None,
    )


def _first_step_of(tour: Tour, statement: Node | None) -> int:
    """The first recorded step that runs an instruction of ``statement`` (else step 0)."""
    timeline = tour.program.timeline
    analysis = tour.program.analysis
    if timeline is None or analysis is None or statement is None:
        return 0
    links = analysis.index.for_node(statement.id)
    wanted = {*links.instructions, *links.secondary_instructions}
    for step in range(min(timeline.count, 100_000)):
        if timeline.instruction(step) in wanted:
            return step
    return 0


def _snippet(analysis: Analysis, node: Node, limit: int = 60) -> str:
    """The source text of ``node``'s first line, shortened."""
    if node.span is None:
        return node.type
    line = analysis.source.line_text(node.span.start_line)[node.span.start_col :].rstrip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _about_failure(error: StageError) -> Text:
    where = (
        f"line {error.span.start_line}, column {error.span.start_col}"
        if error.span
        else "a place it does not give"
    )
    stage = {
        "decode": "Python could not even read the file as text",
        "tokenize": "the tokenizer could not cut the text into tokens",
        "parse": "the parser found tokens that do not fit Python's grammar",
        "compile": "the compiler refused the tree",
    }[error.stage]
    return Text.assemble(
        f"Here the pipeline stops: {stage}. ",
        (f"{error.type}: {error.message}", "bold"),
        f", at {where} (marked in the source). The stages after this one need what this "
        "one makes, so they are empty, and the program cannot run. Fix it (F2 edits the "
        "program) and start the tour again with t.",
    )
