"""A recorded state's variables and the objects they refer to, as text: the Run pane's
"Objects" section (aliasing at a glance) and the screen that shows every value in full."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...core.objects import ObjectInfo, Snapshot
from ...core.recorded_stacks import StackValue
from ...core.trace import REPR_LIMIT

StackItem = tuple[str | None, StackValue]
"""One value on CPython's stack as recorded, with what produced it (the static stack's
label, e.g. ``x + y``; None when there is none)."""

REFERENCE_STYLE = "bold cyan"
_CONTAINERS = frozenset({"list", "tuple", "dict", "set", "frozenset"})


def reference(number: int | None) -> str:
    """How a reference to an object reads: ``→#2`` (``→?`` for one past the recorded)."""
    return f"→#{number}" if number is not None else "→?"


def variable_value(snapshot: Snapshot, index: int, numbers: dict[int, int]) -> Text:
    """A variable's value for the locals table: its object's number first when it has one,
    so two names bound to one object show the same number."""
    variable = snapshot.variables[index]
    text = Text(no_wrap=True, overflow="ellipsis")
    if variable.ref is not None:
        text.append(reference(numbers.get(variable.ref)), style=REFERENCE_STYLE)
        text.append(" ")
    text.append(variable.text)
    return text


def shown_objects(snapshot: Snapshot) -> list[ObjectInfo]:
    """The objects worth a line in the Run pane: containers and instances (what mutates)
    and anything two names share; functions, classes and modules are left to ``v``."""
    return [
        info
        for info in snapshot.objects.values()
        if info.items is not None or len(info.names) + len(info.callers) > 1
    ]


def object_heading(
    info: ObjectInfo, numbers: dict[int, int], qualnames: Sequence[str], *, with_id: bool
) -> Text:
    """``#1 list, 5 items ← xs, ys; a in <module>`` (and its id, where there is room)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"#{numbers[info.id]} {info.type}", style="bold")
    if info.size >= 0:
        noun = "item" if info.type in _CONTAINERS else "attribute"
        text.append(f", {info.size:,} {noun}{'' if info.size == 1 else 's'}")
    if info.names or info.callers:
        text.append(" ←")
    if info.names:
        text.append(" ")
        text.append(", ".join(info.names), style="bold")
    for code, names in _by_frame(info.callers):
        if text.plain[-1] != "←":
            text.append(";")
        frame = qualnames[code] if code < len(qualnames) else "?"
        text.append(f" {', '.join(names)} in {frame}")
    if with_id:
        text.append(f"  id {info.id:#x}", style="dim")
    return text


def _by_frame(callers: tuple[tuple[int, str], ...]) -> list[tuple[int, list[str]]]:
    """The callers' names grouped by frame, innermost caller first."""
    frames: dict[int, list[str]] = {}
    for code, name in callers:
        frames.setdefault(code, []).append(name)
    return list(frames.items())


def object_items(info: ObjectInfo, numbers: dict[int, int]) -> Text:
    """The items recorded, shallowly: inline values, and other objects by number."""
    text = Text()
    if info.items is None:
        text.append(
            "(its items are deeper than the recording goes)"
            if info.size >= 0
            else (info.text or "(not recorded)"),
            style="italic",
        )
        return text
    if not info.items:
        text.append("(empty)", style="italic")
        return text
    for i, (label, value, ref) in enumerate(info.items):
        if i:
            text.append(", ")
        if label is not None:
            text.append(f"{label}: " if info.type == "dict" else f"{label}=")
        if ref is not None:
            text.append(reference(numbers.get(ref)), style=REFERENCE_STYLE)
        else:
            text.append(value)
    if info.items_cut:
        text.append(f", … {info.size - len(info.items):,} more", style="italic")
    return text


def objects_section(snapshot: Snapshot, qualnames: Sequence[str]) -> list[RenderableType]:
    """The Run pane's lines for the objects: a heading and items per object."""
    numbers = snapshot.numbers()
    shown = shown_objects(snapshot)
    if not shown:
        return []
    parts: list[RenderableType] = [Text("Objects  (v: every value in full)", style="bold")]
    for info in shown:
        parts.append(object_heading(info, numbers, qualnames, with_id=False))
        items = object_items(info, numbers)
        items.pad_left(3)
        items.no_wrap, items.overflow = True, "ellipsis"
        parts.append(items)
    return parts


