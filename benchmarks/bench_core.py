"""Analysis time against the raw cost of tokenize + ast.parse + compile + dis, and query latency.

Run: ``uv run python -m benchmarks.bench_core``. Targets: analysis <= 2x raw; each index query
<= 50 us median.
"""

from __future__ import annotations

import ast
import dis
import io
import platform
import random
import statistics
import time
import tokenize
from collections.abc import Callable

from benchmarks.corpus import twenty_k_lines, typing_py
from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code


def _best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_pipeline(data: bytes) -> None:
    """What CPython itself does for the same file: the floor tui-exec is measured against."""
    list(tokenize.tokenize(io.BytesIO(data).readline))
    tree = ast.parse(data)
    code = compile(tree, "<bench>", "exec", dont_inherit=True)
    for each, _ in walk_code(code):
        list(dis.get_instructions(each))


def _median_us(func: Callable[[int], object], args: list[int]) -> float:
    samples = []
    for arg in args:
        start = time.perf_counter_ns()
        func(arg)
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def bench(name: str, data: bytes, repeat: int) -> None:
    raw = _best_of(repeat, lambda: raw_pipeline(data))
    full = _best_of(repeat, lambda: analyze(data, name))
    analysis = analyze(data, name)
    index = analysis.index
    rng = random.Random(1)
    lines = analysis.source.lines
    points = []
    for _ in range(2000):
        line = rng.randrange(1, len(lines) + 1)
        points.append((line, rng.randrange(0, max(len(lines[line - 1]), 1))))
    tokens = [rng.randrange(len(analysis.tokens)) for _ in range(2000)]
    nodes = [rng.randrange(1, len(analysis.nodes)) for _ in range(2000)]
    instructions = [rng.randrange(len(analysis.instructions)) for _ in range(2000)]
    print(
        f"\n{name}: {len(lines):,} lines, {len(analysis.tokens):,} tokens, "
        f"{len(analysis.nodes):,} nodes, {len(analysis.instructions):,} instructions"
    )
    print(f"  raw tokenize+parse+compile+dis  {raw * 1000:8.1f} ms")
    print(f"  analyze()                       {full * 1000:8.1f} ms   ({full / raw:.2f}x raw)")
    queries = {
        "at(line, col)": (lambda i: index.at(*points[i]), list(range(len(points)))),
        "for_token": (index.for_token, tokens),
        "for_node": (index.for_node, nodes),
        "for_instruction": (index.for_instruction, instructions),
    }
    for label, (query, args) in queries.items():
        print(f"  query {label:<26}{_median_us(query, args):8.1f} us median")


def main() -> None:
    print(f"Python {platform.python_version()}, best of N runs for whole-file times")
    name, data = typing_py()
    bench("typing.py", data, repeat=7)
    name, data = twenty_k_lines()
    bench(name, data, repeat=3)


if __name__ == "__main__":
    main()
