"""``tui-exec run --stack-values``: the values read from CPython's own value stack, checked
against facts that hold whatever the recorder does.

At every step of real programs: the stack's depth is the static stack's; a constant loaded
is the constant; a local loaded is the local's value; a store stores the top; BINARY_OP's
result is its operator applied to the two values under it; a comparison's result decides
the jump after it. And pathological values (a repr that raises, a million-element list, a
list that contains itself) are described in bounded text without breaking the run.
"""

from __future__ import annotations

import dis
import json
import operator
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_run_cli import PROGRAMS
from tui_exec.core import analyze
from tui_exec.core.bytecode import walk_code
from tui_exec.core.stack import stack_before

FACTS = """\
def add(a, b):
    total = a + b
    return total

x = 5
y = 10
print(x + y)
n = 3
if n <= 1:
    print("small")
else:
    print("big")
values = [add(i, 2) for i in range(3)]
for v in values:
    if v > 3:
        break
z = x * y - n
w = (x, y)
q = z // 7 % 4 ** 2
name = "abc"
"""

OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "+=": operator.add,
}
COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def record(tmp_path: Path, source: str, *extra: str) -> dict[str, Any]:
    program = tmp_path / "prog.py"
    program.write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "tui_exec", "run", str(program), "--format", "json", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    recording: dict[str, Any] = json.loads(done.stdout)
    recording["source"] = source
    return recording


def instructions(source: str) -> dict[tuple[int, int], dis.Instruction]:
    """(code id, offset) → the instruction as ``dis`` gives it, code ids as the recorder's."""
    module = compile(source, "prog.py", "exec", dont_inherit=True)
    return {
        (code_id, ins.offset): ins
        for code_id, (code, _) in enumerate(walk_code(module))
        for ins in dis.get_instructions(code)
    }


def locals_at(recording: dict[str, Any], step: int) -> dict[str, str]:
    """The variables in force just before ``step`` (the last snapshot at or before it)."""
    found: dict[str, str] = {}
    for snapshot in recording["snapshots"]:
        if snapshot["step"] > step:
            break
        found = snapshot["locals"]
    return found


def same_frame(steps: list[dict[str, Any]], i: int) -> bool:
    """Whether step i + 1 runs in the frame of step i (no call or return in between)."""
    return i + 1 < len(steps) and steps[i + 1]["frames"] == steps[i]["frames"]


def texts(stack: list[dict[str, Any]]) -> list[str | None]:
    return [entry["repr"] for entry in stack]


