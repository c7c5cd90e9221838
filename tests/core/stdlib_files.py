"""The running interpreter's standard library, Lib/test included: real files to check."""

from __future__ import annotations

import sysconfig
from pathlib import Path


def stdlib_files() -> list[Path]:
    """Every .py file of the standard library (not site-packages, not caches), sorted."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        path
        for path in root.rglob("*.py")
        if "site-packages" not in path.parts and "__pycache__" not in path.parts
    )
