"""Apply each planted bug to a fresh copy of the repository and run the tests that should
catch it: ``uv run python -m tests.mutation`` (``--full`` runs the whole default suite per
mutant, ``-k TEXT`` keeps the mutants whose name contains TEXT, ``--at REV`` tests the suite
of an older commit, ``--fidelity`` runs only the slow stdlib test against the core's mutants).
Exit 1 if any survives."""

from __future__ import annotations

import argparse
import sys

from .copy import imports_from, repo_copy, run_tests
from .planted import PLANTED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("--full", action="store_true", help="run the whole default suite")
    parser.add_argument("-k", default="", metavar="TEXT", help="only mutants named with TEXT")
    parser.add_argument(
        "--fidelity",
        action="store_true",
        help="run only the slow stdlib fidelity test, on the mutants of tui_exec/core",
    )
    parser.add_argument("--at", metavar="REV", help="mutate this commit instead of the tree")
    args = parser.parse_args(argv)
    chosen = [m for m in PLANTED if args.k.lower() in m.name.lower()]
    options: tuple[str, ...] = ()
    if args.fidelity:
        chosen = [m for m in chosen if m.path.startswith("tui_exec/core/")]
        options = ("-m", "slow")
    results: list[tuple[str, str, str]] = []
    for mutant in chosen:
        with repo_copy(args.at) as copy:
            if not imports_from(copy):
                print("the copy's tui_exec is not the one imported: aborting", file=sys.stderr)
                return 2
            target = copy / mutant.path
            text = target.read_text()
            if text.count(mutant.old) != 1:
                results.append((mutant.name, "STALE", "its text no longer occurs exactly once"))
                print(f"STALE     {mutant.name}", flush=True)
                continue
            target.write_text(text.replace(mutant.old, mutant.new))
            tests = mutant.tests
            if args.full:
                tests = ()
            elif args.fidelity:
                tests = ("tests/core/test_stdlib_fidelity.py",)
            outcome = run_tests(copy, tests, options=options)
        verdict = "killed" if outcome.killed else "SURVIVED"
        results.append((mutant.name, verdict, outcome.first_failure))
        print(f"{verdict:9} {mutant.name} ({outcome.seconds:.0f} s) {outcome.first_failure}")
    killed = sum(verdict == "killed" for _, verdict, _ in results)
    print(f"\n{killed}/{len(results)} planted bugs killed")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
