"""One pane per stage: source, tokens, AST, bytecode."""

from .base import LinePane
from .bytecode import BytecodePane
from .source import SourcePane
from .syntax import AstPane
from .tokens import TokensPane

__all__ = ["AstPane", "BytecodePane", "LinePane", "SourcePane", "TokensPane"]
