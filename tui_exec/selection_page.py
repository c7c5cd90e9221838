"""One self-contained HTML page of a selection followed through every stage: what
``tui-exec dump --format html`` writes and the explorer's export (X) saves beside its SVG.

The page is for a learner to take away, a teacher to print or put on a slide: the source with
the selection marked, its tokens, the AST path down to its node, the instructions linked to
it with their value stacks, the state of a recorded run at one step, and the Explain text.
Nothing in it is fetched from elsewhere (inline CSS, no script, no font, no URL), so it reads
offline. Standard library and tui-exec's core only: ``dump --python X.Y`` runs it elsewhere.
Each stage is a ``<section id="source|tokens|ast|bytecode|run|explain">``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from . import __version__
from .core import Analysis, Links, Span
from .core.explain.selection import (
    Paragraph,
    SelectionKind,
    explain_selection,
    live_code_objects,
    one_line,
)
from .core.explain.tokens import token_category
from .core.objects import ObjectInfo, Snapshot
from .core.recorded_stacks import StackValue
from .core.stack import StackEntry, stack_after, stack_before
from .core.words import counted

SECTIONS = ("source", "tokens", "ast", "bytecode", "run", "explain")
"""The ids of the page's sections, one per stage, in order."""

_WHOLE_SOURCE = 200
"""A file of up to this many lines is shown whole; a longer one around the selection."""
_AROUND = 15
"""Lines shown above and below the selection in a long file."""
_TOKENS_SHOWN = 200
_INSTRUCTIONS_SHOWN = 100
_OUTPUT_LINES = 20
_LABEL_LIMIT = 40
_SELECTED = ' class="selected"'


class RunStep(NamedTuple):
    """What the Run pane shows at one step of a recorded run, as plain data."""

    step: int
    """0-based; the page counts from 1, as the Run pane does."""
    total: int
    """Steps recorded."""
    outcome: str
    """How the run ended, in one line (``exited with status 0 in 0.02 s · 14 steps``)."""
    instruction: int | None
    """The instruction the step executes (None if the analysis does not have it)."""
    notes: tuple[str, ...] = ()
    """What happened just before: returns, yields, exceptions."""
    raises: bool = False
    call_stack: tuple[str, ...] = ()
    """The program's frames, outermost first, by qualified name."""
    snapshot: Snapshot | None = None
    """The innermost frame's variables and their objects (None: no state recorded)."""
    in_module: bool = True
    """The variables are the module's globals (else a function's locals)."""
    values: tuple[StackValue, ...] | None = None
    """The values on CPython's stack before the step, bottom first, if the run read them."""
    values_note: str = ""
    """Why there are no values, when there are none."""
    output: str = ""
    """What the program had written to stdout before the step."""
    qualnames: tuple[str, ...] = ()
    """Each code object's qualified name by code id (objects name their callers' frames)."""


class AtError(ValueError):
    """A position for ``--at`` that is not in the file or not LINE[:COL]; one line for people."""


def source_point(analysis: Analysis, at: str | None) -> tuple[int, int]:
    """The source position ``at`` (``LINE`` or ``LINE:COL``, columns from 0 in characters)
    names, as the explorer's go to line takes it (a line alone: where its code starts).

    Without ``at``: where the explorer opens, the first error's position for a file with an
    error, else the start of the first statement (line 1, column 0 in a file without one).
    Raises :class:`AtError` for a position outside the file or text that is not one.
    """
    source = analysis.source
    last_line = max(len(source.lines), 1)
    if at is None:
        return _opening_point(analysis)
    line_text, colon, col_text = at.strip().partition(":")
    try:
        line = int(line_text)
        col = int(col_text) if colon else None
    except ValueError:
        raise AtError(f"--at {at!r}: give LINE or LINE:COL (columns from 0)") from None
    if not 1 <= line <= last_line:
        raise AtError(f"--at {at!r}: line {line} is not in the file (lines 1 to {last_line})")
    text = source.line_text(line)
    if col is None:
        return line, len(text) - len(text.lstrip())
    if not 0 <= col <= len(text):
        raise AtError(f"--at {at!r}: column {col} is not on line {line} (columns 0 to {len(text)})")
    return line, col


