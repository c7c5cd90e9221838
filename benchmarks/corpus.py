"""Benchmark inputs built from the running interpreter's standard library."""

from __future__ import annotations

import sysconfig
from pathlib import Path

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Modules without `from __future__` imports, so that they still compile once concatenated.
_MODULES = (
    "typing.py",
    "_pydecimal.py",
    "argparse.py",
    "inspect.py",
    "tarfile.py",
    "subprocess.py",
    "ast.py",
    "pickle.py",
    "enum.py",
    "dataclasses.py",
    "zipfile.py",
    "imaplib.py",
)


def typing_py() -> tuple[str, bytes]:
    """The stdlib's typing.py."""
    path = STDLIB / "typing.py"
    return str(path), path.read_bytes()


def twenty_k_lines(target: int = 20_000) -> tuple[str, bytes]:
    """About ``target`` lines of real code: whole stdlib modules, concatenated."""
    parts: list[bytes] = []
    lines = 0
    for name in _MODULES:
        path = STDLIB / name
        if not path.exists():
            path = STDLIB / name.replace(".py", "") / "__init__.py"
        if not path.exists():
            continue
        data = path.read_bytes()
        if b"from __future__" in data:
            continue
        parts.append(data if data.endswith(b"\n") else data + b"\n")
        lines += data.count(b"\n")
        if lines >= target:
            break
    return f"<{lines} lines of stdlib>", b"".join(parts)
