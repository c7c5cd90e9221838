"""Recording cost per executed instruction, and the time to load a 2M-step trace.

Run: ``uv run python -m benchmarks.bench_run``. Targets: <= 3 us per recorded instruction on
3.12+; recording the value stack too at most 2x that; the UI usable within 2 s of the run
ending.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui_exec.core import analyze
from tui_exec.core.run import ProgramRun, RunLimits
from tui_exec.ui.timeline import Timeline

PROGRAM = """\
total = 0
for i in range({n}):
    if i % 3:
        total += i * 2
    else:
        total -= 1
print(total)
"""

BASELINE = """\
import sys, time
code = compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')
start = time.perf_counter()
exec(code, {{'__name__': '__main__'}})
print(time.perf_counter() - start, file=sys.stderr)
"""


def _baseline(path: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", BASELINE.format(), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stderr.strip().splitlines()[-1])


def main() -> None:
    print(f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "loop.py"
        path.write_text(PROGRAM.format(n=120_000))
        baseline = statistics.median(_baseline(path) for _ in range(5))
        # The traced wall time includes starting the interpreter; so does the baseline's.
        startup = statistics.median(_timed([sys.executable, "-c", "pass"]) for _ in range(5))
        traced: dict[bool, list[float]] = {False: [], True: []}
        steps = 0
        for _ in range(3):  # interleaved: a machine getting busier slows both alike
            for values in (False, True):
                program = ProgramRun(
                    str(path),
                    limits=RunLimits(max_steps=10**8, wall_time=60),
                    stack_values=values,
                )
                program.start()
                start = time.perf_counter()
                result = program.wait()
                traced[values].append(time.perf_counter() - start)
                steps = result.step_count
                assert (result.stacks is not None) == values, result.stacks_note
        per = {}
        for values, times in traced.items():
            run_time = statistics.median(times) - startup
            per[values] = (run_time - baseline) / steps * 1e6
            what = "with stack values" if values else "recorded"
            print(
                f"  loop of {steps:,} instructions: {baseline * 1000:.0f} ms plain, "
                f"{run_time * 1000:.0f} ms {what} -> {per[values]:.2f} us per instruction"
            )
        print(f"  stack values cost {per[True] / per[False]:.2f}x recording without them")

        del result  # the runs above (with their value stacks) must not count below
        gc.collect()
        path.write_text(PROGRAM.format(n=400_000))
        program = ProgramRun(str(path), limits=RunLimits(max_steps=2_000_000, wall_time=60))
        program.start()
        assert program._process is not None
        program._process.wait()
        # From the moment the run ends: read the files back, lay them over the analysis.
        analysis = analyze(path.read_bytes(), str(path))
        before = _resident_mb()
        start = time.perf_counter()
        result = program.wait()  # reads the steps and the line records back
        read = time.perf_counter() - start
        steps, lines = result.steps, result.lines
        start = time.perf_counter()
        timeline = Timeline(analysis, result)
        timeline.instruction(timeline.count - 1)
        timeline.record(timeline.count - 1)
        # What the app shows at once when a run ends: the counts in the gutters.
        assert timeline.instruction_counts and timeline.line_counts
        laid = time.perf_counter() - start
        print(
            f"  trace of {len(steps) // 2:,} steps ({result.status}), {len(lines):,} line "
            f"records: read back in {read * 1000:.0f} ms, laid over the analysis in "
            f"{laid * 1000:.0f} ms -> usable {read + laid:.2f} s after the run ends; "
            f"resident {_resident_mb():.0f} MB ({_resident_mb() - before:+.0f} MB for the trace)"
        )


def _resident_mb() -> float:
    """This process's resident memory now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
