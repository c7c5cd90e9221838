"""``python -m tui_exec``."""

from .cli import entry

entry()
