"""The CPython interpreters installed here: found on PATH, under pyenv and uv, or by path."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.util import MAGIC_NUMBER

__all__ = [
    "ENV_VAR",
    "MINIMUM",
    "Interpreter",
    "InterpreterError",
    "by_magic",
    "candidates",
    "find_interpreters",
    "probe",
    "resolve",
]

MINIMUM = (3, 11)
"""The oldest Python the core runs on: older ones are listed as too old, never used."""

ENV_VAR = "TUI_EXEC_PYTHONS"
"""Extra interpreter paths, separated by os.pathsep (e.g. builds outside PATH)."""

PROBE_TIMEOUT = 10.0
"""Seconds an interpreter has to say what it is; a hung or broken one is left out."""

# Runs under any Python from 2.7 on, so that old ones can be named as too old rather than
# silently missing; bytes.hex() and importlib.util are newer than some of them.
_PROBE = """\
import sys, binascii
try:
    from importlib.util import MAGIC_NUMBER as m
    m = binascii.hexlify(m).decode("ascii")
except Exception:
    m = ""
sys.stdout.write("%d.%d.%d\\n%s\\n%s\\n" % (sys.version_info[:3] + (sys.executable, m)))
"""

_VERSION_NAME = re.compile(r"python3\.\d+")
_X_Y = re.compile(r"(\d+)\.(\d+)")
_X_Y_Z = re.compile(r"(\d+)\.(\d+)\.(\d+)")


class InterpreterError(ValueError):
    """No interpreter answers a ``--python`` spec; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class Interpreter:
    """One installed Python, as it described itself when asked."""

    version: tuple[int, int, int]
    """``sys.version_info[:3]`` of the interpreter."""
    executable: str
    """Its ``sys.executable`` (a pyenv shim's answer is the real binary behind it)."""
    found: tuple[str, ...]
    """Where it was found: 'PATH', 'pyenv', 'uv', 'TUI_EXEC_PYTHONS', 'path', 'running'."""
    magic: bytes
    """``importlib.util.MAGIC_NUMBER``: the first 4 bytes of the .pyc files it writes."""
    running: bool = False
    """Whether this is the interpreter running tui-exec now."""

    @property
    def version_text(self) -> str:
        """'3.12.1'."""
        return ".".join(map(str, self.version))

    @property
    def usable(self) -> bool:
        """Whether tui-exec's core runs on it (3.11 and later)."""
        return self.version[:2] >= MINIMUM

    def describe(self) -> str:
        """'Python 3.12.1 at /usr/bin/python3.12' for messages."""
        return f"Python {self.version_text} at {self.executable}"


