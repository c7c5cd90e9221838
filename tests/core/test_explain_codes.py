"""Every code object the compiler makes on its own has words: what it is for."""

from __future__ import annotations

import sys

import pytest

from tui_exec.core import analyze
from tui_exec.core.explain.codes import code_object_role, role_names

EVERY_KIND = (
    "x: int = 1\n"
    "f = lambda v: v\n"
    "g = (v for v in [1])\n"
    "l = [v for v in [1]]\n"
    "s = {v for v in [1]}\n"
    "d = {v: v for v in [1]}\n"
    "def h(a: int) -> None:\n    pass\n"
    "class C:\n    y: str\n"
)


def test_every_name_the_compiler_gives_has_words() -> None:
    """The names in angle brackets (and ``__annotate__``, 3.14+) this Python compiles."""
    analysis = analyze(EVERY_KIND.encode())
    made = {c.name for c in analysis.code_objects if c.name.startswith("<")}
    made |= {c.name for c in analysis.code_objects if c.name == "__annotate__"}
    assert "<module>" in made and "<lambda>" in made and "<genexpr>" in made
    assert ("__annotate__" in made) == (sys.version_info >= (3, 14))
    assert ("<listcomp>" in made) == (sys.version_info < (3, 12))  # inlined from 3.12
    for name in made:
        assert code_object_role(name), name
    assert code_object_role("h") is None and code_object_role("C") is None
    assert made <= role_names()


@pytest.mark.skipif(sys.version_info < (3, 14), reason="deferred annotations are new in 3.14")
async def test_the_explain_pane_says_what_an_annotate_function_is() -> None:
    from tests.ui.helpers import app_for, ready
    from tests.ui.test_explain_pane import shown

    app = app_for(EVERY_KIND)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert app.analysis is not None
        await pilot.press("8")
        annotate = next(c for c in app.analysis.code_objects if c.name == "__annotate__")
        app.select("code", annotate.id)
        await pilot.pause()
        text = " ".join(shown(app).split())
        assert "only when they are first asked for (reading __annotations__)" in text
