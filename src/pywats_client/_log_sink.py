"""Log sinks that never block the caller: a bounded queue and one writer thread per sink.

A sink that stops taking lines (a supervisor that no longer reads the service's stderr, a hung
disk) stalls only its own thread; the pipeline's log calls go on at queue speed, and once the
queue is full further lines for that sink are dropped and counted instead of waited for.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import weakref
from typing import IO

__all__ = ["QUEUE_LINES", "QueuedSink", "console_handler", "dropped_lines", "queued_lines"]

#: Lines one sink may hold while it is slow: ~10 MB of log at most.
QUEUE_LINES = 10_000

_dropped = 0
_dropped_lock = threading.Lock()
_sinks: weakref.WeakSet[QueuedSink] = weakref.WeakSet()


def dropped_lines() -> int:
    """Lines dropped by every sink of this process because their queue was full."""
    return _dropped


def queued_lines() -> int:
    """Lines waiting in every sink of this process for a slow destination."""
    return sum(sink.queued for sink in list(_sinks))


def _count_drop() -> None:
    global _dropped
    with _dropped_lock:
        _dropped += 1


class _RawStream:
    """Text written straight to a file descriptor with `os.write`: no buffer, so no lock that
    a write blocked on a full pipe would hold (the interpreter's exit flushes `sys.stderr`'s
    buffer, and would wait on such a lock forever)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> None:
        view = memoryview(text.encode("utf-8", "backslashreplace"))
        while view:
            view = view[os.write(self.fd, view) :]

    def flush(self) -> None:
        pass


def console_handler(stream: IO[str]) -> logging.Handler:
    """A handler writing to `stream` (standard error) through its file descriptor."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (an IDE, a test capture)
        return logging.StreamHandler(stream)
    return logging.StreamHandler(_RawStream(fd))


class QueuedSink(logging.Handler):
    """Hands records to `target` on a daemon thread through a queue of `capacity` records.

    `emit` never waits: the message is rendered in the caller (its arguments may change later)
    and put on the queue, or counted in `dropped_lines()` when the queue is full."""

    def __init__(self, target: logging.Handler, capacity: int = QUEUE_LINES) -> None:
        super().__init__()
        self.target = target
        self._queue: queue.Queue[logging.LogRecord | None] = queue.Queue(capacity)
        self._thread = threading.Thread(
            target=self._write, name=f"log-sink-{type(target).__name__}", daemon=True
        )
        self._thread.start()
        _sinks.add(self)

    @property
    def queued(self) -> int:
        """Records waiting for the sink."""
        return self._queue.qsize()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            record.msg = record.getMessage()
            record.args = None
        except Exception:  # a broken format string is the caller's bug; keep the raw message
            record.args = None
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            _count_drop()

    def _write(self) -> None:
        # This thread is the target's only writer, so it calls `emit` without the handler's
        # lock: a write blocked forever must not block `logging.shutdown`, which takes it.
        while (record := self._queue.get()) is not None:
            try:
                if self.target.filter(record):
                    self.target.emit(record)
            except Exception:  # the sink failed: this line is lost, the next one is tried
                _count_drop()
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def flush(self, within: float = 5.0) -> None:
        """Wait up to `within` seconds for the queue to drain, then flush the sink."""
        deadline = time.monotonic() + within
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        if not self._queue.unfinished_tasks:
            self.target.flush()

    def close(self) -> None:
        """Write what is queued (for up to 5 s; a blocked sink is left to its daemon thread)."""
        self.flush()
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            pass
        else:
            self._thread.join(1.0)
        if not self._thread.is_alive():
            self.target.close()
        super().close()
