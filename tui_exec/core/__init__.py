"""The analysis core: standard library only, no UI imports, any CPython >= 3.11."""

from .analysis import STAGES, Analysis, StageError, analyze, analyze_pyc, preview
from .bytecode import CodeObject, Instruction
from .index import EMPTY_LINKS, Links, SpanIndex
from .source import Source, decode
from .span import Span
from .syntax import Node
from .tokens import Token

__all__ = [
    "EMPTY_LINKS",
    "STAGES",
    "Analysis",
    "CodeObject",
    "Instruction",
    "Links",
    "Node",
    "Source",
    "Span",
    "SpanIndex",
    "StageError",
    "Token",
    "analyze",
    "analyze_pyc",
    "decode",
    "preview",
]
