"""The recorder that runs inside the traced subprocess: ``python -m tui_exec.core.trace``.

It runs the user's file as ``__main__`` and records every executed instruction of the file's
own code objects as (code id, offset) pairs, numbered like :func:`bytecode.walk_code` numbers
them so the app can map them onto its analysis. It also records the state (the call stack,
the frame's locals as truncated reprs, how much output was written so far) at each new line
and whenever the state changed between two lines: a call, a return, a generator suspending or
resuming, an exception leaving a frame, output written. So the state shown at any step is
the state just before that step ran.

Records are written in compact binary chunks while the program runs (8 bytes a step), so a
run of millions of steps costs megabytes, not gigabytes, and can be read back incrementally.
Standard library only: this module is imported by the child interpreter, not the app.
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import io
import json
import marshal
import os
import signal
import sys
import time
import traceback
import types
from array import array
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .bytecode import walk_code

if TYPE_CHECKING:
    from .value_stack import ValueRecorder

STEPS_FILE = "steps.bin"
"""Little-endian uint32 pairs: (code id, instruction offset), one pair per executed step."""
LINES_FILE = "lines.bin"
"""Chunks of line records (see :data:`LINE_FIELDS`): little-endian uint32 byte and record
counts, then a marshal'ed list. The counts let the reader slice chunks out of one read of
the file and decode one only when a record in it is wanted."""
STATES_FILE = "states.bin"
"""The same records' few numbers that stepping reads, little-endian uint32s, one row of
:data:`STATE_COLUMNS` per record: read back at once, with no decoding."""
STATE_COLUMNS = ("step", "code", "line", "depth", "flags")
"""``line`` is :data:`NO_LINE` for none; ``flags`` is the event, plus :data:`HAS_NOTES`."""
NO_LINE = 0xFFFFFFFF
HAS_NOTES = 2
RESULT_FILE = "result.json"
WAITING_FILE = "waiting"
"""Exists while an interactive program is blocked reading its standard input."""
WAITING_VARIABLE = "TUI_EXEC_WAITING_FILE"
"""Where that file is, for an interactive run (the app types the program's input)."""
LINE_FIELDS = (
    "step",
    "code",
    "line",
    "stack",
    "locals",
    "stdout",
    "stderr",
    "event",
    "notes",
    "objects",
)
"""A state record: (step index it precedes, code id, line, call stack of code ids (innermost
last, at most :data:`STACK_LIMIT`), locals as ((name, repr), ...), stdout chars, stderr
chars, event: :data:`NEW_LINE` or :data:`STATE_CHANGED`, notes: what happened just before
the step, for people: ``fact returned 120``, ``ValueError raised in bad``..., objects: the
objects the locals refer to, see :meth:`ObjectGraph.snapshot`)."""
NEW_LINE = 0
"""A record taken because a new line starts."""
STATE_CHANGED = 1
"""A record taken in the middle of a line: a frame started, returned, yielded, resumed or was
left by an exception, output was written, or an instruction stored, deleted or called."""

_CHANGERS = ("STORE_", "DELETE_", "CALL", "IMPORT_")
_MUTATORS = frozenset(
    {"LIST_APPEND", "SET_ADD", "MAP_ADD", "LIST_EXTEND", "SET_UPDATE", "DICT_UPDATE", "DICT_MERGE"}
)


def changing_offsets(code: types.CodeType) -> frozenset[int]:
    """Offsets of the instructions after which the state shown may differ: a store or delete
    (of a name, an attribute, an item), a call (which may change any object), an import, a
    container a comprehension fills. The state is recorded again before the next step."""
    return frozenset(
        ins.offset
        for ins in dis.get_instructions(code)
        if ins.opname.startswith(_CHANGERS) or ins.opname in _MUTATORS
    )


REPR_LIMIT = 80
"""Characters of a value's repr in ``locals`` and in an item of a container."""
DETAIL_LIMIT = 2000
"""Characters of the repr of an object a variable refers to (its value opened in full)."""
ITEM_LIMIT = 20
"""Items of a container recorded (its size says how many it has)."""
DEPTH_LIMIT = 2
"""A variable's object is at depth 1; the containers in it at depth 2 have their items
recorded too; objects deeper still are recorded by type and size only."""
OBJECT_LIMIT = 200
"""Objects described per record at most, besides the variables' own: the rest are referred
to by id only."""
CALLER_LIMIT = 8
"""Calling frames whose variables are searched for the objects a record shows."""
STACK_LIMIT = 64
_CHUNK = 1 << 15
OUTPUT_NOTICE = "\n[tui-exec: output limit reached; the rest of the output was dropped]\n"


class CountingStream(io.TextIOWrapper):
    """stdout or stderr as the program sees them: the real stream's API (``buffer``,
    ``fileno``, ``encoding``, ``reconfigure``...), with every byte written counted (text as
    its encoding, UTF-8 here) and what exceeds the output limit, in bytes, dropped.

    It is a TextIOWrapper around a counting binary layer over the real stream's own buffer,
    so ``sys.stdout.buffer.write(b"...")`` works as under plain Python.
    """

    def __init__(
        self, target: TextIO, budget: list[int], on_write: Callable[[], None] = lambda: None
    ) -> None:
        self._layer = _CountingBuffer(target, budget, on_write)
        super().__init__(
            self._layer,  # type: ignore[arg-type]
            encoding=getattr(target, "encoding", None) or "utf-8",
            errors=getattr(target, "errors", None) or "strict",
            line_buffering=True,
            write_through=True,
        )
        self._on_write = on_write

    @property
    def written(self) -> int:
        """Bytes kept so far (text counted as encoded)."""
        return self._layer.kept

    def write(self, text: str) -> int:
        done = super().write(text)
        self._on_write()
        return done

    def isatty(self) -> bool:
        return False


class WaitingStdin(io.TextIOWrapper):
    """stdin of an interactive run: while a read blocks, a file says so, so the app can ask
    the user for the line (and stop counting the time limit)."""

    def __init__(self, buffer: Any, marker: str, encoding: str) -> None:
        super().__init__(buffer, encoding=encoding, errors="strict")
        self._marker = marker

    def _read(self, read: Callable[[], str]) -> str:
        with open(self._marker, "w"):
            pass
        try:
            return read()
        finally:
            with contextlib.suppress(OSError):
                os.remove(self._marker)

    # Any negative size reads to the end (of the line): -1 and -2 are equivalent mutants.
    def readline(  # type: ignore[override]
        self,
        size: int = -1,  # mutation: equivalent
        /,
    ) -> str:
        return self._read(lambda: super(WaitingStdin, self).readline(size))

    def read(
        self,
        size: int | None = -1,  # mutation: equivalent
        /,
    ) -> str:
        return self._read(lambda: super(WaitingStdin, self).read(size))


class _CountingBuffer(io.RawIOBase):
    """The binary layer under :class:`CountingStream`: counts, caps, and passes bytes on."""

    def __init__(self, target: TextIO, budget: list[int], on_write: Callable[[], None]) -> None:
        super().__init__()
        self._target = target
        self._raw = getattr(target, "buffer", None)
        self._budget = budget  # shared by stdout and stderr: [characters left]
        self._on_write = on_write
        self.kept = 0
        self._noticed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        data = bytes(data)
        left = self._budget[0]
        kept = data[: max(left, 0)]
        self._budget[0] = left - len(kept)
        self.kept += len(kept)
        if kept:
            self._put(kept)
        if len(kept) < len(data) and not self._noticed:
            self._noticed = True
            self._put(OUTPUT_NOTICE.encode())
        self._on_write()
        return len(data)

    def _put(self, data: bytes) -> None:
        if self._raw is not None:
            self._raw.write(data)
            self._raw.flush()
        else:
            self._target.write(data.decode("utf-8", "replace"))
            self._target.flush()


class Recorder:
    """Collects steps and line records and flushes them to ``out_dir`` in chunks."""

    def __init__(self, out_dir: Path, codes: list[types.CodeType], max_steps: int) -> None:
        self.index = {code: i for i, code in enumerate(codes)}
        self.codes = codes
        self.max_steps = max_steps
        self.steps = array("I")
        self.step_count = 0
        self.lines: list[tuple[Any, ...]] = []
        self.states = array("I")
        """The :data:`STATE_COLUMNS` of the records in :attr:`lines`."""
        self.line_count = 0
        self._steps_file = open(out_dir / STEPS_FILE, "wb")  # noqa: SIM115 (open for the run)
        self._lines_file = open(out_dir / LINES_FILE, "wb")  # noqa: SIM115
        self._states_file = open(out_dir / STATES_FILE, "wb")  # noqa: SIM115
        self.stdout: CountingStream | None = None
        self.stderr: CountingStream | None = None
        self.on_limit: Callable[[], None] = lambda: None
        self.on_stop: Callable[[], None] | None = None
        """Set when a stop came in the middle of a step: called once that step is recorded."""
        self._flush_at = _CHUNK
        """Steps buffered before they are written: a chunk, or 0 once a stop waits for the
        step under way (the one comparison each step makes, whatever else is pending)."""
        self.pending = False
        """The state changed since the last record: take one before the next step."""
        self._sizes = (0, 0)
        self._sizes_stale = True
        self.notes: list[str] = []
        """Events of the file's own frames since the last record (returns, exceptions)."""
        self.graph = ObjectGraph()
        self.last: tuple[Any, ...] | None = None
        """The last record taken (its chunk may be written already)."""
        self.changers = [changing_offsets(code) for code in codes]
        """Per code id, the offsets of the instructions that change the state shown."""
        self.values: ValueRecorder | None = None
        """Records the value stack at every step, when asked for and readable here."""

    def entered(self, frame: types.FrameType, code_id: int, offset: int) -> None:
        """One of the file's frames starts or resumes at its RESUME, which no instruction
        event reports: the new frame's state, then the RESUME as a step."""
        self.line(frame, code_id, frame.f_lineno, STATE_CHANGED)
        values = self.values
        if values is not None:
            if not frame.f_code.co_code[offset + 1] & 3:  # RESUME 0: a start, not a resumption
                values.started(frame)
            values.record(frame, code_id, offset)
        self.step(code_id, offset)

    def step(self, code_id: int, offset: int) -> None:
        steps = self.steps
        steps.append(code_id)
        steps.append(offset)
        if len(steps) >= self._flush_at:
            self.flush_steps()

    def _write_steps(self) -> None:
        """Append the buffered steps to the steps file (little-endian) and empty the buffer."""
        self.step_count += len(self.steps) // 2
        if sys.byteorder != "little":
            self.steps.byteswap()
        self.steps.tofile(self._steps_file)
        self.steps = array("I")
        if self.values is not None:
            self.values.flush()

    def stop_after_step(self, stop: Callable[[], None]) -> None:
        """Call ``stop`` (which saves and ends the run) once the step being recorded is
        recorded whole: a stop that came in its middle would save half of it."""
        self.on_stop = stop
        self._flush_at = 0

    def flush_steps(self) -> None:
        self._write_steps()
        if self.on_stop is not None:
            self.on_stop()
        if self.step_count >= self.max_steps:
            self.on_limit()

    def line(
        self, frame: types.FrameType, code_id: int, line: int | None, event: int = NEW_LINE
    ) -> None:
        """Record the state just before the next step: the frames, ``frame``'s locals, and
        how many bytes of output the program's stdout and stderr files hold."""
        self.pending = False
        stack: list[int] = []
        current: types.FrameType | None = frame
        index = self.index
        while current is not None and len(stack) < STACK_LIMIT:
            found = index.get(current.f_code)
            if found is not None:
                stack.append(found)
            current = current.f_back
        stack.reverse()
        values, objects = self.graph.snapshot(frame.f_locals, lambda: self._callers(frame))
        notes, self.notes = tuple(self.notes), []
        step = self.step_count + len(self.steps) // 2
        self.last = (
            step,
            code_id,
            line,
            tuple(stack),
            values,
            *self._output_sizes(),
            event,
            notes,
            objects,
        )
        self.lines.append(self.last)
        self.states.extend(
            (
                step,
                code_id,
                NO_LINE if line is None else line,
                len(stack),
                event | HAS_NOTES * bool(notes),
            )
        )
        if len(self.lines) >= 4096:  # mutation: equivalent (any chunk size reads back alike)
            self.flush_lines()

    def _callers(self, frame: types.FrameType) -> list[tuple[int, Any]]:
        """The file's frames that called ``frame``, innermost first (at most
        :data:`CALLER_LIMIT`), each as (code id, its variables): who else holds an object."""
        callers: list[tuple[int, Any]] = []
        current = frame.f_back
        index = self.index
        while current is not None and len(callers) < CALLER_LIMIT:
            found = index.get(current.f_code)
            if found is not None:
                callers.append((found, current.f_locals))
            current = current.f_back
        return callers

    def _output_sizes(self) -> tuple[int, int]:
        """Bytes in the stdout and stderr files, asked of the system only after a write
        (two fstat calls cost 1.3 us: every line paying them slowed recording by a quarter)."""
        if self._sizes_stale:
            self._sizes_stale = False
            self._sizes = (_size(1), _size(2))
        return self._sizes

    def output_written(self, *args: object) -> None:
        """The program wrote output: the next step records the state, sizes included."""
        self._sizes_stale = self.pending = True

    def note(self, code: types.CodeType, what: str, value: object) -> None:
        """Note an event of one of the file's frames for the next record: a return (with
        its value), a yield, an exception raised, leaving a frame, or caught."""
        if code not in self.index:
            return
        self.pending = True
        name = code.co_qualname
        if what in ("returned", "yielded"):
            self.notes.append(f"{name} {what} {_short_repr(value)}")
        elif isinstance(value, BaseException):
            kind = type(value).__name__
            if what == "raised":
                self.notes.append(f"{kind} raised in {name}: {_short_repr(str(value))}")
            elif what == "unwound":
                self.notes.append(f"{kind} leaves {name}, unwinding to its caller")
            else:
                self.notes.append(f"{kind} caught in {name}")

    def changed(self, *args: object) -> None:
        """The state changed between lines (a frame came or went, output was written): the
        next step records it first."""
        self.pending = True

    def flush_lines(self) -> None:
        if self.lines:
            blob = marshal.dumps(self.lines)
            count = len(self.lines)
            self._lines_file.write(len(blob).to_bytes(4, "little") + count.to_bytes(4, "little"))
            self._lines_file.write(blob)
            self._lines_file.flush()  # the chunk before its states: a reader trusts both
            if sys.byteorder != "little":
                self.states.byteswap()
            self.states.tofile(self._states_file)
            self.line_count += count
            self.lines = []
            self.states = array("I")
            self.graph.interned.clear()

    def close(self) -> None:
        last = self.last
        if self.notes and last is not None:
            # The events of the last step (an exception nobody caught leaving every frame)
            # have no next step to precede: a record after the last step keeps them.
            step = self.step_count + len(self.steps) // 2
            notes, self.notes = tuple(self.notes), []
            self.lines.append((step, *last[1:7], STATE_CHANGED, notes, last[9]))
            code, line, depth = last[1], last[2], len(last[3])
            line = NO_LINE if line is None else line
            self.states.extend((step, code, line, depth, STATE_CHANGED | HAS_NOTES))
        self.flush_lines()
        self._write_steps()
        self._steps_file.close()
        if self.values is not None:
            self.values.close()
        self._lines_file.close()
        self._states_file.close()


_ATOMS = frozenset({int, float, complex, bool, str, bytes, type(None)})
"""Values shown inline, as Python Tutor does: their identity teaches nothing."""
_OPAQUE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
"""Objects with a ``__dict__`` that is not the program's data (no attributes listed)."""


class ObjectGraph:
    """The objects a frame's variables refer to, described compactly for a state record.

    A record's objects are ``(refs, entries, held)``. ``refs`` has one item per variable in
    ``locals``: the id of its object, or None for a plain value shown inline (a number, a
    short string, None: its repr says its type). A record whose variables are all inline
    has no objects: ``()``, the common case, which costs nothing more. ``entries`` has one
    ``(id, type name, repr or None, size, items or None)`` per object reached: the repr is
    cut to :data:`DETAIL_LIMIT` characters (ending with ``…``) for the variables' own
    objects, to :data:`REPR_LIMIT` deeper, and left out (None) for containers below depth 1
    (their items say it all) and objects past :data:`DEPTH_LIMIT`; size is ``len`` (-1 when
    it has none); items are at most :data:`ITEM_LIMIT` ``(label, value)`` pairs, the label
    a dict key's repr or an attribute's name (None in a sequence), the value an object id
    or an inline repr. ``held`` has, for each calling frame of the file (innermost first, at
    most :data:`CALLER_LIMIT`) whose variables refer to one of these objects, ``(code id,
    ((name, id), ...))``.

    Two names bound to one list give one entry, referred to twice. Identical records share
    one tuple per chunk (the cost of a loop's records is its changes, not its length).
    """

    def __init__(self) -> None:
        self.interned: dict[Any, Any] = {}

    def intern(self, value: Any) -> Any:
        """One shared tuple per distinct value in a chunk (marshal then writes it once)."""
        return self.interned.setdefault(value, value)

    def snapshot(
        self, variables: Any, callers: Callable[[], list[tuple[int, Any]]] = list
    ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[Any, ...], ...] | tuple[()]]:
        """``locals`` as ((name, repr), ...) and the objects (refs, entries, held): ``held``
        names the callers' variables bound to the same objects, ((code id, ((name, id),
        ...)), ...), asked of ``callers`` only when there are objects."""
        values: list[tuple[str, str]] = []
        refs: list[int | None] = []
        level: list[Any] = []
        for name, value in list(variables.items()):
            if _is_dunder(name):
                continue
            kind = type(value)
            if kind in _ATOMS:
                # Most values at most records: the C repr at once (a long string, bytes
                # or a huge int becomes an object below, its repr bounded).
                try:
                    text = repr(value) if kind in _FLAT or len(value) <= REPR_LIMIT else ""
                except Exception:  # an int too long to convert
                    text = ""
                if 0 < len(text) <= REPR_LIMIT:
                    values.append((name, text))
                    refs.append(None)
                    continue
            level.append(value)
            refs.append(id(value))
            values.append((name, ""))  # filled in from the object's repr below
        if not level:
            return tuple(values), ()
        entries: dict[int, tuple[Any, ...]] = {}
        depth = 1
        while level and len(entries) < OBJECT_LIMIT:
            found: list[Any] = []
            for value in level:
                # Every variable's own object is described; deeper ones while room is left.
                if id(value) not in entries and (depth == 1 or len(entries) < OBJECT_LIMIT):
                    entries[id(value)] = self.intern(_entry(value, depth, found))
            level, depth = found, depth + 1
        for i, ref in enumerate(refs):
            if isinstance(ref, int):
                text = entries[ref][2]
                values[i] = (values[i][0], _cut(text, REPR_LIMIT))
        held = []
        for code_id, outer in callers():
            pairs = [
                (name, id(value))
                for name, value in list(outer.items())
                if id(value) in entries and not _is_dunder(name)
            ]
            if pairs:
                held.append((code_id, tuple(pairs)))
        return tuple(values), self.intern((tuple(refs), tuple(entries.values()), tuple(held)))