# The stage whose error the explorer opens on (as ui/explorer.py: the parser's first).
_ERROR_PRECEDENCE = ("parse", "compile", "decode", "tokenize")


def _opening_point(analysis: Analysis) -> tuple[int, int]:
    by_stage = {e.stage: e.span for e in analysis.errors if e.span is not None}
    for stage in _ERROR_PRECEDENCE:
        span = by_stage.get(stage)
        if span is not None:  # an error at the end of the file may be on the line after it
            line = min(max(span.start_line, 1), max(len(analysis.source.lines), 1))
            return line, min(span.start_col, len(analysis.source.line_text(line)))
    statement = next(
        (node for node in analysis.nodes if node.parent == 0 and node.span is not None), None
    )
    if statement is not None and statement.span is not None:
        return statement.span.start_line, statement.span.start_col
    return 1, 0


# -- the page --------------------------------------------------------------------------------


def selection_page(
    analysis: Analysis,
    origin: SelectionKind,
    item: int | tuple[int, int],
    links: Links,
    *,
    run: RunStep | None = None,
    explanation: Sequence[Paragraph] | None = None,
) -> str:
    """The whole page for one selection: ``origin`` is the kind of item picked (``source``,
    ``token``, ``node``, ``instruction``, ``code`` or ``step``), ``item`` its id (for the
    source, (line, col)), ``links`` what it links to in every stage (``SpanIndex``'s
    answer). ``run``: the state at a step of a recorded run; ``explanation``: the Explain
    text (by default the Explain pane's for the selection, instructions by their own names)."""
    if explanation is None:
        codes = live_code_objects(analysis)
        explanation = explain_selection(analysis, origin, item, links, codes=codes)
    headline = _headline(analysis, origin, item, links)
    title = f"{_name(analysis)}: {headline} · tui-exec"
    body = [
        *_header(analysis, headline),
        *_section("source", "Source", _source(analysis, links)),
        *_section("tokens", "Tokens", _tokens(analysis, links)),
        *_section("ast", "AST: the path to the node", _ast(analysis, links)),
        *_section("bytecode", "Bytecode and value stacks", _bytecode(analysis, links)),
        *_section("run", "The run", _run(analysis, run)),
        *_section("explain", "Explain", _explain(explanation)),
        "<footer>"
        f"<p>Made by tui-exec {_e(__version__)} under Python {_e(analysis.python)}. "
        "Spans read line:column, lines from 1 and columns from 0 in characters, the end "
        "excluded, as <code>ast</code> and <code>dis</code> count them.</p></footer>",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="tui-exec {_e(__version__)}">',
            f"<title>{_e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _name(analysis: Analysis) -> str:
    return analysis.filename.replace("\\", "/").rpartition("/")[2] or analysis.filename


def _header(analysis: Analysis, headline: str) -> Iterator[str]:
    yield "<header>"
    yield f"<h1>{_e(_name(analysis))}: {_e(headline)}</h1>"
    yield (
        '<p class="what">What this is: one selection in a Python file, followed through every '
        "stage CPython takes it through, source → tokens → AST → bytecode → the virtual "
        "machine running it, with plain words on it at the end. "
        f"File <code>{_e(analysis.filename)}</code>, Python {_e(analysis.python)}.</p>"
    )
    if analysis.errors:
        yield '<div class="errors"><p><strong>This file does not compile:</strong></p><ul>'
        for error in analysis.errors:
            yield f"<li>{_e(error.stage)}: {_e(error.describe())}</li>"
        yield "</ul></div>"
    yield (
        '<nav><a href="#source">source</a> → <a href="#tokens">tokens</a> → '
        '<a href="#ast">AST</a> → <a href="#bytecode">bytecode</a> → '
        '<a href="#run">run</a> · <a href="#explain">explain</a></nav>'
    )
    yield "</header>"


def _section(name: str, heading: str, content: Iterable[str]) -> Iterator[str]:
    yield f'<section id="{name}">'
    yield f"<h2>{_e(heading)}</h2>"
    yield from content
    yield "</section>"


def _headline(analysis: Analysis, origin: str, item: int | tuple[int, int], links: Links) -> str:
    """What is selected, in a few words: ``token + (PLUS) in BinOp at 5:8–9``."""
    span = links.span
    text = f" {one_line(span_text(analysis, span), 60)}" if span is not None else ""
    where = f" at {span}" if span is not None else ""
    node = analysis.nodes[links.nodes[0]].type if links.nodes else ""
    if origin in ("instruction", "step") and links.instructions:
        ins = analysis.instructions[links.instructions[0]]
        head = f"instruction {ins.opname} @{ins.offset} in {_qualname(analysis, ins.code)}"
        return head + (f", from {node}{text}{where}" if span is not None else "")
    if origin == "code" and isinstance(item, int) and item < len(analysis.code_objects):
        return f"code object {analysis.code_objects[item].qualname}{where}"
    if links.tokens and origin in ("token", "source"):
        token = analysis.tokens[links.tokens[0]]
        inside = f" in {node}" if node else ""
        return f"token {one_line(token.string, 60)} ({token.exact_type}){inside}{where}"
    if node:
        return f"{node}{text}{where}"
    if origin == "source" and isinstance(item, tuple):
        return f"line {item[0]}, column {item[1]}"
    return "nothing selected"


def _qualname(analysis: Analysis, code_id: int) -> str:
    codes = analysis.code_objects
    return codes[code_id].qualname if code_id < len(codes) else f"code #{code_id}"


def span_text(analysis: Analysis, span: Span) -> str:
    """The source text a span covers (lines joined with ``\\n``), as the page marks it."""
    lines = analysis.source.lines
    first, last = max(span.start_line, 1), min(span.end_line, len(lines))
    if first > last:
        return ""
    if first == last:
        return lines[first - 1][span.start_col : span.end_col if span.end_line == last else None]
    parts = [lines[first - 1][span.start_col :]]
    parts += lines[first : last - 1]
    parts.append(lines[last - 1][: span.end_col] if span.end_line == last else lines[last - 1])
    return "\n".join(parts)


# -- source ----------------------------------------------------------------------------------


def _source(analysis: Analysis, links: Links) -> Iterator[str]:
    source = analysis.source
    if analysis.pyc is not None:
        yield "<p>A .pyc holds no source: only its code objects, listed under Bytecode.</p>"
        return
    if not source.lines:
        yield "<p>The file is empty.</p>"
        return
    span = links.span
    total = len(source.lines)
    first, last = 1, total
    if total > _WHOLE_SOURCE:
        middle = span.start_line if span is not None else 1
        first = max(1, middle - _AROUND)
        last = min(total, max(span.end_line if span is not None else 1, middle) + _AROUND)
    if span is not None:
        yield (
            f"<p>The selection is highlighted: {_e(str(span))}"
            + (f" (its node: {_e(str(links.context_span))}, underlined)" if _context(links) else "")
            + ".</p>"
        )
    else:
        yield f"<p>{_e(links.note or 'Nothing in the source is selected.')}</p>"
    if (first, last) != (1, total):
        yield f'<p class="note">Lines {first}–{last} of {total:,}.</p>'
    rows = []
    for line in range(first, last + 1):
        text = source.lines[line - 1]
        rows.append(
            f'<span class="line" data-line="{line}">'
            + _marked(text, line, span, _context(links))
            + "</span>"
        )
    yield '<pre class="source">' + "\n".join(rows) + "</pre>"


def _context(links: Links) -> Span | None:
    """The node around a point or token, underlined: none when it is the selection itself."""
    context = links.context_span
    return None if context is None or context == links.span else context


def _cols(span: Span | None, line: int, length: int) -> tuple[int, int] | None:
    """The columns of ``line`` that ``span`` covers (None: none)."""
    if span is None or not span.start_line <= line <= span.end_line:
        return None
    start = span.start_col if line == span.start_line else 0
    end = span.end_col if line == span.end_line else length
    start, end = min(start, length), min(end, length)
    return (start, end) if end > start else None


def _marked(text: str, line: int, span: Span | None, context: Span | None) -> str:
    """One source line, the selected columns in ``<mark>``, the context's underlined."""
    marked = _cols(span, line, len(text))
    around = _cols(context, line, len(text))
    cuts = sorted({0, len(text), *(marked or ()), *(around or ())})
    out = []
    in_context = False
    for start, end in zip(cuts, cuts[1:], strict=False):
        inside = around is not None and around[0] <= start and end <= around[1]
        if inside != in_context:
            out.append('<span class="context">' if inside else "</span>")
            in_context = inside
        piece = _e(text[start:end])
        if marked is not None and marked[0] <= start and end <= marked[1]:
            piece = f"<mark>{piece}</mark>"
        out.append(piece)
    if in_context:
        out.append("</span>")
    return "".join(out)


# -- tokens ----------------------------------------------------------------------------------


def _tokens(analysis: Analysis, links: Links) -> Iterator[str]:
    if analysis.pyc is not None:
        yield "<p>A .pyc holds no source, so no tokens.</p>"
        return
    problem = analysis.error_in("decode") or analysis.error_in("tokenize")
    span = links.span
    selected = set(links.tokens)
    if span is None:
        rows: list[int] = []
    else:
        # The tokens of the selection's lines: the selected ones among their neighbours.
        first_line, last_line = span.start_line, span.end_line
        rows = [
            t.id
            for t in analysis.tokens
            if t.span.start_line <= last_line and t.span.end_line >= first_line
        ]
    if selected:
        count = len(selected)
        yield (
            f"<p>{count:,} token{'' if count == 1 else 's'} selected (▶), among the tokens of "
            f"line{'s' if span is not None and span.end_line > span.start_line else ''} "
            f"{_lines(span)}.</p>"
        )
    elif rows:
        yield f"<p>No token under the selection; the tokens of line {_lines(span)}.</p>"
    else:
        yield "<p>No token here.</p>"
    if problem is not None:
        yield f'<p class="error">The tokenizer stopped: {_e(problem.describe())}</p>'
    if not rows:
        return
    shown = rows[:_TOKENS_SHOWN]
    yield '<div class="wide"><table class="tokens">'
    yield "<tr><th></th><th>where</th><th>kind of word</th><th>type</th><th>text</th></tr>"
    for token_id in shown:
        token = analysis.tokens[token_id]
        kind = token_category(token.type, token.exact_type, token.string)
        exact = f" ({token.exact_type})" if token.exact_type != token.type else ""
        chosen = token_id in selected
        yield (
            f"<tr{_SELECTED if chosen else ''}>"
            f"<td>{'▶' if chosen else ''}</td><td>{_e(str(token.span))}</td>"
            f"<td>{_e(kind)}</td><td>{_e(token.type + exact)}</td>"
            f"<td><code>{_e(repr(token.string))}</code></td></tr>"
        )
    yield "</table></div>"
    if len(rows) > len(shown):
        yield f'<p class="note">… and {len(rows) - len(shown):,} more.</p>'


def _lines(span: Span | None) -> str:
    if span is None:
        return ""
    if span.end_line > span.start_line:
        return f"{span.start_line}–{span.end_line}"
    return str(span.start_line)


# -- AST -------------------------------------------------------------------------------------


def _ast(analysis: Analysis, links: Links) -> Iterator[str]:
    if analysis.pyc is not None:
        yield "<p>A .pyc holds no source, so no tree.</p>"
        return
    if not analysis.parsed:
        problem = analysis.error_in("parse") or analysis.error_in("decode")
        why = problem.describe() if problem is not None else "the source did not parse"
        yield f'<p class="error">No tree: {_e(why)}</p>'
        return
    if not links.nodes:
        yield "<p>No node holds the selection.</p>"
        return
    node_id = links.nodes[0]
    path = []
    at: int | None = node_id
    while at is not None:
        path.append(at)
        at = analysis.nodes[at].parent
    path.reverse()
    yield (
        "<p>From the module down to the selected node (▶), each with the field of its "
        "parent that holds it:</p>"
    )
    yield '<ol class="ast-path">'
    for depth, path_id in enumerate(path):
        node = analysis.nodes[path_id]
        field = ""
        if node.field is not None:
            index = f"[{node.field_index}]" if node.field_index is not None else ""
            field = f'<span class="field">{_e(node.field + index)}:</span> '
        detail = f" <code>{_e(node.detail)}</code>" if node.detail else ""
        where = f' <span class="where">{_e(str(node.span))}</span>' if node.span else ""
        chosen = path_id == node_id
        yield (
            f'<li style="margin-left:{depth * 1.2:.1f}em"'
            + (' class="selected"' if chosen else "")
            + f">{'▶ ' if chosen else ''}{field}<strong>{_e(node.type)}</strong>"
            f"{detail}{where}</li>"
        )
    yield "</ol>"
    if len(links.nodes) > 1:
        others = ", ".join(analysis.nodes[n].type for n in links.nodes[1:])
        yield f"<p>Also linked: {_e(others)} (the second operand of a superinstruction).</p>"


# -- bytecode --------------------------------------------------------------------------------


def _bytecode(analysis: Analysis, links: Links) -> Iterator[str]:
    if not analysis.compiled:
        problem = next(
            (analysis.error_in(s) for s in ("compile", "parse", "decode") if analysis.error_in(s)),
            None,
        )
        why = problem.describe() if problem is not None else "the source did not compile"
        yield f'<p class="error">No bytecode: {_e(why)}</p>'
        return
    primary = list(links.instructions)
    secondary = list(links.secondary_instructions)
    if not primary and not secondary:
        yield f"<p>{_e(links.note or 'No instruction was compiled from the selection.')}</p>"
        return
    yield (
        f"<p>{counted(len(primary), 'instruction')} compiled from the selection (▶)"
        + (f", {len(secondary)} more around it or inside it" if secondary else "")
        + ". The value stack is listed bottom first, its top last; each entry is named by the "
        "expression that made it.</p>"
    )
    if links.note:
        yield f'<p class="note">{_e(links.note)}</p>'
    ids = sorted({*primary, *secondary})
    shown = ids[:_INSTRUCTIONS_SHOWN]
    chosen = set(primary)
    yield '<div class="wide"><table class="bytecode">'
    yield (
        "<tr><th></th><th>where</th><th>instruction</th><th>value stack before → after</th></tr>"
    )
    for ins_id in shown:
        ins = analysis.instructions[ins_id]
        argument = ""
        if ins.arg is not None:
            argument = f" {ins.arg}" + (f" ({ins.argrepr})" if ins.argrepr else "")
        before = stack_before(analysis, ins_id)
        after = stack_after(analysis, ins_id) if before is not None else None
        mark = ins_id in chosen
        line = "" if ins.line is None else f", line {ins.line}"
        stacks = _stack(before)
        if before is not None:
            stacks += f'<br><span class="after">→ {_stack(after)}</span>'
        yield (
            f"<tr{_SELECTED if mark else ''}><td>{'▶' if mark else ''}</td>"
            f"<td>{_e(_qualname(analysis, ins.code))} @{ins.offset}{line}</td>"
            f"<td><code><strong>{_e(ins.opname)}</strong>{_e(argument)}</code></td>"
            f"<td>{stacks}</td></tr>"
        )
    yield "</table></div>"
    if len(ids) > len(shown):
        yield f'<p class="note">… and {len(ids) - len(shown):,} more.</p>'


def _stack(entries: tuple[StackEntry, ...] | None) -> str:
    """``NULL | print | x ← top`` with each entry in ``<code>``."""
    if entries is None:
        return "<em>never reached</em>"
    if not entries:
        return "<em>empty</em>"
    shown = " | ".join(
        f"<code>{_e(one_line(entry.text, _LABEL_LIMIT))}</code>" for entry in entries
    )
    return f'<span class="stack">{shown} ← top</span>'


# -- the run ---------------------------------------------------------------------------------


def _run(analysis: Analysis, run: RunStep | None) -> Iterator[str]:
    if run is None:
        yield (
            "<p>Not run: this page was made without running the program. tui-exec never runs "
            "a file unless asked: F5 in the explorer records a run, and an export made "
            "there then shows the state at the Run pane's step.</p>"
        )
        return
    yield f"<p><strong>The run:</strong> {_e(run.outcome)}.</p>"
    if not run.total:
        yield "<p>No step was recorded (a run without recording, F7, keeps none).</p>"
        return
    head = f"Step {run.step + 1:,} of {run.total:,}"
    ins = analysis.instructions[run.instruction] if run.instruction is not None else None
    if ins is not None:
        argument = f" {ins.argrepr}" if ins.argrepr else ""
        line = f", line {ins.line}" if ins.line is not None else ""
        head += (
            f": <code><strong>{_e(ins.opname)}</strong>{_e(argument)}</code> "
            f"@{ins.offset} in {_e(_qualname(analysis, ins.code))}{line}"
        )
    yield f'<p class="step">{head}</p>'
    for note in run.notes:
        yield f'<p class="note">↳ {_e(note)}</p>'
    if run.raises:
        yield '<p class="error">This instruction raises an exception.</p>'
    yield from _values(analysis, run)
    if run.call_stack:
        yield f"<p><strong>Call stack</strong> {_e(' → '.join(run.call_stack))}</p>"
    if run.snapshot is not None:
        yield from _variables(run)
    if run.output or run.snapshot is not None:
        tail = run.output.splitlines()[-_OUTPUT_LINES:]
        count = len(run.output)
        yield f"<h3>Output so far ({count:,} character{'' if count == 1 else 's'})</h3>"
        yield f'<pre class="output">{_e(_printable(chr(10).join(tail))) or "(nothing yet)"}</pre>'


def _values(analysis: Analysis, run: RunStep) -> Iterator[str]:
    """The value stack at the step: the values recorded with what made each, or the names."""
    entries = stack_before(analysis, run.instruction) if run.instruction is not None else None
    if run.values is None:
        if entries is not None:
            yield f"<p><strong>Value stack</strong> {_stack(entries)}</p>"
        if run.values_note:
            yield f'<p class="note">Values on the stack not shown: {_e(run.values_note)}</p>'
        return
    labels: list[str | None] = [entry.text for entry in entries] if entries is not None else []
    if len(labels) > len(run.values):
        labels = labels[len(labels) - len(run.values) :]
    missing: list[str | None] = [None] * (len(run.values) - len(labels))
    labels = missing + labels
    yield "<h3>Value stack, bottom first</h3>"
    yield '<div class="wide"><table class="values">'
    yield "<tr><th>made by</th><th>type</th><th>value</th><th></th></tr>"
    for position, (label, value) in enumerate(zip(labels, run.values, strict=True)):
        top = "← top" if position == len(run.values) - 1 else ""
        shown = "NULL" if value.repr is None else value.repr
        yield (
            f"<tr><td><code>{_e(one_line(label or '', _LABEL_LIMIT))}</code></td>"
            f"<td>{_e(value.type or '')}</td><td><code>{_e(shown)}</code></td><td>{top}</td></tr>"
        )
    if not run.values:
        yield '<tr><td colspan="4"><em>empty</em></td></tr>'
    yield "</table></div>"


def _variables(run: RunStep) -> Iterator[str]:
    snapshot = run.snapshot
    assert snapshot is not None
    numbers = snapshot.numbers()
    yield f"<h3>{'Globals' if run.in_module else 'Locals'}</h3>"
    if not snapshot.variables:
        yield "<p>(none)</p>"
    else:
        yield '<div class="wide"><table class="variables">'
        yield "<tr><th>name</th><th>type</th><th>value</th></tr>"
        for variable in snapshot.variables:
            ref = f"→#{numbers[variable.ref]} " if variable.ref in numbers else ""
            yield (
                f"<tr><td><code>{_e(variable.name)}</code></td><td>{_e(variable.type)}</td>"
                f"<td><code>{_e(ref + variable.text)}</code></td></tr>"
            )
        yield "</table></div>"
    if snapshot.objects:
        yield '<h3>Objects</h3><ul class="objects">'
        for info in snapshot.objects.values():
            yield f"<li>{_object(info, numbers, run.qualnames)}</li>"
        yield "</ul>"


def _object(info: ObjectInfo, numbers: dict[int, int], qualnames: Sequence[str]) -> str:
    """``#1 list, 2 items ← xs: 1, 2`` with its items, other objects by number."""
    head = f"<strong>#{numbers[info.id]} {_e(info.type)}</strong>"
    if info.size >= 0:
        noun = "item" if info.type in ("list", "tuple", "dict", "set", "frozenset") else "attribute"
        head += f", {info.size:,} {noun}{'' if info.size == 1 else 's'}"
    names = list(info.names)
    names += [
        f"{name} in {qualnames[code] if code < len(qualnames) else '?'}"
        for code, name in info.callers
    ]
    if names:
        head += " ← " + _e(", ".join(names))
    if info.items is None:
        body = info.text or ""
    else:
        parts = []
        for label, value, ref in info.items:
            shown = f"→#{numbers[ref]}" if ref is not None and ref in numbers else value
            if ref is not None and ref not in numbers:
                shown = "→?"
            if label is not None:
                shown = f"{label}: {shown}" if info.type == "dict" else f"{label}={shown}"
            parts.append(shown)
        body = ", ".join(parts) or "(empty)"
        if info.items_cut:
            body += f", … {info.size - len(info.items):,} more"
    return f"{head}: <code>{_e(body)}</code>" if body else head


# -- explain ---------------------------------------------------------------------------------


def _explain(paragraphs: Sequence[Paragraph]) -> Iterator[str]:
    """The Explain pane's paragraphs: its headings and labels bold, its asides in italics,
    the table entries an argument reads outlined."""
    for paragraph in paragraphs:
        if not paragraph:
            yield '<p class="gap"></p>'
            continue
        pieces = []
        for text, style in paragraph:
            tag = _EXPLAIN_TAGS.get(style)
            pieces.append(f"{tag[0]}{_e(text)}{tag[1]}" if tag else _e(text))
        yield f"<p>{''.join(pieces)}</p>"


_EXPLAIN_TAGS = {
    "strong": ("<strong>", "</strong>"),
    "quiet": ("<em>", "</em>"),
    "mark": ('<span class="read">', "</span>"),
}


# -- text ------------------------------------------------------------------------------------

# Control characters other than tab and newline show as their pictures (␀, ␛): HTML has no
# place for most of them, and a NUL is turned into U+FFFD by every parser.
_PICTURES = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_PICTURES[0x7F] = 0x2421
_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    text = text.translate(_PICTURES)
    # A lone surrogate (from text given as str) cannot be written as UTF-8: its escape.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _e(text: str) -> str:
    """``text`` escaped for HTML (quotes too), control characters shown as pictures."""
    return html.escape(_printable(text), quote=True)


# Inline, for a page that must read offline: system fonts only, no url(), no @import.
_CSS = """
:root { color-scheme: light; }
body { font: 20px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #111; background: #fff; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5em; margin: 0 0 .4em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #444; margin: 1.4em 0 .5em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: .92em; }
pre { background: #f6f6f3; border: 1px solid #ccc; padding: .6em .8em; overflow-x: auto;
  tab-size: 4; line-height: 1.35; }
pre.source .line::before { content: attr(data-line); display: inline-block; width: 3.5em;
  margin-right: 1em; text-align: right; color: #777; border-right: 1px solid #bbb;
  padding-right: .5em; }
mark { background: #ffd84d; color: #000; font-weight: bold; outline: 1px solid #8a6d00; }
.context { text-decoration: underline dotted #555; text-underline-offset: .2em; }
.what, .note, footer { color: #444; }
.errors, .error { color: #a00000; }
.errors { border: 2px solid #a00000; padding: 0 .8em; }
nav { margin: .6em 0; }
nav a { color: inherit; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #bbb; padding: .15em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
tr.selected td, li.selected { background: #fff2b3; font-weight: bold; }
ol.ast-path { list-style: none; padding-left: 0; }
ol.ast-path li { margin: .1em 0; }
.field, .where { color: #555; }
.stack code { white-space: nowrap; }
table.bytecode td:nth-child(3) { white-space: nowrap; }
#explain p { white-space: pre-wrap; margin: .2em 0; }
#explain p.gap { height: .6em; }
.read { font-weight: bold; outline: 1px solid #444; padding: 0 .15em; }
footer { margin-top: 2em; font-size: .85em; border-top: 1px solid #ccc; }
@media print {
  body { font-size: 11pt; max-width: none; margin: 0; }
  nav { display: none; }
  section { break-inside: avoid-page; }
  h2 { break-after: avoid; }
  pre, .wide { overflow: visible; white-space: pre-wrap; }
  mark, tr.selected td, li.selected, th, pre { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
"""
