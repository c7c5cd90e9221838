"""Messages that cross the app: the user's picks in panes, and results from worker threads."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..core import Analysis
from ..core.run import RunResult
from .selection import Origin
from .timeline import Timeline


@dataclass
class ItemPicked(Message):
    """The user moved to an item in a pane (never sent for moves made by syncing): the app
    makes it the selection of every pane."""

    origin: Origin
    item: int | tuple[int, int]
    """A token, node, instruction, code-object id or run step; for the source, (line, col)."""

    def can_replace(self, message: Message) -> bool:
        # Key repeat: only the latest pick of the same kind matters.
        return isinstance(message, ItemPicked) and message.origin == self.origin


@dataclass
class AnalysisReady(Message):
    """A worker finished analysing the program."""

    analysis: Analysis
    reloaded: bool
    """True when this replaces an earlier analysis of the same file."""
    layouts: dict[str, object]
    """Each pane's rows and widths (pane name -> its layout), laid out in the worker too."""


@dataclass
class AnalysisProgress(Message):
    """The worker started a stage (tokenize, parse, disassemble, index)."""

    stage: str


@dataclass
class ReloadFailed(Message):
    """The file changed on disk but could not be read or decoded; the old analysis stays."""

    reason: str


@dataclass
class RunProgress(Message):
    """The program has been running for ``seconds``, and has printed this so far."""

    seconds: float
    stdout: str = ""
    """The end of what it wrote to stdout so far."""
    stderr: str = ""
    waiting: bool = False
    """It is blocked reading standard input, which the user types (interactive runs)."""


@dataclass
class RunFinished(Message):
    """The program ended (or could not start): its output and recorded steps."""

    result: RunResult
    timeline: Timeline | None = None
    """The run laid over the analysis it ran (None when it could not start)."""
