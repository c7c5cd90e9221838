"""Messages that cross the app: analysis results coming back from the worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from ..core import Analysis
from ..core.run import RunResult

if TYPE_CHECKING:
    from .panes.layouts import PaneLayouts
    from .panes.run import Timeline


@dataclass
class AnalysisReady(Message):
    """A worker finished analysing the program."""

    analysis: Analysis
    reloaded: bool
    """True when this replaces an earlier analysis of the same file."""
    layouts: PaneLayouts
    """The panes' rows and widths, laid out in the worker too."""


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
    """The program has been running for ``seconds``."""

    seconds: float


@dataclass
class RunFinished(Message):
    """The program ended (or could not start): its output and recorded steps."""

    result: RunResult
    timeline: Timeline | None = None
    """The run laid over the analysis it ran (None when it could not start)."""
