"""tui-exec: see every stage of CPython running one file."""

__version__ = "0.1.0"
