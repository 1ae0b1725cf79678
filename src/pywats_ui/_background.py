"""Work off the UI thread: run a callable on a thread pool, get its result back on the UI thread.

Every network request and disk read of the configurator goes through `Background.submit`, so the
event loop never waits on I/O. Results and errors are delivered by a queued signal to callbacks
that run on the thread that owns the `Background` (the UI thread).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["Background"]

T = TypeVar("T")


@dataclass(frozen=True)
class _Callbacks(Generic[T]):
    done: Callable[[T], None]
    failed: Callable[[Exception], None]


class _Job(QRunnable):
    def __init__(self, owner: Background, key: int, work: Callable[[], object]) -> None:
        super().__init__()
        self._owner = owner
        self._key = key
        self._work = work

    def run(self) -> None:
        try:
            outcome = (True, self._work())
        except Exception as exc:  # delivered to the caller's `failed` callback
            outcome = (False, exc)
        self._owner._hand_over(self._key, outcome)


class Background(QObject):
    """A small thread pool whose results come back as calls on the owner's thread.

    `busy` is the number of jobs submitted and not yet delivered.
    """

    # Only the job key crosses threads in the queued signal; the outcome is handed over in
    # `_outcomes` under a lock, so no Python object's lifetime rides on a signal argument.
    _finished = Signal(int)

    def __init__(self, parent: QObject | None = None, *, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._keys = itertools.count()
        self._pending: dict[int, _Callbacks[Any]] = {}
        self._outcomes: dict[int, tuple[bool, Any]] = {}
        self._lock = threading.Lock()
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> int:
        return len(self._pending)

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Run `work()` on the pool; then call `done(result)` or `failed(exception)` here."""
        key = next(self._keys)
        self._pending[key] = _Callbacks(done, failed)
        self._pool.start(_Job(self, key, work))

    def wait(self, msecs: int) -> bool:
        """Block until every running job has finished (used at exit); False on time-out."""
        return self._pool.waitForDone(msecs)

    def _hand_over(self, key: int, outcome: tuple[bool, Any]) -> None:
        with self._lock:
            self._outcomes[key] = outcome
        self._finished.emit(key)

    @Slot(int)
    def _deliver(self, key: int) -> None:
        with self._lock:
            ok, value = self._outcomes.pop(key)
        callbacks = self._pending.pop(key)
        if ok:
            callbacks.done(value)
        else:
            callbacks.failed(value)
