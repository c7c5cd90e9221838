"""Running the program from the app: steps, highlights, output, exceptions, limits, input."""

from __future__ import annotations

import dis
import os
import re
from pathlib import Path

from rich.console import Console

from tests.core.reference import constant_load
from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core import Span
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import RunOptions, StagePanel, TuiExecApp
from tui_exec.ui.panes.explain import ExplainPane
from tui_exec.ui.panes.values import ValuesScreen, values_text

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


async def run_and_wait(pilot) -> TuiExecApp:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("f5")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.timeline is not None
    return app


ADD_TWICE = (
    "def add(a, b):\n    total = a + b\n    return total\n\nx = add(1, 2) + add(3, 4)\nprint(x)\n"
)


def explained(app: TuiExecApp) -> str:
    """What the Explain pane shows, as plain text."""
    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.query_one(ExplainPane).content)
    return console.export_text()


def app_on_file(tmp_path: Path, source: str) -> TuiExecApp:
    """The app on ``source`` written to a file (a run needs one)."""
    path = tmp_path / "prog.py"
    path.write_text(source)
    return app_for(path.read_bytes(), str(path), path=str(path))


def step_where(app: TuiExecApp, step: int) -> tuple[str, str, int | None]:
    """The code object, opname and line of the instruction run at ``step``."""
    assert app.timeline is not None and app.analysis is not None
    instruction = app.timeline.instruction(step)
    assert instruction is not None
    ins = app.analysis.instructions[instruction]
    return app.analysis.code_objects[ins.code].qualname, ins.opname, ins.line


def current_op(app: TuiExecApp) -> tuple[str, str]:
    assert app.timeline is not None and app.analysis is not None
    instruction = app.timeline.instruction(app.run_pane.step)
    assert instruction is not None
    ins = app.analysis.instructions[instruction]
    return ins.opname, ins.argrepr


async def test_classic_steps_in_order_and_prints_15(tmp_path: Path) -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert not app.query_one("#run", StagePanel).has_class("-idle")
        assert "15" in "\n".join(app.output_pane.lines)
        assert app.timeline is not None and app.timeline.result.stdout == "15\n"
        await pilot.press("5", "home")
        ops = []
        for _ in range(6):
            ops.append(current_op(app))
            await pilot.press("right")
        # x = 5; y = 10 as this Python compiles them (3.14 loads small ints with LOAD_SMALL_INT)
        code = compile(path.read_bytes(), str(path), "exec")
        lines_3_4 = [
            (i.opname, i.argrepr)
            for i in dis.get_instructions(code)
            if i.positions.lineno in (3, 4)
        ]
        assert [name for name, _ in lines_3_4][1::2] == ["STORE_NAME", "STORE_NAME"]
        start = ops.index(lines_3_4[0])
        assert ops[start : start + 4] == lines_3_4


async def test_stepping_moves_every_highlight() -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("5", "home")
        for _ in range(40):  # classic.py's BINARY_OP is its 11th instruction
            if current_op(app)[0] in ("BINARY_OP", "BINARY_OP_ADD_INT"):
                break
            await pilot.press("right")
        assert app.source_pane.marked_spans[0] == Span(5, 6, 5, 11)
        assert app.analysis is not None
        assert [app.analysis.nodes[n].type for n in app.ast_pane.primary_nodes] == ["BinOp"]
        row = app.bytecode_pane.cursor_row
        instruction = app.bytecode_pane.instruction_at(row)
        assert instruction is not None
        assert app.analysis.instructions[instruction].opname.startswith("BINARY_OP")
        assert app.focused is app.run_pane
        # Line 5 is the last line to start (classic.py's records are lines 3, 4, 5): down has
        # nowhere to go and the step stays; up goes back to the start of line 4.
        step = app.run_pane.step
        await pilot.press("down")
        assert app.run_pane.step == step
        await pilot.press("up", "up")
        assert app.timeline is not None
        line_starts = [r.step for r in app.timeline.result.lines if r.new_line]
        assert app.run_pane.step == line_starts[1]
        assert current_op(app) == constant_load("10")


