"""Source text decoded exactly as CPython decodes it, and byte→character column conversion."""

from __future__ import annotations

import io
import re
import tokenize
from bisect import bisect_right
from dataclasses import dataclass, field

from .span import Span

# CPython ends a line at \n, \r\n or \r only; str.splitlines() also splits on \f, \x1c, \u2028...
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class DecodeProblem:
    """Why the bytes could not be decoded cleanly, and where."""

    type: str
    message: str
    span: Span | None


@dataclass(frozen=True, slots=True)
class Source:
    """The decoded program text, split into physical lines the way the compiler counts them."""

    text: str
    """The decoded text, BOM removed, line endings kept."""
    lines: tuple[str, ...]
    """Physical lines without their line endings."""
    line_starts: tuple[int, ...]
    """Character offset of each line's first character in ``text``; one extra entry at the end."""
    encoding: str
    """The codec that decoded the bytes ('utf-8' when given a str)."""
    has_bom: bool = False
    non_ascii_lines: frozenset[int] = frozenset()
    """1-based numbers of the lines whose byte and character columns differ."""
    _char_cols: dict[int, list[int]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, encoding: str = "utf-8", has_bom: bool = False) -> Source:
        """Split already decoded text into lines."""
        lines: list[str] = []
        starts: list[int] = [0]
        pos = 0
        for match in _LINE_END.finditer(text):
            lines.append(text[pos : match.start()])
            pos = match.end()
            starts.append(pos)
        if pos < len(text):
            lines.append(text[pos:])
            starts.append(len(text))
        non_ascii = (
            frozenset()
            if text.isascii()
            else frozenset(n for n, line in enumerate(lines, 1) if not line.isascii())
        )
        return cls(text, tuple(lines), tuple(starts), encoding, has_bom, non_ascii)

    @property
    def line_offsets(self) -> list[int]:
        """``line_offsets[line]`` is the offset of 1-based ``line`` (0 for line 0, sentinels
        past the end), for hot loops that cannot afford :meth:`offset`'s checks."""
        end = self.line_starts[-1]
        return [0, *self.line_starts, end, end]

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its ending; '' outside the file."""
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""

    def offset(self, line: int, col: int) -> int:
        """The absolute character offset of (line, col), clamped to the text."""
        if line < 1:
            return col if line == 0 else 0
        if line > len(self.lines):
            return self.line_starts[-1] + col
        return self.line_starts[line - 1] + col

    def char_col(self, line: int, byte_col: int) -> int:
        """Convert a UTF-8 byte column of ``line`` (as ast and co_positions give) to characters.

        The bytes are those of the *decoded* line re-encoded as UTF-8, whatever the file's
        encoding, so this never looks at the file's own bytes.
        """
        if line not in self.non_ascii_lines:
            return byte_col
        text = self.line_text(line)
        table = self._char_cols.get(line)
        if table is None:
            # table[b] = number of characters that start before byte b.
            table = []
            for index, char in enumerate(text):
                table.extend([index] * len(char.encode("utf-8", "surrogatepass")))
            table.append(len(text))
            self._char_cols[line] = table
        if byte_col < len(table):
            return table[byte_col]
        return len(text) + byte_col - (len(table) - 1)

    def span_from_bytes(self, line: int, byte_col: int, end_line: int, end_byte_col: int) -> Span:
        """A character span from a (line, byte col, end line, end byte col) position."""
        return Span(
            line,
            self.char_col(line, byte_col),
            end_line,
            self.char_col(end_line, end_byte_col),
        )


def decode(data: bytes) -> tuple[Source, DecodeProblem | None]:
    """Decode ``data`` as the interpreter would: BOM, PEP 263 cookie, else UTF-8.

    On failure the text is still returned so it can be shown, with every undecodable byte
    written as its escape (``\\xe9``), together with the problem and where it is. CPython
    reports each of these problems as a SyntaxError, and so do we, in its words where they
    help a reader (PEP 263's "Non-UTF-8 code starting with ...").
    """
    has_bom = data.startswith(b"\xef\xbb\xbf")
    cookie_line = _cookie_line(data)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        message = str(exc.msg or exc)
        if not message.startswith("invalid or missing encoding declaration"):
            # An unknown codec, or a cookie that contradicts the BOM.
            text = data.decode("utf-8", "backslashreplace").removeprefix("\ufeff")
            source = Source.from_text(text, "utf-8", has_bom)
            line = cookie_line or 1
            span = Span(line, 0, line, max(len(source.line_text(line)), 1))
            if message == "encoding problem: utf-8" and has_bom:
                message = "the file starts with a UTF-8 byte order mark but declares another codec"
            return source, DecodeProblem("SyntaxError", message, span)
        # No usable cookie and the first lines are not UTF-8: the general case below says where.
        encoding = "utf-8"
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, "backslashreplace").removeprefix("\ufeff")
        source = Source.from_text(text, codec, has_bom)
        span = _span_of_byte(data, exc.start, exc.end, encoding, source)
        bad = data[exc.start : exc.start + 1]
        if cookie_line:
            message = (
                f"byte 0x{bad.hex()} is not valid {codec}, the encoding declared on line "
                f"{cookie_line}"
            )
        else:
            message = (
                f"Non-UTF-8 code starting with '\\x{bad.hex()}' on line {span.start_line}, "
                "but no encoding declared (see PEP 263)"
            )
        return source, DecodeProblem("SyntaxError", message, span)
    source = Source.from_text(text, codec, has_bom)
    return source, null_byte_problem(source)


def null_byte_problem(source: Source) -> DecodeProblem | None:
    """CPython refuses source with a NUL byte (a binary file, usually): say where it is."""
    nul = source.text.find("\0")
    if nul < 0:
        return None
    line = bisect_right(source.line_starts, nul)
    col = nul - source.line_starts[line - 1]
    span = Span(line, col, line, col + 1)
    return DecodeProblem("SyntaxError", "source code cannot contain null bytes", span)


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


def _cookie_line(data: bytes) -> int:
    """The line (1 or 2) of a PEP 263 coding cookie, or 0 when there is none."""
    lines = re.split(rb"\r\n|\r|\n", data.removeprefix(b"\xef\xbb\xbf"), maxsplit=2)
    for number, line in enumerate(lines[:2], 1):
        if _COOKIE.match(line):
            return number
        if line.strip() and not line.lstrip().startswith(b"#"):
            break  # a cookie on line 2 counts only below a comment or blank line
    return 0


def _span_of_byte(data: bytes, start: int, end: int, encoding: str, source: Source) -> Span:
    """The span of the escapes that show the undecodable bytes ``data[start:end]``.

    Everything before ``start`` decoded, so its length in characters is the offset.
    """
    offset = len(data[:start].decode(encoding, "backslashreplace").removeprefix("\ufeff"))
    line = bisect_right(source.line_starts, offset)
    col = offset - source.line_starts[line - 1]
    return Span(line, col, line, col + 4 * (end - start))
