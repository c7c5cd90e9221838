"""The panes, one module each; :data:`PANES` is the registry the app is built from.

Adding a pane: write its module (a widget that is a :class:`StageView`, and a
:class:`PaneSpec`), then add its spec here. Order is focus order and layout order.
"""

from ...core import Analysis
from .ast_tree import PANE as AST
from .ast_tree import AstPane
from .base import LinePane
from .bytecode import PANE as BYTECODE
from .bytecode import BytecodePane
from .explain import PANE as EXPLAIN
from .pyc import PANE as PYC
from .pyc import PycPane
from .run import OUTPUT_PANE, RUN_PANE, OutputPane, RunPane
from .source import PANE as SOURCE
from .source import SourcePane
from .stage import PaneSpec, StageView
from .tokens import PANE as TOKENS
from .tokens import TokensPane

PANES: tuple[PaneSpec, ...] = (
    SOURCE,
    TOKENS,
    AST,
    BYTECODE,
    RUN_PANE,
    OUTPUT_PANE,
    PYC,
    EXPLAIN,
)

__all__ = [
    "PANES",
    "AstPane",
    "BytecodePane",
    "LinePane",
    "OutputPane",
    "PaneSpec",
    "PycPane",
    "RunPane",
    "SourcePane",
    "StageView",
    "TokensPane",
    "layout_panes",
]


def layout_panes(analysis: Analysis) -> dict[str, object]:
    """Every pane's layout of ``analysis``, by pane name (pure: runs in the analysis worker)."""
    return {spec.name: spec.view.layout_rows(analysis) for spec in PANES}
