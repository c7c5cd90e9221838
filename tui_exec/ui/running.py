"""Running the program: start and stop it, show progress, and lay the recorded run over the
analysis (the Run and Output panes, execution counts, specialized bytecode)."""

from __future__ import annotations

import os
import time
from dataclasses import replace

from textual import work

from ..core import Analysis
from ..core.run import ProgramRun, RunResult, compile_error_report
from .commands import Command
from .feature import Feature
from .messages import RunFinished, RunProgress
from .panes.explain import ExplainPane
from .selection import Origin
from .timeline import Timeline

RUN_COMMANDS = (
    Command(
        "app.run",
        "f5",
        "run",
        "Run",
        "Run the program, recording every step",
        "run: run",
        footer=True,
        priority=True,  # the editor must not take the function keys (it binds F6 and F7)
        feature="running",
    ),
    Command(
        "app.stop",
        "f5",
        "stop",
        "Stop",
        "Stop the run in progress",
        "run: stop",
        footer=True,
        priority=True,
        feature="running",
    ),
    Command(
        "app.run_unrecorded",
        "f7",
        "run(False)",
        "Run fast",
        "Run without recording, to see CPython's specialized bytecode",
        "run: run without recording",
        priority=True,
        feature="running",
    ),
    Command(
        "app.input",
        "f6",
        "program_input",
        "Input",
        "Set the text the program reads from stdin",
        "run: program input…",
        priority=True,
        feature="running",
    ),
    Command(
        "app.counts",
        "c",
        "toggle_counts",
        "Counts",
        "After a run: how often each line and instruction ran",
        "view: execution counts",
        feature="running",
    ),
    Command(
        "app.specialized",
        "s",
        "toggle_specialized",
        "Specialized",
        "After F7: the bytecode as the specializing interpreter rewrote it",
        "view: specialized bytecode",
        feature="running",
    ),
    Command(
        "app.next_run",
        "full_stop",
        "next_run",
        "Next run of it",
        "Bytecode pane: the next step that executes this instruction",
        feature="running",
    ),
)


