"""The package's modules import one another without a cycle, lazy and type-only imports included.

A cycle hides behind a function-level import until the day someone moves it to the top; and
each one ties two modules that should know nothing of each other (issue 22: the analysis and
the .pyc builder, the messages and the Run pane, the pane registry and the panel around panes).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "tui_exec"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, those only for the type checker included (a cycle there is
    one for mypy, and for a reader)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules that importing it (or calling it) runs."""
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            # `from package import module` imports the module too.
            targets.update(f"{base}.{alias.name}" for alias in node.names)
        for target in targets:
            if target not in files:
                continue
            graph[name].add(target)
            # Importing a.b.c runs a/__init__ and a/b/__init__ first, unless the importer is
            # inside them already (then they are being imported, or were).
            parts = target.split(".")
            for cut in range(1, len(parts)):
                parent = ".".join(parts[:cut])
                if parent in files and not (name + ".").startswith(parent + "."):
                    graph[name].add(parent)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_package_imports_itself_back() -> None:
    graph = import_graph()
    assert len(graph) > 50 and "tui_exec.ui.panes.run" in graph["tui_exec.ui.panes"]
    assert cycles(graph) == []


def test_the_check_finds_a_cycle_a_lazy_import_hides() -> None:
    graph = {"a": {"b"}, "b": set(), "c": {"a"}}
    assert cycles(graph) == []
    graph["b"].add("c")  # as a function-level `from .c import x` in b would
    assert cycles(graph) == [["a", "b", "c"]]
