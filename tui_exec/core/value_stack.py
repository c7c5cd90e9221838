"""The values on CPython's own value stack, read from the running frame during a recorded run.

No Python API shows a frame's value stack: it lives in the frame's C struct
(``_PyInterpreterFrame``), after the local variables (``localsplus``). This module reads it
with ``ctypes`` at the instruction events the recorder already gets, where the interpreter
has written every value the previous instruction pushed:

- 3.11 (settrace opcode events) saves the stack's top as an index (``stacktop``), 3.14 and
  3.15 (sys.monitoring INSTRUCTION events) as a pointer (``stackpointer``); 3.12 and 3.13 do
  not save it for those events, so the depth there is the static one (:func:`static_depths`),
  which is the depth CPython's compiler gives each instruction.
- 3.14+ entries are tagged ``_PyStackRef`` words: the low two bits say how the reference is
  held (masked off), ``0b01`` alone is NULL, and ``0b11`` marks a small integer kept untagged
  (3.15's list iterator index, the ``lasti`` of a handler).

The layout is checked at start-up on a probe function whose stack is known (:func:`probe`); a
build where it does not hold (a newer Python, a free-threaded or debug build) records no
values and says why. Standard library only: imported by the child interpreter, not the app.
"""

from __future__ import annotations

import contextlib
import dis
import marshal
import sys
import types
from array import array
from collections.abc import Callable
from typing import Any, NamedTuple

from .bytecode import NOT_A_JUMP
from .stack import NO_FALL_THROUGH, exception_table

NULL_ENTRY = 0
"""The value id of NULL (a slot CPython pushes with no object in it)."""


class FrameLayout(NamedTuple):
    """Where one CPython version keeps what reading a frame's stack needs (64-bit builds)."""

    code: int
    """Offset in ``_PyInterpreterFrame`` of the code object (``f_code``/``f_executable``)."""
    localsplus: int
    """Offset of ``localsplus``: the locals, cells and free variables, then the stack."""
    top: int
    """Offset of the saved top of the stack (``stacktop`` or ``stackpointer``)."""
    top_kind: str
    """``index`` (an int counted from localsplus, -1 when not saved), ``pointer`` (NULL when
    not saved) or ``static`` (not saved at instruction events: use the static depth)."""
    tagged: bool
    """Entries are ``_PyStackRef`` words with tag bits (3.14+)."""


_F_FRAME = 24
"""Offset of ``f_frame`` in a frame object: after PyObject_HEAD (16 bytes) and ``f_back``."""

LAYOUTS: dict[tuple[int, int], FrameLayout] = {
    # f_func, f_globals, f_builtins, f_locals, f_code, frame_obj, previous, prev_instr,
    # int stacktop, bool is_entry, char owner, localsplus.
    (3, 11): FrameLayout(32, 72, 64, "index", False),
    # f_code/f_executable, previous, f_funcobj, f_globals, f_builtins, f_locals, frame_obj,
    # prev_instr/instr_ptr, int stacktop (-1 at instruction events), return_offset, owner.
    (3, 12): FrameLayout(0, 72, 64, "static", False),
    (3, 13): FrameLayout(0, 72, 64, "static", False),
    # ... instr_ptr, _PyStackRef *stackpointer, return_offset, owner, visited, localsplus.
    (3, 14): FrameLayout(0, 80, 64, "pointer", True),
    (3, 15): FrameLayout(0, 80, 64, "pointer", True),
}


def unsupported_reason() -> str | None:
    """Why this interpreter's frames cannot be read, or None when :data:`LAYOUTS` may hold
    (the probe still has to confirm it)."""
    version = sys.version_info[:2]
    if sys.implementation.name != "cpython":
        return f"{sys.implementation.name} is not CPython"
    if version not in LAYOUTS:
        return f"Python {version[0]}.{version[1]} is newer than tui-exec's frame layouts"
    flags = getattr(sys, "abiflags", "")
    if "t" in flags:
        return "a free-threaded build keeps its frames differently"
    if "d" in flags or hasattr(sys, "gettotalrefcount"):
        return "a debug build keeps its objects differently"
    if sys.maxsize < 2**32:
        return "a 32-bit build"
    return None


