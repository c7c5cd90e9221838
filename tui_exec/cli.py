"""Command line: ``tui-exec FILE`` opens the explorer, ``tui-exec dump FILE`` prints it all."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .core import Analysis
    from .core.compare import Side
    from .core.interpreters import Interpreter
    from .ui.app import TuiExecApp

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

DESCRIPTION = """\
Show one Python file at every stage of its execution:
source -> tokens -> AST -> bytecode, with every pane kept in sync.

  tui-exec FILE.py          open the explorer on FILE.py
  tui-exec                  edit a scratch program, starting from a sample (also --new)
  tui-exec -                read the program from standard input
  tui-exec dump FILE.py     print the whole analysis (--format json|text)
  tui-exec dump FILE.py --format html [--at LINE:COL] > page.html
                            one selection through every stage, as a web page
  tui-exec run FILE.py      run it as F5 does and print the recording (--format json|text)
  tui-exec explain NAME     explain an opcode, AST node or token type (--format json: all)
  tui-exec pyc FILE.py -o OUT  write the .pyc CPython would cache, print its map
  tui-exec compare FILE.py --python 3.11 --python 3.15
                            two versions' bytecode side by side, paired by source span
  tui-exec --python 3.15 FILE.py
                            the explorer under another installed Python (also dump,
                            explain and pyc); a .pyc of another version opens under it
  tui-exec --list-pythons   the Pythons found
  tui-exec FILE.py -- ARGS  give ARGS to the program when F5 runs it
  tui-exec --serve FILE.py  serve the explorer to web browsers (a tab, an app)
"""


class ProgramError(Exception):
    """A program that cannot be read at all; its message is the one line shown to the user."""


def read_program(path: str) -> tuple[bytes, str]:
    """The bytes of ``path`` ('-' for stdin) and the name to show for it."""
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    if os.path.isdir(path):
        raise ProgramError(f"{path}: is a directory, not a Python file")
    try:
        with open(path, "rb") as handle:
            return handle.read(), path
    except FileNotFoundError:
        raise ProgramError(f"{path}: no such file") from None
    except PermissionError:
        raise ProgramError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ProgramError(f"{path}: cannot read ({exc.strerror or exc})") from None


def check_text(data: bytes, name: str) -> None:
    """Refuse a file that is clearly not text: a NUL byte in its first 8,000 bytes (git's
    rule for binary files) and bytes that are not UTF-8. Any other file opens, decode
    problems included: like CPython, tui-exec reports those as a SyntaxError at a line."""
    head = data[:8000]
    if b"\0" not in head:
        return
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_character = len(data) > len(head) and exc.start >= len(head) - 3
        if not cut_character:
            raise ProgramError(
                f"{name}: not a text file (NUL bytes and bytes that are not UTF-8)"
            ) from None


def refuse_pyc(data: bytes, name: str, command: str) -> None:
    """``tui-exec run`` and ``pyc`` take Python source: a .pyc is refused by what it is (not
    as a binary file), with the command that does open it."""
    from .pyc_report import looks_like_pyc

    if looks_like_pyc(name, data):
        raise ProgramError(
            f"{name}: a compiled .pyc, not a text file of Python source: "
            f"{command} needs the .py file "
            f"(tui-exec {name} opens the .pyc itself)"
        )


def _pyc_interpreter(data: bytes, name: str) -> Interpreter | None:
    """For a .pyc that another installed Python wrote: that Python (the explorer opens it
    there); None for anything else."""
    from .pyc_report import interpreter_for_pyc, looks_like_pyc

    return interpreter_for_pyc(data) if looks_like_pyc(name, data) else None


def _named_python(spec: str) -> Interpreter | None:
    """The Python ``--python SPEC`` names; None once why there is none is printed."""
    from .core.interpreters import InterpreterError, resolve

    try:
        return resolve(spec)
    except InterpreterError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return None


def _explore_elsewhere(spec: str, argv: list[str], from_stdin: bool) -> int | None:
    """``tui-exec --python SPEC ...``: the explorer under that Python; None when it is the
    one running (the explorer then opens here)."""
    from .elsewhere_app import run_app_under

    interpreter = _named_python(spec)
    if interpreter is None:
        return EXIT_UNREADABLE
    if interpreter.running:
        return None
    return run_app_under(interpreter, argv, sys.stdin.buffer.read() if from_stdin else None)


def _is_own_pyc(data: bytes, name: str) -> bool:
    """Whether the explorer opens ``data`` as a .pyc of this Python. Any other .pyc (another
    version's, a damaged one) is one line naming what it is: it is never unmarshalled."""
    from .core.pyc import PycError, check_loadable
    from .pyc_report import looks_like_pyc

    if not looks_like_pyc(name, data):
        return False
    try:
        check_loadable(data)
    except PycError as exc:
        raise ProgramError(f"{name}: {exc}") from None
    return True


def _reattach_terminal() -> None:
    """After reading the program from a pipe, read keys from the terminal instead."""
    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        raise ProgramError(
            "the program came on standard input and there is no terminal to read keys from"
        ) from None
    os.dup2(terminal, 0)
    os.close(terminal)


def _dump_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-exec dump",
        description="Print tokens, AST and bytecode of FILE with character spans.",
    )
    parser.add_argument("file", help="a Python file, or - for standard input")
    parser.add_argument(
        "--format",
        choices=("json", "text", "html"),
        default="text",
        help="html: a self-contained page of one selection through every stage (the "
        "explorer's export), for reading offline, printing or slides",
    )
    parser.add_argument(
        "--at",
        metavar="LINE[:COL]",
        help="with --format html: the selection, as the source cursor at LINE:COL picks it "
        "(columns from 0, in characters; a LINE alone: where its code starts); default: the "
        "first error, or else the first statement",
    )
    _add_python_option(parser)
    return parser


