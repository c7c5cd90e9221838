"""A seeded random sample of small AST mutants of ``tui_exec/core/``, each run against
``tests/core`` with -x: ``uv run python -m tests.mutation.sample [-n 40] [--seed 13]``
(``--diff`` prints each survivor's change, ``--site PATH:KIND:INDEX`` runs chosen mutants).

Mutations: a comparison flipped (``<`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``...), an
integer constant moved by one, a condition negated, a statement replaced by ``pass``. Some
mutants are equivalent (no test can tell them apart), so 100 % is not the aim. A line ending
in ``# mutation: equivalent (why)`` offers no site: keep that for mutants shown to change
nothing observable. The tests that name the mutated module run first (a quick kill); a mutant
survives only once the whole of ``tests/core`` passed against it, under this interpreter and
under each ``--python`` given: CI runs the suite on 3.11, 3.12 and 3.13, and code for one
version only (3.13's superinstructions, 3.11's settrace recorder) is tested on that one.
Too slow for CI.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .copy import ROOT, Outcome, imports_from, repo_copy, run_tests

EQUIVALENT = "# mutation: equivalent"

FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


class Site(NamedTuple):
    path: str
    kind: str
    index: int
    """The index-th node of this kind in the file, in ast.walk order."""
    line: int


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _candidates(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """Every mutable place, in a fixed order, with its kind."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in FLIPS:
            yield "compare", node
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) is int
            and not isinstance(getattr(node, "parent", None), ast.Subscript)
        ):
            yield "constant", node
        elif isinstance(node, ast.If | ast.While | ast.IfExp):
            yield "negate", node
        if isinstance(node, ast.FunctionDef):
            for statement in node.body:
                if not _is_docstring(statement) and isinstance(
                    statement, ast.Assign | ast.AugAssign | ast.Expr | ast.Return | ast.If
                ):
                    yield "remove", statement


def sites(path: Path) -> list[Site]:
    """Every site of the file but those on a line marked equivalent."""
    text = path.read_text()
    excluded = {n for n, line in enumerate(text.splitlines(), 1) if EQUIVALENT in line}
    counts: dict[str, int] = {}
    found = []
    for kind, node in _candidates(ast.parse(text)):
        line: int = node.lineno  # type: ignore[attr-defined]
        if line not in excluded:
            found.append(Site(str(path.relative_to(ROOT)), kind, counts.get(kind, 0), line))
        counts[kind] = counts.get(kind, 0) + 1
    return found


def diff(source: str, mutated: str) -> str:
    """The mutant's change, as lines of the unparsed original against the unparsed mutant."""
    before = ast.unparse(ast.parse(source)).splitlines()
    lines = difflib.unified_diff(before, mutated.splitlines(), lineterm="", n=1)
    return "\n".join(list(lines)[2:])


def _targeted(copy: Path, site: Site) -> tuple[str, ...]:
    """The module's own test file, then the other files of tests/core that import it."""
    stem = Path(site.path).stem
    own = copy / "tests" / "core" / f"test_{stem}.py"
    found = [own] if own.exists() else []
    found += [
        test
        for test in sorted((copy / "tests" / "core").glob("test_*.py"))
        if test != own and f"tui_exec.core.{stem}" in test.read_text()
    ]
    return tuple(str(test.relative_to(copy)) for test in found)


def _run(copy: Path, site: Site, pythons: list[str]) -> tuple[Outcome, str]:
    """The outcome and the interpreter that killed the mutant (the last tried if none)."""
    first = _targeted(copy, site)
    for python in pythons:
        if first:
            outcome = run_tests(copy, first, timeout=600, python=python)
            if outcome.killed:
                return outcome, python
        outcome = run_tests(copy, ("tests/core",), timeout=600, python=python)
        if outcome.killed:
            return outcome, python
    return outcome, python


def _parse_site(text: str) -> Site:
    path, kind, index = text.rsplit(":", 2)
    for site in sites(ROOT / path):
        if site.kind == kind and site.index == int(index):
            return site
    raise argparse.ArgumentTypeError(f"no site {text}")


def mutate(source: str, site: Site) -> str:
    tree = ast.parse(source)
    nodes = [node for kind, node in _candidates(tree) if kind == site.kind]
    node = nodes[site.index]
    if site.kind == "compare":
        assert isinstance(node, ast.Compare)
        node.ops[0] = FLIPS[type(node.ops[0])]()
    elif site.kind == "constant":
        assert isinstance(node, ast.Constant)
        node.value = node.value + 1 if node.value <= 1 else node.value - 1
    elif site.kind == "negate":
        assert isinstance(node, ast.If | ast.While | ast.IfExp)
        node.test = ast.UnaryOp(ast.Not(), node.test)
    else:  # remove (an if statement too: not negated)
        for parent in ast.walk(tree):
            for field in ("body", "orelse", "finalbody"):
                body = getattr(parent, field, None)
                if isinstance(body, list) and node in body:
                    body[body.index(node)] = ast.Pass()
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.sample", description=__doc__)
    parser.add_argument("-n", type=int, default=40, help="how many mutants (default 40)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--diff", action="store_true", help="print each survivor's change")
    parser.add_argument(
        "--site",
        action="append",
        type=_parse_site,
        metavar="PATH:KIND:INDEX",
        help="run this mutant (as printed) instead of a sample; repeatable",
    )
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="PATH",
        help="also run a survivor under this interpreter (e.g. .venv-313/bin/python); repeatable",
    )
    args = parser.parse_args(argv)
    pythons = [sys.executable, *(str(Path(python).absolute()) for python in args.python)]
    every = [s for path in sorted((ROOT / "tui_exec" / "core").glob("*.py")) for s in sites(path)]
    chosen = args.site or random.Random(args.seed).sample(every, min(args.n, len(every)))
    killed = 0
    with repo_copy() as copy:
        if not all(imports_from(copy, python) for python in pythons):
            print("the copy's tui_exec is not the one imported: aborting", file=sys.stderr)
            return 2
        for number, site in enumerate(chosen, 1):
            target = copy / site.path
            original = target.read_text()
            mutated = mutate(original, site)
            target.write_text(mutated)
            outcome, python = _run(copy, site, pythons)
            target.write_text(original)
            killed += outcome.killed
            verdict = "killed" if outcome.killed else "SURVIVED"
            print(
                f"{number:3} {verdict:9} {site.path}:{site.kind}:{site.index} (line {site.line})"
                f" ({outcome.seconds:.0f} s) {outcome.first_failure}"
                + (f" [{python}]" if outcome.killed and python != sys.executable else ""),
                flush=True,
            )
            if args.diff and not outcome.killed:
                print(diff(original, mutated), flush=True)
    print(
        f"\n{killed}/{len(chosen)} mutants killed ({100 * killed / len(chosen):.0f} %),"
        f" seed {args.seed}, from {len(every)} sites"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
