"""A Python newer than the code: names its hand-written tables lack never crash anything.

The tables of what CPython does not expose (how many entries an opcode pops and pushes, the
words for opcodes, nodes, token types and cache fields) are emptied of common names, and one
instruction is given a name no interpreter has; then ``dump``, ``explain``, a recorded run and
every pane of the app must still work, saying plainly what they have no words for.
"""

from __future__ import annotations

import dis
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import app_for, ready, wait_until
from tests.ui.test_explain_pane import shown
from tui_exec.cli import main
from tui_exec.core import analyze, stack
from tui_exec.core import bytecode as bytecode_module
from tui_exec.core.explain import caches, nodes, opcodes, tokens

DEMOS = Path(__file__).parent.parent / "demo_scripts"
FORGOTTEN = (
    "BINARY_OP",
    "CALL",
    "LOAD_CONST",
    "LOAD_SMALL_INT",
    "LOAD_NAME",
    "STORE_NAME",
    "PUSH_NULL",
    "RETURN_VALUE",
    "GET_ITER",
    "FOR_ITER",
    "END_FOR",
    "POP_ITER",
    "POP_TOP",
)
NO_WORDS = re.compile(r"no\s+words")
UNSEEN = "MULTIPLY_BY_MAGIC"
"""No interpreter has this opname: it stands in for 3.16's first new instruction."""


@pytest.fixture
def newer_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tables without the names above, and every ``*`` compiled to an unseen opname."""

    def without(table: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
        return {name: value for name, value in table.items() if name not in names}

    monkeypatch.setattr(stack, "_TABLE", without(stack._TABLE, FORGOTTEN))
    monkeypatch.setattr(stack, "_KEEPS", without(stack._KEEPS, FORGOTTEN))
    monkeypatch.setattr(opcodes, "_GENERIC", without(opcodes._GENERIC, FORGOTTEN))
    monkeypatch.setattr(nodes, "NODES", without(nodes.NODES, ("BinOp", "Assign", "Call")))
    monkeypatch.setattr(tokens, "_BY_TYPE", without(tokens._BY_TYPE, ("NUMBER", "NEWLINE")))
    monkeypatch.setattr(tokens, "_TYPE_TEXTS", without(tokens._TYPE_TEXTS, ("NUMBER", "NEWLINE")))
    monkeypatch.setattr(caches, "_FIELD_WORDS", without(caches._FIELD_WORDS, ("counter",)))

    real = dis.get_instructions

    def renamed(code: Any, **kwargs: Any) -> Iterator[dis.Instruction]:
        for ins in real(code, **kwargs):
            multiply = ins.opname == "BINARY_OP" and ins.argrepr == "*"
            yield ins._replace(opname=UNSEEN) if multiply else ins

    monkeypatch.setattr(bytecode_module.dis, "get_instructions", renamed)
    stack._recent.clear()  # stacks cached from the real tables
    yield
    stack._recent.clear()


PROGRAM = "def area(w, h):\n    return w * h\n\nfor n in range(3):\n    print(area(n, 2) + 1)\n"


def test_the_analysis_and_its_stacks(newer_python: None) -> None:
    analysis = analyze(PROGRAM.encode())
    assert not analysis.errors
    unseen = [i for i in analysis.instructions if i.opname == UNSEEN]
    assert len(unseen) == 1
    for ins in analysis.instructions:
        before = stack.stack_before(analysis, ins.id)
        assert before is not None or ins.opname in ("JUMP_BACKWARD", "NOP")
    # What the net effect cannot say, the instruction that made the entries labels them.
    area = analysis.code_objects[1]
    returned = [
        i for i in area.instruction_ids if analysis.instructions[i].opname == "RETURN_VALUE"
    ]
    before_return = stack.stack_before(analysis, returned[0])
    assert before_return is not None and len(before_return) >= 1


def test_dump_and_explain_exit_0(
    newer_python: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "area.py"
    path.write_text(PROGRAM)
    for form in ("json", "text"):
        assert main(["dump", str(path), "--format", form]) == 0
    dumped = json.loads(capsys.readouterr().out.split("\n", 1)[0])
    assert UNSEEN in {i["opname"] for i in dumped["code_objects"][1]["instructions"]}
    assert main(["explain", "BINARY_OP"]) == 0
    assert NO_WORDS.search(capsys.readouterr().out)
    assert main(["explain", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert NO_WORDS.search(every["opcodes"]["LOAD_NAME"])
    assert NO_WORDS.search(every["nodes"]["BinOp"])
    assert NO_WORDS.search(every["tokens"]["NUMBER"])


async def test_every_pane_shows_and_a_run_steps_through_it(newer_python: None) -> None:
    app = app_for(PROGRAM)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        await pilot.press("8", "7")  # the Explain and .pyc panes too
        for name in ("source", "tokens", "ast", "bytecode", "pyc"):
            view = app.panels[name].view
            assert view.display and view.region.height > 0, name
        unseen = next(i for i in app.analysis.instructions if i.opname == UNSEEN)
        app.select("instruction", unseen.id)
        await pilot.pause()
        words = shown(app)
        assert f"Instruction {UNSEEN}" in words and f"no words for {UNSEEN} yet" in words
        assert "value stack before: w | h" in words
        for node in app.analysis.nodes:  # every node explained, known or not
            app.select("node", node.id)
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.timeline is not None)
        assert app.timeline is not None and app.timeline.result.stdout == "1\n3\n5\n"
        app.run_pane.focus()
        for _ in range(app.timeline.count):
            await pilot.press("right")
        assert app.run_pane.step == app.timeline.count - 1
