"""Headless Chromium driven by Selenium, reading the explorer from the page.

textual-serve's page draws the terminal with xterm.js on a canvas. To read it, the test page
gets one line of script before textual-serve's own runs: it keeps the xterm.js Terminal that
textual-serve creates (``window.__terminal``). The test then turns on xterm.js's screen-reader
mode, whose accessibility tree holds one DOM element per row: the text is read from the DOM.
Colours (which cells are highlighted) come from xterm.js's buffer API. Nothing of this is in
tui-exec: the served page is textual-serve's.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("selenium", reason="the browser tests need Selenium (uv sync installs it)")

from selenium import webdriver as selenium_webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
)
KEEP_TERMINAL = r"""
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    if (value && value.buffer && value.onData) { window.__terminal = value; }
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
  },
});
"""
TIME_KEYS = r"""
const terminal = window.__terminal;
window.__latencies = [];
let pressed = null, written = false;
document.addEventListener("keydown", () => { pressed = performance.now(); written = false; }, true);
terminal.onWriteParsed(() => { if (pressed !== null) { written = true; } });
terminal.onRender(() => {
  if (pressed !== null && written) {
    window.__latencies.push(performance.now() - pressed);
    pressed = null;
  }
});
"""
BACKGROUNDS = r"""
const terminal = window.__terminal, buffer = terminal.buffer.active, rows = [];
for (let y = 0; y < terminal.rows; y++) {
  const line = buffer.getLine(y), row = [];
  for (let x = 0; x < terminal.cols; x++) {
    const cell = line.getCell(x);
    row.push(cell.isBgDefault() ? -1 : cell.getBgColor());
  }
  rows.push(row);
}
return rows;
"""


BORDERS = frozenset("│┃╭╮╰╯─━▏")
"""The panes' frames, drawn in colours of their own: not highlights."""


def skip_without_chromium() -> None:
    """Skip, saying what to install, where there is no headless Chromium."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "no headless Chromium here: apt-get install chromium chromium-driver (.ci/run does)"
        )


def skip_unless_oldest_python() -> None:
    """The browser tests check the server and the page, not the Python running them: CI runs
    the suite under each of 3.11-3.15, and they run under the oldest installed one only (as
    the cross-version tests of tests/core/test_interpreters.py do)."""
    oldest = _oldest_python()
    if sys.version_info[:2] != oldest:
        pytest.skip(f"run once, under the oldest installed Python ({oldest[0]}.{oldest[1]})")


@cache
def _oldest_python() -> tuple[int, int]:
    from tui_exec.core.interpreters import find_interpreters

    versions = {i.version[:2] for i in find_interpreters() if i.usable and i.version >= (3, 11)}
    return min(versions, default=(sys.version_info[0], sys.version_info[1]))


class Page:
    """The served page in Chromium: keys in, rows and highlights out."""

    def __init__(self, driver: Any, downloads: Path) -> None:
        self.driver = driver
        self.downloads = downloads
        """Where the browser saves what the app delivers as a download."""

    def wait_downloads(self, count: int, timeout: float = 10.0) -> list[Path]:
        """The files downloaded, once ``count`` of them are whole (bounded wait)."""
        deadline = time.monotonic() + timeout
        while True:
            done = sorted(p for p in self.downloads.iterdir() if not p.name.endswith(".crdownload"))
            partial = [p for p in self.downloads.iterdir() if p.name.endswith(".crdownload")]
            if len(done) >= count and not partial:
                return done
            if time.monotonic() > deadline:
                raise AssertionError(f"downloads: {[p.name for p in self.downloads.iterdir()]}")
            time.sleep(0.05)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def rows(self) -> list[str]:
        """The terminal's rows as text, from the DOM (xterm.js's accessibility tree)."""
        rows: list[str] = self.driver.execute_script(
            "const t = window.__terminal; if (!t) { return []; }"
            "if (!t.options.screenReaderMode) { t.options.screenReaderMode = true; }"
            "return Array.from(document.querySelectorAll('.xterm-accessibility-tree > div'))"
            ".map(row => row.textContent);"
        )
        return rows

    def text(self) -> str:
        return "\n".join(self.rows())

    def wait_text(self, wanted: str, seconds: float = 20.0) -> str:
        """Wait (bounded) until the screen shows ``wanted``; the screen then."""
        deadline = time.monotonic() + seconds
        while True:
            text = self.text()
            if wanted in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted!r} never appeared; the screen:\n{text}")
            time.sleep(0.02)

    def wait_status_change(self, before: str, seconds: float = 10.0) -> str:
        """Wait (bounded) until the status line differs from ``before``; the new one."""
        deadline = time.monotonic() + seconds
        while True:
            status = self.status_line()
            if status != before or time.monotonic() > deadline:
                return status
            time.sleep(0.02)

    def status_line(self) -> str:
        """The row above the footer."""
        rows = self.rows()
        return rows[-2].strip() if len(rows) >= 2 else ""

    def press(self, *keys: str) -> None:
        """Type into the terminal as a user does (the page's hidden text area has the focus)."""
        self.driver.find_element("css selector", ".xterm-helper-textarea").send_keys(*keys)

    def highlighted(self) -> dict[int, str]:
        """Row -> the text of its cells whose background differs from most of the row's."""
        backgrounds: list[list[int]] = self.driver.execute_script(BACKGROUNDS)
        rows = self.rows()
        found: dict[int, str] = {}
        for y, (colours, text) in enumerate(zip(backgrounds, rows, strict=False)):
            usual = Counter(colours).most_common(1)[0][0]
            marked = "".join(
                text[x]
                for x, colour in enumerate(colours)
                if colour != usual and x < len(text) and text[x] not in BORDERS
            )
            if marked.strip():
                found[y] = marked
        return found

    def time_keys(self) -> None:
        """From now on, note each key's time to the screen's next change (in the page)."""
        self.driver.execute_script(TIME_KEYS)

    def key_latencies(self) -> list[float]:
        latencies: list[float] = self.driver.execute_script("return window.__latencies || [];")
        return latencies

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for so far (Chromium's performance log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
                params = message["params"]
                urls.append(params.get("request", {}).get("url") or params.get("url", ""))
        return urls


@contextmanager
def chromium() -> Iterator[Page]:
    """A fresh headless Chromium (its own profile), quit after."""
    skip_without_chromium()
    options = selenium_webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="tui-exec-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    assert CHROMIUM is not None
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = selenium_webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(30)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL})
        downloads = Path(profile.name) / "downloads"
        downloads.mkdir()
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        yield Page(driver, downloads)
    finally:
        driver.quit()
        profile.cleanup()


def median_ms(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