async def test_exception_run_highlights_the_failing_span(tmp_path: Path) -> None:
    path = tmp_path / "boom.py"
    path.write_text("def f(d):\n    return d['missing']\n\nf({})\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None
        result = app.timeline.result
        assert result.status == "exception" and result.exception is not None
        assert result.exception.type == "KeyError"
        assert "KeyError" in "\n".join(app.output_pane.lines)
        # The run pane starts at the raising instruction: its span is marked in the source.
        # `    return d['missing']`: the subscript is columns 11 to 23.
        assert app.source_pane.marked_spans[0] == Span(2, 11, 2, 23)


async def test_time_limit_and_stop_keep_the_ui_usable(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text("while True:\n    pass\n")
    options = RunOptions(limits=RunLimits(wall_time=1.0, max_steps=10**9))
    app = app_for(path.read_bytes(), str(path), path=str(path))
    app.run_options = options
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None and app.timeline.result.status == "timeout"
        assert "time limit" in "\n".join(app.output_pane.lines)
        await pilot.press("1", "down")  # still responsive
        assert app.source_pane.cursor_line == 2


async def test_program_input_is_given_to_stdin(tmp_path: Path) -> None:
    path = tmp_path / "ask.py"
    path.write_text("name = input('name? ')\nprint('hello', name)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f6", *"Ada", "enter")
        await run_and_wait(pilot)
        assert app.timeline is not None
        assert app.timeline.result.stdout == "name? hello Ada\n"


async def test_next_run_of_an_instruction_from_the_bytecode_pane() -> None:
    path = DEMOS / "fibonacci.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None and app.analysis is not None
        append = next(i for i in app.analysis.instructions if "append" in i.argrepr and i.code == 1)
        await pilot.press("4")
        app.bytecode_pane.move_cursor(app.bytecode_pane.row_of_instruction(append.id), user=True)
        await pilot.pause()
        await pilot.press("full_stop")
        first = app.run_pane.step
        assert app.timeline.instruction(first) == append.id
        await pilot.press("4", "full_stop")
        assert app.run_pane.step > first
        assert app.timeline.instruction(app.run_pane.step) == append.id


async def test_execution_counts_in_the_gutter_and_bytecode() -> None:
    path = DEMOS / "fibonacci.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("c")  # before a run: a notice, nothing toggled
        assert not app.bytecode_pane.showing_counts
        await run_and_wait(pilot)
        assert app.timeline is not None and app.analysis is not None
        await pilot.press("c")
        assert app.bytecode_pane.showing_counts
        # The loop body ran 10 times: its line and its append call say so.
        assert app.timeline.line_counts[10] == 10
        append_call = next(
            i
            for i in app.analysis.instructions
            if i.code == 1 and i.opname in ("CALL", "PRECALL") and i.line == 10
        )
        assert app.timeline.instruction_counts[append_call.id] == 10
        row = app.bytecode_pane.row_of_instruction(append_call.id)
        assert app.bytecode_pane.row_text(row).plain.lstrip().startswith("10 ")
        gutter = "".join(s.text for s in app.source_pane._render_gutter(10, False, False))
        assert gutter.strip().startswith("10")
        await pilot.press("c")
        assert not app.bytecode_pane.showing_counts


async def test_specialized_view_after_a_run_without_recording(tmp_path: Path) -> None:
    path = tmp_path / "hot.py"
    path.write_text(
        "def f(n):\n    t = 0\n    for i in range(n):\n        t += i * 2\n    return t\n\n"
        "print(f(3000))\n"
    )
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("s")  # nothing to show yet
        assert not app.bytecode_pane.showing_specialized
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.timeline is not None and app.timeline.result.stdout == "8997000\n"
        await pilot.press("s")
        assert app.bytecode_pane.showing_specialized
        assert "specialized view" in app.query_one("#bytecode", StagePanel).border_title
        rows = "\n".join(
            app.bytecode_pane.row_text(r).plain for r in range(app.bytecode_pane.row_count)
        )
        assert "BINARY_OP_" in rows
        # The Explain pane explains the name shown: what the specialization assumes.
        await pilot.press("8")
        assert app.analysis is not None
        multiply = next(i for i in app.analysis.instructions if i.argrepr == "*")
        specialized = app.specialized[multiply.code][multiply.offset]
        assert specialized.startswith("BINARY_OP_MULTIPLY")
        app.select("instruction", multiply.id)
        await pilot.pause()
        text = explained(app)
        assert f"Instruction {specialized}" in text
        assert "specialized while running: compiled as BINARY_OP" in text
        assert "assumes: " in text and "generic BINARY_OP" in text
        await pilot.press("s")
        assert not app.bytecode_pane.showing_specialized
        await pilot.pause()
        assert "Instruction BINARY_OP @" in explained(app)


async def test_a_program_without_a_file_runs_its_analysed_bytes() -> None:
    app = app_for("import os\nprint('from stdin', os.path.basename(__file__))\n", "<stdin>")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None
        assert app.timeline.result.stdout == "from stdin program.py\n"


async def test_reloading_drops_a_stale_run(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("x = 1\nprint(x)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("c")
        assert app.bytecode_pane.showing_counts
        path.write_text("x = 2\ny = x * 3\nprint(y)\n")
        await pilot.press("ctrl+r")
        await ready(pilot)
        assert app.timeline is None
        assert not app.bytecode_pane.showing_counts


async def test_the_app_stays_responsive_during_a_run_and_f5_stops_it(tmp_path: Path) -> None:
    path = tmp_path / "spin.py"
    path.write_text("import time\nwhile True:\n    time.sleep(0.01)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    app.run_options = RunOptions(limits=RunLimits(wall_time=30.0, max_steps=10**9))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: "Limits: 30 s" in "\n".join(app.output_pane.lines))
        assert app.program.run is not None  # still running
        await pilot.press("down", "down")
        assert app.source_pane.cursor_line == 3
        await pilot.press("f5")  # stop
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.timeline is not None and app.timeline.result.status == "stopped"
        assert "stopped by you" in "\n".join(app.output_pane.lines)


async def test_quitting_kills_a_run_in_progress(tmp_path: Path) -> None:
    path = tmp_path / "spin.py"
    path.write_text("while True:\n    pass\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    app.run_options = RunOptions(limits=RunLimits(wall_time=60.0, max_steps=10**10))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(
            pilot,
            lambda: app.program.run is not None and app.program.run._process is not None,
        )
        program = app.program.run
        assert program is not None and program._process is not None
        process = program._process
        await pilot.press("q")
    process.wait(timeout=5)
    assert process.returncode is not None


async def test_the_palette_offers_run_commands() -> None:
    app = app_for("print(1)\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "run: run" in titles and "run: run without recording" in titles


async def test_step_out_and_back_land_on_the_callers_instructions(tmp_path: Path) -> None:
    """PgDn: the caller's instruction right after the call returns, even mid-line;
    PgUp: the caller's CALL that made the call."""
    app = app_on_file(tmp_path, ADD_TWICE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None
        inside = next(s for s in range(app.timeline.count) if step_where(app, s)[0] == "add")
        app.run_pane.go(inside + 2, user=True)
        await pilot.pause()
        await pilot.press("pagedown")
        after = app.run_pane.step
        assert step_where(app, after)[0] == "<module>"
        assert step_where(app, after - 1)[:2] == ("add", "RETURN_VALUE")
        record = app.timeline.record(after)
        assert record is not None and len(record.stack) == 1  # back in <module> only
        app.run_pane.go(inside + 2, user=True)
        await pilot.pause()
        await pilot.press("pageup")
        assert step_where(app, app.run_pane.step)[:2] == ("<module>", "CALL")


async def test_output_streams_in_while_the_program_runs_and_a_stop_keeps_the_steps(
    tmp_path: Path,
) -> None:
    path = tmp_path / "slow.py"
    path.write_text("import time\nprint('hello', flush=True)\ntime.sleep(30)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    app.run_options = RunOptions(limits=RunLimits(wall_time=60.0))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        for _ in range(300):  # waiting for a state, with a bound
            if "hello" in app.output_pane.lines:
                break
            await pilot.pause(0.05)
        assert "hello" in app.output_pane.lines and app.program.run is not None  # still running
        await pilot.press("f5")  # stop: what was recorded is kept
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.timeline is not None and app.timeline.result.status == "stopped"
        assert app.timeline.count > 3 and "not recorded" not in app.run_pane.summary


async def test_down_steps_over_calls_and_shift_down_steps_into_them(tmp_path: Path) -> None:
    app = app_on_file(tmp_path, ADD_TWICE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)

        def line() -> int | None:
            return step_where(app, app.run_pane.step)[2]

        assert app.timeline is not None
        first_line = next(r.step for r in app.timeline.result.lines if r.new_line)
        app.run_pane.go(first_line, user=True)  # after the module's RESUME
        assert line() == 1
        await pilot.press("down")  # line 1 (def) -> line 5
        assert line() == 5
        await pilot.press("down")  # both calls run through
        assert line() == 6
        await pilot.press("up")
        assert line() == 5
        await pilot.press("shift+down")  # into the first call
        assert line() == 2
        await pilot.press("down")
        assert line() == 3  # return total
        await pilot.press("down")  # the call returns: back in the caller, mid-line
        assert line() == 5 and app.run_pane.step > 0
        await pilot.press("down")  # the second call runs through
        assert line() == 6


async def test_returns_and_exceptions_are_events_and_the_step_is_marked_in_the_source(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.py"
    path.write_text(
        "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\n"
        "def bad():\n    raise ValueError('no')\n\n"
        "def safe():\n    try:\n        return bad()\n    except ValueError:\n"
        "        return None\n\n"
        "fact(3)\nsafe()\n"
    )
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        timeline = app.timeline
        assert timeline is not None
        app.run_pane.go(0, user=True)
        seen: list[str] = []
        for _ in range(4):  # three returns of fact, then the exception's three events
            await pilot.press("e")
            seen.extend(timeline.notes_at(app.run_pane.step))
        assert seen[:3] == ["fact returned 1", "fact returned 2", "fact returned 6"]
        assert seen[3:6] == [
            "ValueError raised in bad: 'no'",
            "ValueError leaves bad, unwinding to its caller",
            "ValueError caught in safe",
        ]
        from rich.console import Console

        console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.run_pane.render())
        assert "↳ ValueError caught in safe" in console.export_text()
        # The step before the exception arrived raised it: marked as such in the source.
        app.run_pane.go(app.run_pane.step - 1, user=True)
        await pilot.pause()
        assert timeline.raises_at(app.run_pane.step)
        assert app.source_pane._step_line == 7 and app.source_pane._step_raises
        await pilot.press("E")
        assert timeline.notes_at(app.run_pane.step) == ("fact returned 6",)
        assert app.source_pane._step_line == 15 and not app.source_pane._step_raises


async def test_variable_names_are_never_cut(tmp_path: Path) -> None:
    path = tmp_path / "names.py"
    path.write_text("a_rather_long_function_name = 'x' * 70\nb = 1\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("end")
        from rich.console import Console

        console = Console(width=40, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.run_pane.render())
        shown = console.export_text()
        assert "Globals" in shown and "a_rather_long_function_name" in shown


async def test_the_user_types_the_programs_input_and_waiting_is_not_timed(
    tmp_path: Path,
) -> None:
    from tui_exec.ui.command_line import CommandLine

    app = app_on_file(tmp_path, "name = input('name? ')\nprint('hello', name)\nprint(input())\n")
    app.run_options = RunOptions(limits=RunLimits(wall_time=5.0))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        command_line = app.query_one(CommandLine)
        for _ in range(400):  # waiting for a state, with a bound
            if command_line.is_open:
                break
            await pilot.pause(0.05)
        assert command_line.is_open and "name? " in app.output_pane.lines[-1]
        await pilot.press(*"Ada", "enter")
        for _ in range(400):
            if command_line.is_open:
                break
            await pilot.pause(0.05)
        await pilot.press("escape")  # end of file for the second input()
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = app.timeline.result if app.timeline else None
        assert result is not None and result.exception is not None
        assert result.exception.type == "EOFError"  # as Ctrl+D in a terminal
        assert result.transcript() == "name? Ada\nhello Ada\n"
        assert "name? Ada" in app.output_pane.lines


async def test_the_run_pane_shows_the_value_stack_of_the_current_step(tmp_path: Path) -> None:
    app = app_on_file(tmp_path, ADD_TWICE)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None
        adds = [
            step
            for step in range(app.timeline.count)
            if step_where(app, step)[:2] == ("add", "BINARY_OP")
        ]
        assert len(adds) == 2
        app.run_pane.go(adds[0], user=True)
        console = Console(width=120, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.run_pane.render())
        # Before `a + b` runs, its operands are on the stack: their values as recorded, and
        # under them the expressions that produced them.
        assert "Value stack  1 | 2 ← top\n             a   b\n" in console.export_text()


async def test_aliases_show_one_object_and_v_opens_every_value_in_full(tmp_path: Path) -> None:
    app = app_on_file(tmp_path, "a = [1, 2]\nb = a\nb.append('x' * 300)\ndone = 1\n")
    async with app.run_test(size=(120, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        await pilot.press("5", "end")
        console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.run_pane.render())
        shown = console.export_text()
        # Both names point at object #1, listed once with both names and its items.
        # (names padded to the widest, `done`: stored before the last step runs)
        assert re.search(r"a +→#1 \[1, 2, 'xxx", shown) and re.search(r"b +→#1 \[1, 2, 'xxx", shown)
        assert "#1 list, 3 items ← a, b" in shown
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ValuesScreen)
        console = Console(width=400, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(values_text(screen.snapshot, screen.where, screen.qualnames))
        full = console.export_text()
        assert "Globals of <module> before step" in full
        assert "[1, 2, '" + "x" * 300 + "']" in full  # the whole value, not cut to a line
        assert "#1 list, 3 items ← a, b  id 0x" in full
        await pilot.press("escape")
        assert not isinstance(app.screen, ValuesScreen)


async def test_an_object_a_call_changes_names_the_callers_variables(tmp_path: Path) -> None:
    source = "def grow(xs):\n    xs.append(2)\n    return xs\n\nitems = [1]\ngrow(items)\n"
    app = app_on_file(tmp_path, source)
    async with app.run_test(size=(120, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        assert app.timeline is not None
        inside = next(step for step in range(app.timeline.count) if step_where(app, step)[2] == 3)
        app.run_pane.go(inside, user=True)
        console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(app.run_pane.render())
        assert "#1 list, 2 items ← xs; items in <module>" in console.export_text()


async def test_an_uncaught_exception_is_an_event_too(tmp_path: Path) -> None:
    """Caught once, then raised again and never caught: `e` reaches the second raise, where
    the run ended, and `E` comes back from there to the first (issue 20)."""
    app = app_on_file(
        tmp_path,
        "def f(a):\n    return 1 / a\n\ntry:\n    f(0)\nexcept ZeroDivisionError:\n"
        "    pass\nx = 1\nf(0)\n",
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await run_and_wait(pilot)
        timeline = app.timeline
        assert timeline is not None and timeline.result.status == "exception"
        last = timeline.count - 1
        app.run_pane.go(0, user=True)
        await pilot.press("e")
        caught = app.run_pane.step
        assert "ZeroDivisionError caught in <module>" in timeline.notes_at(caught)
        await pilot.press("e")
        assert app.run_pane.step == last
        assert timeline.notes_at(last)[-2:] == (
            "ZeroDivisionError leaves f, unwinding to its caller",
            "ZeroDivisionError leaves <module>, unwinding to its caller",
        )
        assert timeline.raises_at(last) and not timeline.raises_at(last - 1)
        await pilot.press("e")
        assert app.run_pane.step == last  # nothing after it
        await pilot.press("E")
        assert app.run_pane.step == caught
