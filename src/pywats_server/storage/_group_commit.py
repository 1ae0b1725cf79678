"""Group commit: writes that arrive while another is in progress share its next transaction.

Reports saved together share the index leaves they dirty (the newest end of each index) and one
fsync of the WAL, so a transaction of several costs much less than one for each. Callers never
wait for company: a caller that finds no write in progress writes at once; callers that arrive
meanwhile queue, and when the write ends the first of them writes everything queued (up to a
limit) in one go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

T = TypeVar("T")


@dataclass(eq=False)
class _Pending(Generic[T]):
    item: T
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    written: bool = False
    error: Exception | None = None


class GroupCommit(Generic[T]):
    """Calls `write_many` with the items of concurrent `write` calls, at most `limit` at a time.

    `write` returns once its item is written, or raises what writing it raised. When a shared
    write fails, each of its items is written again alone, so one bad item fails only its caller.
    """

    def __init__(self, write_many: Callable[[Sequence[T]], None], limit: int) -> None:
        self._write_many = write_many
        self._limit = limit
        self._lock = threading.Lock()
        self._queue: list[_Pending[T]] = []
        self._busy = False  # a caller is writing; then the queue holds the callers waiting

    def write(self, item: T) -> None:
        pending = _Pending(item)
        with self._lock:
            self._queue.append(pending)
            if not self._busy:
                self._busy = pending.leads = True
        while not pending.written:
            if pending.leads:
                self._lead()
            else:
                pending.woken.wait()
        if pending.error is not None:
            raise pending.error

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue[: self._limit], self._queue[self._limit :]
        try:
            self._write(batch)
        except BaseException as exc:  # interrupted: no other caller may take its item as written
            for pending in batch:
                pending.error = pending.error or RuntimeError(f"not written: interrupted ({exc!r})")
            raise
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].woken.set()
                else:
                    self._busy = False
            for pending in batch:
                pending.written = True
                pending.woken.set()

    def _write(self, batch: list[_Pending[T]]) -> None:
        try:
            self._write_many([pending.item for pending in batch])
            return
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
        for pending in batch:
            try:
                self._write_many([pending.item])
            except Exception as exc:
                pending.error = exc
