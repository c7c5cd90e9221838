"""``tui-exec run``: its JSON against an independent tracer written here, its exit status.

The tracer below shares no code with tui-exec: it runs the program as ``__main__`` in a
fresh interpreter and notes, for every instruction of the program's own code objects (a
frame's RESUME when it starts or resumes included), the code object, the offset, the
program's frames around it, the innermost frame's variables with their values, and how many
attributes each instance of the program's own classes has. ``tui-exec run --format json``
must say the same, at every step: its snapshots are taken where the state changes, and the
one in force at a step must be the state the tracer saw just before that step.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

TRACER = r"""
import json, re, sys, types
path, out = sys.argv[1], sys.argv[2]
events = []
address = re.compile(r"0x[0-9a-f]+")

def frames_of(frame):
    chain = []
    while frame is not None:
        if frame.f_code.co_filename == path:
            chain.append([frame.f_code.co_qualname, frame.f_code.co_firstlineno])
        frame = frame.f_back
    return chain[::-1]

def cut(text):  # the README: reprs truncated to 80 characters
    return text if len(text) <= 80 else text[:79] + "\u2026"

def note(frame, offset):
    variables = {
        name: value
        for name, value in frame.f_locals.items()
        if not (name.startswith("__") and name.endswith("__"))
    }
    shown = {name: address.sub("0x?", cut(repr(value))) for name, value in variables.items()}
    attributes = {
        name: len(vars(value))
        for name, value in variables.items()
        if type(value).__module__ == "__main__" and hasattr(value, "__dict__")
        and not isinstance(value, (type, types.FunctionType))
    }
    events.append([frames_of(frame), offset, shown, attributes])

code = compile(open(path, "rb").read(), path, "exec", dont_inherit=True)
module = types.ModuleType("__main__")
module.__dict__.update({"__file__": path, "__builtins__": __builtins__})
sys.modules["__main__"] = module
if sys.version_info >= (3, 12):
    mon = sys.monitoring
    mon.use_tool_id(mon.PROFILER_ID, "test-tracer")
    def on_instruction(c, offset):
        if c.co_filename == path:
            note(sys._getframe(1), offset)
    # A frame's RESUME is no INSTRUCTION event: it runs as the frame starts or resumes.
    events_ = mon.events
    for event in (events_.INSTRUCTION, events_.PY_START, events_.PY_RESUME):
        mon.register_callback(mon.PROFILER_ID, event, on_instruction)
    mon.set_events(mon.PROFILER_ID, events_.INSTRUCTION | events_.PY_START | events_.PY_RESUME)
    stop = lambda: mon.set_events(mon.PROFILER_ID, 0)
else:
    def local(frame, event, arg):
        if event == "opcode":
            note(frame, frame.f_lasti)
        return local
    def global_(frame, event, arg):
        if frame.f_code.co_filename == path:
            frame.f_trace = local
            frame.f_trace_opcodes = True
            note(frame, frame.f_lasti)  # its RESUME, which no opcode event reports
            return local
        return None
    sys._getframe().f_trace_opcodes = True
    sys.settrace(global_)
    stop = lambda: sys.settrace(None)
try:
    exec(code, module.__dict__)
except BaseException:
    pass
finally:
    stop()
    with open(out, "w") as handle:
        json.dump(events, handle)
