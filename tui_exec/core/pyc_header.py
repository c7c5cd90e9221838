"""A .pyc file's header and magic number: who wrote it, and whether this Python may read it.

Kept apart from :mod:`.pyc` (which builds and maps whole files, from an analysis) so that the
analysis can refuse a foreign .pyc before unmarshalling anything without importing that.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

HEADER_SIZE = 16
FLAG_HASH_BASED, FLAG_CHECK_SOURCE = 1, 2
MAGIC = importlib.util.MAGIC_NUMBER
"""The running interpreter's magic: the only one whose code objects may be loaded."""

# Magic numbers by the version that writes them, from the list CPython keeps in
# importlib/_bootstrap_external.py (to 3.13) and Include/internal/pycore_magic_number.h (3.14,
# 3.15). A release uses the last number of its range; the others were written by its alphas and
# betas. From 3.14 each version has a block of 50 (3.14: 3600-3649, 3.15: 3650-3699), so a
# later bug-fix release that changes its bytecode stays in its block; 3.16 starts at 3700.
_MAGIC_RANGES = (
    (20121, 20121, "1.5"),
    (50428, 50428, "1.6"),
    (50823, 50823, "2.0"),
    (60202, 60202, "2.1"),
    (60717, 60717, "2.2"),
    (62011, 62021, "2.3"),
    (62041, 62061, "2.4"),
    (62071, 62131, "2.5"),
    (62151, 62161, "2.6"),
    (62171, 62211, "2.7"),
    (3000, 3131, "3.0"),
    (3141, 3151, "3.1"),
    (3160, 3180, "3.2"),
    (3190, 3230, "3.3"),
    (3250, 3310, "3.4"),
    (3320, 3351, "3.5"),
    (3360, 3379, "3.6"),
    (3390, 3394, "3.7"),
    (3400, 3413, "3.8"),
    (3420, 3425, "3.9"),
    (3430, 3439, "3.10"),
    (3450, 3495, "3.11"),
    (3500, 3531, "3.12"),
    (3550, 3571, "3.13"),
    (3600, 3649, "3.14"),
    (3650, 3699, "3.15"),
)
_NEWER, _NEWER_NAME = 3700, "3.16 or later"


class PycError(ValueError):
    """Bytes that are not a .pyc this interpreter may read; the message is one line for people."""


def is_python_magic(magic: bytes) -> bool:
    """Whether ``magic`` has the shape of a .pyc magic: two bytes of number, then CR LF."""
    return len(magic) == 4 and magic[2:] == b"\r\n"


def magic_version(magic: bytes) -> str | None:
    """Which Python writes ``magic`` ('3.12', '3.16 or later'); None if no release does."""
    if not is_python_magic(magic):
        return None
    number = int.from_bytes(magic[:2], "little")
    for first, last, version in _MAGIC_RANGES:
        if first <= number <= last:
            return version
    if _NEWER <= number < 20000:
        return _NEWER_NAME
    return None  # mutation: equivalent (falling off the end returns None too)


def describe_magic(magic: bytes) -> str:
    """Who wrote a file with this magic, for people: 'Python 3.12 (magic 3531)'."""
    number = int.from_bytes(magic[:2], "little")
    version = magic_version(magic)
    if version is None:
        return f"an unknown Python version (magic {number})"
    return f"Python {version} (magic {number})"


@dataclass(frozen=True, slots=True)
class Header:
    """The 16-byte header (PEP 552): magic, flags, then mtime and size or a source hash."""

    magic: bytes
    flags: int
    mtime: int | None
    """Source modification time in seconds (low 32 bits), for timestamp-based files."""
    source_size: int | None
    """Source size in bytes (low 32 bits), for timestamp-based files."""
    source_hash: bytes | None
    """``importlib.util.source_hash`` of the source, for hash-based files."""

    @property
    def magic_number(self) -> int:
        return int.from_bytes(self.magic[:2], "little")

    @property
    def python(self) -> str | None:
        """The Python version that writes this magic."""
        return magic_version(self.magic)

    @property
    def invalidation(self) -> str:
        """How the import system decides the file is stale."""
        if not self.flags & FLAG_HASH_BASED:
            return "timestamp"
        return "checked hash" if self.flags & FLAG_CHECK_SOURCE else "unchecked hash"


def read_header(data: bytes) -> Header:
    """The header of ``data``; PycError if it is too short or has no Python magic."""
    if len(data) < HEADER_SIZE or not is_python_magic(data[:4]):
        raise PycError("not a .pyc file: it does not start with a Python magic number")
    flags = int.from_bytes(data[4:8], "little")
    if flags & FLAG_HASH_BASED:
        return Header(data[:4], flags, None, None, data[8:16])
    mtime = int.from_bytes(data[8:12], "little")
    size = int.from_bytes(data[12:16], "little")
    return Header(data[:4], flags, mtime, size, None)


def check_loadable(data: bytes) -> Header:
    """The header, if the running interpreter may read the code objects after it.

    A code object of another version can crash the interpreter, so its bytes are never
    unmarshalled: the refusal names the version instead.
    """
    header = read_header(data)
    if header.magic != MAGIC:
        raise PycError(
            f"made by {describe_magic(header.magic)}; this is {describe_magic(MAGIC)}, "
            "which reads only its own .pyc files"
        )
    return header
