"""UI latency, headless: first full frame, key → every pane updated, peak memory.

Run: ``uv run python -m benchmarks.bench_ui``. Each file is measured in a fresh subprocess so
that its peak RSS is its own. Targets: first frame <= 0.5 s (typing.py) and <= 1.5 s (20k
lines); adjacent move <= 10 ms median; far jump <= 40 ms median; p95 <= 60 ms; <= 250 MB.
"""

from __future__ import annotations

import asyncio
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import time

from benchmarks.corpus import STDLIB, twenty_k_lines, typing_py

MOVES = 200


def _load(which: str) -> tuple[str, bytes]:
    if which == "typing.py":
        return typing_py()
    if which == "_pydecimal.py":
        path = STDLIB / "_pydecimal.py"
        return str(path), path.read_bytes()
    return twenty_k_lines()


async def _measure(which: str) -> dict[str, float]:
    from tui_exec.ui.app import make_app

    name, data = _load(which)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    app = make_app(data, name)
    start = time.perf_counter()
    async with app.run_test(size=(200, 50)) as pilot:
        while not app.analysis_started:  # the worker starts after the first frame
            await pilot.pause(0.001)
        await app.workers.wait_for_complete()
        await pilot.pause()
        first_frame = time.perf_counter() - start
        assert app.analysis is not None
        source = app.source_pane

        # Latency = from the key to the last frame written because of it. Pilot's own waiting
        # after that frame is not counted, Textual's frame pacing is.
        # (Headless apps render every frame but do not write it: record the hand-over instead.)
        frames: list[float] = []
        display = app._display

        def recording_display(screen: object, renderable: object) -> None:
            if renderable is not None:
                frames.append(time.perf_counter())
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = recording_display  # type: ignore[method-assign]

        async def timed(action: object) -> float:
            frames.clear()
            t0 = time.perf_counter()
            if isinstance(action, str):
                await pilot.press(action)
            else:
                source.move_point(*action, user=True)  # type: ignore[misc]
            await pilot.pause()
            return (frames[-1] - t0) * 1000 if frames else 0.0

        middle = (len(app.analysis.source.lines) // 2, 4)
        source.move_point(*middle, user=True)
        await pilot.pause()

        adjacent = [await timed("down" if i % 10 else "right") for i in range(MOVES)]
        rng = random.Random(3)
        lines = len(app.analysis.source.lines)
        far = [await timed((rng.randrange(1, lines + 1), 4)) for _ in range(MOVES)]
        await pilot.press("4")
        bytecode = [await timed("down") for _ in range(MOVES // 2)]
        await pilot.press("2")
        tokens = [await timed("down") for _ in range(MOVES // 2)]
        # The Explain pane shown (hidden by default): it follows every move in the same frame.
        # The same moves from the same place as the adjacent ones above, so that the two
        # medians differ by the pane alone (from where the token moves left off, the same
        # moves measured 2-4 ms slower with the pane hidden too).
        await pilot.press("8", "1")
        assert app.query_one("#explain").display
        source.move_point(*middle, user=True)
        await pilot.pause()
        explained = [await timed("down" if i % 10 else "right") for i in range(MOVES)]
        rng = random.Random(3)  # the same far jumps too
        explained_far = [await timed((rng.randrange(1, lines + 1), 4)) for _ in range(MOVES)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "lines": lines,
        "first_frame_s": first_frame,
        "adjacent_median_ms": statistics.median(adjacent),
        "adjacent_p95_ms": statistics.quantiles(adjacent, n=20)[-1],
        "far_median_ms": statistics.median(far),
        "far_p95_ms": statistics.quantiles(far, n=20)[-1],
        "bytecode_move_median_ms": statistics.median(bytecode),
        "token_move_median_ms": statistics.median(tokens),
        "explain_adjacent_median_ms": statistics.median(explained),
        "explain_far_median_ms": statistics.median(explained_far),
        "explain_far_p95_ms": statistics.quantiles(explained_far, n=20)[-1],
        "peak_rss_mb": peak / 1024,
        "app_rss_mb": (peak - baseline) / 1024,
    }


def main() -> None:
    if len(sys.argv) > 1:
        print(json.dumps(asyncio.run(_measure(sys.argv[1]))))
        return
    print(f"Python {platform.python_version()}, headless run_test at 200x50, {MOVES} moves each")
    for which in ("typing.py", "_pydecimal.py", "20k lines"):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_ui", which],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"\n{which} ({r['lines']:,} lines)\n"
            f"  first full frame           {r['first_frame_s']:7.2f} s\n"
            f"  adjacent move   median/p95 {r['adjacent_median_ms']:7.1f} / "
            f"{r['adjacent_p95_ms']:.1f} ms\n"
            f"  far jump        median/p95 {r['far_median_ms']:7.1f} / {r['far_p95_ms']:.1f} ms\n"
            f"  bytecode row move median   {r['bytecode_move_median_ms']:7.1f} ms\n"
            f"  token row move median      {r['token_move_median_ms']:7.1f} ms\n"
            f"  with Explain shown: adjacent median {r['explain_adjacent_median_ms']:.1f} ms, "
            f"far jump median/p95 {r['explain_far_median_ms']:.1f} / "
            f"{r['explain_far_p95_ms']:.1f} ms\n"
            f"  peak RSS                   {r['peak_rss_mb']:7.0f} MB"
        )


if __name__ == "__main__":
    main()
