"""``analyze()``: one file through every static stage, errors kept as data."""

from __future__ import annotations

import ast
import gc
import platform
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import CodeType

from .bytecode import CodeObject, Instruction, disassemble
from .index import SpanIndex
from .newer_syntax import hint_for, with_hint
from .source import Source, decode, null_byte_problem
from .span import Span
from .syntax import Node, walk
from .tokens import Token, TokenizeProblem, tokenize_source

STAGES = ("decode", "tokenize", "parse", "compile")


@dataclass(frozen=True, slots=True)
class StageError:
    """An error one stage reported; later stages are then absent."""

    stage: str
    """One of :data:`STAGES`."""
    type: str
    """Exception class name: SyntaxError, IndentationError, TokenError, RecursionError..."""
    message: str
    span: Span | None
    """Where, in characters; None when CPython does not say."""

    def describe(self) -> str:
        """One line for people: ``SyntaxError at 3:4: invalid syntax``."""
        where = f" at {self.span.start_line}:{self.span.start_col}" if self.span else ""
        return f"{self.type}{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything tui-exec shows about one file without running it. Immutable."""

    filename: str
    python: str
    source: Source
    tokens: tuple[Token, ...]
    nodes: tuple[Node, ...]
    code_objects: tuple[CodeObject, ...]
    instructions: tuple[Instruction, ...]
    errors: tuple[StageError, ...]
    warnings: tuple[StageError, ...] = ()
    """SyntaxWarning and kin raised while parsing or compiling: the code still compiled."""
    index: SpanIndex = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    module_code: CodeType | None = field(default=None, repr=False, compare=False)
    """The compiled module, kept for running it later; never executed by the analysis."""
    pyc: bytes | None = field(default=None, repr=False, compare=False)
    """For a program opened from a .pyc file: the file's bytes (then there is no source,
    no tokens and no tree, only the code objects it holds)."""

    def error_in(self, stage: str) -> StageError | None:
        """The error of ``stage``, if it had one."""
        return next((e for e in self.errors if e.stage == stage), None)

    @property
    def parsed(self) -> bool:
        """Whether the AST stage produced a tree."""
        return bool(self.nodes)

    @property
    def compiled(self) -> bool:
        """Whether the bytecode stage produced code."""
        return bool(self.code_objects)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while building hundreds of thousands of acyclic records.

    Every allocation burst otherwise triggers full-heap collections that find nothing: they
    cost as much as the whole analysis (measured: 1.95 s with, 0.96 s without, on 20k lines).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyze(
    source: str | bytes,
    filename: str = "<string>",
    *,
    on_stage: Callable[[str], None] | None = None,
) -> Analysis:
    """Decode, tokenize, parse and compile ``source``; never raises for bad input.

    ``bytes`` are decoded as CPython would (BOM, coding cookie, UTF-8). A ``str`` is taken as
    already decoded. Each stage that fails records a :class:`StageError` and the stages after it
    are left empty, while the stages before it stay complete. Nothing is executed.
    ``on_stage`` is called with each stage's name as it starts, for progress displays.
    """
    with _no_cyclic_gc():
        return _analyze(source, filename, on_stage or _quiet)


def _quiet(stage: str) -> None:
    """The default progress callback: says nothing."""


