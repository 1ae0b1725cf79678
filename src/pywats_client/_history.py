"""Past errors with their time, kept apart from the current state.

The status shows what is wrong *now*; an error that has ended moves to this history, so an
operator can still see what happened during the night without it looking current.
"""

from __future__ import annotations

import collections

from pywats._clock import SYSTEM_CLOCK, Clock
from pywats_client._control_models import PastError

__all__ = ["ErrorHistory", "PastError"]


class ErrorHistory:
    """The last `size` errors, newest first. A source repeating its current error (every
    retry of an outage) is one entry with a count, not one entry per attempt."""

    def __init__(self, size: int = 50, clock: Clock = SYSTEM_CLOCK) -> None:
        self._entries: collections.deque[PastError] = collections.deque(maxlen=size)
        self._current: dict[str, tuple[str, PastError]] = {}
        self._clock = clock

    def record(self, source: str, error: str, *, same_as: str | None = None) -> None:
        """`source` fails with `error` now. `same_as` is what makes two errors the same one
        (the text without what changes per attempt); the text itself by default."""
        key, now = same_as if same_as is not None else error, self._clock.time()
        current = self._current.get(source)
        if current is not None and current[0] == key:
            current[1].count += 1
            current[1].last = now
            return
        entry = PastError(at=now, last=now, source=source, error=error)
        self._current[source] = (key, entry)
        self._entries.appendleft(entry)

    def resolved(self, source: str) -> None:
        """`source` works again: its next error is a new entry even if the text is the same."""
        self._current.pop(source, None)

    def entries(self) -> list[PastError]:
        """Newest first (copies: the history goes on counting)."""
        return [entry.model_copy() for entry in self._entries]
