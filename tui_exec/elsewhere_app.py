"""The explorer run by another installed Python, so that every pane is that version's own.

The panes compute as they draw (an opcode's words and stack effect, a code object's tables,
the .pyc it marshals, a run's values) with the interpreter that runs them. So ``tui-exec
--python 3.15 FILE`` does not ship 3.15's facts to a 3.11 app: it starts the whole app under
3.15. tui-exec, Textual and what Textual needs are pure Python, source that any 3.11+ runs, so
that Python imports them from where this one does, behind its own standard library. Their
bytecode goes to a cache of the user's (``sys.pycache_prefix``), never next to the sources,
which may belong to another user or another version's install. No code object crosses: each
Python compiles everything itself.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence

from .core.elsewhere import tui_exec_root
from .core.interpreters import Interpreter

__all__ = ["CANNOT_IMPORT", "app_command", "app_path", "run_app_under"]

CANNOT_IMPORT = 97
"""The other Python could not import the app (a message on stderr says why)."""

# -S: none of that Python's own site-packages (an older Textual there would shadow ours);
# -P: the current folder does not shadow tui-exec.
_FLAGS = ("-S", "-P")

_CODE = """\
import sys
sys.path.extend({path!r})
sys.pycache_prefix = {cache!r}
sys.dont_write_bytecode = False
try:
    from tui_exec.cli import main
    import textual.app
except ImportError as exc:
    sys.stderr.write(
        "tui-exec: the explorer cannot run under {who}: %s\\n"
        "(tui-exec dump --python also works: it needs the standard library only)\\n" % exc
    )
    sys.exit({cannot_import})
sys.exit(main({argv!r}))
"""


_APP_PACKAGES = (
    "textual",
    "rich",
    "markdown_it",
    "mdit_py_plugins",
    "mdurl",
    "pygments",
    "platformdirs",
    "typing_extensions",
)
"""What the explorer imports besides the standard library: Textual and what it requires."""


def app_path() -> list[str]:
    """Where the app's code lives here: tui-exec's folder, then the folders holding the
    packages it imports (usually one site-packages folder), each once."""
    folders = [tui_exec_root()]
    for name in _APP_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        where = os.path.dirname(spec.origin)
        folder = os.path.dirname(where) if spec.submodule_search_locations else where
        if folder not in folders:
            folders.append(folder)
    return folders


def _cache_folder() -> str:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "tui-exec", "pycache")


def app_command(interpreter: Interpreter, argv: Sequence[str]) -> list[str]:
    """The command that runs ``tui-exec ARGV`` (the explorer) under ``interpreter``."""
    code = _CODE.format(
        path=app_path(),
        cache=_cache_folder(),
        who=interpreter.describe(),
        cannot_import=CANNOT_IMPORT,
        argv=list(argv),
    )
    return [interpreter.executable, *_FLAGS, "-c", code]


def run_app_under(interpreter: Interpreter, argv: Sequence[str], program: bytes | None) -> int:
    """Run the explorer under ``interpreter`` in this terminal; its exit status.

    A program read from standard input (``program``) is handed over through a pipe, which
    the other app reads before it takes the terminal back, as this one would have; otherwise
    this process becomes that Python (nothing stays behind waiting for it)."""
    command = app_command(interpreter, argv)
    sys.stdout.flush()
    sys.stderr.flush()
    if program is None:
        os.execv(command[0], command)
    try:
        return subprocess.run(command, input=program).returncode
    except KeyboardInterrupt:
        return 130
