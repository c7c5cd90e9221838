"""What this session of the explorer may do to the machine it runs on.

In a terminal, everything: the user is the one who started it. Served to browsers
(``tui-exec --serve``), whoever opens the page acts as the user who started the server, so
running the program and saving are off unless the server was started with ``--allow-run``,
and no prompt opens a path other than the served file. The features ask this one object.
"""

from __future__ import annotations

from dataclasses import dataclass

ALLOW_RUN_HINT = "whoever started the server can allow it: tui-exec --serve FILE --allow-run"


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """What the features may do: run the program, write files, open other paths."""

    served: bool = False
    """Served to a browser by ``tui-exec --serve``."""
    may_run: bool = True
    """F5/F7 run the program (as the user who started tui-exec)."""
    may_save: bool = True
    """ctrl+s writes the edited program to disk."""
    may_open_paths: bool = True
    """Prompts may reach files other than the one opened (a .pyc's source, a Python by path)."""

    def refusal(self, what: str) -> str:
        """The message for a command this session does not allow: what is off, and who can
        turn it on."""
        if self.served and what == "running":
            return f"Running is off in this served session: {ALLOW_RUN_HINT}."
        if self.served and what == "saving":
            return f"Saving is off in this served session: {ALLOW_RUN_HINT}."
        if what == "python path":
            return "This served session opens no path: name the Python by its version (3.12)."
        return f"{what[:1].upper()}{what[1:]} is off in this served session."


LOCAL = SessionPolicy()
"""A terminal session: nothing is restricted."""


def served_policy(*, allow_run: bool) -> SessionPolicy:
    """A browser session: with ``allow_run``, running and saving as in a terminal; paths
    other than the served file never."""
    return SessionPolicy(served=True, may_run=allow_run, may_save=allow_run, may_open_paths=False)
