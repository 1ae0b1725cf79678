"""Teradyne CTRD import/export text (Spectrum ICT data) as a stream of top-level records.

The format is a sequence of keyword-tagged parenthesised records, `(KEYWORD: value-or-records…)`,
whose values are bare tokens (`PASS`, `C:\\TP\\start.bat`), double-quoted strings or nested
records. Each top-level record (`PROGRAM_NAME`, `SECTION_NAME`, `STEP`, `USER` …) is parsed into
a small tree and handed on as soon as its closing parenthesis is read, so memory stays bounded by
the largest record, never by the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["Node", "RecordError", "top_records"]

# The format nests five levels deep; a bound keeps a damaged file from recursing without end.
_MAX_DEPTH = 64
# Leading white space is skipped; bare text runs to the next parenthesis or quote.
_TOKEN = re.compile(r'\s*(?:\(\s*([A-Za-z_][\w?]*)\s*:|(\))|"([^"]*)"|([^()"\s][^()"]*))')


class RecordError(ValueError):
    """The text breaks the record syntax at `line`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Node:
    """One record: its keyword, the line it starts on, its text (bare tokens trimmed, quoted
    strings verbatim, joined by a space) and its nested records in file order."""

    key: str
    line: int
    parts: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def child(self, key: str) -> Node | None:
        """The first direct child called `key`."""
        return next((c for c in self.children if c.key == key), None)

    def index(self) -> dict[str, Node]:
        """The first record of each keyword below this one (depth first, file order)."""
        first: dict[str, Node] = {}
        todo = list(reversed(self.children))
        while todo:
            node = todo.pop()
            first.setdefault(node.key, node)
            todo.extend(reversed(node.children))
        return first


def top_records(lines: Iterator[tuple[int, str]]) -> Iterator[Node]:
    """Each top-level record of `lines` (numbered text lines), complete with its subtree.

    A quoted string may run over several lines (they are joined by a space). Raises RecordError
    for text outside records, a `)` without a record, a `(` without a keyword, and a file that
    ends inside a record or a string.
    """
    stack: list[Node] = []
    pending = ""
    start = 0
    for number, line in lines:
        if pending:
            line = f"{pending} {line}"
        else:
            start = number
        if line.count('"') % 2:
            pending = line
            continue
        pending = ""
        pos = 0
        for match in _TOKEN.finditer(line):
            if match.start() != pos:
                break
            pos = match.end()
            kind = match.lastindex
            if kind == 1:
                if len(stack) == _MAX_DEPTH:
                    raise RecordError(f"records nested deeper than {_MAX_DEPTH} levels", start)
                stack.append(Node(match[1], start))
            elif kind == 2:
                if not stack:
                    raise RecordError("')' closes no open record", start)
                node = stack.pop()
                if stack:
                    stack[-1].children.append(node)
                else:
                    yield node
            elif not stack:
                what = "a quoted text" if kind == 3 else f"text {match[4].strip()[:20]!r}"
                raise RecordError(f"{what} outside any record", start)
            else:
                stack[-1].parts.append(match[3] if kind == 3 else match[4].strip())
        rest = line[pos:]
        if rest.strip():
            raise RecordError(f"expected '(KEYWORD:' or a value, got {rest.strip()[:20]!r}", start)
    if pending:
        raise RecordError("the file ends inside a quoted text", start)
    if stack:
        raise RecordError(
            f"the file ends inside the ({stack[0].key}: record (a ')' is missing)", stack[0].line
        )
