"""StagePanel: the bordered box around one pane, titled, with room for a message instead."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from .panes.stage import PaneSpec, StageView, TitleChanged

# What a panel's title adds in each state (see the editing mixin).
_STATE_NOTES = {
    "-editing": "editing · F2 to read",
    "-unsaved": "edited, not saved",
    "-stale": "out of date",
}


class StagePanel(Vertical):
    """A bordered box for one stage: its view, and a message shown instead when it has none."""

    ALLOW_MAXIMIZE = True

    def __init__(self, spec: PaneSpec) -> None:
        super().__init__(id=spec.name, classes="-idle" if spec.after_run else None)
        self.set_class(spec.hidden, "-hidden")
        self.spec = spec
        self.view = spec.make_view()
        self.border_title = f"{spec.key} {spec.title}"

    @property
    def stage(self) -> StageView[object]:
        """The view, as the app talks to it."""
        view = self.view
        assert isinstance(view, StageView)
        return view

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.id}-message", classes="stage-message")
        self.view.add_class("stage-view")
        yield self.view

    def show_message(self, message: str | Text | None, *, error: bool = False) -> None:
        """Show ``message`` instead of the view (None shows the view); ``error`` colours it."""
        label = self.query_one(".stage-message", Static)
        label.update(message or "")
        self.set_class(message is not None, "-message")
        self.set_class(error, "-error")

    def on_title_changed(self, message: TitleChanged) -> None:
        message.stop()
        self.retitle()

    def retitle(self) -> None:
        """Title the border: key, name, and what the view adds (counts, the view shown)."""
        details = [self.stage.title_detail()]
        details += [note for state, note in _STATE_NOTES.items() if self.has_class(state)]
        self.border_title = " · ".join(
            [f"{self.spec.key} {self.spec.title}", *filter(None, details)]
        )

    @property
    def shown(self) -> bool:
        """Whether the panel is on screen (not hidden, not waiting for a run)."""
        return not (self.has_class("-hidden") or self.has_class("-idle"))


def panel_of(widget: Widget | None) -> StagePanel | None:
    """The panel that holds ``widget`` (e.g. the focused one), if any."""
    while widget is not None and not isinstance(widget, StagePanel):
        parent = widget.parent
        widget = parent if isinstance(parent, Widget) else None
    return widget


def activate(panels: Iterable[StagePanel], panel: StagePanel) -> None:
    """Make ``panel`` the active one of ``panels`` (the one shown as focused, and at 80x24
    the one given the room)."""
    if not panel.has_class("-active"):
        for other in panels:
            other.set_class(other is panel, "-active")
