"""The objects a recorded state's variables refer to: who refers to what, decoded on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

ObjectsField = tuple[tuple[Any, ...], ...]
"""A state record's ``objects`` as recorded, (refs, entries, held): see
:class:`trace.ObjectGraph`."""


class Item(NamedTuple):
    """One item of a container: a plain value shown inline, or another object."""

    label: str | None
    """A dict key's repr or an attribute's name; None for a list's, tuple's or set's item."""
    text: str
    """The inline repr (empty when the item is an object)."""
    ref: int | None
    """The id of the object the item refers to (None when it is shown inline)."""


class ObjectInfo(NamedTuple):
    """One object reached from the variables."""

    id: int
    """``id()`` of the object in the run."""
    type: str
    text: str | None
    """Its repr, cut at the recorder's limits (ending with ``…``); None when not recorded
    (a container below the variables' level: its items say what it holds; or an object
    past the depth limit)."""
    size: int
    """``len()`` of a container (or its attribute count), -1 for other objects."""
    items: tuple[Item, ...] | None
    """Its first items; None when it is not a container or is past the depth limit."""
    names: tuple[str, ...]
    """The variables bound to it."""
    callers: tuple[tuple[int, str], ...] = ()
    """Variables of the calling frames bound to it, as (code id, name), innermost caller
    first: the list a function changes is the caller's list too."""

    @property
    def items_cut(self) -> bool:
        """Whether it has more items than were recorded."""
        return self.items is not None and self.size > len(self.items)

    @property
    def text_cut(self) -> bool:
        """Whether the repr was cut (the whole value was longer)."""
        return self.text is not None and self.text.endswith("…")


class Variable(NamedTuple):
    """A variable of the frame: its value inline, or the object it refers to."""

    name: str
    text: str
    """The value's repr, cut to a line."""
    type: str
    """The value's type name."""
    ref: int | None
    """The id of its object; None for a plain value shown inline (a number, a short
    string, None, True...)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A frame's variables and the objects they refer to, shallowly."""

    variables: tuple[Variable, ...]
    objects: dict[int, ObjectInfo]
    """By id, in the order they were reached (the variables' own objects first)."""

    def numbers(self) -> dict[int, int]:
        """Object id → a short number from 1, in the order the objects were reached (ids
        are long and mean nothing to a learner; the numbers name objects in one state)."""
        return {key: number for number, key in enumerate(self.objects, 1)}

    def aliases(self) -> dict[int, tuple[str, ...]]:
        """Object id → the names bound to it, for objects two or more names share."""
        return {key: info.names for key, info in self.objects.items() if len(info.names) > 1}


def snapshot(locals_: tuple[tuple[str, str], ...], objects: ObjectsField | tuple[()]) -> Snapshot:
    """Decode a state record's ``locals`` and ``objects`` (``()`` when every value is
    shown inline)."""
    if not objects:
        return Snapshot(
            tuple(Variable(name, text, inline_type(text), None) for name, text in locals_), {}
        )
    refs, entries, *rest = objects
    held: dict[int, list[tuple[int, str]]] = {}
    for code, pairs in rest[0] if rest else ():
        for name, key in pairs:
            held.setdefault(key, []).append((code, name))
    names: dict[int, list[str]] = {}
    for (name, _), ref in zip(locals_, refs, strict=True):
        if ref is not None:
            names.setdefault(ref, []).append(name)
    found: dict[int, ObjectInfo] = {}
    for key, kind, text, size, raw_items in entries:
        items = None
        if raw_items is not None:
            items = tuple(
                Item(label, value, None) if isinstance(value, str) else Item(label, "", value)
                for label, value in raw_items
            )
        found[key] = ObjectInfo(
            key, kind, text, size, items, tuple(names.get(key, ())), tuple(held.get(key, ()))
        )
    variables = []
    for (name, text), ref in zip(locals_, refs, strict=True):
        if ref is None:
            variables.append(Variable(name, text, inline_type(text), None))
        else:
            info = found.get(ref)
            variables.append(Variable(name, text, info.type if info else "", ref))
    return Snapshot(tuple(variables), found)


def inline_type(text: str) -> str:
    """The type of a value shown inline, from its repr: the recorder shows only exact
    ints, floats, complex numbers, bools, None, strings and bytes so."""
    if text in ("True", "False"):
        return "bool"
    if text == "None":
        return "NoneType"
    if text[:1] in ("'", '"'):
        return "str"
    if text[:2] in ("b'", 'b"'):
        return "bytes"
    if text.endswith("j"):
        return "complex"
    if text.lstrip("-").isdigit():
        return "int"
    return "float"
