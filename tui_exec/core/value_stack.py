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
import struct
import sys
import types
from array import array
from collections.abc import Callable
from itertools import accumulate, chain
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
    if sys.maxsize < 2**32 or sys.byteorder != "little":
        return "a 32-bit or big-endian build"
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

    slot = bytearray(8)
    address_of = memoryview(slot).cast("Q")  # writing an int here is one C store
    view = (ctypes.py_object * 1).from_buffer(slot)

    def from_address(address: int) -> Any:
        address_of[0] = address
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
"""Chunks of new values: little-endian uint32 byte and value counts, then a marshal'ed list
of ``(type name, repr)``; value ids count from 0 across chunks (0 is NULL, 1 is unknown)."""
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
_FLAT = frozenset({int, float, bool, type(None)})
"""Types whose repr is taken at once (cut when long: an int may have thousands of digits)."""
_REPR_LIMIT = 80
_TABLE_LIMIT = 100_000
"""Distinct values remembered to share ids; past it they are forgotten (memory stays bounded)
and a value seen again gets a new id."""


_NAME_ONLY = frozenset(
    {
        "STORE_NAME",
        "STORE_FAST",
        "STORE_GLOBAL",
        "STORE_DEREF",
        "STORE_FAST_LOAD_FAST",
        "STORE_FAST_STORE_FAST",
        "DELETE_NAME",
        "DELETE_FAST",
        "DELETE_GLOBAL",
        "DELETE_DEREF",
    }
)
"""Instructions that change the variables shown but no object a stack entry can hold."""


def value_changers(code: types.CodeType, changers: frozenset[int]) -> frozenset[int]:
    """Of ``changers`` (the offsets after which the state shown may differ), those after
    which an object left on the stack may have changed in place, and BINARY_OP (``a += b``
    on a list extends the list the stack keeps)."""
    return frozenset(
        ins.offset
        for ins in dis.get_instructions(code)
        if ins.offset in changers
        and ins.opname not in _NAME_ONLY
        or ins.opname.startswith("BINARY_")
    )


_NEUTRAL = frozenset(
    {
        "NOP",
        "NOT_TAKEN",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP",
        "JUMP_NO_INTERRUPT",
        "EXTENDED_ARG",
    }
)
"""Instructions that change nothing on the stack (any code run meanwhile, a signal
handler's, shows as a frame starting, which the recorder sees)."""
_POP_ONE = frozenset(
    {
        "POP_TOP",
        "STORE_NAME",
        "STORE_FAST",
        "STORE_GLOBAL",
        "STORE_DEREF",
        "POP_JUMP_IF_TRUE",
        "POP_JUMP_IF_FALSE",
        "POP_JUMP_IF_NONE",
        "POP_JUMP_IF_NOT_NONE",
        "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_FORWARD_IF_FALSE",
        "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE",
        "POP_JUMP_BACKWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_FALSE",
        "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE",
    }
)
"""Instructions whose only change to the stack is to pop its top, whatever they do."""


def _known_after(code: types.CodeType, tagged: bool) -> dict[int, int]:
    """Offset → what the instruction there does to the stack, for those after which the
    stack is known without reading it: ``n >= 0`` pops n entries (0: :data:`_NEUTRAL`),
    ``-2 - i`` pushes ``co_consts[i]`` (only where a stack word is the object's address,
    3.11-3.13: 3.14+ words carry tag bits the recorder cannot know)."""
    known = {}
    for ins in dis.get_instructions(code):
        if ins.opname in _NEUTRAL:
            known[ins.offset] = 0
        elif ins.opname in _POP_ONE:
            known[ins.offset] = 1
        elif ins.opname == "LOAD_CONST" and not tagged and ins.arg is not None:
            known[ins.offset] = -2 - ins.arg
    return known


