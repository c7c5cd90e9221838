"""A long run as the app shows it: memory after a 2M-step run, and how soon the panes answer
keys once a run that printed 200,000 lines ends.

Run: ``uv run python -m benchmarks.bench_run_app``. Targets (issue 9): <= 250 MB resident
after a 2M-step run; the timeline usable <= 1.5 s and 200k lines of output usable <= 2 s
after the run ends.
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
from pathlib import Path

from benchmarks.bench_run import PROGRAM
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import RunOptions, TuiExecApp, make_app

PRINTS = "for i in range(200_000):\n    print('line', i)\n"
LIMITS = RunLimits(max_steps=2_000_000, wall_time=120, max_output=50_000_000)


def _resident_mb() -> float:
    """This process's resident memory now (Linux only, as the target is)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def _measure(path: Path, keys: tuple[str, ...]) -> tuple[float, float, float, int]:
    """Resident MB before the run and after it, seconds from the run's end to ``keys``
    answered, and the steps recorded."""
    app: TuiExecApp = make_app(
        path.read_bytes(), str(path), path=str(path), run_options=RunOptions(limits=LIMITS)
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = _resident_mb()
        await pilot.press("f5")
        while not _ended(app):
            await pilot.pause(0.01)
        ended = time.perf_counter()  # the program's process is gone: the run ended
        while app.timeline is None:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.press(*keys)
        await pilot.pause()
        usable = time.perf_counter() - ended
        return before, _resident_mb(), usable, app.timeline.count


def _ended(app: TuiExecApp) -> bool:
    """Whether the program's process has exited (the app then reads the trace back)."""
    program = app.program.run
    process = program._process if program is not None else None
    return process is not None and process.poll() is not None


def main() -> None:
    print(f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        loop = Path(folder) / "loop.py"
        loop.write_text(PROGRAM.format(n=400_000))
        before, after, usable, steps = asyncio.run(_measure(loop, ("5", "end", "left", "up")))
        print(
            f"  {steps:,}-step run: resident {before:.0f} MB before, {after:.0f} MB after; "
            f"timeline answered keys {usable:.2f} s after the run ended"
        )
        prints = Path(folder) / "prints.py"
        prints.write_text(PRINTS)
        before, after, usable, steps = asyncio.run(_measure(prints, ("6", "end", "home")))
        print(
            f"  200,000 printed lines ({steps:,} steps): output answered keys {usable:.2f} s "
            f"after the run ended; resident {after:.0f} MB"
        )


if __name__ == "__main__":
    main()
