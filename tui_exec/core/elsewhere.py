"""tui-exec's command line run by another interpreter: only its text output comes back."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from .interpreters import Interpreter

__all__ = ["TIMEOUT", "ElsewhereError", "Finished", "run_cli", "tui_exec_root"]

TIMEOUT = 600.0
"""Seconds the other interpreter has to finish; a dump of the largest stdlib file takes ~10."""

_CANNOT_IMPORT, _CRASHED = 97, 98

# -S: no site-packages at all, so the target's stdlib is all it sees next to tui-exec (and
# Textual cannot be imported by accident); -B: write no .pyc into the tree; -P: the current
# folder does not shadow the tui-exec appended at the end of sys.path.
_FLAGS = ("-S", "-B", "-P")

_CODE = """\
import sys
sys.path.append({root!r})
try:
    from tui_exec.cli import main
except BaseException as exc:
    sys.stderr.write("cannot import tui_exec: %s: %s\\n" % (type(exc).__name__, exc))
    sys.exit({cannot_import})
try:
    status = main({argv!r})
except SystemExit:
    raise
except BaseException as exc:
    sys.stderr.write("%s: %s\\n" % (type(exc).__name__, exc))
    sys.exit({crashed})
sys.exit(status)
"""


class ElsewhereError(RuntimeError):
    """The other interpreter could not run tui-exec; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class Finished:
    """What tui-exec printed under the other interpreter, byte for byte, and its status."""

    status: int
    """0, 1 or 2, as tui-exec's own commands exit."""
    stdout: bytes
    stderr: bytes


def tui_exec_root() -> str:
    """The folder that holds the ``tui_exec`` package this process runs."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.dirname(package)


def run_cli(
    interpreter: Interpreter,
    argv: list[str],
    stdin: bytes = b"",
    timeout: float = TIMEOUT,
) -> Finished:
    """Run ``tui-exec ARGV`` under ``interpreter`` with ``stdin`` (a program read from '-').

    ElsewhereError when it cannot import tui-exec, crashes or runs out of time; a status
    tui-exec itself gives (0, 1, 2, and argparse's 2) comes back with the output.
    """
    code = _CODE.format(
        root=tui_exec_root(), argv=argv, cannot_import=_CANNOT_IMPORT, crashed=_CRASHED
    )
    who = interpreter.describe()
    try:
        done = subprocess.run(
            [interpreter.executable, *_FLAGS, "-c", code],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ElsewhereError(f"{who} did not finish in {timeout:g} s") from None
    except OSError as exc:
        raise ElsewhereError(f"{who} cannot be started ({exc.strerror or exc})") from None
    said = _last_line(done.stderr)
    if done.returncode == _CANNOT_IMPORT:
        raise ElsewhereError(f"{who} {said}")
    if done.returncode == _CRASHED:
        raise ElsewhereError(f"tui-exec failed under {who}: {said}")
    if done.returncode not in (0, 1, 2):
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"status {done.returncode}"
        detail = f": {said}" if said else ""
        raise ElsewhereError(f"{who} crashed ({how}){detail}")
    return Finished(done.returncode, done.stdout, done.stderr)


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""
