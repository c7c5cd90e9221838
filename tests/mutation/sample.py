"""A seeded random sample of small AST mutants of ``tui_exec/core/``, each run against
``tests/core`` with -x: ``uv run python -m tests.mutation.sample [-n 40] [--seed 13]``.

Mutations: a comparison flipped (``<`` ↔ ``>=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``...), an
integer constant moved by one, a condition negated, a statement replaced by ``pass``. Some
mutants are equivalent (no test can tell them apart), so 100 % is not the aim. Too slow for CI.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .copy import ROOT, imports_from, repo_copy, run_tests

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
    tree = ast.parse(path.read_text())
    counts: dict[str, int] = {}
    found = []
    for kind, node in _candidates(tree):
        found.append(Site(str(path.relative_to(ROOT)), kind, counts.get(kind, 0), node.lineno))  # type: ignore[attr-defined]
        counts[kind] = counts.get(kind, 0) + 1
    return found


def mutate(source: str, site: Site) -> str:
    tree = ast.parse(source)
    nodes = [node for kind, node in _candidates(tree) if kind == site.kind]
    node = nodes[site.index]
    if isinstance(node, ast.Compare):
        node.ops[0] = FLIPS[type(node.ops[0])]()
    elif isinstance(node, ast.Constant):
        node.value = node.value + 1 if node.value <= 1 else node.value - 1
    elif isinstance(node, ast.If | ast.While | ast.IfExp):
        node.test = ast.UnaryOp(ast.Not(), node.test)
    else:
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
    args = parser.parse_args(argv)
    every = [s for path in sorted((ROOT / "tui_exec" / "core").glob("*.py")) for s in sites(path)]
    chosen = random.Random(args.seed).sample(every, min(args.n, len(every)))
    killed = 0
    with repo_copy() as copy:
        if not imports_from(copy):
            print("the copy's tui_exec is not the one imported: aborting", file=sys.stderr)
            return 2
        for number, site in enumerate(chosen, 1):
            target = copy / site.path
            original = target.read_text()
            target.write_text(mutate(original, site))
            outcome = run_tests(copy, ("tests/core",), timeout=600)
            target.write_text(original)
            killed += outcome.killed
            verdict = "killed" if outcome.killed else "SURVIVED"
            print(
                f"{number:3} {verdict:9} {site.path}:{site.line} {site.kind}"
                f" ({outcome.seconds:.0f} s) {outcome.first_failure}",
                flush=True,
            )
    print(
        f"\n{killed}/{len(chosen)} mutants killed ({100 * killed / len(chosen):.0f} %),"
        f" seed {args.seed}, from {len(every)} sites"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
