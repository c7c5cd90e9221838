"""Exporting (X): what is on screen as an SVG, and the selection through every stage as a page.

The SVG is Textual's screenshot of the screen as it is; the HTML page is the one
``tui-exec dump --format html`` writes (:mod:`tui_exec.selection_page`), with the Run pane's
step when a run is on screen. In a terminal both are written into a folder asked for (the
current one by default); served to a browser (``app.is_web``) they download there instead,
and nothing is written on the server.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from ..core import Analysis
from ..core.explain.selection import explain_selection, live_code_objects
from ..selection_page import RunStep, selection_page, source_point
from .commands import Command
from .feature import Feature
from .selection import Selection
from .timeline import Timeline

EXPORT_COMMANDS = (
    Command(
        "app.export",
        "X",
        "export",
        "Export",
        "Save an SVG of the screen and an HTML page of the selection through every stage "
        "(asks where: the current folder by default)",
        "export: screen (SVG) and selection (HTML)…",
        feature="exporting",
    ),
)


class Exporter(Feature):
    """Asks where, then writes the screen's SVG and the selection's page, and says where."""

    NAME = "exporting"
    COMMANDS = EXPORT_COMMANDS

    def action_export(self) -> None:
        """X: ask for a folder (or a file name), then export both there."""
        if self.program.analysis is None:
            self.notify("Still analysing: export once the analysis is done.")
            return
        if self.app.is_web:
            # Served: the files go to the browser; no path on the server is asked for.
            self._deliver()
            return

        def chosen(answer: str | None) -> None:
            if answer:
                # After the question has closed and the screen is redrawn without it.
                self.app.call_after_refresh(self._write, answer)

        self.host.ask(
            "Export to (folder, or file name)",
            chosen,
            value=os.getcwd(),
            placeholder="a folder, or a path ending in .html",
        )

    def _files(self) -> tuple[str, str, str]:
        """The base name for the two files, the screen's SVG and the selection's page."""
        analysis = self.program.analysis
        assert analysis is not None
        selection = self.program.selection
        base = _base_name(self.program.name, selection)
        svg = self.app.export_screenshot(title=f"tui-exec: {self.program.name}")
        bytecode = self.host.bytecode_pane
        specialized = self.program.specialized if bytecode.showing_specialized else None
        step = self.host.run_pane.step
        page = page_of(analysis, selection, self.program.timeline, step, specialized)
        return base, svg, page

    def _write(self, answer: str) -> None:
        """Write both files where ``answer`` says: into a folder, or as ``NAME.svg`` and
        ``NAME.html`` for a path that is not a folder."""
        target = Path(os.path.expanduser(answer))
        if not target.is_absolute():
            target = Path.cwd() / target
        base, svg, page = self._files()
        if target.is_dir():
            folder = target
            base = _free_name(folder, base)
        else:
            folder = target.parent
            base = target.name.removesuffix(".html").removesuffix(".svg") or base
            if not folder.is_dir():
                self.notify(f"Cannot export: no folder {folder}", severity="error", timeout=8)
                return
        written: list[Path] = []
        try:
            for suffix, text in ((".svg", svg), (".html", page)):
                path = folder / f"{base}{suffix}"
                path.write_text(text, encoding="utf-8")
                written.append(path)
        except OSError as exc:
            why = exc.strerror or str(exc)
            done = f" ({written[0]} was written)" if written else ""
            self.notify(f"Cannot export to {folder}: {why}{done}", severity="error", timeout=8)
            return
        self.notify(
            f"Exported the screen to {written[0]} and the selection to {written[1]}", timeout=10
        )

    def _deliver(self) -> None:
        """Send both files to the browser, which downloads them."""
        base, svg, page = self._files()
        for suffix, text, kind in ((".svg", svg, "image/svg+xml"), (".html", page, "text/html")):
            self.app.deliver_text(
                io.StringIO(text), save_filename=f"{base}{suffix}", mime_type=kind
            )
        self.notify(f"Sent to your browser: {base}.svg (the screen) and {base}.html", timeout=8)


def page_of(
    analysis: Analysis,
    selection: Selection | None,
    timeline: Timeline | None,
    step: int,
    specialized: dict[int, dict[int, str]] | None = None,
) -> str:
    """The selection's page, with the run's state at ``step`` when a run is laid over it (a
    run without recording says it has no steps),
    explained as the Explain pane explains it (``specialized``: by the names a run gave the
    instructions, when the bytecode pane shows those)."""
    if selection is None:  # nothing picked yet: where the explorer opens
        point = source_point(analysis, None)
        selection = Selection("source", point, analysis.index.at(*point))
    origin, item, links = selection.origin, selection.item, selection.links
    codes = live_code_objects(analysis)
    words = explain_selection(analysis, origin, item, links, codes=codes, specialized=specialized)
    run = run_step(timeline, step) if timeline is not None else None
    return selection_page(analysis, origin, item, links, run=run, explanation=words)


def run_step(timeline: Timeline, step: int) -> RunStep:
    """What the Run pane shows at ``step``, as the page's plain data."""
    result = timeline.result
    if not timeline.count:
        return RunStep(step, 0, result.describe(), None)
    step = max(0, min(step, timeline.count - 1))
    record = timeline.record(step)
    analysis = timeline.analysis
    stacks = result.stacks
    return RunStep(
        step=step,
        total=timeline.count,
        outcome=result.describe(),
        instruction=timeline.instruction(step),
        notes=timeline.notes_at(step),
        raises=timeline.raises_at(step),
        call_stack=tuple(analysis.code_objects[c].qualname for c in record.stack)
        if record is not None
        else (),
        snapshot=record.snapshot if record is not None else None,
        in_module=record is None or len(record.stack) == 1,
        values=stacks.at(step) if stacks is not None else None,
        values_note=result.stacks_note if stacks is None else "not read at this step",
        output=result.stdout_before(record) if record is not None else "",
        qualnames=tuple(timeline.qualnames),
    )


def _base_name(name: str, selection: Selection | None) -> str:
    """``classic-5-8``: the program's name and where the selection starts (or its step)."""
    stem = re.sub(r"[^\w.-]+", "_", Path(name).stem).strip("_.") or "tui-exec"
    if selection is None:
        return stem
    span = selection.links.span
    if selection.origin == "step" and isinstance(selection.item, int):
        return f"{stem}-step-{selection.item + 1}"
    if span is not None:
        return f"{stem}-{span.start_line}-{span.start_col}"
    return stem


def _free_name(folder: Path, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… so that no file already there is replaced."""
    name, number = base, 1
    while (folder / f"{name}.svg").exists() or (folder / f"{name}.html").exists():
        number += 1
        name = f"{base}-{number}"
    return name
