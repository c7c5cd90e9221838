"""The eleven bugs of issue 13, each a one-place textual change a reviewer could miss."""

from __future__ import annotations

from typing import NamedTuple


class Mutant(NamedTuple):
    name: str
    path: str
    old: str
    """Text that must occur exactly once in ``path``; the mutant is stale otherwise."""
    new: str
    tests: tuple[str, ...]
    """Part of the default suite to run (with -x): a kill there is a kill by the whole suite."""


CORE = ("tests/core",)
UI = ("tests/ui",)
CLI = ("tests/test_cli.py", "tests/test_cli_wiring.py")

PLANTED: tuple[Mutant, ...] = (
    Mutant(
        "non-ASCII lines numbered from 0",
        "tui_exec/core/source.py",
        "for n, line in enumerate(lines, 1) if not line.isascii()",
        "for n, line in enumerate(lines) if not line.isascii()",
        CORE,
    ),
    Mutant(
        "byte end column kept when only the last line is non-ASCII",
        "tui_exec/core/bytecode.py",
        "elif line in non_ascii or end_line in non_ascii:",
        "elif line in non_ascii:",
        CORE,
    ),
    Mutant(
        "the shallowest of the nodes sharing a span is kept",
        "tui_exec/core/index.py",
        "for i in sorted(positioned_nodes, key=depths.__getitem__)",
        "for i in sorted(positioned_nodes, key=depths.__getitem__, reverse=True)",
        CORE,
    ),
    Mutant(
        "select() skips the tokens pane",
        "tui_exec/ui/explorer.py",
        "            panel.stage.show_selection(selection, from_here=from_here)",
        "            if panel.spec.name != 'tokens':\n"
        "                panel.stage.show_selection(selection, from_here=from_here)",
        UI,
    ),
    Mutant(
        "the recorder ignores the step limit",
        "tui_exec/core/trace.py",
        "if self.step_count >= self.max_steps:",
        "if False:",
        ("tests/core/test_run.py",),
    ),
    Mutant(
        "--step-limit dropped between the CLI and the run",
        "tui_exec/cli.py",
        "limits=RunLimits(args.time_limit, args.output_limit, args.step_limit),",
        "limits=RunLimits(args.time_limit, args.output_limit),",
        CLI,
    ),
    Mutant(
        "dump always exits 0",
        "tui_exec/cli.py",
        "return EXIT_ERRORS if analysis.errors else EXIT_OK",
        "return EXIT_OK",
        CLI,
    ),
    Mutant(
        "dump exits 1 on a mere SyntaxWarning",
        "tui_exec/cli.py",
        "return EXIT_ERRORS if analysis.errors else EXIT_OK",
        "return EXIT_ERRORS if analysis.errors or analysis.warnings else EXIT_OK",
        CLI,
    ),
    Mutant(
        "the file watcher removed",
        "tui_exec/ui/watching.py",
        'self.set_interval(WATCH_INTERVAL, self._check_file, name="watch-file")',
        "pass",
        UI,
    ),
    Mutant(
        "PgDn in the Run pane stops at the wrong step",
        "tui_exec/ui/panes/run.py",
        "                if depths[j] < depth:",
        "                if depths[j] <= depth:",
        UI,
    ),
    Mutant(
        "tui-exec's own __future__ imports leak into user code",
        "tui_exec/core/analysis.py",
        'compile(tree, filename, "exec", dont_inherit=True)',
        'compile(tree, filename, "exec", dont_inherit=False)',
        CORE,
    ),
)
