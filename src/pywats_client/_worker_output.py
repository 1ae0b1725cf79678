"""A conversion worker's standard output and error, kept out of the service's pipes.

Workers inherit the service's descriptors 1 and 2. Under a supervisor that stops reading them,
a converter's `print()` would block the worker until the per-file timeout quarantines a good
file. In a worker, `sys.stdout` and `sys.stderr` are a `JobOutput` instead: what a converter
prints goes to the current job's conversion log (bounded), and between jobs nowhere.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["JobOutput"]

#: What one job's printed output may add to its log; the rest is counted, not kept.
MAX_LOG_BYTES = 1024 * 1024


class JobOutput(io.TextIOBase):
    """A text stream whose complete lines are appended to the current job's log lines."""

    def __init__(self) -> None:
        super().__init__()
        self._lines: list[str] | None = None
        self._partial = ""
        self._kept = 0
        self._dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._lines is None:
            return len(text)
        *complete, self._partial = (self._partial + text).split("\n")
        for line in complete:
            if self._kept + len(line) > MAX_LOG_BYTES:
                self._dropped += 1
                continue
            self._kept += len(line)
            self._lines.append(line)
        return len(text)

    @contextmanager
    def into(self, lines: list[str]) -> Iterator[None]:
        """Append what is printed inside the block to `lines`."""
        self._lines, self._partial, self._kept, self._dropped = lines, "", 0, 0
        try:
            yield
        finally:
            if self._partial:
                lines.append(self._partial)
            if self._dropped:
                lines.append(f"({self._dropped} more printed line(s) not kept)")
            self._lines = None
