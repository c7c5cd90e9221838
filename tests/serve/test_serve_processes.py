"""``tui-exec --serve`` without a browser: a websocket client stands in for a tab. Its apps end
when a tab closes, on Ctrl+C and when the server is killed (issue 23: no orphans); the next
tab past --max-sessions is told so."""

from __future__ import annotations

import os
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .serving import Tab, alive, descendants, programs, serving, wait_for, wait_gone

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds processes through Linux's /proc"
)

FRAME = b"instructions"
"""In the Bytecode pane's title once the analysis is shown: the app takes keys."""


def test_closing_the_tab_ends_its_app() -> None:
    with serving() as served:
        served.wait_listening()
        ready = served.processes()  # the app started for the first tab, before it comes
        assert len(ready) == 1
        tab = Tab(served).open()
        assert FRAME in tab.read(20, until=FRAME)
        assert ready[0] in served.processes()
        tab.close()
        assert wait_gone(ready, 2.5) == []
        # And one is ready for the next tab.
        assert wait_for(lambda: [pid for pid in served.processes() if alive(pid)], 5)


def test_killing_the_server_leaves_no_process(tmp_path: Path) -> None:
    """SIGKILL: the server can do nothing; the app (and the program it runs) must end alone."""
    forever = tmp_path / "forever.py"
    forever.write_text("while True:\n    pass\n")
    with serving("--allow-run", file=forever) as served:
        served.wait_listening()
        tab = Tab(served).open()
        assert FRAME in tab.read(20, until=FRAME)
        tab.send_keys("\x1b[15~")  # F5: the program runs (and never ends by itself)
        assert wait_for(lambda: programs(served.processes()), 10), "F5 started no program"
        tree = served.processes()
        os.kill(served.process.pid, signal.SIGKILL)
        served.process.wait(5)
        left = wait_gone(tree, 5)
        tab.close()
        assert left == [], f"still running after the server was killed: {left}"


def test_ctrl_c_stops_the_server_and_its_apps() -> None:
    with serving() as served:
        served.wait_listening()
        tabs = [Tab(served).open() for _ in range(2)]
        for tab in tabs:
            assert FRAME in tab.read(20, until=FRAME)
        apps = served.processes()
        assert len(apps) >= 2
        os.kill(served.process.pid, signal.SIGINT)
        assert served.process.wait(5) == 0
        assert wait_gone(apps, 2.5) == []
        for tab in tabs:
            tab.close()


def test_the_tab_past_max_sessions_is_told() -> None:
    with serving("--max-sessions", "1") as served:
        served.wait_listening()
        first = Tab(served).open()
        assert FRAME in first.read(20, until=FRAME)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.url, timeout=5)
        assert refused.value.code == 503
        assert "All 1 sessions" in refused.value.read().decode()
        second = Tab(served).open()
        assert b"sessions are in use" in second.read(5, until=b"in use")
        assert len([pid for pid in served.processes() if alive(pid)]) == 1
        second.close()
        first.close()
        # The session is free again: the page is the explorer's.
        wait_for(lambda: not served.processes(), 3)
        with urllib.request.urlopen(served.url, timeout=5) as page:
            assert "textual.js" in page.read().decode()


def test_serve_needs_a_readable_file(tmp_path: Path) -> None:
    import subprocess

    missing = subprocess.run(
        [sys.executable, "-m", "tui_exec", "--serve", str(tmp_path / "nope.py")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    none = subprocess.run(
        [sys.executable, "-m", "tui_exec", "--serve"], capture_output=True, text=True, timeout=30
    )
    assert none.returncode == 2
    assert "--serve needs a FILE" in none.stderr


def test_sigterm_ends_a_served_app_and_its_program(tmp_path: Path) -> None:
    """SIGTERM (what the server sends an app that does not quit when asked) ends the app and
    the program it runs (in a process group of its own)."""
    forever = tmp_path / "forever.py"
    forever.write_text("while True:\n    pass\n")
    with serving("--allow-run", file=forever) as served:
        served.wait_listening()
        tab = Tab(served).open()
        assert FRAME in tab.read(20, until=FRAME)
        before = set(served.processes())
        tab.send_keys("\x1b[15~")
        assert wait_for(lambda: programs(served.processes()), 10), "F5 started no program"
        program = programs(served.processes())
        app = [pid for pid in before if pid not in programs(list(before))]
        running = [pid for pid in app if any(p in program for p in descendants(pid))]
        assert len(running) == 1
        os.kill(running[0], signal.SIGTERM)
        left = wait_gone([*running, *program], 2.5)
        tab.close()
        assert left == [], f"still running after SIGTERM: {left}"