def candidates(env: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Paths that may be interpreters, each with where it was found, in the order searched:
    PATH, pyenv, uv's managed Pythons, then TUI_EXEC_PYTHONS."""
    env = dict(os.environ) if env is None else env
    found: list[tuple[str, str]] = []
    for folder in env.get("PATH", "").split(os.pathsep):
        if folder:
            found.extend((path, "PATH") for path in _pythons_in(folder, with_python3=True))
    pyenv_root = env.get("PYENV_ROOT") or _ask(["pyenv", "root"], env) or "~/.pyenv"
    for folder in sorted(glob.glob(os.path.join(os.path.expanduser(pyenv_root), "versions/*/bin"))):
        found.extend((path, "pyenv") for path in _pythons_in(folder, with_python3=False))
    uv_dir = (
        env.get("UV_PYTHON_INSTALL_DIR")
        or _ask(["uv", "python", "dir"], env)
        or "~/.local/share/uv/python"
    )
    for folder in sorted(glob.glob(os.path.join(os.path.expanduser(uv_dir), "*/bin"))):
        found.extend((path, "uv") for path in _pythons_in(folder, with_python3=False))
    for path in env.get(ENV_VAR, "").split(os.pathsep):
        if path:
            found.append((os.path.expanduser(path), ENV_VAR))
    return found


def _pythons_in(folder: str, *, with_python3: bool) -> list[str]:
    """``python3.N`` executables in ``folder`` (and ``python3``, on PATH), sorted by N."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    chosen = [name for name in names if _VERSION_NAME.fullmatch(name)]
    chosen.sort(key=lambda name: int(name.split(".")[1]))
    if with_python3 and "python3" in names:
        chosen.insert(0, "python3")
    paths = (os.path.join(folder, name) for name in chosen)
    return [path for path in paths if os.path.isfile(path) and os.access(path, os.X_OK)]


def _ask(command: list[str], env: dict[str, str]) -> str | None:
    """The one line a helper tool (pyenv, uv) prints, or None if it is missing or fails."""
    program = shutil.which(command[0], path=env.get("PATH"))
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, *command[1:]],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    answer = done.stdout.strip()
    return answer if done.returncode == 0 and answer else None


def probe(path: str, found: str = "path") -> Interpreter | None:
    """Ask the interpreter at ``path`` what it is; None if it is not a working Python."""
    try:
        done = subprocess.run(
            [path, "-c", _PROBE],
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if done.returncode != 0 or len(lines) < 2:
        return None
    match = _X_Y_Z.fullmatch(lines[0])
    if match is None:
        return None
    major, minor, micro = (int(part) for part in match.groups())
    executable = lines[1] or path
    magic = bytes.fromhex(lines[2]) if len(lines) > 2 and lines[2] else b""
    return Interpreter((major, minor, micro), executable, (found,), magic)


def _same(interpreter: Interpreter) -> tuple[str, tuple[int, int, int]]:
    """Two findings are one interpreter when they run the same file at the same version."""
    return os.path.realpath(interpreter.executable), interpreter.version


def _running() -> Interpreter:
    version = sys.version_info
    return Interpreter(
        (version[0], version[1], version[2]),
        sys.executable,
        ("running",),
        MAGIC_NUMBER,
        running=True,
    )


def find_interpreters(
    extra: Iterable[str] = (), env: dict[str, str] | None = None
) -> list[Interpreter]:
    """Every interpreter found (old ones too), each once, in the order searched; the running
    one is marked, and listed as 'running' if no search found it."""
    places = [*candidates(env), *((path, "path") for path in extra)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda place: probe(*place), places))
    merged: dict[tuple[str, tuple[int, int, int]], Interpreter] = {}
    for answer in answers:
        if answer is None:
            continue
        key = _same(answer)
        before = merged.get(key)
        if before is None:
            merged[key] = answer
        elif answer.found[0] not in before.found:
            merged[key] = _with_place(before, answer.found[0])
    running = _running()
    key = _same(running)
    if key in merged:
        merged[key] = _marked_running(merged[key])
    else:
        merged[key] = running
    return list(merged.values())


def _with_place(interpreter: Interpreter, place: str) -> Interpreter:
    return Interpreter(
        interpreter.version,
        interpreter.executable,
        (*interpreter.found, place),
        interpreter.magic,
        interpreter.running,
    )


def _marked_running(interpreter: Interpreter) -> Interpreter:
    return Interpreter(
        interpreter.version, interpreter.executable, interpreter.found, interpreter.magic, True
    )


def _listing(interpreters: Sequence[Interpreter]) -> str:
    usable = sorted({i.version_text for i in interpreters if i.usable}, key=_version_key)
    return ", ".join(usable) if usable else "none"


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _looks_like_path(spec: str) -> bool:
    return os.sep in spec or (os.altsep is not None and os.altsep in spec) or os.path.exists(spec)


def resolve(spec: str, interpreters: Sequence[Interpreter] | None = None) -> Interpreter:
    """The interpreter ``spec`` names: '3.14' (the newest 3.14 found), '3.14.2' (exactly
    that), or a path to any Python 3.11+ executable. InterpreterError when there is none."""
    if _looks_like_path(spec):
        found = probe(spec)
        if found is None:
            raise InterpreterError(f"--python {spec}: not a Python interpreter that runs here")
        if not found.usable:
            raise InterpreterError(
                f"--python {spec}: {found.describe()} is too old: tui-exec needs 3.11 or later"
            )
        if _same(found) == _same(_running()):
            return _marked_running(found)
        return found
    exact = _X_Y_Z.fullmatch(spec)
    short = _X_Y.fullmatch(spec)
    if exact is None and short is None:
        raise InterpreterError(
            f"--python {spec}: give a version (3.14 or 3.14.2) or an interpreter's path"
        )
    everything = find_interpreters() if interpreters is None else list(interpreters)
    wanted = tuple(int(part) for part in spec.split("."))
    width = len(wanted)
    matching = [i for i in everything if i.version[:width] == wanted]
    usable = [i for i in matching if i.usable]
    if usable:
        newest = max(i.version for i in usable)
        best = [i for i in usable if i.version == newest]
        # The running interpreter first among equals: it needs no other process's start-up.
        return next((i for i in best if i.running), best[0])
    if matching:
        raise InterpreterError(
            f"--python {spec}: {matching[0].describe()} is too old: tui-exec needs 3.11 or later"
        )
    raise InterpreterError(
        f"--python {spec}: no such Python found (found: {_listing(everything)}; "
        f"add others to {ENV_VAR} or give a path)"
    )


def by_magic(magic: bytes, interpreters: Sequence[Interpreter]) -> Interpreter | None:
    """The newest usable interpreter whose .pyc files start with ``magic``, if any."""
    matching = [i for i in interpreters if i.usable and i.magic == magic]
    return max(matching, key=lambda i: (i.version, i.running), default=None)
