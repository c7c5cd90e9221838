"""What the README promises of the app, each checked by waiting for state, never for time:
opening never executes, the file is followed on disk, the Run pane's PgDn/PgUp/Home/End,
quitting ends what the program spawned."""

from __future__ import annotations

import os
import time
from pathlib import Path

from textual.pilot import Pilot

from tests.core.reference import constant_load
from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import RunOptions, TuiExecApp


async def test_opening_a_file_never_executes_it(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    path = tmp_path / "prog.py"
    path.write_text(f"open({str(marker)!r}, 'w').write('ran')\nimport os\nos._exit(3)\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None and app.analysis.compiled
        assert app.bytecode_pane.row_count > 0
    assert not marker.exists()


async def test_a_change_on_disk_is_reloaded_without_a_key(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("a = 1\n")
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        path.write_text("a = 1\nbb = 22\n")  # a new size: seen even on a coarse mtime clock
        await wait_until(
            pilot, lambda: app.analysis is not None and app.analysis.source.text.endswith("22\n")
        )
        await app.workers.wait_for_complete()
        assert app.analysis is not None
        assert [t.string for t in app.analysis.tokens if t.type == "NAME"] == ["a", "bb"]


# Line records are taken when a line starts (not when a call returns to the line that made it):
# 1 (def), 5 (the call), 2, 3, 4 inside f, then 6.
CALLS = """\
def f():
    a = 1
    b = 2
    return a + b
f()
x = 3
"""


def _where(app: TuiExecApp) -> tuple[int | None, str, str]:
    """The current step's instruction: its line, opname and argrepr."""
    timeline, analysis = app.timeline, app.analysis
    assert timeline is not None and analysis is not None
    instruction = timeline.instruction(app.run_pane.step)
    assert instruction is not None
    ins = analysis.instructions[instruction]
    return ins.line, ins.opname, ins.argrepr


async def _run(pilot: Pilot[int]) -> TuiExecApp:
    app = await ready(pilot)
    await pilot.press("f5")
    await wait_until(pilot, lambda: app.timeline is not None)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app


async def test_run_pane_pgdn_pgup_home_and_end(tmp_path: Path) -> None:
    path = tmp_path / "calls.py"
    path.write_text(CALLS)
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(160, 50)) as pilot:
        await _run(pilot)
        assert app.timeline is not None
        lines = [r.line for r in app.timeline.result.lines if r.new_line]
        assert lines == [1, 5, 2, 3, 4, 6]
        app.run_pane.focus()
        await pilot.press("home")
        # The first step is the module's RESUME (at the synthetic line 0), then line 1 starts
        assert app.run_pane.step == 0 and _where(app)[:2] == (0, "RESUME")
        await pilot.press("shift+down", "shift+down", "shift+down")  # 1, 5, then into f
        assert _where(app) == (2, *constant_load("1"))  # a = 1, inside f
        await pilot.press("pagedown")  # out of f: the caller's instruction after the call
        assert _where(app)[:2] == (5, "POP_TOP")
        await pilot.press("down")  # step over, to x = 3
        assert _where(app) == (6, *constant_load("3"))
        await pilot.press("up")  # back to the line of the call, which runs through
        assert _where(app)[0] == 5
        await pilot.press("shift+down", "down")  # into f, then its next line: b = 2
        assert _where(app) == (3, *constant_load("2"))
        await pilot.press("pageup")  # to the caller's CALL that made this call
        assert _where(app)[:2] == (5, "CALL")
        await pilot.press("end")
        assert app.run_pane.step == app.timeline.count - 1
        await pilot.press("pagedown")  # at the module's level there is nothing to leave
        assert app.run_pane.step == app.timeline.count - 1


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has ended
    except FileNotFoundError:
        return True


async def test_quitting_ends_the_program_and_what_it_spawned(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    path = tmp_path / "spawns.py"
    path.write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "while True:\n"
        "    time.sleep(0.05)\n"
    )
    app = app_for(path.read_bytes(), str(path), path=str(path))
    app.run_options = RunOptions(limits=RunLimits(wall_time=120.0, max_steps=10**9))
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: pid_file.exists() and pid_file.read_text() != "")
        program = app.program.run
        assert program is not None and program._process is not None
        process = program._process
        child = int(pid_file.read_text())
        assert not _gone(child)
        await pilot.press("q")
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while not _gone(child):
        assert time.monotonic() < deadline, "the program's child outlived tui-exec"
        time.sleep(0.05)
    if not _gone(child):  # pragma: no cover - only on failure, so nothing is left behind
        os.kill(child, 9)