def _add_python_option(parser: argparse.ArgumentParser) -> None:
    """``--python``: the command run by another installed interpreter."""
    parser.add_argument(
        "--python",
        metavar="X.Y|X.Y.Z|PATH",
        help="run this under another Python 3.11+ (see tui-exec --list-pythons); the output "
        "is the one that Python's own tui-exec prints",
    )


def _pyc_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-exec pyc",
        description="Write the .pyc CPython would cache for FILE to OUT, and print where each "
        "code object lies in it. The __pycache__ folder is not touched.",
    )
    parser.add_argument("file", help="a Python source file")
    parser.add_argument("-o", "--output", required=True, metavar="OUT", help="the .pyc to write")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    _add_python_option(parser)
    return parser


def _main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-exec",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="the Python file to explore ('-' for stdin)")
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="do not capture the mouse, so the terminal's own text selection keeps working",
    )
    parser.add_argument(
        "--new",
        action="store_true",
        help="open an editable scratch program, starting from the sample (as with no FILE)",
    )
    parser.add_argument("--version", action="version", version=f"tui-exec {__version__}")
    parser.add_argument(
        "--list-pythons",
        action="store_true",
        help="list the Pythons found (PATH, pyenv, uv, $TUI_EXEC_PYTHONS) and exit; those "
        "older than 3.11 are listed as too old; --format json for scripts",
    )
    parser.add_argument(
        "--python",
        metavar="X.Y|X.Y.Z|PATH",
        help="explore the file under another Python 3.11+ (see --list-pythons): the whole "
        "explorer runs under it, so every pane, word and run is that version's own",
    )
    _add_run_options(
        parser.add_argument_group(
            "running (F5)",
            "The program runs only when you press F5, in a subprocess with limits.",
        )
    )
    _add_serve_options(parser)
    return parser


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    """``--serve`` and its options; ``--served`` (hidden) is how the server starts each app."""
    serving = parser.add_argument_group(
        "serving (--serve)",
        "Each browser tab gets its own explorer of FILE; Ctrl+C stops them all.",
    )
    serving.add_argument(
        "--serve", action="store_true", help="serve the explorer of FILE to web browsers"
    )
    serving.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    serving.add_argument(
        "--port", type=int, default=8000, help="the port to listen on (default: 8000)"
    )
    serving.add_argument(
        "--allow-run",
        action="store_true",
        help="let browsers run the program (F5/F7) and save edits, as the user who started "
        "the server (off by default)",
    )
    serving.add_argument(
        "--max-sessions",
        type=int,
        default=8,
        metavar="N",
        help="at most N browser tabs at once, each an app process (default: 8)",
    )
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)


