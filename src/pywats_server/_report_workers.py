"""Where submitted reports are parsed and stored: a few threads of their own, so concurrent
large reports cannot multiply the memory one of them needs, and the heap a large one used is
handed back to the operating system afterwards instead of staying resident.

The threads are always the same ones: glibc gives each thread that allocates its own arena,
and a large report parsed on ever other threads of a shared pool leaves residue in each.
Blocks of 128 KiB and more (a body, its text, its big lists) are mapped on their own and
unmapped when freed: glibc would otherwise raise that threshold after the first large block is
freed, serve the next ones from the heap and keep them resident.

Storing a parsed report mostly waits: for the transaction that concurrent reports share
(`storage/_group_commit.py`) and for its commit. A small report is therefore parsed and stored
on a storing thread, many of which wait at once, so more reports share each commit (with storing
on the two parsing threads, at most two did); parsing it there too spares a second hand-over
between threads (each wakes a thread and the event loop, a tenth of a millisecond of CPU on a
busy machine). A large one is parsed and stored on a parsing thread, so large reports still
never wait side by side.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["ReportWorkers"]

T = TypeVar("T")
P = TypeVar("P")


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
_MMAP_THRESHOLD = 128 * 1024


@functools.cache
def _libc_function(name: str) -> Callable[..., int] | None:
    """A glibc function (`malloc_trim`, `mallopt`), or None on a C library without it."""
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(library), name, None)
    return function


@functools.cache
def _fix_mmap_threshold() -> None:
    """Keep large blocks mapped on their own for the life of the process (see above)."""
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


class ReportWorkers:
    """Runs report parsing and storing on threads of its own: a body of `store_apart_below`
    bytes or more on one of `threads`, a smaller one on one of `storing_threads`. After a body
    of `trim_above` bytes or more, freed heap is returned to the OS (glibc keeps it otherwise).
    `close` waits for the running ones and stops the threads."""

    def __init__(
        self,
        threads: int = 2,
        trim_above: int = 1024 * 1024,
        *,
        storing_threads: int = 8,
        store_apart_below: int = 256 * 1024,
    ) -> None:
        _fix_mmap_threshold()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="pywats-report")
        self._storing = ThreadPoolExecutor(storing_threads, thread_name_prefix="pywats-store")
        self.trim_above = trim_above
        self.store_apart_below = store_apart_below

    async def submit(self, parse: Callable[[], P], store: Callable[[P], T], body_size: int) -> T:
        """`store(parse())` on a storing thread for a body under `store_apart_below` bytes,
        else on a report thread."""
        if body_size >= self.store_apart_below:
            return await self.run(lambda: store(parse()), body_size)
        return await asyncio.get_running_loop().run_in_executor(
            self._storing, lambda: store(parse())
        )

    async def run(self, function: Callable[[], T], body_size: int) -> T:
        """`function()` on a report thread; waits while all of them are busy."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, function)
        finally:
            trim = _libc_function("malloc_trim")
            if body_size >= self.trim_above and trim is not None:
                trim(0)

    def close(self) -> None:
        """Wait for the reports in progress, then stop the threads."""
        self._executor.shutdown(wait=True)
        self._storing.shutdown(wait=True)