@pytest.mark.parametrize("name", ["facts", *sorted(PROGRAMS)])
def test_values_obey_what_each_instruction_does(tmp_path: Path, name: str) -> None:
    source = FACTS if name == "facts" else PROGRAMS[name]
    recording = record(tmp_path, source, "--stack-values")
    assert recording["stack_values"] == {"recorded": True, "why": ""}
    steps = recording["steps"]
    by_place = instructions(source)
    module = compile(source, "prog.py", "exec", dont_inherit=True)
    cells = [set(code.co_cellvars) for code, _ in walk_code(module)]
    analysis = analyze(source.encode())
    ids = {(ins.code, ins.offset): ins.id for ins in analysis.instructions}
    checked: dict[str, int] = {}
    for i, step in enumerate(steps):
        stack = step["stack"]
        assert stack is not None, i
        place = (step["code"], step["offset"])
        static = stack_before(analysis, ids[place])
        assert static is not None and len(stack) == len(static), (i, step)
        for entry in stack:
            assert set(entry) == {"repr", "type"}
            assert (entry["repr"] is None) == (entry["type"] is None)
        ins = by_place[place]
        if not same_frame(steps, i):
            continue
        after = steps[i + 1]["stack"]
        kind = ins.opname
        if kind in ("LOAD_CONST", "LOAD_SMALL_INT") and not isinstance(ins.argval, type(dis)):
            if not hasattr(ins.argval, "co_code"):
                assert after[-1]["repr"] == repr(ins.argval), (i, ins)
                assert after[-1]["type"] == type(ins.argval).__name__
                checked["constant"] = checked.get("constant", 0) + 1
        elif kind in ("LOAD_FAST", "LOAD_FAST_BORROW", "LOAD_FAST_CHECK", "LOAD_NAME"):
            variables = locals_at(recording, i)
            if ins.argval in cells[step["code"]]:  # 3.13+ loads the cell to make a closure
                assert after[-1]["type"] == "cell", (i, ins)
            elif ins.argval in variables:
                # A built-in object shown by its address (an iterator) is named by its type.
                expected = re.sub(
                    r"^<(\w+) object at 0x[0-9a-f]+>$", r"<\1>", variables[ins.argval]
                )
                assert after[-1]["repr"] == expected, (i, ins)
                checked["local"] = checked.get("local", 0) + 1
        elif kind in ("STORE_FAST", "STORE_NAME"):
            variables = locals_at(recording, i + 1)
            if ins.argval in variables:  # not a dunder such as __module__
                assert stack[-1]["repr"] == variables[ins.argval], (i, ins)
                assert len(after) == len(stack) - 1
                checked["store"] = checked.get("store", 0) + 1
        elif kind == "BINARY_OP" and ins.argrepr in OPERATORS:
            left, right = stack[-2], stack[-1]
            if left["type"] == right["type"] == "int":
                expected = OPERATORS[ins.argrepr](int(left["repr"]), int(right["repr"]))
                assert after[-1] == {"repr": repr(expected), "type": "int"}, (i, ins)
                assert texts(after[:-1]) == texts(stack[:-2])
                checked["binary"] = checked.get("binary", 0) + 1
        elif kind == "COMPARE_OP" and ins.argval.replace("bool(", "").rstrip(")") in COMPARISONS:
            left, right = stack[-2], stack[-1]
            test = COMPARISONS[ins.argval.replace("bool(", "").rstrip(")")]
            result = test(int(left["repr"]), int(right["repr"]))
            assert after[-1] == {"repr": repr(result), "type": "bool"}, (i, ins)
            checked["compare"] = checked.get("compare", 0) + 1
            # The jump that tests it (after a TO_BOOL on 3.13+) goes where the value says.
            j = i + 1
            while by_place[(steps[j]["code"], steps[j]["offset"])].opname == "TO_BOOL":
                j += 1
            jump = by_place[(steps[j]["code"], steps[j]["offset"])]
            if "JUMP" in jump.opname and "IF_" in jump.opname:
                assert steps[j]["stack"][-1]["repr"] == repr(result)
                target = getattr(jump, "jump_target", None) or jump.argval
                jumped = steps[j + 1]["offset"] == target
                assert jumped == (result == jump.opname.endswith("IF_TRUE")), (j, jump)
                checked["jump"] = checked.get("jump", 0) + 1
    if name == "facts":
        assert set(checked) == {"constant", "local", "store", "binary", "compare", "jump"}


def test_calls_show_null_and_the_function(tmp_path: Path) -> None:
    recording = record(tmp_path, "x = 5\ny = 10\nprint(x + y)\n", "--stack-values")
    stacks = [texts(step["stack"]) for step in recording["steps"]]
    assert sorted(["<built-in function print>", None, "5", "10"], key=str) in [
        sorted(stack, key=str) for stack in stacks
    ]
    # Before BINARY_OP: NULL, print (in this version's order), 5, 10; after it the 15.
    before = next(s for s in stacks if s[-2:] == ["5", "10"])
    after = stacks[stacks.index(before) + 1]
    assert after == [*before[:-2], "15"]
    assert None in before and "<built-in function print>" in before


def test_a_for_loop_keeps_its_iterator(tmp_path: Path) -> None:
    recording = record(tmp_path, "items = [1, 2]\nfor c in items:\n    pass\n", "--stack-values")
    bottoms = {step["stack"][0]["type"] for step in recording["steps"] if step["stack"]}
    # 3.15 keeps the list itself and an index; older versions a list_iterator.
    assert ("list_iterator" in bottoms) != (sys.version_info >= (3, 15))
    shown = {step["stack"][0]["repr"] for step in recording["steps"] if step["stack"]}
    if sys.version_info < (3, 15):  # its repr would be an address: the type says it all
        assert "<list_iterator>" in shown
    if sys.version_info >= (3, 15):
        assert any(texts(step["stack"])[:2] == ["[1, 2]", "1"] for step in recording["steps"])