def _entry(value: Any, depth: int, found: list[Any]) -> tuple[Any, ...]:
    """One object's (id, type name, repr, size, items), adding the objects its items
    refer to onto ``found`` (the next depth)."""
    kind = type(value)
    try:
        size = len(value) if isinstance(value, (list, tuple, dict, set, frozenset)) else -1
    except Exception:  # a subclass's broken __len__
        size = -1
    items: tuple[tuple[str | None, int | str], ...] | None = None
    if depth <= DEPTH_LIMIT:
        try:
            items = _items(value, found)
        except Exception:  # user code (__iter__, __getattr__) failed: no items then
            items = None
        if items is not None and size < 0:
            size = len(items)
    if depth == 1:
        text: str | None = _bounded_repr(value, DETAIL_LIMIT)
    elif items is None and depth <= DEPTH_LIMIT:
        text = _bounded_repr(value, REPR_LIMIT)
    else:
        text = None
    return (id(value), kind.__name__, text, size, items)


def _items(value: Any, found: list[Any]) -> tuple[tuple[str | None, int | str], ...] | None:
    """A container's first items (a list's, a dict's, an instance's attributes) as
    (label, object id or inline repr); None for what is not a container."""
    pairs: Any
    if isinstance(value, (list, tuple, set, frozenset)):
        pairs = ((None, item) for item in islice(value, ITEM_LIMIT))
    elif isinstance(value, dict):
        pairs = (
            (_bounded_repr(key, REPR_LIMIT), item)
            for key, item in islice(dict.items(value), ITEM_LIMIT)
        )
    elif isinstance(value, _OPAQUE):
        return None
    else:
        attributes = getattr(value, "__dict__", None)
        if type(attributes) is dict:
            pairs = ((str(key), item) for key, item in islice(attributes.items(), ITEM_LIMIT))
        elif (fields := _fields(type(value))) is not None:
            pairs = ((name, getattr(value, name)) for name in fields[:ITEM_LIMIT])
        else:
            return None
    items: list[tuple[str | None, int | str]] = []
    for label, item in pairs:
        if type(item) in _ATOMS:
            text = _bounded_repr(item, REPR_LIMIT)
            if len(text) <= REPR_LIMIT:
                items.append((label, text))
                continue
        found.append(item)
        items.append((label, id(item)))
    return tuple(items)


