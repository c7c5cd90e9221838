"""What 3.14 and 3.15 add, walked through the panes on their demos.

Each walk runs only on a Python that has the construct; what the panes must show is taken
from the running interpreter (tokenize, ast, dis). On older Pythons the demo opens as the
syntax error it is there, and the panes say which version the construct needs.
"""

from __future__ import annotations

import ast
import dis
import io
import os
import sys
import tokenize
from pathlib import Path
from types import CodeType

import pytest
from rich.console import Console

from tests.ui.helpers import app_for, ready, wait_until
from tui_exec.core.run import LineRecord
from tui_exec.ui.app import StagePanel, TuiExecApp
from tui_exec.ui.timeline import Timeline
from tui_exec.ui.tour_box import TourBox

DEMOS = Path(__file__).parent.parent.parent / "demo_scripts"
THIS = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _open(name: str) -> TuiExecApp:
    path = DEMOS / name
    return app_for(path.read_bytes(), str(path), path=str(path))


def _shown(renderable: object) -> str:
    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


async def _run(app: TuiExecApp, pilot) -> Timeline:  # type: ignore[no-untyped-def]
    """Record a run (F5) and wait, with a bound, until its timeline is on screen."""
    await pilot.press("f5")
    await wait_until(pilot, lambda: app.timeline is not None)
    assert app.timeline is not None
    return app.timeline


def _code_objects(code: CodeType) -> list[CodeType]:
    found = [code]
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found.extend(_code_objects(const))
    return found


def _line_start(timeline: Timeline, line: int) -> LineRecord:
    """The record where module-level ``line`` first starts."""
    return next(r for r in timeline.records if r.new_line and r.code == 0 and r.line == line)


def _next_line_start(timeline: Timeline, line: int) -> LineRecord:
    """The record where the module's first line after ``line`` starts."""
    start = _line_start(timeline, line).step
    return next(
        r
        for r in timeline.records
        if r.new_line and r.code == 0 and r.step > start and r.line > line
    )


def _select_instruction(app: TuiExecApp, instruction: int) -> None:
    """Put the bytecode cursor on ``instruction``, as a key or a click does."""
    app.bytecode_pane.move_cursor(app.bytecode_pane.row_of_instruction(instruction), user=True)


