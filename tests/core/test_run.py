"""Running programs: the recorded steps, output, limits, and programs that misbehave."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from tests.core.reference import constant_load
from tui_exec.core import analyze
from tui_exec.core.run import ProgramRun, RunLimits, RunResult

DEFAULT_LIMITS = RunLimits()
DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def run(
    path: Path,
    *,
    stdin: bytes = b"",
    limits: RunLimits = DEFAULT_LIMITS,
    args: tuple[str, ...] = (),
) -> RunResult:
    program = ProgramRun(str(path), stdin=stdin, limits=limits, args=args)
    program.start()
    return program.wait()


def write(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_classic_steps_match_the_analysis_and_output() -> None:
    path = DEMOS / "classic.py"
    result = run(path)
    assert result.status == "exited" and result.exit_code == 0
    assert result.stdout == "15\n"
    analysis = analyze(path.read_bytes(), str(path))
    by_offset = {(i.code, i.offset): i for i in analysis.instructions}
    executed = [
        by_offset[(result.steps[2 * k], result.steps[2 * k + 1])] for k in range(result.step_count)
    ]
    names = [(i.opname, i.argrepr) for i in executed]
    five, ten = constant_load("5"), constant_load("10")
    start = names.index(five)
    assert names[start : start + 4] == [five, ("STORE_NAME", "x"), ten, ("STORE_NAME", "y")]
    assert any(op.startswith("BINARY_OP") for op, _ in names)
    lines = [record.line for record in result.lines if record.new_line]
    assert lines == [3, 4, 5]
    line_5 = [r for r in result.lines if r.new_line][-1]
    assert dict(line_5.locals)["x"] == "5" and dict(line_5.locals)["y"] == "10"
    assert line_5.stdout == 0 and result.lines[0].stack == (0,)
    # print() wrote in the middle of line 5: the state after it says so.
    after_print = [r for r in result.lines if r.step < result.step_count][-1]
    assert not after_print.new_line and after_print.stdout == 3
    assert executed[after_print.step - 1].opname == "CALL"


def test_calls_record_the_stack_and_output_positions(tmp_path: Path) -> None:
    path = write(tmp_path, "def f(n):\n    print(n)\n    return n * 2\n\nf(1)\nf(2)\n")
    result = run(path)
    assert result.stdout == "1\n2\n"
    in_f = [r for r in result.lines if r.code == 1 and r.new_line]
    assert in_f and all(r.stack == (0, 1) for r in in_f)
    assert [dict(r.locals)["n"] for r in in_f if r.line == 2] == ["1", "2"]
    second_print = [r for r in in_f if r.line == 2][1]
    assert second_print.stdout == 2  # "1\n" was written before it


def test_uncaught_exception_reports_type_message_and_frames(tmp_path: Path) -> None:
    path = write(tmp_path, "def f():\n    return 1 / 0\n\nf()\n")
    result = run(path)
    assert result.status == "exception" and result.exit_code == 1
    assert result.exception is not None
    assert result.exception.type == "ZeroDivisionError"
    assert [frame[2] for frame in result.exception.frames] == [4, 2]
    assert "ZeroDivisionError: division by zero" in result.stderr
    assert "tui_exec" not in result.stderr  # the recorder's own frame is not shown


def test_time_limit_ends_an_infinite_loop(tmp_path: Path) -> None:
    path = write(tmp_path, "while True:\n    pass\n")
    result = run(path, limits=RunLimits(wall_time=1.0, max_steps=10**9))
    assert result.status == "timeout"
    assert "time limit" in result.describe()
    assert result.step_count > 0  # what was recorded up to the kill is kept


def test_step_limit_ends_the_run_with_a_notice(tmp_path: Path) -> None:
    path = write(tmp_path, "i = 0\nwhile True:\n    i += 1\n")
    result = run(path, limits=RunLimits(max_steps=50_000))
    assert result.status == "step-limit"
    assert 50_000 <= result.step_count < 50_000 + 20_000
    assert "50,000" in result.describe()


def test_output_limit_drops_the_rest_with_a_notice(tmp_path: Path) -> None:
    path = write(tmp_path, "for i in range(100000):\n    print('x' * 50)\n")
    result = run(path, limits=RunLimits(max_output=10_000, max_steps=10**8))
    assert result.status == "exited"
    assert len(result.stdout) < 11_000
    assert "output limit reached" in result.stdout


def test_exit_codes_os_exit_and_input(tmp_path: Path) -> None:
    assert run(write(tmp_path, "import sys\nsys.exit(3)\n")).exit_code == 3
    result = run(write(tmp_path, "import os\nprint('bye', flush=True)\nos._exit(4)\n"))
    assert (result.status, result.exit_code, result.stdout) == ("exited", 4, "bye\n")
    assert result.step_count > 0
    result = run(write(tmp_path, "name = input()\nprint('hi', name)\n"), stdin=b"Ada\n")
    assert result.stdout == "hi Ada\n"
    result = run(write(tmp_path, "print(input())\n"))
    assert result.status == "exception" and result.exception is not None
    assert result.exception.type == "EOFError"


def test_argv_and_working_directory(tmp_path: Path) -> None:
    path = write(tmp_path, "import os, sys\nprint(sys.argv[1:], os.getcwd())\n")
    result = run(path, args=("a", "b"))
    assert result.stdout.strip() == f"['a', 'b'] {tmp_path}"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_killed_by_a_signal_and_a_child_process(tmp_path: Path) -> None:
    result = run(write(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"))
    assert result.status == "signal" and "SIGKILL" in result.describe()
    spawner = write(
        tmp_path,
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "while True:\n    pass\n",
    )
    result = run(spawner, limits=RunLimits(wall_time=1.5, max_steps=10**9))
    assert result.status == "timeout"


def test_deep_recursion_is_an_ordinary_exception(tmp_path: Path) -> None:
    result = run(write(tmp_path, "def f(n):\n    return f(n + 1)\nf(0)\n"))
    assert result.status == "exception" and result.exception is not None
    assert result.exception.type == "RecursionError"


def test_a_program_that_cannot_start(tmp_path: Path) -> None:
    program = ProgramRun(str(tmp_path / "missing.py"))
    program.start()
    result = program.wait()
    assert result.status == "failed"
    assert "could not be run" in result.describe()


def test_a_run_without_recording_reports_specialized_instructions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "def f(n):\n    t = 0\n    for i in range(n):\n        t += i * 2\n    return t\n\n"
        "print(f(2000))\n",
    )
    program = ProgramRun(str(path), record=False)
    program.start()
    result = program.wait()
    assert result.status == "exited" and result.stdout == "3998000\n"
    assert result.step_count == 0
    names = set(result.specialized.get(1, {}).values())
    if sys.version_info >= (3, 12):
        assert "BINARY_OP_ADD_INT" in names or "BINARY_OP_MULTIPLY_INT" in names
    else:
        assert any(name.startswith("BINARY_OP_") for name in names)


def _ended(pid: int) -> bool:
    """Gone from the process table, or a zombie (it has ended; only its status is left)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ending_a_run_ends_what_the_program_spawned(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    spawner = write(
        tmp_path,
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "while True:\n    pass\n",
    )
    result = run(spawner, limits=RunLimits(wall_time=3.0, max_steps=10**9))
    assert result.status == "timeout"
    child = int(pid_file.read_text())
    for _ in range(100):  # the kill is sent when the run ends; allow it 5 s to land
        if _ended(child):
            break
        time.sleep(0.05)
    assert _ended(child), "the program's child outlived the run"


def test_short_descriptions_name_the_exit_status_the_exception_or_how_it_ended() -> None:
    from array import array

    from tui_exec.core.run import RaisedException

    def result(status: str, code: int | None, exc: RaisedException | None = None) -> RunResult:
        return RunResult(status, code, 0.125, "", "", array("I"), (), exc)

    raised = RaisedException("ValueError", "bad", ())
    assert result("exited", 3).short_description() == "exit 3 · 0.12 s"
    assert result("exception", 1, raised).short_description() == "ValueError · 0.12 s"
    assert result("timeout", None).short_description() == "timeout · 0.12 s"


def test_the_program_keeps_its_columns_whatever_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without debug ranges CPython records no columns: the run never inherits that."""
    monkeypatch.setenv("PYTHONNODEBUGRANGES", "1")
    program = "code = compile('x', '<s>', 'eval')\nprint(list(code.co_positions())[-1])\n"
    result = run(write(tmp_path, program))
    assert result.stdout == "(1, 1, 0, 1)\n"  # the Name x: line 1, columns 0 to 1


def test_every_frame_starts_with_its_resume_as_a_step(tmp_path: Path) -> None:
    """RESUME runs as a frame starts and at each resumption; no instruction event reports it,
    the recorder makes it a step all the same (issue 20)."""
    import dis

    path = write(tmp_path, "def g():\n    yield 1\n    yield 2\n\nfor v in g():\n    pass\n")
    result = run(path)
    module = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    gen = next(c for c in module.co_consts if hasattr(c, "co_code"))
    resumes = [i.offset for i in dis.get_instructions(gen) if i.opname == "RESUME"]
    assert len(resumes) == 3  # the start, then one after each yield
    steps = [(result.steps[2 * k], result.steps[2 * k + 1]) for k in range(result.step_count)]
    assert steps[0] == (0, 0)  # the module's RESUME first
    # Started by the first next(), resumed after each yield by the next two.
    assert [offset for code, offset in steps if code == 1 and offset in resumes] == resumes


def test_the_recorders_own_future_imports_never_reach_the_program(tmp_path: Path) -> None:
    """The recorder is written with ``from __future__ import annotations``; the program it
    runs must see its annotations as plain Python does (evaluated, not strings)."""
    import subprocess

    path = write(tmp_path, "def f(x: int) -> list[int]:\n    pass\n\nprint(f.__annotations__)\n")
    plain = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert "<class 'int'>" in plain.stdout
    assert run(path).stdout == plain.stdout


def test_a_stop_that_comes_while_a_step_is_recorded_saves_that_step_whole(
    tmp_path: Path,
) -> None:
    # The value recorder describes the object on the stack, and its repr asks (twice) for the
    # run to stop: the signals come in the middle of recording that step. The run must save
    # once the step is whole (not half of it, and not twice), then end.
    path = write(
        tmp_path,
        "import os, signal\n"
        "class Loud:\n"
        "    def __repr__(self):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        return 'Loud()'\n"
        "x = Loud()\n"
        "while True:\n"
        "    pass\n",
    )
    program = ProgramRun(str(path), limits=RunLimits(wall_time=30.0), stack_values=True)
    program.start()
    result = program.wait()
    assert result.status == "stopped", result.stderr
    assert "Traceback" not in result.stderr
    analysis = analyze(path.read_bytes(), str(path))
    by_offset = {(i.code, i.offset): i for i in analysis.instructions}
    last = result.step_count - 1
    # The step described when the stop came is the last one recorded, whole.
    assert by_offset[(result.steps[2 * last], result.steps[2 * last + 1])].opname == "STORE_NAME"
    assert result.stacks is not None
    stack = result.stacks.at(last)
    assert stack is not None and stack[-1].repr == "Loud()" and stack[-1].type == "Loud"
    assert [record.step for record in result.lines][-1] <= last


def test_a_stop_while_the_program_waits_for_input_saves_what_it_recorded(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "print('name?', flush=True)\nname = input()\nprint(name)\n")
    program = ProgramRun(str(path), interactive=True, stack_values=True)
    program.start()
    done: list[RunResult] = []
    waiter = threading.Thread(target=lambda: done.append(program.wait()))
    waiter.start()
    for _ in range(400):  # waiting for a state, with a bound (20 s)
        if program.waiting_for_input:
            break
        time.sleep(0.05)
    assert program.waiting_for_input
    program.stop()
    waiter.join(30)
    (result,) = done
    assert result.status == "stopped"
    # Saved by the recorder (a kill after the grace time would have lost every step).
    assert result.step_count >= 4 and result.stacks is not None
    assert "Traceback" not in result.stderr