"""

ADDRESS = re.compile(r"0x[0-9a-f]+")

PROGRAMS = {
    "recursion": "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n\n"
    "print(fact(4))\n",
    "generator": "def gen(n):\n    for i in range(n):\n        yield i * i\n\n"
    "total = 0\nfor v in gen(3):\n    total += v\n",
    "exception caught in a caller": "def bad(x):\n    return 1 / x\n\ndef safe():\n    try:\n"
    "        return bad(0)\n    except ZeroDivisionError:\n        return None\n\nsafe()\n",
    "try/finally with return": "def f():\n    try:\n        return 1\n    finally:\n"
    "        x = 2\n\nf()\n",
    "closure": "def outer():\n    n = 1\n    def inner():\n        return n + 1\n"
    "    return inner()\n\nouter()\n",
    "lambda from sorted": "words = ['bb', 'a', 'ccc']\nsorted(words, key=lambda w: len(w))\n",
    "with block": "import contextlib\nwith contextlib.nullcontext(5) as v:\n    w = v + 1\n",
    "break and continue": "for i in range(6):\n    if i == 1:\n        continue\n"
    "    if i == 4:\n        break\n",
    "decorator": "def deco(f):\n    def wrapper(*a):\n        return f(*a) * 2\n"
    "    return wrapper\n\n@deco\ndef g(x):\n    return x\n\ng(3)\n",
    "uncaught exception": "def f():\n    raise KeyError('k')\n\nf()\n",
    "statements on one line": "a = 1; b = a + 1; c = b * 2\nprint(a, b, c)\n",
    "a loop on one line": "total = 0\nfor i in range(3): total += i\nprint(total)\n",
    "attribute stores": "class P:\n    def __init__(self, name):\n        self.name = name\n"
    "        self.size = len(name)\n\np = P('ab')\np.extra = [1]\n",
    "walrus": "if (n := 10) > 5: m = n * 2\nitems = [1, 2]\n"
    "while (k := len(items)) < 4: items.append(k)\n",
    "a list filled in place": "xs = []\nfor i in range(3): xs.append(i * i)\nys = xs; ys[0] = 9\n",
}


def tui_exec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_exec", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_recording_matches_an_independent_tracer(tmp_path: Path, name: str) -> None:
    program = tmp_path / "prog.py"
    program.write_text(PROGRAMS[name])
    traced = tmp_path / "traced.json"
    tracer = tmp_path / "tracer.py"
    tracer.write_text(TRACER)
    subprocess.run(
        [sys.executable, str(tracer), str(program), str(traced)],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    expected = json.loads(traced.read_text())

    result = tui_exec("run", str(program), "--format", "json")
    recording = json.loads(result.stdout)
    names = {c["id"]: [c["qualname"], c["firstlineno"]] for c in recording["code_objects"]}
    steps = recording["steps"]
    ours = [[[names[f] for f in step["frames"]], step["offset"]] for step in steps]
    assert ours == [[frames, offset] for frames, offset, _, _ in expected]
    for step in steps:
        assert step["frames"][-1] == step["code"]
    # At every step, the snapshot in force holds the variables of the frame about to run it,
    # with the values they have just before it runs, and its objects' attributes.
    snapshots = {snapshot["step"]: snapshot for snapshot in recording["snapshots"]}
    snapshot = snapshots[0]
    for number, (_, _, variables, attributes) in enumerate(expected):
        snapshot = snapshots.get(number, snapshot)
        shown = {name: ADDRESS.sub("0x?", text) for name, text in snapshot["locals"].items()}
        assert shown == variables, (number, steps[number])
        sizes = {name: entry["size"] for entry in snapshot["objects"] for name in entry["names"]}
        for name, count in attributes.items():
            assert sizes[name] == count, (number, name)
    lines = {
        (c["id"], ins["offset"]) for c in recording["code_objects"] for ins in c["instructions"]
    }
    assert all((s["code"], s["offset"]) in lines for s in steps)


def test_exit_reason_status_and_output(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n")
    result = tui_exec("run", str(program), "--format", "json")
    assert result.returncode == 3
    recording = json.loads(result.stdout)
    assert recording["exit"]["reason"] == "exited" and recording["exit"]["status"] == 3
    assert recording["stdout"] == "out\n" and recording["stderr"] == "err\n"
    assert isinstance(recording["exit"]["seconds"], float)
    assert recording["python"] == ".".join(map(str, sys.version_info[:3]))

    program.write_text("raise ValueError('no')\n")
    result = tui_exec("run", str(program), "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["exit"]["reason"] == "exception"

    program.write_text("while True:\n    pass\n")
    result = tui_exec("run", str(program), "--format", "json", "--step-limit", "500")
    recording = json.loads(result.stdout)
    assert recording["exit"]["reason"] == "step-limit" and len(recording["steps"]) >= 500


def test_arguments_stdin_and_a_bad_path(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("import sys\nprint(sys.argv[1:], input())\n")
    given = tmp_path / "in.txt"
    given.write_text("typed\n")
    result = tui_exec("run", str(program), "--stdin", str(given), "--", "a", "b")
    assert result.returncode == 0
    assert "['a', 'b'] typed" in result.stdout  # the text format shows the output
    missing = tui_exec("run", str(tmp_path / "missing.py"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_snapshots_name_the_objects_the_variables_share(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("a = [1, 'two']\nb = a\nd = {'list': a, 'n': None}\ndone = 1\n")
    recording = json.loads(tui_exec("run", str(program), "--format", "json").stdout)
    last = recording["snapshots"][-1]
    assert last["locals"]["a"] == last["locals"]["b"] == "[1, 'two']"
    objects = {tuple(info["names"]): info for info in last["objects"]}
    shared, table = objects[("a", "b")], objects[("d",)]
    assert shared["type"] == "list" and shared["size"] == 2 and shared["text"] == "[1, 'two']"
    assert shared["items"] == [
        {"label": None, "value": "1", "ref": None},
        {"label": None, "value": "'two'", "ref": None},
    ]
    assert table["items"] == [
        {"label": "'list'", "value": None, "ref": shared["id"]},
        {"label": "'n'", "value": "None", "ref": None},
    ]
    assert isinstance(shared["id"], int)


def test_snapshots_name_the_callers_variables_bound_to_the_same_object(tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("def grow(xs):\n    xs.append(2)\n\nitems = [1]\ngrow(items)\n")
    recording = json.loads(tui_exec("run", str(program), "--format", "json").stdout)
    grow = next(c["id"] for c in recording["code_objects"] if c["qualname"] == "grow")
    module = next(c["id"] for c in recording["code_objects"] if c["qualname"] == "<module>")
    in_grow = [s for s in recording["snapshots"] if set(s["locals"]) == {"xs"}]
    assert in_grow and grow != module
    for snapshot in in_grow:
        (info,) = snapshot["objects"]
        assert info["names"] == ["xs"]
        assert info["callers"] == [{"code": module, "name": "items"}]


def test_a_program_that_did_not_exit_has_no_status_and_a_documented_exit_code(
    tmp_path: Path,
) -> None:
    """Issue 21 o: a time limit exited 241 with "status": 241, SIGKILL exited 1 silently."""
    program = tmp_path / "loop.py"
    program.write_text("while True:\n    pass\n")
    result = tui_exec("run", str(program), "--format", "json", "--time-limit", "0.5")
    assert result.returncode == 124  # as the shell's `timeout` says
    exit = json.loads(result.stdout)["exit"]
    assert (exit["reason"], exit["status"]) == ("time-limit", None)
    assert "loop.py: ended after the 0.5 s time limit (exit status 124)" in result.stderr

    killed = tmp_path / "killed.py"
    killed.write_text("import os, signal\nprint('bye')\nos.kill(os.getpid(), signal.SIGKILL)\n")
    result = tui_exec("run", str(killed), "--format", "json")
    assert result.returncode == 128 + 9  # 137, as a shell says
    exit = json.loads(result.stdout)["exit"]
    assert (exit["reason"], exit["status"]) == ("signal", None)
    assert "killed.py: killed by SIGKILL (exit status 137)" in result.stderr

    result = tui_exec("run", str(program), "--step-limit", "300")
    assert result.returncode == 124 and "exit status 124" in result.stderr

    exited = tmp_path / "exited.py"
    exited.write_text("import sys\nsys.exit(5)\n")
    result = tui_exec("run", str(exited))
    assert result.returncode == 5 and result.stderr == ""


def test_run_help_lists_every_exit_status_and_the_output_limit_unit() -> None:
    """Issue 21 o and s: --help documents the exit statuses; the output limit is in bytes
    (the README says 1 MB), not in characters."""
    shown = " ".join(tui_exec("run", "--help").stdout.split())
    for status in ("124", "126", "128+N", "137 for SIGKILL", "1 an uncaught exception"):
        assert status in shown
    assert "--output-limit BYTES" in shown and "1 MB" in shown and "CHARS" not in shown
    assert "--output-limit BYTES" in " ".join(tui_exec("--help").stdout.split())


def test_the_output_limit_counts_bytes(tmp_path: Path) -> None:
    """Issue 21 s: 'é' is two bytes in UTF-8, so a limit of 10 keeps five of them."""
    program = tmp_path / "accents.py"
    program.write_text("print('é' * 10)\n")
    result = tui_exec("run", str(program), "--format", "json", "--output-limit", "10")
    assert json.loads(result.stdout)["stdout"].startswith("ééééé\n")


def test_a_step_limit_run_records_exactly_the_limit(tmp_path: Path) -> None:
    """Issue 21 n: 'ended at the limit of 2,000,000 recorded steps · 2,015,232 steps
    recorded': the recorder checks the limit once per chunk, so it ran past it."""
    program = tmp_path / "loop.py"
    program.write_text("while True:\n    pass\n")
    result = tui_exec("run", str(program), "--format", "json", "--step-limit", "500")
    recording = json.loads(result.stdout)
    assert recording["exit"]["reason"] == "step-limit" and len(recording["steps"]) == 500
    assert all(snapshot["step"] < 500 for snapshot in recording["snapshots"])
    text = tui_exec("run", str(program), "--step-limit", "500").stdout.splitlines()
    assert "limit of 500 recorded steps" in text[0] and "· 500 steps recorded" in text[0]
    assert text[-1].lstrip().startswith("499:")


