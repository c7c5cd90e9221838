"""Opening a .pyc of this Python: its code objects and bytecode, no source; o opens the source."""

from __future__ import annotations

import py_compile
import shutil
from pathlib import Path

from tests.ui.helpers import ready
from tui_exec.ui.app import StagePanel, make_app

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def _pyc(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "fibonacci.py"
    shutil.copy(DEMOS / "fibonacci.py", source)
    pyc = tmp_path / "fibonacci.pyc"
    py_compile.compile(str(source), str(pyc), doraise=True)
    return source, pyc


async def test_a_pyc_shows_its_bytecode_and_offers_its_source(tmp_path: Path) -> None:
    source, pyc = _pyc(tmp_path)
    app = make_app(pyc.read_bytes(), str(pyc), path=str(pyc), pyc=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        analysis = app.analysis
        assert analysis is not None and analysis.pyc == pyc.read_bytes()
        assert [c.qualname for c in analysis.code_objects] == ["<module>", "fibonacci"]
        assert app.bytecode_pane.row_count > 40
        for name in ("source", "tokens", "ast"):
            panel = app.query_one(f"#{name}", StagePanel)
            message = str(panel.query_one(".stage-message").render())
            assert panel.has_class("-message") and "holds bytecode only" in message
            assert "press o to open that source" in message
        await pilot.press("7")  # the .pyc pane shows the file itself, not a built one
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "· the file" in str(app.query_one("#pyc", StagePanel).border_title)
        await pilot.press("f5")  # nothing runs: a .pyc is not a program to run here
        assert app.timeline is None and app.program.run is None
        await pilot.press("o")
        await ready(pilot)
        assert app.program_path == str(source) and app.analysis is not None
        assert app.analysis.pyc is None and app.analysis.parsed
        assert not app.query_one("#source", StagePanel).has_class("-message")


def test_the_cli_opens_its_own_pythons_pyc_and_refuses_another(tmp_path: Path) -> None:
    from tui_exec.cli import ProgramError, _is_own_pyc

    _, pyc = _pyc(tmp_path)
    data = pyc.read_bytes()
    assert _is_own_pyc(data, str(pyc))
    # Another release's magic (3.11: 3495 ... 3.15: 3666): refused by name, and the
    # code after the header is never unmarshalled (it is this Python's, which would load).
    releases = [3495, 3531, 3571, 3627, 3666]
    other = releases[(releases.index(int.from_bytes(data[:2], "little")) + 1) % len(releases)]
    foreign = other.to_bytes(2, "little") + data[2:]
    try:
        _is_own_pyc(foreign, "foreign.pyc")
    except ProgramError as exc:
        assert "made by Python 3.1" in str(exc)
    else:
        raise AssertionError("a foreign .pyc was accepted")
    assert not _is_own_pyc(b"x = 1\n", "prog.py")
