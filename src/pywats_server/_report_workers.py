"""Where submitted reports are parsed and stored: a bounded number of threads, so concurrent
large reports cannot multiply the memory one of them needs, and the heap a large one used is
handed back to the operating system afterwards instead of staying resident."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

__all__ = ["ReportWorkers"]

T = TypeVar("T")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None on a C library without it."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    function: Callable[[int], int] | None = getattr(ctypes.CDLL(name), "malloc_trim", None)
    return function


class ReportWorkers:
    """Runs report parsing and storing on at most `threads` threads at once. After a body of
    `trim_above` bytes or more, freed heap is returned to the OS (glibc keeps it otherwise:
    a parsed 30 MB report leaves ~200 MB of free but resident heap behind)."""

    def __init__(self, threads: int = 2, trim_above: int = 1024 * 1024) -> None:
        self._limiter = anyio.CapacityLimiter(threads)
        self.trim_above = trim_above

    async def run(self, function: Callable[[], T], body_size: int) -> T:
        """`function()` on a report thread; waits while `threads` others run."""
        try:
            return await anyio.to_thread.run_sync(function, limiter=self._limiter)
        finally:
            trim = _malloc_trim()
            if body_size >= self.trim_above and trim is not None:
                trim(0)
