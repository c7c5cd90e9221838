"""The core must run on a bare interpreter: importing it loads no UI library."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_no_textual_or_rich() -> None:
    code = (
        "import sys, tui_exec.core\n"
        "tui_exec.core.analyze('x = 1')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