def test_values_that_break_repr_or_are_huge_do_not_break_the_run(tmp_path: Path) -> None:
    source = (
        "class Bad:\n    def __repr__(self):\n        raise RuntimeError('no')\n\n"
        "big = list(range(1_000_000))\nme = []\nme.append(me)\n"
        "t = (Bad(), big, me)\nprint(len(t))\n"
    )
    recording = record(tmp_path, source, "--stack-values")
    assert recording["exit"]["reason"] == "exited"
    assert recording["stdout"] == "3\n"
    seen = {entry["repr"] for step in recording["steps"] for entry in step["stack"] or ()}
    assert "<repr failed: RuntimeError>" in seen
    assert "[[...]]" in seen
    longest = max(len(text) for text in seen if text is not None)
    assert longest <= 80
    assert any(text and text.startswith("[0, 1, 2, ") and text.endswith("…") for text in seen)


def test_without_the_flag_the_json_is_unchanged(tmp_path: Path) -> None:
    recording = record(tmp_path, "x = 1\n")
    assert "stack_values" not in recording
    assert all(set(step) == {"code", "offset", "line", "frames"} for step in recording["steps"])


def test_where_the_frames_cannot_be_read_every_step_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Python newer than the layouts (simulated in the child by a sitecustomize that
    forgets this version's): no values, the reason once, the run itself unchanged."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\nfrom tui_exec.core import value_stack\n"
        "value_stack.LAYOUTS.pop(sys.version_info[:2])\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(site))
    recording = record(tmp_path, "x = 1\nprint(x)\n", "--stack-values")
    major, minor = sys.version_info[:2]
    assert recording["stack_values"] == {
        "recorded": False,
        "why": f"Python {major}.{minor} is newer than tui-exec's frame layouts",
    }
    assert recording["stdout"] == "1\n"
    assert recording["steps"] and all(step["stack"] is None for step in recording["steps"])


def test_the_text_recording_shows_each_steps_stack(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("x = 5\ny = 10\nprint(x + y)\n")
    done = subprocess.run(
        [sys.executable, "-m", "tui_exec", "run", str(program), "--stack-values"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert re.search(r"BINARY_OP, line 3  \[.*\| 5 \| 10\]", done.stdout), done.stdout


def test_a_value_changed_in_place_is_shown_as_it_is_now(tmp_path: Path) -> None:
    """The list a comprehension fills grows on the stack; a list loaded before a call
    that appends to it shows the item appended (the stack holds the object, not a copy)."""
    source = "squares = [i * i for i in range(4)]\nxs = [1]\nprint(xs, xs.append(2))\n"
    recording = record(tmp_path, source, "--stack-values")
    stacks = [texts(step["stack"]) for step in recording["steps"]]
    shown = {text for stack in stacks for text in stack}
    assert {"[0, 1, 4]", "[0, 1, 4, 9]"} <= shown
    call = [stack for stack in stacks if "None" in stack and "[1, 2]" in stack]
    assert call, "print's arguments: the list, appended to, then append's None"
    assert not any("None" in stack and "[1]" in stack for stack in stacks)


def test_a_value_recorder_that_cannot_start_leaves_the_run_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "from tui_exec.core import value_stack\n"
        "def broken(*args):\n    raise MemoryError('simulated')\n"
        "value_stack.ValueRecorder.__init__ = broken\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(site))
    recording = record(tmp_path, "x = 1\nprint(x)\n", "--stack-values")
    assert recording["stack_values"] == {
        "recorded": False,
        "why": "the value recorder could not start (MemoryError: simulated)",
    }
    assert recording["stdout"] == "1\n"
    assert recording["exit"]["reason"] == "exited"


@pytest.mark.parametrize("demo", ["fibonacci.py", "comprehensions.py", "exceptions.py"])
def test_stacks_known_without_reading_are_the_stacks_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: str
) -> None:
    """After a jump, an instruction that only pops or a constant pushed (3.11-3.13), the
    recorder derives the next stack
    instead of reading it: the same stacks as reading them all (the derivation turned off
    in the child by a sitecustomize), at every step."""
    source = (Path(__file__).parent.parent / "demo_scripts" / demo).read_text()
    derived = record(tmp_path, source, "--stack-values")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "from tui_exec.core import value_stack\n"
        "value_stack._known_after = lambda code, tagged: {}\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(site))
    read = record(tmp_path, source, "--stack-values")

    def shown(recording: dict[str, Any]) -> list[Any]:
        address = re.compile(r"0x[0-9a-f]+")
        return [
            None if step["stack"] is None else [address.sub("0x?", str(e)) for e in step["stack"]]
            for step in recording["steps"]
        ]

    assert len(derived["steps"]) > 50
    assert shown(derived) == shown(read)
