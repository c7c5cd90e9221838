"""The state recorded for a run is right at every step, not only where a line starts.

Expected values are derived by hand from the programs (call depths, the value of ``n`` in a
recursion, the output printed so far), never from the recorder.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

import pytest

from tests.core.test_run import DEMOS, run, write
from tui_exec.core import analyze
from tui_exec.core.run import LineRecord, RunResult


def states(result: RunResult) -> list[LineRecord]:
    """The record in force at each step (the last taken at or before it)."""
    starts = [r.step for r in result.lines]
    return [result.lines[bisect_right(starts, step) - 1] for step in range(result.step_count)]


def codes(result: RunResult) -> list[int]:
    return [result.steps[2 * k] for k in range(result.step_count)]


PROGRAMS = {
    "calls in one line": "def add(a, b):\n    total = a + b\n    return total\n\n"
    "x = add(1, 2) + add(3, 4)\nprint(x)\n",
    "recursion": "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\n"
    "print(fact(5))\n",
    "generator": "def gen():\n    yield 1\n    yield 2\n\nfor v in gen():\n    print(v)\n",
    "exception caught in a caller": "def bad():\n    raise ValueError('x')\n\n"
    "try:\n    bad()\nexcept ValueError:\n    y = 1\n",
    "lambda from sorted": "words = ['bb', 'a', 'ccc']\n"
    "print(sorted(words, key=lambda w: len(w)))\n",
    "decorator and with": "import contextlib\n\ndef deco(f):\n    return f\n\n@deco\n"
    "def g():\n    with contextlib.suppress(KeyError):\n        return {}['k']\n\ng()\n",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_state_at_every_step_belongs_to_the_frame_that_runs_it(
    tmp_path: Path, name: str
) -> None:
    result = run(write(tmp_path, PROGRAMS[name]))
    assert result.step_count > 0
    for step, (code, state) in enumerate(zip(codes(result), states(result), strict=True)):
        assert state.stack[-1] == code, f"step {step}: state of code {state.stack}, runs {code}"


def test_a_recursion_shows_each_frame_its_own_n(tmp_path: Path) -> None:
    result = run(write(tmp_path, PROGRAMS["recursion"]))
    assert result.stdout == "120\n"
    for state in states(result):
        depth = len(state.stack) - 1  # frames of fact below <module>
        if depth:
            assert dict(state.locals)["n"] == str(6 - depth)  # fact(5) is depth 1, n = 5


def test_the_output_so_far_is_right_at_the_last_step() -> None:
    """classic.py: the last steps run after print() wrote 15 (they used to say nothing)."""
    path = DEMOS / "classic.py"
    result = run(path)
    analysis = analyze(path.read_bytes(), str(path))
    by_offset = {(i.code, i.offset): i.opname for i in analysis.instructions}
    last = states(result)[-1]
    assert by_offset[(result.steps[-2], result.steps[-1])].startswith("RETURN_")
    assert result.stdout_before(last) == "15\n"


def test_output_that_is_not_utf8_shows_escaped(tmp_path: Path) -> None:
    result = run(write(tmp_path, 'import sys\nsys.stdout.buffer.write(b"bad \\xff bytes\\n")\n'))
    assert result.status == "exited", result.stderr
    assert result.stdout == "bad \\xff bytes\n"


def test_the_streams_keep_the_real_streams_api(tmp_path: Path) -> None:
    program = (
        "import sys, os\n"
        "print(sys.stdout.encoding, sys.stdout.errors, sys.stdout.isatty(), file=sys.stderr)\n"
        "sys.stdout.writelines(['a', 'b\\n'])\n"
        "sys.stdout.buffer.write(b'raw\\n'); sys.stdout.buffer.flush()\n"
        "sys.stdout.reconfigure(line_buffering=True)\n"
        "os.write(sys.stdout.fileno(), b'fd\\n')\n"
        "print('end')\n"
    )
    result = run(write(tmp_path, program))
    assert result.status == "exited", result.stderr
    assert result.stdout == "ab\nraw\nfd\nend\n"
    assert result.stderr == "utf-8 strict False\n"


@pytest.mark.parametrize("how", ["time limit", "stopped"])
def test_a_run_ended_early_keeps_what_it_recorded(tmp_path: Path, how: str) -> None:
    from tui_exec.core.run import ProgramRun, RunLimits

    path = write(tmp_path, "import time\nx = 1\nprint('start', flush=True)\ntime.sleep(30)\n")
    limits = RunLimits(wall_time=1.0 if how == "time limit" else 60.0)
    program = ProgramRun(str(path), limits=limits)
    program.start()
    if how == "stopped":
        import time

        deadline = time.monotonic() + 30
        while not program._output_size() and time.monotonic() < deadline:
            time.sleep(0.02)  # waiting for a state (it printed: it is in the sleep)
        program.stop()
    result = program.wait()
    assert result.status == ("timeout" if how == "time limit" else "stopped")
    assert result.stdout == "start\n"
    assert result.step_count > 5  # the steps up to the sleep, kept in memory when it ended
    assert [r.line for r in result.lines if r.new_line][:3] == [1, 2, 3]


def test_time_spent_waiting_for_typed_input_is_not_counted(tmp_path: Path) -> None:
    """An interactive run: the user types the lines; waiting for them is not run time."""
    import threading
    import time

    from tui_exec.core.run import ProgramRun, RunLimits

    path = write(tmp_path, "name = input('name? ')\nprint('hello', name)\nprint(input())\n")
    program = ProgramRun(str(path), limits=RunLimits(wall_time=3.0), interactive=True)
    program.start()

    def user() -> None:
        for line in ("Ada", None):  # a line, then end of file (Ctrl+D)
            deadline = time.monotonic() + 30
            while not program.waiting_for_input and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(3.5 if line else 0)  # longer than the time limit
            program.send_input(line)

    typist = threading.Thread(target=user)
    typist.start()
    result = program.wait()
    typist.join()
    assert result.status == "exception" and result.exception is not None
    assert result.exception.type == "EOFError"  # not "timeout"
    assert result.seconds < 3.0
    assert result.stdout == "name? hello Ada\n"
    assert result.transcript() == "name? Ada\nhello Ada\n"


def test_output_written_with_os_write_counts_at_the_next_line(tmp_path: Path) -> None:
    """os.write to fd 1 or 2 bypasses sys.stdout: the sizes recorded from then on include it
    ("hi\\n" is 3 bytes, "oops\\n" 5)."""
    path = write(tmp_path, "import os\nos.write(1, b'hi\\n')\nos.write(2, b'oops\\n')\nx = 1\n")
    result = run(path)
    assert result.status == "exited", result.stderr
    by_line = {r.line: r for r in result.lines if r.new_line}
    assert (by_line[3].stdout, by_line[3].stderr) == (3, 0)
    assert (by_line[4].stdout, by_line[4].stderr) == (3, 5)


def test_the_program_runs_as_main_with_its_own_file(tmp_path: Path) -> None:
    """As ``python prog.py`` sets them: ``__name__``, ``__file__`` (made absolute),
    ``__cached__`` None, and the builtins."""
    path = write(
        tmp_path, "print(__name__, __file__, __cached__, __builtins__ is __import__('builtins'))\n"
    )
    result = run(path)
    assert result.status == "exited", result.stderr
    assert result.stdout == f"__main__ {path.resolve()} None True\n"


def test_a_generator_notes_each_yield_and_its_return(tmp_path: Path) -> None:
    result = run(write(tmp_path, PROGRAMS["generator"]))
    notes = [note for record in result.lines for note in record.notes]
    assert [note for note in notes if note.startswith("gen ")] == [
        "gen yielded 1",
        "gen yielded 2",
        "gen returned None",
    ]


def test_locals_are_shown_up_to_eighty_characters(tmp_path: Path) -> None:
    """A repr of 80 characters is shown whole; a longer one keeps 79 and an ellipsis."""
    result = run(write(tmp_path, "a = 'x' * 78\nb = 'y' * 79\nc = 1\n"))
    last = [r for r in result.lines if r.new_line and r.line == 3][0]
    shown = dict(last.locals)
    assert shown["a"] == "'" + "x" * 78 + "'"
    assert shown["b"] == "'" + "y" * 78 + "…"