@pytest.mark.parametrize(
    "source",
    [
        "def f(:\n    pass\n",
        "x = (\n",
        "print(1)\n\tif True:\n",
        'x = "\\N{nope}"\n',
        "print('a')\nreturn 5\n",
    ],
)
def test_a_program_that_does_not_compile_shows_what_python_prints(
    tmp_path: Path, source: str
) -> None:
    """Issue 21 t: F5 (and `run`) on a syntax error said only "there is nothing to run"."""
    program = tmp_path / "broken.py"
    program.write_text(source)
    python = subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, timeout=60
    )
    assert python.returncode == 1 and "Error: " in python.stderr
    result = tui_exec("run", str(program), "--format", "json")
    assert result.returncode == 1
    recording = json.loads(result.stdout)
    assert recording["stderr"] == python.stderr and recording["stdout"] == ""
    assert recording["exit"]["status"] is None and recording["steps"] == []
    assert result.stderr == f"tui-exec: {program}: the program does not compile (exit status 1)\n"


def test_a_small_output_limit_keeps_the_whole_notice(tmp_path: Path) -> None:
    """With --output-limit 10 the notice was cut: '[tui-exec: output limit reach'."""
    program = tmp_path / "talk.py"
    program.write_text("print('x' * 100)\n")
    result = tui_exec("run", str(program), "--format", "json", "--output-limit", "10")
    stdout = json.loads(result.stdout)["stdout"]
    assert stdout.startswith("x" * 10) and stdout.rstrip().endswith("was dropped]")
