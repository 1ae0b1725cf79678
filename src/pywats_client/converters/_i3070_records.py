"""Keysight i3070 log records as a stream of events: a record opens with its prefix and fields,
subrecords open and close inside it, and it closes at its `}`.

Implements Agilent's "Log Record Format": `{` + prefix + fields, each field `|text`, a list
`\\<count>|item|item…`, or a literal `~<length>|<exactly length characters>` (which may hold
`|`, braces and line feeds), then subrecords, then `}`. Records nest across lines (`@BATCH` holds
every `@BTEST` of the file), so the reader keeps only the stack of open records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Close", "Open", "RecordError", "records"]

_PREFIX = re.compile(r"[^|\\~{}\s]*")
_PLAIN = re.compile(r"[^|\\~{}]*")
_COUNT = re.compile(r"\d{1,9}")


class RecordError(ValueError):
    """The text breaks the record grammar at `line`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Open:
    """A record begins: `prefix` (`@BTEST`), its fields in order (a list field is a tuple),
    the line it starts on and the prefix of the record it is nested in ('' at the top)."""

    prefix: str
    fields: tuple[str | tuple[str, ...], ...]
    line: int
    parent: str

    def text(self, index: int) -> str:
        """Field `index` (1-based, as Agilent numbers them) as text; '' when absent."""
        if index > len(self.fields):
            return ""
        value = self.fields[index - 1]
        return value if isinstance(value, str) else "|".join(value)


@dataclass(frozen=True)
class Close:
    """The record opened by `record` ends at `line`."""

    record: Open
    line: int


class _Cursor:
    """The current line and position; literals may pull following lines in."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self.lines = lines
        self.number = 0
        self.text = ""
        self.pos = 0

    def next_line(self) -> bool:
        for number, text in self.lines:
            self.number, self.text, self.pos = number, text, 0
            return True
        return False

    def take(self, length: int) -> str:
        """Exactly `length` characters, line feeds between lines included."""
        start = self.number
        parts = []
        while True:
            piece = self.text[self.pos : self.pos + length]
            parts.append(piece)
            self.pos += len(piece)
            length -= len(piece)
            if length == 0:
                return "".join(parts)
            parts.append("\n")
            length -= 1
            if not self.next_line():
                raise RecordError("the file ends inside a literal (~length|) field", start)
            if length == 0:
                return "".join(parts)


def _fields(cursor: _Cursor) -> tuple[str | tuple[str, ...], ...]:
    fields: list[str | tuple[str, ...]] = []
    text = cursor.text
    while cursor.pos < len(text):
        mark = text[cursor.pos]
        if mark == "|":
            match = _PLAIN.match(text, cursor.pos + 1)
            assert match is not None  # the pattern matches the empty string
            fields.append(match.group())
            cursor.pos = match.end()
        elif mark == "\\":
            count = _COUNT.match(text, cursor.pos + 1)
            if count is None:
                raise RecordError("expected an item count after '\\' (list field)", cursor.number)
            cursor.pos = count.end()
            items: list[str] = []
            for _ in range(int(count.group())):
                if text[cursor.pos : cursor.pos + 1] != "|":
                    raise RecordError(
                        f"the list field announces {count.group()} items but has {len(items)}",
                        cursor.number,
                    )
                item = _PLAIN.match(text, cursor.pos + 1)
                assert item is not None
                items.append(item.group())
                cursor.pos = item.end()
            fields.append(tuple(items))
        elif mark == "~":
            length = _COUNT.match(text, cursor.pos + 1)
            if length is None or text[length.end() : length.end() + 1] != "|":
                raise RecordError("expected '~<length>|' (literal field)", cursor.number)
            cursor.pos = length.end() + 1
            fields.append(cursor.take(int(length.group())))
            text = cursor.text
        else:
            break
    return tuple(fields)


def records(lines: Iterator[tuple[int, str]]) -> Iterator[Open | Close]:
    """The events of the records in `lines` (numbered text lines), in file order.

    Raises RecordError for text outside a record, a `}` without an open record, a broken field
    and a file that ends while records are still open.
    """
    cursor = _Cursor(lines)
    stack: list[Open] = []
    while cursor.next_line():
        text = cursor.text
        while cursor.pos < len(text):
            char = text[cursor.pos]
            if char == "{":
                prefix = _PREFIX.match(text, cursor.pos + 1)
                assert prefix is not None
                cursor.pos = prefix.end()
                start = cursor.number
                fields = _fields(cursor)
                text = cursor.text
                record = Open(prefix.group(), fields, start, stack[-1].prefix if stack else "")
                stack.append(record)
                yield record
            elif char == "}":
                if not stack:
                    raise RecordError("'}' closes no open record", cursor.number)
                cursor.pos += 1
                yield Close(stack.pop(), cursor.number)
            elif char.isspace():
                cursor.pos += 1
            else:
                raise RecordError(
                    f"expected '{{' (a record) or '}}', got {text[cursor.pos : cursor.pos + 20]!r}",
                    cursor.number,
                )
    if stack:
        raise RecordError(
            f"the file ends inside the {{{stack[-1].prefix} record (its closing '}}' is missing)",
            stack[-1].line,
        )