def _add_run_options(run: argparse._ArgumentGroup | argparse.ArgumentParser) -> None:
    """The options of a run: F5's, and ``tui-exec run``'s."""
    run.add_argument("--stdin", metavar="FILE", help="what the program reads from standard input")
    run.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="end a run after this long (default: 10)",
    )
    run.add_argument(
        "--output-limit",
        type=int,
        default=1_000_000,
        metavar="BYTES",
        help="keep this many bytes of stdout and stderr together (as UTF-8), drop the rest "
        "(default: 1000000, that is 1 MB)",
    )
    run.add_argument(
        "--step-limit",
        type=int,
        default=2_000_000,
        metavar="STEPS",
        help="end a run after recording this many instructions (default: 2000000)",
    )


def _run_parser() -> argparse.ArgumentParser:
    from .run_report import EXIT_STATUSES

    parser = argparse.ArgumentParser(
        prog="tui-exec run",
        description="Run FILE exactly as F5 does, recording every step, and print the "
        "recording. Exits with the program's status (see below). Anything after -- goes to "
        "the program.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="a Python file, or - for standard input")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument(
        "--stack-values",
        action="store_true",
        help="also record the values on CPython's value stack before each step (JSON: each "
        'step gains "stack", bottom first, entries {"repr", "type"}, null for NULL)',
    )
    _add_run_options(parser)
    return parser


def dump_main(argv: Sequence[str]) -> int:
    """``tui-exec dump``: exit 0 when clean, 1 when a stage reported an error, 2 if unreadable."""
    from .core import analyze
    from .dump import to_json, to_text
    from .pyc_report import dump_pyc, interpreter_for_pyc, looks_like_pyc

    parser = _dump_parser()
    args = parser.parse_args(argv)
    if args.at is not None and args.format != "html":
        parser.error("--at goes with --format html")
    if args.python is not None:
        status = _run_elsewhere("dump", args.python, argv, args.file)
        if status is not None:
            return status
    try:
        data, name = read_program(args.file)
        if looks_like_pyc(name, data):
            other = interpreter_for_pyc(data)
            if other is not None:
                return _run_there(other, ["dump", *argv], data if args.file == "-" else b"")
            if args.format == "html":
                return _dump_html_pyc(data, name, args.at)
            return dump_pyc(data, name, args.format)
        check_text(data, name)
    except ProgramError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    analysis = analyze(data, name)
    if args.format == "html":
        return _dump_html(analysis, args.at)
    out = sys.stdout
    try:
        if args.format == "json":
            out.write(to_json(analysis) + "\n")
        else:
            for line in to_text(analysis):
                out.write(line + "\n")
        out.flush()
    except BrokenPipeError:  # `tui-exec dump x.py | head` is fine
        sys.stderr.close()
    return EXIT_ERRORS if analysis.errors else EXIT_OK


def _dump_html(analysis: Analysis, at: str | None) -> int:
    """``dump --format html``: the page of the selection ``at`` names (see
    :func:`~tui_exec.selection_page.source_point`), in UTF-8 whatever the terminal's encoding."""
    from .selection_page import AtError, selection_page, source_point

    try:
        point = source_point(analysis, at)
    except AtError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    page = selection_page(analysis, "source", point, analysis.index.at(*point))
    _write_bytes(page.encode("utf-8"))
    return EXIT_ERRORS if analysis.errors else EXIT_OK