@pytest.mark.skipif(sys.version_info < (3, 14), reason="template strings are new in 3.14")
async def test_a_template_string_through_tokens_tree_bytecode_and_run() -> None:
    source = (DEMOS / "template_strings.py").read_text(encoding="utf-8")
    template = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.TemplateStr))
    line = template.lineno
    app = _open("template_strings.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        analysis = app.analysis
        assert analysis is not None and analysis.errors == ()

        # Tokens: the t-string's pieces, as this tokenizer names them.
        expected = [
            (tokenize.tok_name[t.type], t.string)
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.start[0] == line and tokenize.tok_name[t.type].startswith("TSTRING")
        ]
        names = [name for name, _ in expected]
        assert (names[0], names[-1]) == ("TSTRING_START", "TSTRING_END")
        assert "TSTRING_MIDDLE" in names
        rows = [t.id for t in analysis.tokens if t.type.startswith("TSTRING")]
        assert [(analysis.tokens[r].type, analysis.tokens[r].string) for r in rows] == expected
        for row in rows:
            assert analysis.tokens[row].type in str(app.tokens_pane.row_text(row))

        # AST: select the TemplateStr node; its Interpolation is among its children.
        await pilot.press("3", "slash", *"TemplateStr", "enter")
        await pilot.pause()
        (node,) = app.ast_pane.primary_nodes
        assert analysis.nodes[node].type == "TemplateStr"
        below = [n.type for n in analysis.nodes[node + 1 : analysis.nodes[node].end]]
        assert "Interpolation" in below
        # Bytecode: the instructions dis places exactly on the t-string are marked, and they
        # end with BUILD_TEMPLATE; the BUILD_INTERPOLATION inside it is marked as inner.
        code = compile(source, "<demo>", "exec", dont_inherit=True)
        span = (line, template.col_offset, template.end_lineno, template.end_col_offset)
        exact = [
            i.opname
            for i in dis.get_instructions(code)
            if (i.positions.lineno, i.positions.col_offset) == span[:2]
            and (i.positions.end_lineno, i.positions.end_col_offset) == span[2:]
        ]
        assert exact[-1] == "BUILD_TEMPLATE"
        pane = app.bytecode_pane
        marked = [pane.instruction_at(r) for r in sorted(pane.primary_rows)]
        assert [analysis.instructions[i].opname for i in marked if i is not None] == exact
        inner = [pane.instruction_at(r) for r in sorted(pane.secondary_rows)]
        assert "BUILD_INTERPOLATION" in [analysis.instructions[i].opname for i in inner if i]

        # And back: BUILD_TEMPLATE selects the TemplateStr, BUILD_INTERPOLATION its field.
        for opname, node_type in (
            ("BUILD_TEMPLATE", "TemplateStr"),
            ("BUILD_INTERPOLATION", "Interpolation"),
        ):
            ins = next(i for i in analysis.instructions if i.opname == opname)
            await pilot.press("4")
            _select_instruction(app, ins.id)
            await pilot.pause()
            assert [analysis.nodes[n].type for n in app.ast_pane.primary_nodes] == [node_type]

        # Run: from the line after the assignment, greeting is a Template object.
        timeline = await _run(app, pilot)
        assert timeline.result.stdout.startswith("Template\n")
        record = _next_line_start(timeline, line)
        value = dict(record.locals)["greeting"]
        assert value.startswith("Template(strings=('Hello ', '!'), interpolations=")
        # The Template is an object listing its parts: the strings and the interpolations.
        objects = record.snapshot.objects
        (template,) = [info for info in objects.values() if info.type == "Template"]
        assert [item.label for item in template.items or ()] == ["strings", "interpolations"]
        parts = [objects[item.ref] for item in template.items or () if item.ref is not None]
        assert [info.type for info in parts] == ["tuple", "tuple"]
        await pilot.press("5")
        app.run_pane.go(record.step, user=True)
        await pilot.pause()
        shown = _shown(app.run_pane.render())
        assert "greeting" in shown and "Template(strings=" in shown


def _annotation_names(scope: ast.AST) -> set[str]:
    """The names the annotations written directly in ``scope`` use."""
    if isinstance(scope, ast.FunctionDef):
        written = [a.annotation for a in scope.args.args] + [scope.returns]
    else:
        body = scope.body if isinstance(scope, ast.Module | ast.ClassDef) else []
        written = [s.annotation for s in body if isinstance(s, ast.AnnAssign)]
    return {n.id for a in written if a is not None for n in ast.walk(a) if isinstance(n, ast.Name)}


@pytest.mark.skipif(sys.version_info < (3, 14), reason="annotations are deferred from 3.14")
async def test_each_annotated_scope_has_an_annotate_that_runs_only_when_read() -> None:
    source = (DEMOS / "deferred_annotations.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    scopes = [
        s
        for s in ast.walk(tree)
        if isinstance(s, ast.Module | ast.ClassDef | ast.FunctionDef) and _annotation_names(s)
    ]
    compiled = _code_objects(compile(source, "<demo>", "exec", dont_inherit=True))
    annotates = [c for c in compiled if c.co_name == "__annotate__"]
    assert len(annotates) == len(scopes) == 4  # the module, Leaf, plant and Tree
    app = _open("deferred_annotations.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        analysis = app.analysis
        assert analysis is not None and analysis.errors == ()
        ours = [c for c in analysis.code_objects if c.name == "__annotate__"]
        assert sorted((c.qualname, c.firstlineno) for c in ours) == sorted(
            (c.co_qualname, c.co_firstlineno) for c in annotates
        )

        # Select each __annotate__ heading in the bytecode pane: the AST pane marks the
        # scope whose annotations that code evaluates (the names it loads say which).
        pane = app.bytecode_pane
        await pilot.press("4")
        linked: dict[int, str] = {}
        for code in ours:
            row = next(r for r in range(pane.row_count) if pane.code_at(r) == code.id)
            pane.move_cursor(row, user=True)
            await pilot.pause()
            (node_id,) = app.ast_pane.primary_nodes
            node = analysis.nodes[node_id]
            assert node.type in ("Module", "ClassDef", "FunctionDef")
            scope = next(
                s
                for s in scopes
                if type(s).__name__ == node.type
                and (node.type == "Module" or f"'{s.name}'" == node.detail)  # type: ignore[attr-defined]
            )
            real = next(
                c
                for c in annotates
                if (c.co_qualname, c.co_firstlineno) == (code.qualname, code.firstlineno)
            )
            assert _annotation_names(scope) <= set(real.co_names)
            linked[code.id] = f"{node.type} {node.detail}".strip()
        assert len(set(linked.values())) == 4

        # Run: no __annotate__ runs where the annotations are written; each first runs
        # inside a line that reads __annotations__, after that line starts.
        reads = sorted(
            {
                n.lineno
                for n in ast.walk(tree)
                if isinstance(n, ast.Attribute) and n.attr == "__annotations__"
            }
        )
        timeline = await _run(app, pilot)
        assert timeline.result.status == "exited"
        first_read = _line_start(timeline, reads[0]).step
        ran: dict[int, int] = {}  # code id -> the step that runs its first instruction
        for step in range(timeline.count):
            instruction = timeline.instruction(step)
            code_id = analysis.instructions[instruction].code if instruction is not None else -1
            if code_id in linked:
                ran.setdefault(code_id, step)
        assert ran and min(ran.values()) > first_read
        module_lines = [(r.step, r.line) for r in timeline.records if r.new_line and r.code == 0]
        for code_id, step in ran.items():
            running_line = max(start for start in module_lines if start[0] < step)[1]
            assert running_line in reads, f"{linked[code_id]} ran outside a read"
        # Tree's annotations are never read: its __annotate__ never runs.
        never = {c.id for c in ours} - set(ran)
        assert [linked[c] for c in never] == ["ClassDef 'Tree'"]


@pytest.mark.skipif(sys.version_info < (3, 15), reason="lazy imports are new in 3.15")
async def test_a_lazy_import_is_a_proxy_until_first_used() -> None:
    source = (DEMOS / "lazy_imports.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    lazy = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom) and n.is_lazy]  # type: ignore[attr-defined]
    assert [type(n).__name__ for n in lazy] == ["Import", "ImportFrom"]
    code = compile(source, "<demo>", "exec", dont_inherit=True)
    argreprs = [i.argrepr for i in dis.get_instructions(code) if i.opname == "IMPORT_NAME"]
    assert "json + lazy" in argreprs
    app = _open("lazy_imports.py")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        analysis = app.analysis
        assert analysis is not None and analysis.errors == ()
        # The Import node of `lazy import json`, and the IMPORT_NAME it compiles to, marked
        # "+ lazy" as dis says it, in the bytecode pane's row.
        wanted = next(
            n.id
            for n in analysis.nodes
            if n.type == "Import" and n.span is not None and n.span.start_line == lazy[0].lineno
        )
        tree_pane = app.ast_pane
        await pilot.press("3")
        row = next(r for r in range(tree_pane.row_count) if tree_pane.node_at(r) == wanted)
        tree_pane.move_cursor(row, user=True)
        await pilot.pause()
        assert tree_pane.primary_nodes == {wanted}
        pane = app.bytecode_pane
        inside = [pane.instruction_at(r) for r in sorted(pane.primary_rows | pane.secondary_rows)]
        imports = [analysis.instructions[i] for i in inside if i is not None]
        (import_name,) = [i for i in imports if i.opname == "IMPORT_NAME"]
        assert import_name.argrepr == "json + lazy"
        row = pane.row_of_instruction(import_name.id)
        assert "json + lazy" in str(pane.row_text(row))

        # Run: json is the proxy until the line that first uses it, then the module.
        use = next(
            n.lineno
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == "json"
        )
        timeline = await _run(app, pilot)
        before = dict(_line_start(timeline, use).locals)["json"]
        after = dict(_next_line_start(timeline, use).locals)["json"]
        assert before == "<lazy_import 'json'>"
        assert after.startswith("<module 'json' from ")
        await pilot.press("5")
        app.run_pane.go(_line_start(timeline, use).step, user=True)
        await pilot.pause()
        assert "<lazy_import 'json'>" in _shown(app.run_pane.render())
        assert "json is a lazy_import\njson is a module" in timeline.result.stdout


@pytest.mark.parametrize(
    ("demo", "what", "needs"),
    [
        ("template_strings.py", "template strings", (3, 14)),
        ("lazy_imports.py", "lazy imports", (3, 15)),
    ],
)
async def test_on_an_older_python_the_demo_is_a_syntax_error_naming_the_version(
    demo: str, what: str, needs: tuple[int, int]
) -> None:
    if sys.version_info >= needs:
        pytest.skip(f"{what} parse on this Python: the walk above covers it")
    hint = f"{what} need Python {needs[0]}.{needs[1]}; this is {THIS}"
    app = _open(demo)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None and not app.analysis.parsed
        error = app.analysis.error_in("parse")
        assert error is not None and error.message.endswith(f"({hint})")
        for panel_id in ("#ast", "#bytecode"):
            panel = app.query_one(panel_id, StagePanel)
            assert panel.has_class("-message")
            assert hint in str(panel.query_one(".stage-message").render())
        assert hint in str(app.query_one("#errors").render())
        # The tour ends at the parser too, with the same words.
        await pilot.press("t", "right", "right")
        assert hint in str(app.query_one(TourBox)._text.render())