def stack_section(stack: Sequence[StackItem] | None, note: str = "") -> list[RenderableType]:
    """The values on CPython's stack (given bottom first), listed top first: what produced
    each, its type and its repr as recorded; when there are none, ``note`` says why (no
    section when there is nothing to say)."""
    if stack is None:
        if not note:
            return []
        return [
            Text("Value stack", style="bold underline"),
            Text(f"not recorded: {note}", style="italic"),
        ]
    count = len(stack)
    heading = Text("Value stack", style="bold underline")
    heading.append(
        f"  top first, {count:,} entr{'y' if count == 1 else 'ies'}" if stack else "  empty",
        style="dim",
    )
    parts: list[RenderableType] = [heading]
    for position, (label, value) in enumerate(reversed(stack)):
        line = Text()
        line.append(label if label is not None else "(no label)", style="bold")
        if value.repr is None:
            line.append("  NULL", style="dim")
        elif value.type:
            line.append(f"  {value.type}", style="dim")
        if position == 0:
            line.append("  ← top", style="dim")
        parts.append(line)
        if value.repr is None:
            shown = Text("NULL (a slot with no object in it)", style="italic")
        else:
            shown = Text(value.repr)
            if value.repr.endswith("…"):
                cut = f"  (cut: the recorder keeps the first {REPR_LIMIT} characters)"
                shown.append(cut, style="italic")
        shown.pad_left(4)
        parts.append(shown)
    return parts


def values_text(
    snapshot: Snapshot,
    where: str,
    qualnames: Sequence[str],
    *,
    stack: Sequence[StackItem] | None = None,
    stack_note: str = "",
) -> RenderableType:
    """Every variable with its type and its value as recorded in full, then the values on
    CPython's stack (:func:`stack_section`), then every object reached with its id, the
    names bound to it and its items."""
    numbers = snapshot.numbers()
    parts: list[RenderableType] = [Text(where, style="bold")]
    if not snapshot.variables:
        parts.append(Text("(no variables)", style="italic"))
    for variable in snapshot.variables:
        line = Text()
        line.append(variable.name, style="bold")
        if variable.type:
            line.append(f"  {variable.type}", style="dim")
        if variable.ref is not None:
            line.append("  ")
            line.append(reference(numbers.get(variable.ref)), style=REFERENCE_STYLE)
        parts.append(line)
        info = snapshot.objects.get(variable.ref) if variable.ref is not None else None
        value = Text(info.text if info is not None and info.text else variable.text)
        if info is not None and info.text_cut:
            value.append("  (cut: the recording keeps the first characters)", style="italic")
        value.pad_left(4)
        parts.append(value)
    section = stack_section(stack, stack_note)
    if section:
        parts.append(Text(""))
        parts.extend(section)
    if snapshot.objects:
        parts.append(Text(""))
        parts.append(Text("Objects", style="bold underline"))
        for info in snapshot.objects.values():
            parts.append(object_heading(info, numbers, qualnames, with_id=True))
            items = object_items(info, numbers)
            items.pad_left(4)
            parts.append(items)
    return Group(*parts)


class ValuesScreen(ModalScreen[None]):
    """One recorded state's values in full: what the Run pane has to cut to a line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "dismiss", "Close", id="values.close"),
    ]

    def __init__(
        self,
        snapshot: Snapshot,
        where: str,
        qualnames: Sequence[str],
        *,
        stack: Sequence[StackItem] | None = None,
        stack_note: str = "",
    ) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.where = where
        self.qualnames = qualnames
        self.stack = stack
        """The values on CPython's stack at the step, bottom first (None: not recorded)."""
        self.stack_note = stack_note
        """Why there are none, when there are none."""

    def compose(self) -> ComposeResult:
        with Vertical(id="values-box"):
            yield Label("Values in full  (Esc or v closes, arrows scroll)", id="values-title")
            with VerticalScroll():
                text = values_text(
                    self.snapshot,
                    self.where,
                    self.qualnames,
                    stack=self.stack,
                    stack_note=self.stack_note,
                )
                yield Static(text, id="values-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