def _fields(kind: type) -> tuple[str, ...] | None:
    """The attributes a record without a ``__dict__`` is made of: what its class matches by
    position (``__match_args__``: a slotted dataclass, 3.14's Interpolation), or a 3.14
    Template's pieces and fields."""
    if kind.__name__ == "Template" and kind.__module__ == "string.templatelib":
        return ("strings", "interpolations")
    names = getattr(kind, "__match_args__", None)
    if type(names) is tuple and all(type(name) is str for name in names):
        return names
    return None


def _is_dunder(name: str) -> bool:
    """``__name__``, ``__builtins__``...: the interpreter's, not the program's variables."""
    return name.startswith("__") and name.endswith("__")


def _cut(text: str | None, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending with ``…`` when cut."""
    if text is None:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
}
_RECURSIVE: dict[type, str] = {list: "[...]", tuple: "(...)", dict: "{...}"}
"""What repr shows for a container met again inside itself."""


def _bounded_repr(value: Any, limit: int) -> str:
    """``repr(value)`` in at most ``limit`` characters (``…`` at the end when cut), never
    building the whole repr of a huge container or string; a broken ``__repr__`` gives
    ``<repr failed: …>`` instead of breaking the run."""
    kind = type(value)
    parts: list[str] = []
    try:
        if kind in _FLAT:
            return _cut(repr(value), limit)
        if kind is list or kind is tuple or kind is dict:
            # The C repr of enough first items: walking them in Python cost several
            # times as much (a huge item inside one is the case the bound misses).
            return _cut(_prefix_repr(value, limit), limit)
        _repr_into(value, parts, limit + 1, set())
    except _Full:
        pass
    except Exception as exc:  # a broken __repr__ must not break the run
        parts = [f"<repr failed: {type(exc).__name__}>"]
    return _cut("".join(parts), limit)


_FLAT = frozenset({int, float, complex, bool, type(None)})


def _prefix_repr(value: Any, limit: int) -> str:
    """The repr of a list, tuple or dict, or of enough of its first items to be longer than
    ``limit`` (the repr of a prefix is a prefix of the repr, but for its closing bracket)."""
    count = 16
    while len(value) > count:
        part = dict(islice(value.items(), count)) if type(value) is dict else value[:count]
        text = repr(part)
        if len(text) > limit:
            return text
        # As many items again as the characters still missing need, judged by these.
        count += count * (limit + 1 - len(text)) // max(len(text), 1) + 8
    return repr(value)


class _Full(Exception):
    """The bounded repr has enough characters."""


def _repr_into(value: Any, parts: list[str], budget: int, active: set[int]) -> int:
    """Append ``value``'s repr to ``parts``, raising :class:`_Full` once ``budget``
    characters are there; returns the budget left. Exact built-in containers are walked
    (a recursive one shows ``[...]`` as repr does); anything else is ``repr()``."""
    kind = type(value)
    if kind in (str, bytes) and len(value) > budget:
        value = value[:budget]  # the repr of a prefix is the prefix of the repr
    brackets = _BRACKETS.get(kind)
    if brackets is None and kind is not dict:
        text = repr(value)
        parts.append(text[:budget])
        budget -= len(text)
        if budget <= 0:
            raise _Full
        return budget
    if id(value) in active:
        text = _RECURSIVE.get(kind, "...")
        parts.append(text)
        return budget - len(text)
    if kind is dict:
        opening, closing = "{", "}"
    else:
        opening, closing = brackets  # type: ignore[misc]
        if not value:
            text = f"{kind.__name__}()" if kind in (set, frozenset) else opening + closing
            parts.append(text)
            return budget - len(text)
    active.add(id(value))
    parts.append(opening)
    budget -= len(opening)
    first = True
    for item in value.items() if kind is dict else value:
        if not first:
            parts.append(", ")
            budget -= 2
        first = False
        if budget <= 0:
            raise _Full
        if kind is dict:
            budget = _repr_into(item[0], parts, budget, active)
            parts.append(": ")
            budget = _repr_into(item[1], parts, budget - 2, active)
        else:
            budget = _repr_into(item, parts, budget, active)
    if kind is tuple and len(value) == 1:
        parts.append(",")
        budget -= 1
    active.discard(id(value))
    parts.append(closing)
    budget -= len(closing)
    if budget <= 0:
        raise _Full
    return budget


def _install_monitoring(recorder: Recorder) -> Callable[[], None]:
    """3.12+: sys.monitoring INSTRUCTION and LINE events on the file's code objects only,
    and the events that change frames (start, return, yield, resume, unwind)."""
    mon = sys.monitoring  # type: ignore[attr-defined]
    tool = mon.DEBUGGER_ID
    index = recorder.index
    step = recorder.step
    line = recorder.line
    getframe = sys._getframe

    changers = recorder.changers

    def on_instruction(code: types.CodeType, offset: int) -> None:
        code_id = index[code]
        if recorder.pending:
            frame = getframe(1)
            line(frame, code_id, frame.f_lineno, STATE_CHANGED)
        step(code_id, offset)
        if offset in changers[code_id]:
            recorder.pending = True

    values = recorder.values
    # What the previous step did to the stack when the stack after it is known without
    # reading it and no frame started, ended or raised since (-1: not known; see
    # value_stack._known_after).
    unbroken = [-1]
    if values is not None:
        record_values = values.record
        after_known = values.after_known
        known_after = values.known_after

        def on_instruction(code: types.CodeType, offset: int) -> None:
            code_id = index[code]
            popped = unbroken[0]
            if recorder.pending:
                frame = getframe(1)
                line(frame, code_id, frame.f_lineno, STATE_CHANGED)
                if popped == -1:
                    record_values(frame, code_id, offset)
                else:
                    after_known(popped, code_id, offset)
            elif popped != -1:
                after_known(popped, code_id, offset)
            else:
                record_values(getframe(1), code_id, offset)
            unbroken[0] = known_after[code_id].get(offset, -1)
            step(code_id, offset)
            if offset in changers[code_id]:
                recorder.pending = True

    def on_start(code: types.CodeType, offset: int) -> None:
        recorder.pending = True
        unbroken[0] = -1
        code_id = index.get(code)
        if code_id is not None:  # the file's frame: its RESUME is a step
            recorder.entered(getframe(1), code_id, offset)

    def on_line(code: types.CodeType, lineno: int) -> None:
        line(getframe(1), index[code], lineno)

    note = recorder.note

    def on_return(code: types.CodeType, offset: int, value: object) -> None:
        recorder.pending = True
        unbroken[0] = -1
        note(code, "returned", value)
        if values is not None and code in index:
            values.finished(getframe(1))

    def on_yield(code: types.CodeType, offset: int, value: object) -> None:
        recorder.pending = True
        unbroken[0] = -1
        note(code, "yielded", value)

    left: list[BaseException | None] = [None]  # the exception that last left a frame

    def on_unwind(code: types.CodeType, offset: int, exc: BaseException) -> None:
        recorder.pending = True
        unbroken[0] = -1
        left[0] = exc
        note(code, "unwound", exc)
        if values is not None and code in index:
            values.finished(getframe(1))

    def on_raise(code: types.CodeType, offset: int, exc: BaseException) -> None:
        unbroken[0] = -1
        if exc is not left[0]:  # RAISE fires again in each caller it reaches
            note(code, "raised", exc)

    def on_handled(code: types.CodeType, offset: int, exc: BaseException) -> None:
        unbroken[0] = -1
        note(code, "caught", exc)

    events = mon.events
    global_events = (
        (events.PY_START, on_start),
        (events.PY_RESUME, on_start),
        (events.PY_RETURN, on_return),
        (events.PY_YIELD, on_yield),
        (events.PY_UNWIND, on_unwind),
        (events.RAISE, on_raise),
        (events.EXCEPTION_HANDLED, on_handled),
    )
    mon.use_tool_id(tool, "tui-exec")
    mon.register_callback(tool, events.INSTRUCTION, on_instruction)
    mon.register_callback(tool, events.LINE, on_line)
    for event, callback in global_events:
        mon.register_callback(tool, event, callback)
    # Set for every code object, not only the file's: when a sorted() key or a library
    # function returns, the file's frame resumes in the middle of its line. PY_UNWIND, RAISE
    # and EXCEPTION_HANDLED can only be set that way.
    mon.set_events(tool, sum(event for event, _ in global_events))
    for code in recorder.codes:
        mon.set_local_events(tool, code, events.INSTRUCTION | events.LINE)

    def remove() -> None:
        if mon.get_tool(tool) is None:  # removed already (a stop came while it ended)
            return
        mon.set_events(tool, 0)
        for code in recorder.codes:
            mon.set_local_events(tool, code, 0)
        for event in (events.INSTRUCTION, events.LINE, *(e for e, _ in global_events)):
            mon.register_callback(tool, event, None)
        mon.free_tool_id(tool)

    return remove


def _install_settrace(recorder: Recorder) -> Callable[[], None]:
    """3.11: settrace with opcode events, armed the way that works on every version. Calls
    and returns of every frame (generators suspending and resuming, exceptions leaving a
    frame included: each is a 'return' or a 'call') mark the state as changed."""
    index = recorder.index
    step = recorder.step
    line = recorder.line

    note = recorder.note
    # The exception each of the file's frames is unwinding with, between its 'exception'
    # event and what follows: a 'return' (it leaves the frame) or a line or an opcode in the
    # same frame (a handler caught it).
    unwinding: dict[types.FrameType, BaseException] = {}
    left: list[BaseException | None] = [None]  # the exception that last left a frame

    changers = recorder.changers
    values = recorder.values
    record_values = values.record if values is not None else None
    # As for sys.monitoring: the frame whose previous step's effect on the stack is known,
    # and that effect, when no frame started, returned or raised since.
    unbroken: list[types.FrameType | None] = [None]
    popped = [0]
    known_after = values.known_after if values is not None else []
    after_known = values.after_known if values is not None else None

    def local(frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            if frame in unwinding:
                note(frame.f_code, "caught", unwinding.pop(frame))
            code_id = index[frame.f_code]
            if recorder.pending:
                line(frame, code_id, frame.f_lineno, STATE_CHANGED)
            offset = frame.f_lasti
            if record_values is not None:
                if unbroken[0] is frame:
                    after_known(popped[0], code_id, offset)  # type: ignore[misc]
                else:
                    record_values(frame, code_id, offset)
                change = known_after[code_id].get(offset, -1)
                unbroken[0] = frame if change != -1 else None
                popped[0] = change
            step(code_id, offset)
            if offset in changers[code_id]:
                recorder.pending = True
        elif event == "line":
            if frame in unwinding:
                note(frame.f_code, "caught", unwinding.pop(frame))
            line(frame, index[frame.f_code], frame.f_lineno)
        elif event == "return":
            recorder.pending = True
            unbroken[0] = None
            if values is not None:
                values.finished(frame)
            if frame in unwinding:
                left[0] = unwinding.pop(frame)
                note(frame.f_code, "unwound", left[0])
            elif frame.f_code.co_flags & _GENERATOR_FLAGS and not _finished(frame):
                note(frame.f_code, "yielded", arg)
            else:
                note(frame.f_code, "returned", arg)
        elif event == "exception":
            unbroken[0] = None
            exc = arg[1]
            if exc is not left[0] and unwinding.get(frame) is not exc:
                note(frame.f_code, "raised", exc)  # new here, not passing through from a callee
            unwinding[frame] = exc
        return local

    def global_(frame: types.FrameType, event: str, arg: object) -> Any:
        # Any frame starting or resuming marks the state as changed; so when another
        # module's frame returns to the file's, pending is still set (or set again by the
        # return of the file's callback it ran): other frames need no local tracing.
        recorder.pending = True
        unbroken[0] = None
        code_id = index.get(frame.f_code)
        if code_id is not None:
            frame.f_trace = local  # before f_trace_opcodes (3.13 needs this order)
            frame.f_trace_opcodes = True
            recorder.entered(frame, code_id, frame.f_lasti)  # at its RESUME: a step too
            return local
        return None

    sys._getframe().f_trace_opcodes = True  # before settrace (3.12 needs this)
    sys.settrace(global_)

    def remove() -> None:
        sys.settrace(None)

    return remove


def main(argv: list[str]) -> int:
    """``OUT_DIR MAX_STEPS MAX_OUTPUT MODE SCRIPT [ARGS...]``: run SCRIPT into OUT_DIR.

    MODE ``record`` records every step, ``record-values`` also the value stack at each
    (see :mod:`value_stack`); ``plain`` records nothing and, at the end, collects
    the specialized (adaptive) instructions, which only a run without tracing produces:
    measured, under settrace or sys.monitoring CPython specializes (almost) nothing.
    """
    out_dir, max_steps, max_output, mode, script, *args = argv
    out = Path(out_dir)
    script_path = os.path.abspath(script)
    with open(script_path, "rb") as handle:
        source = handle.read()
    code = compile(source, script_path, "exec", dont_inherit=True)
    codes = [c for c, _ in walk_code(code)]
    recorder = Recorder(out, codes, int(max_steps))
    budget = [int(max_output)]
    real_stdout, real_stderr = sys.stdout, sys.stderr
    recorder.stdout = CountingStream(real_stdout, budget, recorder.output_written)
    recorder.stderr = CountingStream(real_stderr, budget, recorder.output_written)
    result: dict[str, Any] = {"status": "exited", "exit_code": 0}
    started = time.perf_counter()

    def finish(status: str, exit_code: int) -> None:
        result["status"] = status
        result["exit_code"] = exit_code
        result["seconds"] = time.perf_counter() - started
        result["steps"] = recorder.step_count
        result["lines"] = recorder.line_count
        if mode == "plain":
            result["specialized"] = _specialized(codes)
        with open(out / RESULT_FILE, "w", encoding="utf-8") as handle:
            json.dump(result, handle)

    real_exit = os._exit

    remove: Callable[[], None] = _no_hooks  # until the recorder's hooks are installed

    def save_and_exit(status: str, exit_code: int) -> None:
        """Save everything recorded, then end the process at once."""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second stop must not save again
        remove()
        recorder.close()
        recorder.stdout.flush()  # type: ignore[union-attr]
        recorder.stderr.flush()  # type: ignore[union-attr]
        finish(status, exit_code)
        real_stdout.flush()
        real_stderr.flush()
        real_exit(exit_code)

    # At the step limit, ending the process is the only way user code cannot catch and
    # carry on; and os._exit skips every finally and flush, so save before it too.
    recorder.on_limit = lambda: save_and_exit("step-limit", 0)
    main_code = sys._getframe().f_code

    def stop_requested(signum: int, frame: types.FrameType | None) -> None:
        if _inside_recorder(frame, main_code):
            # Halfway through recording a step (or starting): save once it is whole. (The
            # app also sends the signal again until the run ends, in case no step comes.)
            recorder.stop_after_step(lambda: save_and_exit("stopped", -signum))
            return
        save_and_exit("stopped", -signum)

    # The app asks a run to end (a time limit, the user's stop) with SIGTERM: save what was
    # recorded, then go. (A program stuck in C code never runs this; the app then kills it.)
    signal.signal(signal.SIGTERM, stop_requested)
    os._exit = lambda status: save_and_exit("exited", status)  # type: ignore[assignment,return-value]
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        if fd in (1, 2):
            recorder.output_written()
        return real_write(fd, data)

    os.write = write  # output that bypasses sys.stdout still counts as written
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(
        {"__file__": script_path, "__builtins__": builtins, "__cached__": None}
    )
    sys.modules["__main__"] = main_module
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script_path)
    sys.stdout, sys.stderr = recorder.stdout, recorder.stderr  # type: ignore[assignment]
    marker = os.environ.pop(WAITING_VARIABLE, "")
    if marker:
        sys.stdin = WaitingStdin(sys.stdin.buffer, marker, sys.stdin.encoding or "utf-8")
    if mode == "record-values":
        result["stack_values"] = _record_values(recorder, out)
    if mode.startswith("record"):
        install = _install_monitoring if sys.version_info >= (3, 12) else _install_settrace
        remove = install(recorder)

    status, exit_code = "exited", 0
    try:
        exec(code, main_module.__dict__)
    except SystemExit as exc:
        remove()
        exit_code = _exit_code(exc)
    except BaseException as exc:  # the program's own uncaught exception
        remove()
        status, exit_code = "exception", 1
        result["exception"] = _describe(exc, recorder.index)
        # As Python prints it, without the recorder's own frame.
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
    else:
        remove()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # saving already: a stop changes nothing
    os._exit, os.write = real_exit, real_write
    recorder.close()
    sys.stdout.flush()
    sys.stderr.flush()
    finish(status, exit_code)
    return exit_code


_PASS_THROUGH = frozenset({"CountingStream", "_CountingBuffer", "WaitingStdin"})
"""The recorder's classes a program calls (its streams): a stop may save while the program
waits in them for input or writes through them."""


def _no_hooks() -> None:
    """Removes nothing: no hooks were installed (a run without recording)."""


def _inside_recorder(frame: types.FrameType | None, bottom: types.CodeType) -> bool:
    """Whether ``frame`` (where a signal came) is the recorder's own code, or code it called,
    above the program's bottom frame ``bottom`` (the one that runs the program)."""
    here = __file__
    values_file = os.path.join(os.path.dirname(here), "value_stack.py")
    while frame is not None and frame.f_code is not bottom:
        code = frame.f_code
        if (
            code.co_filename in (here, values_file)
            and code.co_qualname.partition(".")[0] not in _PASS_THROUGH
        ):
            return True
        frame = frame.f_back
    return False


def _record_values(recorder: Recorder, out: Path) -> str:
    """Arm ``recorder`` to record the value stack at each step; returns why it cannot
    (empty when it can)."""
    from .value_stack import ValueRecorder, probe

    reader, why = probe(recorder.codes)
    if reader is not None:
        describe = lambda value: _bounded_repr(value, REPR_LIMIT)  # noqa: E731
        try:
            recorder.values = ValueRecorder(reader, describe, recorder.changers, out)
        except Exception as exc:  # noqa: BLE001 (the run goes on without values)
            return f"the value recorder could not start ({type(exc).__name__}: {exc})"
    return why


# Generators and coroutines: their 'return' events are also suspensions (a yield).
_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR


def _finished(frame: types.FrameType) -> bool:
    """Whether a generator's frame is returning for good (not suspending at a yield): its
    last instruction is then a RETURN_VALUE (3.11)."""
    code = frame.f_code.co_code
    return code[frame.f_lasti] == _RETURN_VALUE if frame.f_lasti < len(code) else True


_RETURN_VALUE = dis.opmap["RETURN_VALUE"]


def _short_repr(value: object) -> str:
    """A repr for a note, shortened as the locals are (and never built whole)."""
    return _bounded_repr(value, REPR_LIMIT)


def _size(fd: int) -> int:
    """How many bytes the file behind ``fd`` holds (stdout and stderr are files here, so
    this counts os.write and child processes' output too)."""
    try:
        return os.fstat(fd).st_size
    except OSError:
        return 0


def _specialized(codes: list[types.CodeType]) -> dict[str, list[tuple[int, str]]]:
    """Per code id, the (offset, specialized name) of instructions the run specialized."""
    import dis

    found: dict[str, list[tuple[int, str]]] = {}
    for code_id, code in enumerate(codes):
        plain = {i.offset: i.opname for i in dis.get_instructions(code)}
        changed = [
            (i.offset, i.opname)
            for i in dis.get_instructions(code, adaptive=True)
            if i.offset in plain and i.opname != plain[i.offset]
        ]
        if changed:
            found[str(code_id)] = changed
    return found


def _exit_code(exc: SystemExit) -> int:
    """The process status ``sys.exit(value)`` asks for, printing a non-int value as Python does."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _describe(exc: BaseException, index: dict[types.CodeType, int]) -> dict[str, Any]:
    """Type, message and the file's own frames (code id, offset, line), outermost first."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        found = index.get(tb.tb_frame.f_code)
        if found is not None:
            frames.append((found, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    return {"type": type(exc).__name__, "message": str(exc), "frames": frames}


def cli() -> None:
    """The child's entry point: record, then leave without interpreter teardown.

    Started as ``python -c "from tui_exec.core.trace import cli; cli()" ARGS``: measured, the
    same code run as ``python -m tui_exec.core.trace`` records 2.3x slower per event.
    """
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Atexit handlers and the program's threads already ran (exec returned); tracing must
    # not record the interpreter's shutdown.
    os._exit(code)


if __name__ == "__main__":
    cli()
