"""Suite-wide report: whether the 3.13-only superinstruction test ran (CI's 3.13 run must)."""

from __future__ import annotations

import sys

import pytest

SUPERINSTRUCTION_TEST = "test_superinstruction_links_both_operands"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    outcomes = {
        outcome
        for outcome in ("passed", "failed", "skipped")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") in ("call", "setup")
        and SUPERINSTRUCTION_TEST in getattr(report, "nodeid", "")
    }
    if not outcomes:
        return  # not selected in this run
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if outcomes == {"skipped"}:
        said = f"skipped on Python {version} (superinstructions exist from 3.13)"
    else:
        said = f"ran on Python {version}: {', '.join(sorted(outcomes - {'skipped'}))}"
    terminalreporter.write_line(f"superinstruction test: {said}")
