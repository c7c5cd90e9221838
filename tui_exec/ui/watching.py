"""Following the file: reload when it changes on disk (checked every second) or on ctrl+r."""

from __future__ import annotations

import os
from pathlib import Path

from textual.message import Message

from ..core import Analysis
from .commands import Command
from .feature import Feature
from .messages import ReloadFailed

WATCH_INTERVAL = 1.0

WATCH_COMMANDS = (
    Command(
        "app.open_source",
        "o",
        "open_source",
        "Open source",
        "For a .pyc: open the source file it was compiled from",
        "file: open the .pyc's source",
        footer=True,
        feature="watching",
    ),
    Command(
        "app.reload",
        "ctrl+r",
        "reload",
        "Reload",
        "Read and analyse the file again",
        "file: reload",
        feature="watching",
    ),
)


class Watcher(Feature):
    """Keeps the explorer on the file's current text."""

    NAME = "watching"
    COMMANDS = WATCH_COMMANDS

    class Reloaded(Message):
        """The file was read again from disk and its analysis started (an editor showing
        the old text follows it)."""

    _from_disk = False
    """The analysis under way is of the file as read again from disk."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_source":
            return self.program.policy.may_open_paths and self._pyc_source() is not None
        if action == "reload":
            # With unsaved edits the key says why it keeps them.
            return self.program.path is not None or self.program.unsaved
        return True

    def on_mount(self) -> None:
        # Always: a program without a file gets one when the editor saves it.
        self.program.note_file_read()
        self.set_interval(WATCH_INTERVAL, self._check_file, name="watch-file")

    def _pyc_source(self) -> str | None:
        """For a .pyc, the source file it was compiled from, if it is here."""
        analysis = self.program.analysis
        if analysis is None or analysis.pyc is None or analysis.module_code is None:
            return None
        path = analysis.module_code.co_filename
        return path if os.path.isfile(path) else None

    def action_open_source(self) -> None:
        """o: leave the .pyc for the source file it was compiled from."""
        path = self._pyc_source()
        if path is None or not self.program.policy.may_open_paths:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.notify(f"Cannot read {path}: {exc.strerror or exc}", severity="error")
            return
        program = self.program
        program.path = program.name = path
        program.is_pyc = False
        program.note_file_read()
        self.host.start_analysis(data, reloaded=False)
        self.refresh_bindings()

    def action_reload(self) -> None:
        """Read the file again and analyse it."""
        if self.program.path is None:
            self.notify("Nothing to reload: the program did not come from a file.")
            return
        self._reload()

    def _check_file(self) -> None:
        program = self.program
        stamp = program.file_stamp()
        if stamp is not None and stamp != program.read_stamp:
            program.read_stamp = stamp
            self._reload()

    def _reload(self) -> None:
        path = self.program.path
        assert path is not None
        if self.program.unsaved:
            self.notify(
                "The file changed on disk; your unsaved edits are kept (save them with ctrl+s).",
                severity="warning",
            )
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.post_message(ReloadFailed(f"cannot read {path}: {exc.strerror or exc}"))
            return
        self.program.note_file_read()
        self._from_disk = True
        self.host.start_analysis(data, reloaded=True)
        self.post_message(self.Reloaded())

    def analysis_changed(self, analysis: Analysis, *, reloaded: bool) -> None:
        if self._from_disk:
            self._from_disk = False
            self.notify("Reloaded: the file changed on disk.", timeout=3)
