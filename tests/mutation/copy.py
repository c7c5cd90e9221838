"""A throwaway copy of the working tree to mutate, and pytest run inside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent.parent


@contextmanager
def repo_copy(revision: str | None = None) -> Iterator[Path]:
    """The repository's files copied to a temporary folder: the working tree's (tracked and
    new, not ignored), or those of a commit (``git archive``) to measure an older suite."""
    with tempfile.TemporaryDirectory(prefix="tui-exec-mutant-") as tmp:
        dest = Path(tmp) / "repo"
        if revision is not None:
            dest.mkdir()
            archive = subprocess.run(
                ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
            yield dest
            return
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        yield dest


class Outcome(NamedTuple):
    killed: bool
    first_failure: str
    seconds: float


_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def run_tests(
    copy: Path,
    tests: Sequence[str],
    timeout: float = 1200.0,
    options: Sequence[str] = (),
    python: str = sys.executable,
) -> Outcome:
    """Run pytest (stopping at the first failure) on ``copy``, importing tui_exec from it.

    PYTHONPATH puts the copy before the editable install, for pytest and for every child
    process the tests start (the recorder, ``python -m tui_exec``). ``python``: the
    interpreter of another environment with the project installed (``.venv-313/bin/python``).
    """
    import time

    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    present = [t for t in tests if (copy / t).exists()]  # an older commit may lack some
    if tests and not present:
        return Outcome(False, "(none of its tests exist here)", 0.0)
    command = [
        python,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        *options,
        *present,
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return Outcome(True, "(timed out)", time.monotonic() - started)
    seconds = time.monotonic() - started
    if done.returncode == 0:
        return Outcome(False, "", seconds)
    found = _FAILED.search(done.stdout)
    return Outcome(True, found.group(1) if found else f"(pytest exit {done.returncode})", seconds)


def imports_from(copy: Path, python: str = sys.executable) -> bool:
    """Whether a process started as the tests start theirs imports tui_exec from ``copy``."""
    env = dict(os.environ, PYTHONPATH=str(copy))
    found = subprocess.run(
        [python, "-c", "import tui_exec; print(tui_exec.__file__)"],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(found).resolve().is_relative_to(copy.resolve())
