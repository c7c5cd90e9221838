"""Opening the app headless on a program and waiting for its analysis."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tui_exec.ui.app import TuiExecApp, make_app

UNICODE = 'mot = "été"\n中文 = "😀"\nprint(mot + 中文)\n'


def app_for(source: str | bytes, name: str = "<test>", path: str | None = None) -> TuiExecApp:
    data = source.encode() if isinstance(source, str) else source
    return make_app(data, name, path=path)


async def ready(pilot: Pilot[int]) -> TuiExecApp:
    """Wait until the worker's analysis is on screen."""
    app = pilot.app
    assert isinstance(app, TuiExecApp)
    # The analysis worker starts after the first frame: wait for it to exist, then to end.
    await wait_until(pilot, lambda: app.analysis_started)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.analysis is not None
    return app


async def wait_until(pilot: Pilot[int], condition: Callable[[], bool], limit: float = 20.0) -> None:
    """Let the app work until ``condition`` holds; fail (never hang) after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the state waited for never came"
        await pilot.pause(0.05)
