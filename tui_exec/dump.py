"""Non-interactive output of a whole analysis: JSON for scripts, text for people."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .core import Analysis, Span
from .core.stack import StackEntry, code_stacks, exception_table_for, stacksize
from .core.words import counted


def _span(span: Span | None) -> list[int] | None:
    return span.as_list() if span is not None else None


def _stack(stack: tuple[StackEntry, ...] | None) -> list[dict[str, Any]] | None:
    if stack is None:
        return None
    return [{"text": entry.text, "span": _span(entry.span)} for entry in stack]


def to_json_data(analysis: Analysis) -> dict[str, Any]:
    """The analysis as plain data (the shape ``tui-exec dump --format json`` prints)."""
    index = analysis.index
    source = analysis.source
    return {
        "python": analysis.python,
        "source": {
            "path": analysis.filename,
            "encoding": source.encoding,
            "bom": source.has_bom,
            "lines": list(source.lines),
        },
        "tokens": [
            {
                "type": tok.type,
                "exact_type": tok.exact_type,
                "string": tok.string,
                "span": tok.span.as_list(),
                "node": index.node_for_token(tok.id),
            }
            for tok in analysis.tokens
        ],
        "ast": [
            {
                "id": node.id,
                "type": node.type,
                "parent": node.parent,
                "field": node.field,
                "index": node.field_index,
                "span": _span(node.span),
                "detail": node.detail,
            }
            for node in analysis.nodes
        ],
        "code_objects": [
            {
                "id": code.id,
                "name": code.name,
                "qualname": code.qualname,
                "parent": code.parent,
                "firstlineno": code.firstlineno,
                "node": index.node_for_code(code.id),
                "stacksize": stacksize(analysis, code.id),
                "exception_table": [
                    entry._asdict() for entry in exception_table_for(analysis, code.id)
                ],
                "instructions": [
                    {
                        "offset": ins.offset,
                        "opname": ins.opname,
                        "arg": ins.arg,
                        "argrepr": ins.argrepr,
                        "jump_target": ins.jump_target,
                        "line": ins.line,
                        "span": _span(ins.span),
                        "node": index.node_for_instruction(ins.id),
                        "stack": _stack(stack),  # before the instruction runs
                    }
                    for ins, stack in zip(
                        (analysis.instructions[i] for i in code.instruction_ids),
                        code_stacks(analysis, code.id),
                        strict=True,
                    )
                ],
            }
            for code in analysis.code_objects
        ],
        "errors": [
            {"stage": e.stage, "type": e.type, "message": e.message, "span": _span(e.span)}
            for e in analysis.errors
        ],
    }


def to_json(analysis: Analysis) -> str:
    """JSON text of :func:`to_json_data`."""
    return json.dumps(to_json_data(analysis), ensure_ascii=False, separators=(",", ":"))


def _where(span: Span | None) -> str:
    if span is None:
        return "-"
    return f"{span.start_line}:{span.start_col}-{span.end_line}:{span.end_col}"


def to_text(analysis: Analysis) -> Iterator[str]:
    """Readable sections: tokens like ``python -m tokenize``, an indented AST, dis listings."""
    source = analysis.source
    yield (
        f"# {analysis.filename}: Python {analysis.python}, {source.encoding}, "
        f"{counted(len(source.lines), 'line')}, "
        f"ENCODING + {counted(len(analysis.tokens), 'token')}, "
        f"{counted(len(analysis.nodes), 'AST node')}, "
        f"{counted(len(analysis.instructions), 'instruction')}"
    )
    for error in analysis.errors:
        yield f"! {error.stage} error: {error.describe()}"
    yield ""
    yield "== tokens"
    # As python -m tokenize: the ENCODING token first, though it covers no text.
    yield f"{'0:0-0:0':<20}{'ENCODING':<16}{source.encoding!r}"
    for tok in analysis.tokens:
        yield f"{_where(tok.span):<20}{tok.exact_type:<16}{tok.string!r}"
    yield ""
    yield "== ast"
    for node in analysis.nodes:
        label = f"{node.label}: " if node.label else ""
        detail = f" {node.detail}" if node.detail else ""
        yield f"{'  ' * node.depth}{label}{node.type}{detail}  [{_where(node.span)}]"
    yield ""
    yield "== bytecode"
    for code in analysis.code_objects:
        yield ""
        yield (
            f"-- {code.qualname}  (code object #{code.id}, first line {code.firstlineno}, "
            f"stack size {stacksize(analysis, code.id)})"
        )
        yield f"{'offset':>15} {'opname':<28}{'arg':>6} {'':<30} span  [stack before]"
        stacks = code_stacks(analysis, code.id)
        for i, stack in zip(code.instruction_ids, stacks, strict=True):
            ins = analysis.instructions[i]
            line = str(ins.line) if ins.starts_line and ins.line is not None else ""
            marker = ">>" if ins.is_jump_target else ""
            arg = "" if ins.arg is None else str(ins.arg)
            argrepr = f"({ins.argrepr})" if ins.argrepr else ""
            yield (
                f"{line:>5} {marker:>2} {ins.offset:>6} {ins.opname:<28}{arg:>6} {argrepr:<30}"
                f" {_where(ins.span):<16} {_stack_text(stack)}"
            ).rstrip()


def _stack_text(stack: tuple[StackEntry, ...] | None) -> str:
    """``[NULL | print | x]``, bottom first; each label on one line, long ones cut."""
    if stack is None:
        return "[unreachable]"
    labels = (" ".join(entry.text.split()) for entry in stack)
    return "[" + " | ".join(t if len(t) <= 30 else t[:29] + "…" for t in labels) + "]"
