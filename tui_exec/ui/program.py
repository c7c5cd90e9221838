"""One program as the explorer shows it: what it is, its analysis, the one selection every pane
shows, and its last run. The features read and change it; none of them owns it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from ..core import Analysis
from ..core.run import ProgramRun, RunLimits
from .policy import LOCAL, SessionPolicy
from .selection import Selection
from .timeline import Timeline

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How F5 runs the program: limits, standard input and arguments."""

    limits: RunLimits = RunLimits()
    stdin: bytes = b""
    args: tuple[str, ...] = ()


DEFAULT_RUN_OPTIONS = RunOptions()


class ProgramState:
    """The state of one program on screen (the compare view holds two)."""

    def __init__(self, data: bytes, name: str, *, path: str | None, pyc: bool) -> None:
        self.data = data
        """The bytes analysed (a run of a program from stdin or the editor runs these)."""
        self.name = name
        """The name shown for the program: its path, <stdin> or the sample's."""
        self.path = path
        """The file it came from, or None (stdin, the sample)."""
        self.is_pyc = pyc
        """It is a .pyc file of this Python: its code objects, and no source."""
        self.unsaved = False
        """It was edited since it was read or saved (:attr:`data` holds the edited text)."""
        self.analysis: Analysis | None = None
        """Its analysis, once the worker has made it."""
        self.selection: Selection | None = None
        """What every pane shows as selected."""
        self.run: ProgramRun | None = None
        """Its run in progress, if any."""
        self.timeline: Timeline | None = None
        """Its last recorded run laid over the analysis it ran (None before any run)."""
        self.specialized: dict[int, dict[int, str]] = {}
        """Code id -> offset -> specialized opname, from the last run without recording."""
        self.run_options = DEFAULT_RUN_OPTIONS
        """How F5 runs it: limits, standard input and arguments."""
        self.policy: SessionPolicy = LOCAL
        """What this session may do: run it, save it, open other paths (off when served)."""
        self.read_stamp = self.file_stamp()
        """The file's (modification time, size) when the app last read or wrote it: any
        other stamp means something else changed the file."""

    def file_stamp(self) -> tuple[int, int] | None:
        """The file's modification time (ns) and size now; None without a readable file."""
        try:
            stat = os.stat(self.path) if self.path else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat else None

    def note_file_read(self) -> None:
        """The app has just read or written the file: what it holds now is no news."""
        self.read_stamp = self.file_stamp()


class _HasProgram(Protocol):
    program: ProgramState


class OfProgram(Generic[T]):
    """An attribute of the app that is its program's (``app.analysis`` is
    ``app.program.analysis``): read and written there, so there is one place it lives."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, owner: _HasProgram | None, kind: type | None = None) -> T:
        if owner is None:
            raise AttributeError(self.field)
        value: T = getattr(owner.program, self.field)
        return value

    def __set__(self, owner: _HasProgram, value: T) -> None:
        setattr(owner.program, self.field, value)