def _dump_html_pyc(data: bytes, name: str, at: str | None) -> int:
    """``dump X.pyc --format html``: the page of the module's first instruction (a .pyc has
    no source for ``--at`` to point into)."""
    from .core import EMPTY_LINKS, analyze_pyc
    from .core.pyc import PycError
    from .selection_page import selection_page

    if at is not None:
        print(f"tui-exec: {name}: a .pyc holds no source: --at needs the .py file", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        analysis = analyze_pyc(data, name)
    except PycError as exc:
        print(f"tui-exec: {name}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    links = analysis.index.for_instruction(0) if analysis.instructions else EMPTY_LINKS
    _write_bytes(selection_page(analysis, "instruction", 0, links).encode("utf-8"))
    return EXIT_OK


def _write_bytes(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head` is fine
        sys.stderr.close()


def pyc_main(argv: Sequence[str]) -> int:
    """``tui-exec pyc``: exit 0 when written, 1 if FILE does not compile, 2 if unreadable."""
    from .pyc_report import write_pyc

    parser = _pyc_parser()
    args = parser.parse_args(argv)
    if args.python is not None:
        status = _run_elsewhere("pyc", args.python, argv, args.file)
        if status is not None:
            return status
    if args.file == "-":
        parser.error("FILE must be a file: the .pyc header records its modification time")
    try:
        data, name = read_program(args.file)
        refuse_pyc(data, name, "tui-exec pyc")
        check_text(data, name)
    except ProgramError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    return write_pyc(data, name, args.output, args.format)


def explain_main(argv: Sequence[str]) -> int:
    """``tui-exec explain``: 0, or 2 for a name it does not know (with close names)."""
    import json

    from .core.explain import all_explanations, close_names, explain

    parser = argparse.ArgumentParser(
        prog="tui-exec explain",
        description="Explain an opcode, an AST node class or a token type in plain words, "
        "as the running Python has it; with --format json and no NAME, all of them.",
    )
    parser.add_argument("name", nargs="?", help="e.g. BINARY_OP, BinOp, PLUS")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    _add_python_option(parser)
    args = parser.parse_args(argv)
    if args.python is not None:
        status = _run_elsewhere("explain", args.python, argv, None)
        if status is not None:
            return status
    if args.name is None:
        if args.format != "json":
            parser.error("give a NAME, or --format json for every explanation")
        print(json.dumps(all_explanations(), indent=1, ensure_ascii=False))
        return EXIT_OK
    found = explain(args.name)
    if not found:
        close = close_names(args.name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(
            f"tui-exec: {args.name}: not an opcode, AST node or token type here{hint}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    if args.format == "json":
        print(json.dumps({kind: text for kind, text in found}, ensure_ascii=False))
    else:
        print("\n\n".join(f"[{kind}] {text}" if len(found) > 1 else text for kind, text in found))
    return EXIT_OK


def _without_python(argv: Sequence[str]) -> list[str]:
    """``argv`` less its ``--python X`` (argparse also takes ``--python=X`` and ``--pyth X``)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--":
            kept.append(arg)
            skip = False
            continue
        option, equals, _ = arg.partition("=")
        if len(option) > 3 and "--python".startswith(option):
            skip = not equals
            continue
        kept.append(arg)
    return kept


def _run_elsewhere(command: str, spec: str, argv: Sequence[str], file: str | None) -> int | None:
    """Run ``tui-exec COMMAND ARGV`` under the Python ``spec`` names, passing its output on;
    None when that Python is the one running (the command then runs here)."""
    interpreter = _named_python(spec)
    if interpreter is None:
        return EXIT_UNREADABLE
    if interpreter.running:
        return None
    stdin = b""
    if file == "-":
        stdin = sys.stdin.buffer.read()
    return _run_there(interpreter, [command, *_without_python(argv)], stdin)


def _run_there(interpreter: Interpreter, argv: list[str], stdin: bytes) -> int:
    """tui-exec ARGV under ``interpreter``: its output byte for byte, or one line if it fails."""
    from .core.elsewhere import ElsewhereError, run_cli

    try:
        done = run_cli(interpreter, argv, stdin)
    except ElsewhereError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(done.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head` is fine
        sys.stderr.close()
        return done.status
    sys.stderr.flush()
    sys.stderr.buffer.write(done.stderr)
    sys.stderr.flush()
    return done.status


def list_pythons_main(argv: Sequence[str]) -> int:
    """``tui-exec --list-pythons``: the interpreters found, the running one marked."""
    import json

    from .core.interpreters import find_interpreters

    parser = argparse.ArgumentParser(
        prog="tui-exec --list-pythons",
        description="List the Pythons found on PATH, under pyenv, among uv's managed "
        "Pythons and in $TUI_EXEC_PYTHONS (paths separated by the path separator). "
        "Pythons older than 3.11 are listed as too old: tui-exec does not run on them.",
    )
    parser.add_argument("--format", choices=("json", "text"), default="text")
    args = parser.parse_args([arg for arg in argv if arg != "--list-pythons"])
    found = sorted(find_interpreters(), key=lambda i: (i.version, i.executable))
    if args.format == "json":
        rows = [
            {
                "python": i.version_text,
                "executable": i.executable,
                "found": list(i.found),
                "magic": i.magic.hex(),
                "usable": i.usable,
                "running": i.running,
            }
            for i in found
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for i in found:
        mark = "*" if i.running else " "
        note = "" if i.usable else "  (too old: tui-exec needs 3.11+)"
        print(f"{mark} {i.version_text:<9} {i.executable}  [{', '.join(i.found)}]{note}")
    print("* the Python running tui-exec")
    return EXIT_OK


def _compare_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-exec compare",
        description="FILE's bytecode under two Pythons, paired by source span: text shows "
        "each source line with both versions' instructions side by side, a summary per code "
        "object and one line on each construct that compiles differently; JSON gives both "
        "dumps and the pairs (instructions with no source position are in no pair).",
    )
    parser.add_argument("file", help="a Python file, or - for standard input")
    parser.add_argument(
        "--python",
        action="append",
        required=True,
        metavar="X.Y|X.Y.Z|PATH",
        help="give it twice: the two Pythons to compare (see tui-exec --list-pythons)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        help="print JSON or text instead of opening the compare view (text is printed too "
        "when the output is not a terminal)",
    )
    return parser


def _dump_under(interpreter: Interpreter, data: bytes, name: str) -> dict[str, Any]:
    """``tui-exec dump --format json`` of ``data`` as ``interpreter`` prints it, as data
    (made here when it is the Python running)."""
    from .core.comparison import dump_under

    if not interpreter.running:
        return dump_under(interpreter, data, name)
    from .core import analyze
    from .dump import to_json_data

    return to_json_data(analyze(data, name))


def compare_main(argv: Sequence[str]) -> int:
    """``tui-exec compare``: exit 0, 1 if a stage failed under either Python, 2 if unreadable."""
    import json

    from .core.compare import Side, compare_data
    from .core.comparison import Comparison, comparison_text
    from .core.elsewhere import ElsewhereError
    from .core.interpreters import InterpreterError, find_interpreters, resolve

    parser = _compare_parser()
    args = parser.parse_args(argv)
    if len(args.python) != 2:
        parser.error("give --python exactly twice: the two Pythons to compare")
    try:
        data, name = read_program(args.file)
        refuse_pyc(data, name, "tui-exec compare")
        check_text(data, name)
        found = find_interpreters()
        pythons = [resolve(spec, found) for spec in args.python]
        sides = [Side(python.version_text, _dump_under(python, data, name)) for python in pythons]
    except (ProgramError, InterpreterError, ElsewhereError) as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format is None and sys.stdout.isatty():
        return _compare_view(sides[0], sides[1], name, from_stdin=args.file == "-")
    try:
        if args.format == "json":
            both = compare_data(sides[0], sides[1])
            sys.stdout.write(json.dumps(both, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            for line in comparison_text(Comparison(sides[0], sides[1], name)):
                sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head` is fine
        sys.stderr.close()
    return EXIT_ERRORS if any(side.dump["errors"] for side in sides) else EXIT_OK


def _compare_view(a: Side, b: Side, name: str, *, from_stdin: bool) -> int:
    """Open the compare view (the program came on stdin: the keys come from the terminal)."""
    from .core.comparison import Comparison

    if from_stdin and not sys.stdin.isatty():
        try:
            _reattach_terminal()
        except ProgramError as exc:
            print(f"tui-exec: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    with _frame_rate(FRAMES_PER_SECOND):
        from .ui.compare_view import CompareApp

    app = CompareApp(Comparison(a, b, name))
    app.run()
    return EXIT_ERRORS if any(side.dump["errors"] for side in (a, b)) else EXIT_OK


def run_main(argv: Sequence[str]) -> int:
    """``tui-exec run``: the program's own exit status, or one of :data:`EXIT_STATUSES`."""
    from .core.run import RunLimits
    from .run_report import ending_note, exit_status, record_run, write_json, write_text

    argv, program_args = _split_program_args(list(argv))
    parser = _run_parser()
    args = parser.parse_args(argv)
    if args.time_limit <= 0 or args.output_limit <= 0 or args.step_limit <= 0:
        parser.error("limits must be positive")
    try:
        data, name = read_program(args.file)
        refuse_pyc(data, name, "tui-exec run")
        check_text(data, name)
        stdin = read_program(args.stdin)[0] if args.stdin is not None else b""
    except ProgramError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    limits = RunLimits(args.time_limit, args.output_limit, args.step_limit)
    path = None if args.file == "-" else args.file
    analysis, result = record_run(
        data,
        name,
        path=path,
        limits=limits,
        stdin=stdin,
        args=tuple(program_args),
        stack_values=args.stack_values,
    )
    try:
        if args.format == "json":
            write_json(analysis, result, sys.stdout, stack_values=args.stack_values)
        else:
            write_text(analysis, result, sys.stdout, stack_values=args.stack_values)
        sys.stdout.flush()
    except BrokenPipeError:  # `tui-exec run x.py | head` is fine
        sys.stderr.close()
        return exit_status(result)
    note = ending_note(result, name)
    if note:
        print(note, file=sys.stderr)
    return exit_status(result)


def _split_program_args(args: list[str]) -> tuple[list[str], list[str]]:
    """tui-exec's own arguments, and the program's: everything after ``--``."""
    if "--" in args:
        split = args.index("--")
        return args[:split], args[split + 1 :]
    return args, []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tui-exec`` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["dump"]:
        return dump_main(args_list[1:])
    if args_list[:1] == ["pyc"]:
        return pyc_main(args_list[1:])
    if args_list[:1] == ["run"]:
        return run_main(args_list[1:])
    if args_list[:1] == ["explain"]:
        return explain_main(args_list[1:])
    if args_list[:1] == ["compare"]:
        return compare_main(args_list[1:])
    if "--list-pythons" in _split_program_args(args_list)[0]:
        return list_pythons_main(args_list)
    # Everything after `--` is the program's own sys.argv[1:].
    args_list, program_args = _split_program_args(args_list)
    parser = _main_parser()
    args = parser.parse_args(args_list)
    if args.time_limit <= 0 or args.output_limit <= 0 or args.step_limit <= 0:
        parser.error("limits must be positive")
    if args.serve:
        return serve_main(args, program_args, parser)
    serving_options = (args.host, args.port, args.max_sessions) != ("127.0.0.1", 8000, 8)
    if serving_options or (args.allow_run and not args.served):
        parser.error("--host, --port, --allow-run and --max-sessions go with --serve")
    elsewhere = [*_without_python(args_list), *(["--", *program_args] if program_args else [])]
    if args.python is not None:
        status = _explore_elsewhere(args.python, elsewhere, args.file == "-")
        if status is not None:
            return status
    try:
        if args.new and args.file is not None:
            parser.error("--new opens a scratch program: give it no FILE")
        if args.file is None:
            from .sample import SAMPLE_NAME, SAMPLE_PROGRAM

            data, name = SAMPLE_PROGRAM.encode(), SAMPLE_NAME
        else:
            data, name = read_program(args.file)
        other = _pyc_interpreter(data, name)
        if other is not None:
            from .elsewhere_app import run_app_under

            return run_app_under(other, elsewhere, data if args.file == "-" else None)
        pyc = _is_own_pyc(data, name)
        if not pyc:
            check_text(data, name)
    except ProgramError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.file == "-" and not sys.stdin.isatty():
        try:
            _reattach_terminal()
        except ProgramError as exc:
            print(f"tui-exec: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    stdin = b""
    if args.stdin is not None:
        try:
            stdin, _ = read_program(args.stdin)
        except ProgramError as exc:
            print(f"tui-exec: --stdin {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    from .core.run import RunLimits

    with _frame_rate(FRAMES_PER_SECOND):
        from .ui.app import RunOptions, make_app

    options = RunOptions(
        limits=RunLimits(args.time_limit, args.output_limit, args.step_limit),
        stdin=stdin,
        args=tuple(program_args),
    )
    path = None if args.file in (None, "-") else args.file
    from .ui.policy import LOCAL, served_policy

    policy = served_policy(allow_run=args.allow_run) if args.served else LOCAL
    app = make_app(
        data, name, path=path, run_options=options, edit=args.file is None, pyc=pyc, policy=policy
    )
    # The analysis worker thread holds the GIL for the default 5 ms at a time,
    # so each key and frame waits for it; a shorter slice lets the UI answer
    # while the analysis runs, and changes nothing when only one thread runs.
    sys.setswitchinterval(0.0005)
    if args.served:
        _run_served(app, mouse=not args.no_mouse)
    else:
        app.run(mouse=not args.no_mouse)
    return app.return_code or 0


def serve_main(
    args: argparse.Namespace, program_args: list[str], parser: argparse.ArgumentParser
) -> int:
    """``tui-exec --serve FILE``: check FILE and the options, then serve until Ctrl+C."""
    if args.file in (None, "-"):
        parser.error("--serve needs a FILE (the one file every browser tab explores)")
    if args.max_sessions < 1:
        parser.error("--max-sessions must be at least 1")
    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    try:
        data, name = read_program(args.file)
        if not _is_own_pyc(data, name):
            check_text(data, name)
        if args.stdin is not None:
            read_program(args.stdin)
    except ProgramError as exc:
        print(f"tui-exec: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    import importlib.util

    if importlib.util.find_spec("textual_serve") is None:
        print(
            "tui-exec: serving needs the textual-serve package, not installed here", file=sys.stderr
        )
        return EXIT_UNREADABLE
    app_argv = [sys.executable, "-m", "tui_exec", "--served", os.path.abspath(args.file)]
    app_argv += ["--time-limit", str(args.time_limit), "--output-limit", str(args.output_limit)]
    app_argv += ["--step-limit", str(args.step_limit)]
    if args.stdin is not None:
        app_argv += ["--stdin", os.path.abspath(args.stdin)]
    if args.allow_run:
        app_argv.append("--allow-run")
    if args.no_mouse:
        app_argv.append("--no-mouse")
    if args.python is not None:  # each tab's app runs under it (found once, here)
        interpreter = _named_python(args.python)
        if interpreter is None:
            return EXIT_UNREADABLE
        app_argv += ["--python", interpreter.executable]
    app_argv += ["--", *program_args]
    if args.allow_run:
        loopback = args.host in ("127.0.0.1", "::1", "localhost")
        where = "this machine" if loopback else "anyone who can reach this address"
        print(f"tui-exec: --allow-run: {where} can run the program as you", file=sys.stderr)
    else:
        print("tui-exec: running and saving are off in the browser (--allow-run turns them on)")
    from .served import start_app

    # The first tab's app starts now, while the web server's modules are imported (0.6 s).
    first = start_app(app_argv)
    from .serve import serve

    return serve(
        app_argv,
        title=name,
        host=args.host,
        port=args.port,
        max_sessions=args.max_sessions,
        first=first,
    )


def _run_served(app: TuiExecApp, *, mouse: bool) -> None:
    """Run an app for ``--serve``: it ends when its server is gone (see :mod:`.served`),
    and SIGTERM ends it for sure (Textual's web driver only asks the app to exit)."""
    import asyncio
    import signal
    import threading

    from .served import ServerWatch

    def quit_app() -> None:
        if threading.current_thread() is threading.main_thread():
            app.exit()
        else:
            app.call_from_thread(app.exit)

    watch = ServerWatch(lambda: app.runner.stop_run(save=False), quit_app)
    watch.start()

    async def take_sigterm(pilot: object) -> None:
        # After the driver set its own handler, which only posts a request to exit.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, watch.end)

    app.run(mouse=mouse, auto_pilot=take_sigterm)


# Textual draws at most 60 frames a second, so a key waits up to 17 ms for its frame: a third
# of a far jump's time (measured from outside: 68-73 ms at 60, 52-61 ms at 120). Frames are
# drawn only when something changed, so a higher rate costs nothing while the screen is still.
# After a frame drawn on an idle screen, Textual's timer waits one to two periods for the next:
# the go-to-line answer, right after the frame of its digits, waited 11.7 ms for its frame at
# 120 and 4.5 ms at 240 (median of 7, measured in the app on _pydecimal.py).
FRAMES_PER_SECOND = 240


@contextmanager
def _frame_rate(fps: int) -> Iterator[None]:
    """Import Textual with ``fps`` as its frame rate, unless the user set TEXTUAL_FPS; the
    variable is not left behind for the programs that F5 runs."""
    if "TEXTUAL_FPS" in os.environ:
        yield
        return
    os.environ["TEXTUAL_FPS"] = str(fps)
    try:
        yield
    finally:
        del os.environ["TEXTUAL_FPS"]


def cache_own_bytecode() -> None:
    """Keep the bytecode of tui-exec's imports even where PYTHONDONTWRITEBYTECODE is set.

    Without .pyc files every launch compiles Textual and Rich again: 0.4-0.7 s before the
    first frame. Some lab machines and containers set the variable for everyone, and a shared
    install may be read-only. So the cache goes to a folder of the user's own, never next to
    the sources; the program being explored is never affected (it runs in a child process
    with the environment unchanged).
    """
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    sys.pycache_prefix = os.path.join(root, "tui-exec", "pycache")
    sys.dont_write_bytecode = False


def entry() -> None:
    """The ``tui-exec`` command: :func:`main`, with tui-exec's own bytecode cached."""
    cache_own_bytecode()
    sys.exit(main())


if __name__ == "__main__":
    entry()
