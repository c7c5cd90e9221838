"""Comparing (C): the program's bytecode under another installed Python, beside this one's.

The other interpreter runs tui-exec's own core in a subprocess and sends back its dump (no
code object crosses versions); this one's comes from the analysis on screen. The compare
view opens over the explorer; Esc comes back.
"""

from __future__ import annotations

import re

from textual import work
from textual.message import Message

from ..core.compare import Side
from ..core.comparison import Comparison, dump_under
from ..core.elsewhere import ElsewhereError
from ..core.interpreters import InterpreterError, find_interpreters, resolve
from ..dump import to_json_data
from .commands import Command
from .compare_view import CompareScreen
from .feature import Feature

_VERSION = re.compile(r"\s*\d+\.\d+(\.\d+)?\s*")
"""A Python named by its version (3.12, 3.15.2), not by a path: all a served session takes."""

COMPARE_COMMANDS = (
    Command(
        "app.compare",
        "C",
        "compare",
        "Compare",
        "The bytecode under another installed Python, side by side with this one's",
        "compare: with Python…",
        feature="comparing",
    ),
)


class Comparer(Feature):
    """Asks which Python, gets its dump in a worker, and opens the compare view."""

    NAME = "comparing"
    COMMANDS = COMPARE_COMMANDS
    _busy = False
    """A comparison is being made (one at a time)."""

    class Ready(Message):
        """The other Python's dump came back: the comparison to show."""

        def __init__(self, comparison: Comparison) -> None:
            super().__init__()
            self.comparison = comparison

    class Failed(Message):
        """The other Python could not be found or run; ``reason`` is one line for people."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def action_compare(self) -> None:
        """C: ask for a Python, then compare the program's bytecode under it with this one's."""
        analysis = self.program.analysis
        if analysis is None:
            self.notify("Still analysing: compare once the analysis is done.")
            return
        if analysis.pyc is not None:
            self.notify("A .pyc has no source to compile again: o opens its source.")
            return
        if self._busy:
            self.notify("A comparison is on its way.")
            return

        def chosen(spec: str | None) -> None:
            if spec and not self.program.policy.may_open_paths and not _VERSION.fullmatch(spec):
                # Served: a path would start any program on the server.
                self.notify(self.program.policy.refusal("python path"), severity="warning")
                return
            if spec and spec.strip():
                self._busy = True
                self.notify(f"Compiling under Python {spec.strip()}…", timeout=3)
                self._compare(spec.strip())

        self.host.ask(
            "Compare with which Python?",
            chosen,
            placeholder="3.12, 3.15.2 or a path (tui-exec --list-pythons lists them)",
        )

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare(self, spec: str) -> None:
        """Find the interpreter and get its dump, off the UI thread (it starts a process)."""
        program, analysis = self.program, self.program.analysis
        assert analysis is not None
        try:
            other = resolve(spec, find_interpreters())
            if other.running:
                raise InterpreterError(f"{other.describe()} is the one running tui-exec")
            here = Side(analysis.python, to_json_data(analysis))
            # The bytes on screen (edits included), under the name this side has.
            there = Side(other.version_text, dump_under(other, program.data, program.name))
        except (InterpreterError, ElsewhereError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Ready(Comparison(here, there, program.name)))

    def on_comparer_ready(self, message: Ready) -> None:
        self._busy = False
        self.app.push_screen(CompareScreen(message.comparison))

    def on_comparer_failed(self, message: Failed) -> None:
        self._busy = False
        self.notify(f"Cannot compare: {message.reason}", severity="error", timeout=8)
