"""Typing in the editor as a person sees it: measured from outside, in a real terminal (tmux).

Run: ``uv run python -m benchmarks.bench_edit [--runs 5]``. For each file, tui-exec starts in
a fresh tmux server at 160x50 (this interpreter, ``-m tui_exec``), F2 opens the editor at the
end of a line in the middle of the file, and then:

- key -> character shown: after `` # zq``, each of ``123456`` typed one at a time, the clock
  stopping when the screen shows it (median over the keys);
- last key -> every pane updated: a new line ``zq = 1`` typed in one burst, the clock
  stopping when the tokens pane's title shows the new count (all panes change in one frame).

Targets (issue 12): key -> character <= 20 ms median; last key -> panes <= 150 ms on a
200-line file, <= 400 ms on typing.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_startup import Tmux, _settled_bytes
from benchmarks.corpus import STDLIB

_TOKENS = re.compile(r"2 Tokens · ([\d,]+)")


def _token_count(screen: str) -> int | None:
    match = _TOKENS.search(screen)
    return int(match.group(1).replace(",", "")) if match else None


def measure_once(path: Path, line: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name  # edits are never saved, but stay clear of the stdlib
        copy.write_bytes(path.read_bytes())
        launcher = f"{shlex.quote(sys.executable)} -m tui_exec {shlex.quote(str(copy))}"
        tmux = Tmux(launcher, Path(folder) / "out.log")
        try:
            tmux.start()
            tmux.wait(lambda s: "4 Bytecode ·" in s)
            tmux.send("g")
            tmux.wait(lambda s: "Go to line" in s)
            tmux.send(*str(line), "Enter")
            tmux.wait(lambda s: "Go to line" not in s)
            tmux.send("F2")
            tmux.wait(lambda s: "editing (F2 reads)" in s)
            tmux.send("End")
            _settled_bytes(tmux)  # the cursor at the end of the line before typing
            tmux.send("-l", " # zq")
            tmux.wait(lambda s: " # zq" in s)
            _settled_bytes(tmux)
            shown = []
            typed = " # zq"
            for key in "123456":
                typed += key
                sent = time.perf_counter()
                tmux.send("-l", key)
                seen = tmux.wait(lambda s, t=typed: t in s)
                shown.append(seen - sent)
            _settled_bytes(tmux)
            before = _token_count(tmux.screen())
            tmux.send("Enter")  # a new line: the comment stays a comment
            tmux.send("-l", "zq = 1")
            sent = time.perf_counter()
            updated = tmux.wait(lambda s: _token_count(s) not in (None, before))
        finally:
            tmux.stop()
    return {
        "key_to_char_ms": statistics.median(shown) * 1000,
        "last_key_to_panes_ms": (updated - sent) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}")
    results = {}
    for label, path, line in (
        ("fnmatch.py (185 lines)", STDLIB / "fnmatch.py", 100),
        ("typing.py (3.5k lines)", STDLIB / "typing.py", 2000),
    ):
        runs = [measure_once(path, line) for _ in range(args.runs)]
        summary = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        results[label] = summary
        print(
            f"{label:>24}: key -> character {summary['key_to_char_ms']:.0f} ms, "
            f"last key -> every pane {summary['last_key_to_panes_ms']:.0f} ms"
        )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
