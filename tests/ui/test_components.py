"""The app is composed of features, not built as a tower of them (issue 22, section 3)."""

from __future__ import annotations

from tests.ui.helpers import app_for, ready
from tui_exec.ui.app import TuiExecApp
from tui_exec.ui.explorer import Explorer
from tui_exec.ui.feature import Feature


def test_no_feature_inherits_from_another_and_the_app_is_not_one() -> None:
    own = [cls for cls in TuiExecApp.__mro__ if cls.__module__.startswith("tui_exec")]
    assert own == [TuiExecApp, Explorer]
    features = Feature.__subclasses__()
    assert {cls.NAME for cls in features} == {
        "navigation",
        "running",
        "watching",
        "editing",
        "touring",
        "comparing",
        "exporting",
    }
    for cls in features:
        assert cls.__bases__ == (Feature,) and not cls.__subclasses__(), cls


async def test_every_command_of_a_feature_reaches_an_action_of_that_feature() -> None:
    app = app_for(b"x = 1\nprint(x)\n")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        commands = [command for command in app.app_commands() if command.feature is not None]
        assert len(commands) >= 20
        for command in commands:
            feature = app.components[command.feature]
            assert command in type(feature).COMMANDS, command.id
            assert callable(getattr(feature, f"action_{command.action_name}")), command.id
            # The footer asks the feature through the app whether the command applies.
            answer = app.check_action("feature", (command.feature, command.action))
            assert answer in (True, False, None), command.id


async def test_each_feature_is_mounted_once_and_never_shown() -> None:
    app = app_for(b"x = 1\n")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        mounted = list(app.query(Feature))
        assert sorted(f.NAME for f in mounted) == sorted(app.components)
        assert all(not f.display for f in mounted)