def static_depths(code: types.CodeType) -> list[int]:
    """The stack depth before each instruction, indexed by offset // 2 (-1: never reached),
    as CPython's compiler computes it: ``dis.stack_effect`` along every edge, exception
    handlers starting at their table depth (plus ``lasti``) with the exception pushed."""
    instructions = list(dis.get_instructions(code))
    position = {ins.offset: i for i, ins in enumerate(instructions)}
    depths = [-1] * (len(code.co_code) // 2)
    handlers = exception_table(code)
    jumps = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)
    old = sys.version_info < (3, 13)
    todo = [(0, 0)] if instructions else []
    while todo:
        i, depth = todo.pop()
        ins = instructions[i]
        if depths[ins.offset // 2] >= 0:
            continue
        depths[ins.offset // 2] = depth
        if ins.opname != "PUSH_EXC_INFO":  # it opens its handler's range but cannot raise
            for entry in handlers:
                if entry.start <= ins.offset < entry.end and entry.target in position:
                    todo.append((position[entry.target], entry.depth + entry.lasti + 1))
        arg = ins.arg if ins.opcode >= dis.HAVE_ARGUMENT else None
        if ins.opcode in jumps and ins.opname not in NOT_A_JUMP:
            target = ins.jump_target if not old else ins.argval  # type: ignore[attr-defined]
            if target in position:
                jumped = depth + dis.stack_effect(ins.opcode, arg, jump=True)
                todo.append((position[target], jumped))
        if ins.opname not in NO_FALL_THROUGH and i + 1 < len(instructions):
            after = depth + _effect(ins.opname, ins.opcode, arg)
            if ins.opname == "RETURN_GENERATOR" and old:
                after += 1  # the frame resumes with the sent value pushed
            todo.append((i + 1, after))
    return depths


def _effect(opname: str, opcode: int, arg: int | None) -> int:
    """The fall-through stack effect. 3.11's ``stack_effect`` counts the call's pops at
    PRECALL (``-arg``) and leaves CALL ``-1``; at run time PRECALL pops nothing."""
    if opname == "PRECALL":
        return 0
    if opname == "CALL" and sys.version_info < (3, 12):
        return -(arg or 0) - 1
    return dis.stack_effect(opcode, arg, jump=False)


def _local_slots(code: types.CodeType) -> int:
    """How many slots the locals, cells and free variables take before the stack (an
    argument that is also a cell is one slot)."""
    names = set(code.co_varnames)
    return len(names) + sum(name not in names for name in code.co_cellvars) + len(code.co_freevars)


class FrameReader:
    """Reads the value stack of a running frame of the recorded file, as raw words."""

    def __init__(self, layout: FrameLayout, codes: list[types.CodeType]) -> None:
        import ctypes

        self.layout = layout
        self.codes = codes
        self._word = ctypes.c_size_t.from_address
        self._int = ctypes.c_int.from_address
        self._bytes = ctypes.string_at
        self._bases = [layout.localsplus + 8 * _local_slots(code) for code in codes]
        self._sizes = [code.co_stacksize for code in codes]
        self._depths: list[list[int] | None] = [None] * len(codes)
        self.from_address: Callable[[int], Any] = _object_reader()

    def frame_address(self, frame: types.FrameType) -> int:
        """The address of ``frame``'s ``_PyInterpreterFrame``."""
        return int(self._word(id(frame) + _F_FRAME).value)

    def depth(self, frame_address: int, code_id: int, offset: int) -> int:
        """The number of entries on the stack before the instruction at ``offset``: the one
        the interpreter saved when it saved one, else the static one; -1 when unknown."""
        layout = self.layout
        size = self._sizes[code_id]
        if layout.top_kind == "pointer":
            top = self._word(frame_address + layout.top).value
            if top:
                depth = (top - frame_address - self._bases[code_id]) // 8
                if 0 <= depth <= size:
                    return int(depth)
        elif layout.top_kind == "index":
            top = self._int(frame_address + layout.top).value
            if top >= 0:
                depth = top - (self._bases[code_id] - layout.localsplus) // 8
                if 0 <= depth <= size:
                    return int(depth)
        depths = self._depths[code_id]
        if depths is None:
            depths = self._depths[code_id] = static_depths(self.codes[code_id])
        index = offset // 2
        found = depths[index] if index < len(depths) else -1
        return found if found <= size else -1

    def raw(self, frame_address: int, code_id: int, depth: int) -> bytes:
        """The stack's ``depth`` words, bottom first."""
        return bytes(self._bytes(frame_address + self._bases[code_id], 8 * depth))

    def code_of(self, frame_address: int) -> int:
        """The address of the code object the frame runs (tag bits masked)."""
        return int(self._word(frame_address + self.layout.code).value) & ~3


def _object_reader() -> Callable[[int], Any]:
    """A function from a live object's address to the object."""
    import ctypes

    holder = (ctypes.c_size_t * 1)()
    view = (ctypes.py_object * 1).from_buffer(holder)

    def from_address(address: int) -> Any:
        holder[0] = address
        return view[0]

    return from_address


class Entry(NamedTuple):
    """One decoded stack word: NULL, a small untagged integer, or an object's address."""

    kind: str
    """``null``, ``int`` or ``object``."""
    value: int


def decode_word(word: int, tagged: bool) -> Entry:
    """What a stack word holds (see the module docstring for the tags)."""
    if tagged:
        if word == 1:
            return Entry("null", 0)
        if word & 3 == 3:
            return Entry("int", word >> 2)
        return Entry("object", word & ~3)
    return Entry("null", 0) if word == 0 else Entry("object", word)


_MARK = object()


def _probe_function(a: Any, b: Any) -> Any:
    c = a
    t = (a, b, c, _MARK)
    return t, len(t)


def probe(codes: list[types.CodeType]) -> tuple[FrameReader | None, str]:
    """A reader for ``codes`` when this interpreter's frames have the expected layout, else
    (None, why). The probe runs :func:`_probe_function` under a temporary hook and checks,
    at every instruction, the frame's code object, that the saved depth (where there is one)
    equals the static depth, and before BUILD_TUPLE that the stack is exactly
    ``a, b, c, _MARK``, and before the CALL of ``len`` that it holds ``len`` and one NULL."""
    reason = unsupported_reason()
    if reason is not None:
        return None, reason
    try:
        import ctypes  # noqa: F401 (a build without _ctypes cannot read frames)
    except ImportError:
        return None, "this Python has no ctypes"
    layout = LAYOUTS[sys.version_info[:2]]
    code = _probe_function.__code__
    reader = FrameReader(layout, [code])
    checked: list[str] = []
    failures: list[str] = []
    a, b = object(), object()
    statics = static_depths(code)

    def check(frame: types.FrameType, offset: int) -> None:
        try:
            address = reader.frame_address(frame)
            if reader.code_of(address) != id(code):
                failures.append("code object")
                return
            depth = reader.depth(address, 0, offset)
            if depth != statics[offset // 2]:
                failures.append(f"depth at {offset}")
                return
            words = memoryview(reader.raw(address, 0, depth)).cast("Q").tolist()
            entries = [decode_word(word, layout.tagged) for word in words]
            name = dis.opname[code.co_code[offset]]
            if name == "BUILD_TUPLE" and depth == 4:
                values = [reader.from_address(e.value) for e in entries if e.kind == "object"]
                if len(values) != 4 or any(
                    x is not y for x, y in zip(values, (a, b, a, _MARK), strict=True)
                ):
                    failures.append("values before BUILD_TUPLE")
                checked.append(name)
            elif name.startswith("CALL") and depth >= 3:
                kinds = [e.kind for e in entries]
                objects = [reader.from_address(e.value) for e in entries if e.kind == "object"]
                if kinds.count("null") != 1 or not any(x is len for x in objects):
                    failures.append("NULL before CALL")
                checked.append(name)
        except Exception as exc:  # noqa: BLE001 (any surprise means the layout is not known)
            failures.append(type(exc).__name__)

    _run_probe(code, check, lambda: _probe_function(a, b))
    if failures:
        return None, f"the frame layout check failed ({failures[0]})"
    if "BUILD_TUPLE" not in checked or not any(name.startswith("CALL") for name in checked):
        return None, "the frame layout check saw no instruction"
    return FrameReader(layout, codes), ""


def _run_probe(
    code: types.CodeType, check: Callable[[types.FrameType, int], None], call: Callable[[], Any]
) -> None:
    """Call ``call`` with ``check(frame, offset)`` run before each instruction of ``code``,
    through the hook the recorder itself uses on this version."""
    if sys.version_info >= (3, 12):
        mon = sys.monitoring  # type: ignore[attr-defined]
        tool = mon.DEBUGGER_ID
        getframe = sys._getframe

        def on_instruction(code: types.CodeType, offset: int) -> None:
            check(getframe(1), offset)

        mon.use_tool_id(tool, "tui-exec probe")
        try:
            mon.register_callback(tool, mon.events.INSTRUCTION, on_instruction)
            mon.set_local_events(tool, code, mon.events.INSTRUCTION)
            call()
        finally:
            mon.set_local_events(tool, code, 0)
            mon.register_callback(tool, mon.events.INSTRUCTION, None)
            mon.free_tool_id(tool)
        return

    def local(frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            check(frame, frame.f_lasti)
        return local

    def global_(frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code is code:
            frame.f_trace = local
            frame.f_trace_opcodes = True
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(global_)
    try:
        call()
    finally:
        sys.settrace(previous)


STACK_ENDS_FILE = "stack_ends.bin"
"""Little-endian uint32, one per step: where that step's stack ends in :data:`STACK_REFS_FILE`
(it starts where the previous step's ends)."""
STACK_REFS_FILE = "stack_refs.bin"
"""Little-endian uint32 value ids: each step's stack, bottom first."""
STACK_VALUES_FILE = "stack_values.bin"
"""Chunks of new values: a little-endian uint32 byte count, then a marshal'ed list of
``(type name, repr)``; value ids count from 0 across chunks (0 is NULL, 1 is unknown)."""
UNKNOWN_ENTRY = 1
"""A step whose stack could not be read (its only entry)."""

_STABLE = frozenset(
    {
        int,
        float,
        complex,
        bool,
        str,
        bytes,
        type(None),
        type(...),
        range,
        type,
        types.FunctionType,
        types.BuiltinFunctionType,
        types.CodeType,
        types.ModuleType,
    }
)
"""Types whose repr cannot change while the object lives: their entries are not looked at
again. Any other value left on the stack is described again after something could have
changed it (an instruction that stores, calls or fills a container, or other frames ran)."""


class ValueRecorder:
    """Records, for each step, the value stack just before it: the values as value ids
    into a table of distinct ``(type name, repr)`` pairs.

    Only what changed is described: the words of the frame's stack are compared with those
    at the frame's previous step, and the unchanged bottom reuses that step's ids (an object
    still on the stack is still alive, so an equal word is the same object).
    """

    def __init__(
        self,
        reader: FrameReader,
        describe: Callable[[Any], str],
        changers: list[frozenset[int]],
        out_dir: Any,
    ) -> None:
        self.reader = reader
        self.describe = describe
        self.changers = changers
        self.refs = array("I")
        self.ends = array("I")
        self.count = 0
        """Steps recorded (the index of the next one)."""
        self._total_refs = 0
        self._table: dict[tuple[str | None, str | None], int] = {
            (None, None): NULL_ENTRY,
            ("", ""): UNKNOWN_ENTRY,
        }
        self._new: list[tuple[str | None, str | None]] = [(None, None), ("", "")]
        self._last: dict[int, tuple[bytes, tuple[int, ...], int, bool]] = {}
        """Per frame address: its stack's words and ids at its last step, that step's
        index, and whether the instruction there may change objects left on the stack."""
        self._ends_file = open(out_dir / STACK_ENDS_FILE, "wb")  # noqa: SIM115 (for the run)
        self._refs_file = open(out_dir / STACK_REFS_FILE, "wb")  # noqa: SIM115
        self._values_file = open(out_dir / STACK_VALUES_FILE, "wb")  # noqa: SIM115

    def started(self, frame: types.FrameType) -> None:
        """A new frame: whatever an earlier frame at its address left is not its."""
        self._last.pop(self.reader.frame_address(frame), None)

    def finished(self, frame: types.FrameType) -> None:
        """``frame`` returned or was left by an exception (a generator suspending keeps its
        entry: it resumes with the same stack)."""
        with contextlib.suppress(Exception):
            self._last.pop(self.reader.frame_address(frame), None)

    def record(self, frame: types.FrameType, code_id: int, offset: int) -> None:
        """The stack of ``frame`` before the instruction at ``offset`` runs (one step)."""
        reader = self.reader
        step = self.count
        self.count = step + 1
        try:
            address = reader.frame_address(frame)
            depth = reader.depth(address, code_id, offset)
            if depth < 0:
                ids: tuple[int, ...] = (UNKNOWN_ENTRY,)
            else:
                raw = reader.raw(address, code_id, depth) if depth else b""
                last = self._last.get(address)
                if last is not None and last[0] == raw and last[2] == step - 1 and not last[3]:
                    ids = last[1]
                else:
                    ids = self._describe(raw, last, step)
                self._last[address] = (raw, ids, step, offset in self.changers[code_id])
        except Exception:  # noqa: BLE001 (a value that cannot be described must not stop the run)
            ids = (UNKNOWN_ENTRY,)
        self.refs.extend(ids)
        self._total_refs += len(ids)
        self.ends.append(self._total_refs & 0xFFFFFFFF)

    def _describe(
        self, raw: bytes, last: tuple[bytes, tuple[int, ...], int, bool] | None, step: int
    ) -> tuple[int, ...]:
        words = memoryview(raw).cast("Q").tolist() if raw else []
        kept = 0
        fresh = last is not None and (last[2] != step - 1 or last[3])
        if last is not None:
            old = memoryview(last[0]).cast("Q").tolist() if last[0] else []
            for a, b in zip(words, old, strict=False):
                if a != b:
                    break
                kept += 1
        ids = list(last[1][:kept]) if last is not None else []
        tagged = self.reader.layout.tagged
        from_address = self.reader.from_address
        for position, word in enumerate(words):
            if position < kept and not fresh:
                continue
            entry = decode_word(word, tagged)
            if entry.kind == "null":
                key: tuple[str | None, str | None] = (None, None)
            elif entry.kind == "int":
                key = ("int", str(entry.value))
            else:
                value = from_address(entry.value)
                kind = type(value)
                if position < kept and kind in _STABLE:
                    continue  # unchanged, and it cannot have changed
                key = (kind.__name__, self.describe(value))
            found = self._table.get(key)
            if found is None:
                found = self._table[key] = len(self._table)
                self._new.append(key)
            if position < kept:
                ids[position] = found
            else:
                ids.append(found)
        return tuple(ids)

    def flush(self) -> None:
        """Write what was recorded since the last flush (with the steps: a reader trusts
        the steps both files cover)."""
        if self._new:
            blob = marshal.dumps(self._new)
            self._values_file.write(len(blob).to_bytes(4, "little") + blob)
            self._values_file.flush()
            self._new = []
        for data, handle in ((self.refs, self._refs_file), (self.ends, self._ends_file)):
            if sys.byteorder != "little":
                data.byteswap()
            data.tofile(handle)
            handle.flush()
        self.refs = array("I")
        self.ends = array("I")

    def close(self) -> None:
        self.flush()
        for handle in (self._ends_file, self._refs_file, self._values_file):
            handle.close()