class _Everything:
    """A set that holds every value id (see ``volatile`` in ``ValueRecorder._recorder``)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __len__(self) -> int:
        return 0

    def add(self, item: int) -> None:
        """Every id is in already."""

    def isdisjoint(self, items: object) -> bool:
        return False


class ValueRecorder:
    """Records, for each step, the value stack just before it: the values as value ids
    into a table of distinct ``(type name, repr)`` pairs.

    Only what changed is described: the words of the frame's stack are compared with those
    at the frame's previous step, and the unchanged bottom reuses that step's ids (an object
    still on the stack is still alive, so an equal word is the same object). Values whose
    repr may change in place (a list a comprehension fills) are described again after an
    instruction that may change them or after other frames ran.
    """

    def __init__(
        self,
        reader: FrameReader,
        describe: Callable[[Any], str],
        changers: list[frozenset[int]],
        out_dir: Any,
    ) -> None:
        self.reader = reader
        self._stacks: list[tuple[int, ...]] = []
        """Each step's value ids since the last flush (one append a step: the files' arrays
        are built at the flush, in C)."""
        self._total = 0
        self._table: dict[tuple[type | None, str | None], int] = {}
        """The id of each distinct value described (forgotten past :data:`_TABLE_LIMIT`)."""
        self._new: list[tuple[str | None, str | None]] = []
        """The values described since the last flush, in id order."""
        self._last: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        """Per frame address (but the current one's): its stack's words and ids at its
        last step."""
        self._forget: Callable[[int], None] = lambda address: None
        self._ends_file = open(out_dir / STACK_ENDS_FILE, "wb")  # noqa: SIM115 (for the run)
        self._refs_file = open(out_dir / STACK_REFS_FILE, "wb")  # noqa: SIM115
        self._values_file = open(out_dir / STACK_VALUES_FILE, "wb")  # noqa: SIM115
        tagged = reader.layout.tagged
        self.known_after = [_known_after(code, tagged) for code in reader.codes]
        """Per code id, offset → what the instruction there does to the stack, when the
        stack after it is known without reading it (see :func:`_known_after`)."""
        changers = [
            value_changers(code, found) for code, found in zip(reader.codes, changers, strict=True)
        ]
        self.record = self._recorder(describe, changers)
        """``record(frame, code id, offset)``: the stack of ``frame`` before the instruction
        at ``offset`` runs (one step)."""

    def _recorder(
        self, describe: Callable[[Any], str], changers: list[frozenset[int]]
    ) -> Callable[[types.FrameType, int, int], None]:
        """The per-step function, every name it uses bound locally: it runs at every step
        (measured: attribute and method lookups there cost more than the reading itself)."""
        import ctypes

        reader = self.reader
        layout = reader.layout
        word = ctypes.c_size_t.from_address
        bases = reader._bases
        sizes = reader._sizes
        top_offset, tagged = layout.top, layout.tagged
        pointer = layout.top_kind == "pointer"
        saved = layout.top_kind != "static"
        locals_size = [(base - layout.localsplus) >> 3 for base in bases]
        static = reader.depth
        from_address = reader.from_address
        last_of = self._last
        table = self._table
        new_values = self._new
        stacks = self._stacks
        stable, flat, limit = _STABLE, _FLAT, _REPR_LIMIT
        object_repr = object.__repr__  # <X object at 0x...>: the identity, never the contents
        unknown: tuple[int, ...] = (UNKNOWN_ENTRY,)
        null_word = 1 if tagged else 0
        f_frame = _F_FRAME
        next_id = 0

        def value_id(key: tuple[type | None, str | None]) -> int:
            """A new id for ``key`` (a type, which hashes faster than its name, and a repr)."""
            nonlocal next_id
            if len(table) >= _TABLE_LIMIT:
                table.clear()  # memory stays bounded: a value seen again gets a new id
            found = table[key] = next_id
            next_id += 1
            kind = key[0]
            new_values.append((None if kind is None else kind.__name__, key[1]))
            return found

        value_id((None, None))  # NULL_ENTRY
        value_id((type(None), ""))  # UNKNOWN_ENTRY (never looked up: its repr is empty)
        new_values[UNKNOWN_ENTRY] = ("", "")

        def describe_words(
            raw: bytes, old_raw: bytes, old_ids: tuple[int, ...], fresh: bool
        ) -> tuple[int, ...]:
            """The ids of the words in ``raw``, those of the unchanged bottom taken from
            ``old_ids`` (``fresh``: described again unless their type cannot change in place)."""
            words = memoryview(raw).cast("Q").tolist() if raw else []
            old = memoryview(old_raw).cast("Q").tolist() if old_raw else []
            kept = 0
            for a, b in zip(words, old, strict=False):
                if a != b:
                    break
                kept += 1
            ids = list(old_ids[:kept])
            for position in range(0 if fresh else kept, len(words)):
                if position >= kept:
                    ids.append(describe_word(words[position]))
                elif ids[position] in volatile:  # its repr may have changed in place
                    ids[position] = describe_word(words[position])
            return tuple(ids)

        # Objects that never move and never change while the run lasts: the small ints,
        # None, True, False, the constants of the file's code objects (which the recorder
        # keeps alive) and the numbers it holds (below). Their ids are remembered by address.
        fixable = {id(value) for value in (*range(-5, 257), None, True, False, ...)}
        fixable.update(id(value) for code in reader.codes for value in code.co_consts)
        fixed: dict[int, int] = {}
        held: list[Any] = []
        """Numbers described, kept alive so that their address stays theirs while their id
        is remembered (a number has no finalizer: holding it changes nothing the program
        sees); forgotten past :data:`_TABLE_LIMIT`."""
        volatile: set[int] | _Everything = set()
        """The ids of values whose repr may change while they sit on the stack (a list, an
        instance with its own __repr__): described again after an instruction that may
        change them."""

        def describe_word(bits: int) -> int:
            """The value id of one stack word (the common case, a number, tested first)."""
            if bits == null_word:
                return NULL_ENTRY
            if tagged:
                if bits & 3 == 3:
                    key: tuple[type | None, str | None] = (int, str(bits >> 2))
                    found = table.get(key)
                    return value_id(key) if found is None else found
                bits &= ~3
            known = fixed.get(bits)
            if known is not None:
                return known
            value = from_address(bits)
            kind = type(value)
            changeable = False
            if kind in flat:
                try:
                    text = repr(value)
                except ValueError:  # an int too long to convert
                    text = describe(value)
                if len(text) > limit:
                    text = text[: limit - 1] + "…"
            elif kind.__repr__ is object_repr:  # type: ignore[comparison-overlap]
                # <list_iterator object at 0x7f...>: a built-in one shows as its type.
                builtin = kind.__module__ == "builtins"
                text = f"<{kind.__name__}>" if builtin else describe(value)
            else:
                changeable = kind not in stable
                text = describe(value)
            key = (kind, text)
            found = table.get(key)
            if found is None:
                found = value_id(key)
            if changeable:
                add_volatile(found)
            elif bits in fixable:
                fixed[bits] = found
            elif kind in flat:
                if len(held) >= _TABLE_LIMIT:
                    fixed.clear()
                    held.clear()
                fixed[bits] = found
                held.append(value)
            return found

        def add_volatile(found: int) -> None:
            nonlocal volatile
            if len(volatile) >= _TABLE_LIMIT:
                volatile = _Everything()  # past the bound, everything counts as changeable
            volatile.add(found)

        # 3.11, 3.14, 3.15: the saved top and the stack in one read, from the top's field
        # to the end of the stack (the locals between are skipped). Words stay bytes: equal
        # stacks, pops and a push are bytes comparisons (turning words into ints costs more
        # than all the rest).
        spans = [(base - top_offset) for base in bases]
        # A c_char array's .raw copies in one step (measured: 3x faster than string_at).
        blocks = [
            ctypes.c_char * (span + 8 * size) for span, size in zip(spans, sizes, strict=True)
        ]
        stacks_of = [ctypes.c_char * (8 * n) for n in range(max([0, *sizes]) + 1)]
        unpack_word = struct.Struct("<Q").unpack_from
        unpack_int = struct.Struct("<i").unpack_from
        current = 0  # the frame of the previous step: its words, ids and whether it changes them
        current_words = b""
        current_ids: tuple[int, ...] = ()
        current_changes = True

        def record(frame: types.FrameType, code_id: int, offset: int) -> None:
            nonlocal current, current_words, current_ids, current_changes
            try:
                address = word(id(frame) + f_frame).value
                depth = -1
                if saved:
                    block = blocks[code_id].from_address(address + top_offset).raw
                    span = spans[code_id]
                    if pointer:
                        depth = (unpack_word(block)[0] - address - bases[code_id]) >> 3
                    else:  # a C int
                        depth = unpack_int(block)[0] - locals_size[code_id]
                    if 0 <= depth <= sizes[code_id]:
                        words = block[span : span + 8 * depth]
                    else:
                        depth = -1
                if depth < 0:
                    depth = static(address, code_id, offset)  # not saved here: the static one
                    if depth >= 0:
                        base = address + bases[code_id]
                        words = stacks_of[depth].from_address(base).raw if depth else b""
                if depth < 0:
                    ids = unknown
                    current = 0
                else:
                    if address == current and (
                        not current_changes or volatile.isdisjoint(current_ids)
                    ):
                        # The common cases at once: nothing changed, pops, one push.
                        if words == current_words:
                            ids = current_ids
                        elif current_words.startswith(words):
                            ids = current_ids[:depth]
                        elif current_words.startswith(words[:-8]):  # pops, then one push
                            top = describe_word(unpack_word(words, 8 * depth - 8)[0])
                            ids = (*current_ids[: depth - 1], top)
                        else:
                            ids = describe_words(words, current_words, current_ids, False)
                    elif address == current:  # the instruction may have changed them
                        ids = describe_words(words, current_words, current_ids, True)
                    else:
                        if current:
                            last_of[current] = (current_words, current_ids)
                        last = last_of.pop(address, None)
                        if last is None:
                            ids = describe_words(words, b"", (), False)
                        else:  # other frames ran since: anything may have changed
                            ids = describe_words(words, last[0], last[1], True)
                    current, current_words, current_ids = address, words, ids
                    current_changes = offset in changers[code_id]
            except Exception:  # noqa: BLE001 (a value that cannot be described must not stop the run)
                ids = unknown
                current = 0
            stacks.append(ids)

        consts = [code.co_consts for code in reader.codes]

        def after_known(change: int, code_id: int, offset: int) -> None:
            """The step at ``offset``, after one in the same frame that did ``change`` (see
            :func:`_known_after`) to the stack."""
            nonlocal current, current_words, current_ids, current_changes
            if not current or change > len(current_ids):
                current = 0
                stacks.append(unknown)
                return
            if change > 0:
                current_words = current_words[: -8 * change]
                current_ids = current_ids[:-change]
            elif change < 0:  # a constant pushed (its code object keeps it alive)
                address = id(consts[code_id][-2 - change])
                current_words += address.to_bytes(8, "little")
                current_ids = (*current_ids, describe_word(address))
            current_changes = offset in changers[code_id]
            stacks.append(current_ids)

        self.after_known = after_known
        """``after_known(change, code id, offset)``: record the stack of a step that follows
        one of :attr:`known_after`'s instructions in the same frame with nothing else in
        between."""

        def forget(address: int) -> None:
            nonlocal current
            if address == current:
                current = 0
            last_of.pop(address, None)

        self._forget = forget
        return record

    def started(self, frame: types.FrameType) -> None:
        """A new frame: whatever an earlier frame at its address left is not its."""
        self._forget(self.reader.frame_address(frame))

    def finished(self, frame: types.FrameType) -> None:
        """``frame`` returned or was left by an exception (a generator suspending keeps its
        entry: it resumes with the same stack)."""
        with contextlib.suppress(Exception):
            self._forget(self.reader.frame_address(frame))

    def flush(self) -> None:
        """Write what was recorded since the last flush (with the steps: a reader trusts
        the steps both files cover)."""
        if self._new:
            blob = marshal.dumps(self._new)
            sizes = len(blob).to_bytes(4, "little") + len(self._new).to_bytes(4, "little")
            self._values_file.write(sizes + blob)
            self._values_file.flush()
            del self._new[:]  # emptied in place: the recording function holds these
        stacks = self._stacks
        refs = array("I", chain.from_iterable(stacks))
        ends = array("I", accumulate(map(len, stacks), initial=self._total))
        del ends[0]
        if ends:
            self._total = ends[-1]
        del stacks[:]  # emptied in place: the recording function holds it
        for data, handle in ((refs, self._refs_file), (ends, self._ends_file)):
            if sys.byteorder != "little":
                data.byteswap()
            data.tofile(handle)
            handle.flush()

    def close(self) -> None:
        self.flush()
        for handle in (self._ends_file, self._refs_file, self._values_file):
            handle.close()
