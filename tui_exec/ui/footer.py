"""A Footer that rebuilds its keys only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

_Shown = tuple[tuple[str, str, str, bool], ...]


class KeyFooter(Footer):
    """Textual's Footer, minus the rebuild on every focus change.

    The Footer recomposes its key widgets whenever the active bindings change, which includes
    every move of focus. The keys it shows here are the app's, the same in every pane, so each
    move between panes cost four extra frames (about 250 ms at 200x50) to draw the same keys.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: _Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus:  # otherwise the Footer does not redraw: keep no record
            shown = tuple(
                (binding.key, binding.action, binding.description, enabled)
                for _, binding, enabled, _ in screen.active_bindings.values()
                if binding.show
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