def _analyze(source: str | bytes, filename: str, on_stage: Callable[[str], None]) -> Analysis:
    errors: list[StageError] = []
    if isinstance(source, bytes):
        text, problem = decode(source)
    else:
        text = Source.from_text(source.removeprefix("\ufeff"), has_bom=source.startswith("\ufeff"))
        problem = null_byte_problem(text)
    if problem is not None:
        errors.append(StageError("decode", problem.type, problem.message, problem.span))

    on_stage("tokenize")
    tokens, token_problem = tokenize_source(text)
    if problem is not None and problem.span is not None:
        # CPython decodes as it tokenizes: what follows undecodable bytes was never tokens.
        tokens, token_problem = _before(problem.span, tokens, token_problem)
    if token_problem is not None:
        errors.append(
            StageError("tokenize", token_problem.type, token_problem.message, token_problem.span)
        )

    codes: tuple[CodeObject, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    module_code: CodeType | None = None
    fatal_decode = any(e.stage == "decode" for e in errors)
    tree: ast.Module | None = None
    with warnings.catch_warnings(record=True) as caught:
        # Warnings about the user's code are data to show, never text on the terminal.
        warnings.simplefilter("always")
        on_stage("parse")
        tree, module_code = _parse_and_compile(text, tokens, filename, fatal_decode, errors)
    nodes: tuple[Node, ...] = walk(tree, text) if tree is not None else ()
    if module_code is not None:
        on_stage("disassemble")
        codes, instructions = disassemble(module_code, text)
    on_stage("index")

    return Analysis(
        filename=filename,
        python=platform.python_version(),
        source=text,
        tokens=tokens,
        nodes=nodes,
        code_objects=codes,
        instructions=instructions,
        errors=tuple(errors),
        warnings=tuple(_warning(w, text) for w in caught or ()),
        index=SpanIndex(text, tokens, nodes, codes, instructions),
        module_code=module_code,
    )


def _before(
    span: Span, tokens: tuple[Token, ...], problem: TokenizeProblem | None
) -> tuple[tuple[Token, ...], TokenizeProblem | None]:
    """The tokens that end before ``span``, and a tokenize error on an earlier line."""
    start = span[:2]
    kept = 0
    while kept < len(tokens) and tokens[kept].span[2:] <= start:
        kept += 1
    # A tokenize error on the decode problem's line or after it is that problem seen again
    # (3.12's tokenizer reports a NUL byte at the start of its line).
    if problem is not None and (problem.span is None or problem.span.start_line >= span.start_line):
        problem = None
    return tokens[:kept], problem


def _parse_and_compile(
    text: Source, tokens: tuple[Token, ...], filename: str, skip: bool, errors: list[StageError]
) -> tuple[ast.Module | None, CodeType | None]:
    """Parse then compile the tree, appending what fails to ``errors``.

    A parse error on syntax a later Python added keeps CPython's words and says which
    version it needs (``invalid syntax (template strings need Python 3.14; this is 3.12)``).
    """
    tree: ast.Module | None = None
    module_code: CodeType | None = None
    if not skip:
        try:
            tree = ast.parse(text.text, filename)
        except SyntaxError as exc:
            span = _parser_span(exc, text)
            message = with_hint(exc.msg, hint_for(tokens, span))
            errors.append(StageError("parse", type(exc).__name__, message, span))
        except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
            errors.append(
                StageError("parse", type(exc).__name__, _nesting_message(exc, "parser"), None)
            )
    if tree is not None:
        try:
            # dont_inherit: tui-exec's own __future__ imports must not leak into the user's code.
            module_code = compile(tree, filename, "exec", dont_inherit=True)
        except SyntaxError as exc:
            errors.append(
                StageError("compile", type(exc).__name__, exc.msg, _compiler_span(exc, text))
            )
        except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
            errors.append(
                StageError("compile", type(exc).__name__, _nesting_message(exc, "compiler"), None)
            )
    return tree, module_code


def _warning(message: warnings.WarningMessage, source: Source) -> StageError:
    line = message.lineno
    span = Span(line, 0, line, len(source.line_text(line))) if line else None
    return StageError("compile", message.category.__name__, str(message.message), span)


def _nesting_message(exc: BaseException, which: str) -> str:
    if isinstance(exc, RecursionError | MemoryError):
        return f"too deeply nested for the {which} ({exc or type(exc).__name__})"
    return str(exc)


def _parser_span(exc: SyntaxError, source: Source) -> Span | None:
    """Parser and tokenizer errors count 1-based *characters*."""
    return _error_span(exc, lambda line, col: col)


def _compiler_span(exc: SyntaxError, source: Source) -> Span | None:
    """Compiler (symtable) errors count 1-based UTF-8 *bytes*: convert them to characters."""
    return _error_span(exc, source.char_col)


def _error_span(exc: SyntaxError, to_chars: Callable[[int, int], int]) -> Span | None:
    """The span of a SyntaxError, its 0-based columns passed through ``to_chars(line, col)``.

    Odd end values (missing, before the start, or 0) become a one-character span.
    """
    if exc.lineno is None:
        return None
    line = exc.lineno
    col = to_chars(line, max((exc.offset or 1) - 1, 0))
    end_line = exc.end_lineno if exc.end_lineno and exc.end_lineno >= line else line
    if exc.end_offset and exc.end_offset > 0:
        end_col = to_chars(end_line, exc.end_offset - 1)
    else:
        end_line, end_col = line, col + 1
    if (end_line, end_col) <= (line, col):
        end_line, end_col = line, col + 1
    return Span(line, col, end_line, end_col)


def preview(source: bytes, filename: str = "<string>") -> Analysis:
    """Only the decoded text of ``source``: what the source pane can show at once, while
    :func:`analyze` runs (decoding typing.py takes about 1 ms, analysing it about 120 ms)."""
    text, _ = decode(source)
    return _without_syntax(filename, text)


def analyze_pyc(data: bytes, filename: str) -> Analysis:
    """The code objects of a .pyc file made by this very interpreter, disassembled.

    Raises :class:`~tui_exec.core.pyc.PycError` for any other file, before unmarshalling
    anything: a code object of another Python version can crash the interpreter. The
    instructions keep their line numbers but have no spans: there is no source to point into.
    """
    import dataclasses
    import marshal

    from .pyc_header import HEADER_SIZE, PycError, check_loadable

    check_loadable(data)
    try:
        module = marshal.loads(data[HEADER_SIZE:])
    except (EOFError, ValueError, TypeError) as exc:
        raise PycError(f"its marshalled code is damaged ({exc})") from None
    if not isinstance(module, CodeType):
        raise PycError("it holds no code object")
    text = Source.from_text("")
    codes, instructions = disassemble(module, text)
    return _without_syntax(
        filename,
        text,
        codes=tuple(dataclasses.replace(code, load_span=None) for code in codes),
        instructions=tuple(ins._replace(span=None) for ins in instructions),
        module_code=module,
        pyc=data,
    )


def _without_syntax(
    filename: str,
    text: Source,
    *,
    codes: tuple[CodeObject, ...] = (),
    instructions: tuple[Instruction, ...] = (),
    module_code: CodeType | None = None,
    pyc: bytes | None = None,
) -> Analysis:
    """An analysis with no tokens and no tree: a preview, or a .pyc's code."""
    return Analysis(
        filename=filename,
        python=platform.python_version(),
        source=text,
        tokens=(),
        nodes=(),
        code_objects=codes,
        instructions=instructions,
        errors=(),
        index=SpanIndex(text, (), (), codes, instructions),
        module_code=module_code,
        pyc=pyc,
    )
