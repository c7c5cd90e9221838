"""Export (X): the screen as SVG and the selection as an HTML page, written where asked, or sent
to the browser when served; an unwritable folder is a message, not a crash."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from tests.test_export_html import Page, check_page
from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.run import RunLimits
from tui_exec.ui.app import RunOptions, TuiExecApp, make_app
from tui_exec.ui.exporting import EXPORT_COMMANDS

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"


def said(app: TuiExecApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def answer(pilot: Any, text: str) -> None:
    """Press X and answer its question with ``text`` (the current folder is offered)."""
    await pilot.press("X")
    field = pilot.app.query_one("#command-line-input")
    assert field.value == os.getcwd()
    field.value = text  # as typed over it (typing a long path key by key takes seconds)
    await pilot.press("enter")


def test_the_key_is_free() -> None:
    """X is no other command's key, in the app or in any pane (x hides a pane)."""
    from tui_exec.ui.panes import PANES

    key = EXPORT_COMMANDS[0].keys
    others = [c for c in TuiExecApp.ALL_COMMANDS if c not in EXPORT_COMMANDS]
    others += [c for spec in PANES for c in spec.view.COMMANDS]
    assert all(key not in c.keys.split(",") for c in others)


async def test_x_writes_the_svg_and_the_page_and_says_where(tmp_path: Path) -> None:
    path = DEMOS / "classic.py"
    app = app_for(path.read_bytes(), str(path), path=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("g", *"5:8", "enter")  # the + of print(x + y)
        await answer(pilot, str(tmp_path))
        svg, html = tmp_path / "classic-5-8.svg", tmp_path / "classic-5-8.html"
        await wait_until(pilot, lambda: html.exists())
        # The SVG parses, and shows the screen without the question.
        root = ElementTree.parse(svg).getroot()
        assert root.tag.endswith("svg")
        drawn = svg.read_text(encoding="utf-8")
        assert "print" in drawn and "Export&#160;to" not in drawn and "Export to" not in drawn
        page = Page(html.read_text(encoding="utf-8"))
        check_page(page)
        assert page.marked_text() == "+"
        assert "Not run" in page.section_text["run"]
        assert any(str(svg) in note and str(html) in note for note in said(app))
        # Again: new names, nothing replaced.
        await answer(pilot, str(tmp_path))
        await wait_until(pilot, lambda: (tmp_path / "classic-5-8-2.html").exists())
        assert (tmp_path / "classic-5-8-2.svg").exists()


async def test_a_file_name_names_both_files(tmp_path: Path) -> None:
    app = app_for("x = 1\n", "prog.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await answer(pilot, str(tmp_path / "lesson.html"))
        await wait_until(pilot, lambda: (tmp_path / "lesson.html").exists())
        assert (tmp_path / "lesson.svg").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
async def test_an_unwritable_folder_is_a_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    app = app_for("x = 1\n", "prog.py")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await answer(pilot, str(locked))
            await wait_until(pilot, lambda: any("Cannot export" in n for n in said(app)))
            assert app.is_running
    finally:
        locked.chmod(stat.S_IRWXU)


async def test_a_file_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "lesson.svg").mkdir()  # in the way of the SVG, even for root
    app = app_for("x = 1\n", "prog.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await answer(pilot, str(tmp_path / "lesson.html"))
        await wait_until(pilot, lambda: any("Cannot export" in n for n in said(app)))
        assert not (tmp_path / "lesson.html").exists()
        assert app.is_running


async def test_a_missing_folder_is_a_message(tmp_path: Path) -> None:
    app = app_for("x = 1\n", "prog.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await answer(pilot, str(tmp_path / "no" / "such" / "page.html"))
        await wait_until(pilot, lambda: any("Cannot export: no folder" in n for n in said(app)))
        assert not list(tmp_path.iterdir())


async def test_after_a_run_the_page_has_the_step(tmp_path: Path) -> None:
    path = tmp_path / "prog.py"
    path.write_text("xs = [1, 2]\nys = xs\nprint(len(ys) + 1)\n")
    app = make_app(
        path.read_bytes(),
        str(path),
        path=str(path),
        run_options=RunOptions(limits=RunLimits(wall_time=30)),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.timeline is not None, limit=60)
        await pilot.press("5", "end")  # the Run pane's last step
        step = app.run_pane.step
        await answer(pilot, str(tmp_path / "out"))
        # Not a folder: a base name (the folder tmp_path exists).
        await wait_until(pilot, lambda: (tmp_path / "out.html").exists())
        page = Page((tmp_path / "out.html").read_text(encoding="utf-8"))
        check_page(page)
        run = page.section_text["run"]
        assert f"Step {step + 1}" in run
        assert "Globals" in run and "[1, 2]" in run
        assert "Value stack" in run and "Call stack" in run
        assert "#1 list, 2 items ← xs, ys" in run  # one list, two names
        assert "Output so far" in run


async def test_served_the_files_go_to_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for("x = 1\n", "prog.py")
    sent: list[tuple[str, str, str]] = []

    def deliver_text(file: Any, *, save_filename: str, mime_type: str, **_: Any) -> str:
        sent.append((save_filename, mime_type, file.read()))
        return "key"

    monkeypatch.setattr(TuiExecApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(app, "deliver_text", deliver_text)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("X")
        await wait_until(pilot, lambda: len(sent) == 2)
        assert not app.query_one("#command-line").is_open  # no path on the server asked
        (svg_name, svg_type, svg), (html_name, html_type, html) = sent
        assert svg_name.endswith(".svg") and svg_type == "image/svg+xml"
        assert html_name.endswith(".html") and html_type == "text/html"
        ElementTree.fromstring(svg)
        check_page(Page(html))
        assert any("browser" in n for n in said(app))


async def test_the_palette_offers_it() -> None:
    app = app_for("x = 1\n", "prog.py")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "export: screen (SVG) and selection (HTML)…" in titles