class Runner(Feature):
    """F5 and everything that follows from a run."""

    NAME = "running"
    COMMANDS = RUN_COMMANDS
    _asking_input = False
    """The command line is asking for the program's next line of input."""
    _ran_fast = False
    """The last run of this text was a run without recording (F7)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.program.run is not None
        if action == "run":
            return not running
        if action == "stop":
            return running
        if (
            action in ("toggle_counts", "next_run", "toggle_specialized")
            and not self.host.for_palette
        ):
            return True  # the key acts, or says why it cannot (a disabled key said nothing)
        if action in ("toggle_counts", "next_run"):
            return self.program.timeline is not None and self.program.timeline.count > 0
        if action == "toggle_specialized":
            return bool(self.program.specialized) or self.host.bytecode_pane.showing_specialized
        return True

    def selected(self, origin: Origin, item: int | tuple[int, int]) -> None:
        if origin == "step" and isinstance(item, int):
            self._mark_step(item)

    def _mark_step(self, step: int) -> None:
        """Mark the run's current step in the source gutter, apart from the selection."""
        timeline, analysis = self.program.timeline, self.program.analysis
        if timeline is None or analysis is None or not timeline.count:
            self.host.source_pane.show_step_line(None)
            return
        instruction = timeline.instruction(step)
        line = analysis.instructions[instruction].line if instruction is not None else None
        self.host.source_pane.show_step_line(line or None, raises=timeline.raises_at(step))

    def analysis_changed(self, analysis: Analysis, *, reloaded: bool) -> None:
        # A new analysis has new code objects: steps, counts and specialized names of a run
        # of the old code mean nothing for it.
        if self.program.timeline is not None:
            self.program.timeline = None
            self.host.run_pane.show_timeline(None, "The file changed: run it again (F5).")
            self.host.bytecode_pane.show_counts(None)
            self.host.source_pane.show_counts(None)
            self.host.source_pane.show_step_line(None)
            self.host.output_pane.mark_stale()
            self.host.run_pane.summary = self.host.output_pane.summary = "out of date"
        self.program.specialized = {}
        self._ran_fast = False
        self._show_specialized(None)

    # -- starting and stopping -----------------------------------------------------------------

    def action_run(self, record: bool = True) -> None:
        """F5: run the program in a subprocess, recording every step (F7: without recording)."""
        if self.program.run is not None or self.program.analysis is None:
            return
        if not self.program.policy.may_run:
            self.notify(self.program.policy.refusal("running"), severity="warning", timeout=8)
            return
        if self.program.analysis.pyc is not None:
            self.notify("A .pyc is run by importing it; here, run its source (o opens it).")
            return
        if not self.program.analysis.compiled:
            self._show_compile_error()
            return
        self.host.reveal_panes("run", "output")
        limits = self.program.run_options.limits
        self.host.run_pane.show_timeline(None, "Running… (F5 stops it)")
        self.host.output_pane.show_running(0.0, limits)
        self.host.run_pane.summary, self.host.output_pane.summary = "running", ""
        self.host.retitle()
        program = ProgramRun(
            self.program.path or "program.py",
            # A program from stdin, the sample or the editor: run the very bytes analysed.
            source=self.program.data if self.program.path is None or self.program.unsaved else None,
            args=self.program.run_options.args,
            stdin=self.program.run_options.stdin,
            limits=limits,
            record=record,
            # The values on CPython's stack at each step (the run without recording has none).
            stack_values=record,
            # No prepared input (F6, --stdin): the user types it when the program asks.
            interactive=not self.program.run_options.stdin,
        )
        self.program.run = program
        self._ran_fast = not record
        self.refresh_bindings()
        self._run_worker(program, self.program.analysis)

    def _show_compile_error(self) -> None:
        """F5 on a program that does not compile: what ``python FILE`` would print (the
        SyntaxError, its line and caret), in the Output pane, as a run would show it."""
        name = os.path.abspath(self.program.path) if self.program.path else self.program.name
        report = compile_error_report(self.program.data, name) or ""
        self.host.reveal_panes("output")
        self.host.output_pane.show_result(
            RunResult.does_not_compile(report), self.program.run_options.limits
        )
        self.host.retitle()
        self.notify("The program does not compile: 6 Output shows what python prints.")

    def action_stop(self) -> None:
        """F5 while running: stop the program (what was recorded so far is kept)."""
        self.stop_run()

    def stop_run(self, *, save: bool = True) -> None:
        """End the run in progress, if any (and what it spawned); with ``save``, keeping
        what it recorded (quitting does not wait for that)."""
        if self.program.run is not None:
            self.program.run.stop(save=save)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _run_worker(self, program: ProgramRun, analysis: Analysis) -> None:
        """Start, wait (the limits are enforced here) and read the trace, off the UI thread."""
        try:
            program.start()
        except OSError as exc:
            program.cleanup()
            self.post_message(RunFinished(RunResult.cannot_start(f"could not start Python: {exc}")))
            return
        last = [0.0]

        def tick(seconds: float) -> None:
            # By the clock, not by ``seconds``: that stops while the program waits for input.
            now = time.monotonic()
            if now - last[0] >= 0.25:
                last[0] = now
                waiting = program.waiting_for_input
                self.post_message(RunProgress(seconds, *program.output_tail(), waiting))

        result = program.wait(on_tick=tick)
        # Counting a 2M-step run takes a moment: do it here, off the UI thread.
        self.post_message(RunFinished(result, Timeline(analysis, result)))

    def on_run_progress(self, message: RunProgress) -> None:
        program = self.program.run
        if program is None:
            return
        self.host.output_pane.show_running(
            message.seconds, self.program.run_options.limits, message.stdout, message.stderr
        )
        if message.waiting and not self._asking_input:
            self._asking_input = True

            def typed(line: str | None) -> None:
                self._asking_input = False
                program.send_input(line)

            self.host.ask(
                _input_prompt(message.stdout),
                typed,
                placeholder="type it, Enter sends it; Esc sends end of file (as Ctrl+D)",
                raw=True,
            )

    def on_run_finished(self, message: RunFinished) -> None:
        result = message.result
        self.program.run = None
        if self._asking_input:  # the program ended while asking: the question is moot
            self.host.cancel_question()
        self.refresh_bindings()
        analysis = self.program.analysis
        if analysis is None:
            return
        self.program.timeline = timeline = message.timeline or Timeline(analysis, result)
        if result.specialized:
            self.program.specialized = result.specialized
            if self.host.bytecode_pane.showing_specialized:
                self._show_specialized(self.program.specialized)
        # Counts stay on across runs, but a run without recording has none to show.
        counting = self.host.bytecode_pane.showing_counts and timeline.count > 0
        self.host.bytecode_pane.show_counts(timeline.instruction_counts if counting else None)
        self.host.source_pane.show_counts(timeline.line_counts if counting else None)
        self.host.run_pane.show_timeline(timeline, result.describe())
        self.host.output_pane.show_result(result, self.program.run_options.limits)
        count = result.step_count
        self.host.run_pane.summary = (
            f"{count:,} step{'' if count == 1 else 's'}" if timeline.count else "not recorded"
        )
        self.host.output_pane.summary = result.short_description()
        self.host.retitle()
        clean = result.status == "exited" and result.exit_code == 0
        hint = ""
        if timeline.count:
            self.screen.set_focus(self.host.run_pane)
            # During the tour → and ← move the tour, whose own step says how to step the run
            # (the tour is a feature above this one: it is known here only by its state).
            if not self.host.touring:
                hint = (
                    " Step through it here: ← → one instruction, ↓ ↑ one line; 6 shows the output."
                )
        self.notify(
            f"The program {result.describe()}.{hint}",
            severity="information" if clean else "warning",
            timeout=6,
        )
        if timeline.count:
            # After an exception, start where it was raised; otherwise at the beginning.
            start = timeline.count - 1 if result.status == "exception" else 0
            self.host.run_pane.go(start, user=False)
            self.host.select("step", start)
        elif self.program.selection is not None and self.program.selection.origin == "step":
            # The selected step belonged to an earlier run: select what the source shows.
            self.host.select(
                "source", (self.host.source_pane.cursor_line, self.host.source_pane.cursor_col)
            )

    # -- what a run shows ------------------------------------------------------------------------

    def action_toggle_specialized(self) -> None:
        """Show or hide the specialized instructions of the last run without recording."""
        if self.host.bytecode_pane.showing_specialized:
            self._show_specialized(None)
        elif self.program.specialized:
            self._show_specialized(self.program.specialized)
            count = sum(len(names) for names in self.program.specialized.values())
            self.notify(
                f"{count:,} instruction{'' if count == 1 else 's'} specialized by the run "
                "without recording: the bytecode pane shows their new names (s hides them).",
                timeout=5,
            )
        elif self.program.run is not None:
            self.notify("The program is still running: s shows what it specialized once it ends.")
            return
        elif self._ran_fast:
            self.notify(
                "The run without recording (F7) specialized nothing: CPython specializes an "
                "instruction once it has run a few times (in a loop, or a function called "
                "again), and nothing here ran that often.",
                severity="warning",
            )
            return
        else:
            self.notify(
                "Run without recording first (F7): CPython does not specialize traced code.",
                severity="warning",
            )
            return
        self.host.retitle()

    def _show_specialized(self, names: dict[int, dict[int, str]] | None) -> None:
        """The bytecode pane shows the specialized names, the Explain pane explains them."""
        self.host.bytecode_pane.show_specialized(names)
        if "explain" in self.host.panels:
            self.host.view("explain", ExplainPane).show_specialized(names)

    def action_toggle_counts(self) -> None:
        """Show or hide execution counts in the source gutter and the bytecode pane."""
        if self.program.timeline is None or not self.program.timeline.count:
            self.notify(self._needs_steps("counts come from its steps"), severity="warning")
            return
        showing = self.host.bytecode_pane.showing_counts
        self.host.bytecode_pane.show_counts(
            None if showing else self.program.timeline.instruction_counts
        )
        self.host.source_pane.show_counts(None if showing else self.program.timeline.line_counts)

    def _needs_steps(self, what: str) -> str:
        """Why a key that needs recorded steps does nothing, and what to do."""
        if self.program.run is not None:
            return f"The program is still running: {what}, once it ends."
        if self._ran_fast:
            return f"The run without recording (F7) kept no steps; run with F5: {what}."
        return f"Run the program first (F5): {what}."

    def action_next_run(self) -> None:
        """Bytecode pane: go to the next step that executes the instruction under the cursor."""
        if self.program.timeline is None or not self.program.timeline.count:
            what = ". goes to the next step that runs the instruction"
            self.notify(self._needs_steps(what), severity="warning")
            return
        instruction = self.host.bytecode_pane.instruction_at(self.host.bytecode_pane.cursor_row)
        if instruction is None:
            return
        step = self.program.timeline.next_run_of(instruction, self.host.run_pane.step)
        if step is None:
            self.notify("That instruction never ran.", severity="warning")
            return
        self.host.run_pane.go(step, user=False)
        self.host.select("step", step)

    def action_program_input(self) -> None:
        """F6: set the text the program reads from stdin (\\n for a new line)."""
        current = self.program.run_options.stdin.decode("utf-8", "replace").replace("\n", "\\n")

        def keep(answer: str | None) -> None:
            if answer is not None:
                text = answer.replace("\\n", "\n")
                if text and not text.endswith("\n"):
                    text += "\n"
                self.program.run_options = replace(self.program.run_options, stdin=text.encode())
                count = len(text)
                self.notify(f"The next run reads {count:,} character{'' if count == 1 else 's'}.")

        self.host.ask("The program's stdin (\\n for a new line)", keep, value=current)


def _input_prompt(stdout: str) -> str:
    """The command line's question when the program reads a line: with the program's own
    question (what it printed last, without a new line), which a maximized pane hides."""
    asked = stdout.rpartition("\n")[2].strip()
    if not asked:
        return "The program reads a line"
    if len(asked) > 40:
        asked = "…" + asked[-39:]
    return f"The program asks {asked!r}"
