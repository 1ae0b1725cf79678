"""What guards the credential check: a failure budget per client with exponential backoff, and a
bounded pool for the password hash, so floods of wrong credentials cost bounded CPU and memory;
and the reader of remembered tokens' revocation, which the requests arriving together share.

The check itself (a scrypt hash, the same cost for unknown users) lives in `storage.users`.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

import anyio
import anyio.to_thread

__all__ = ["FailureBudget", "HashPool", "HashPoolFull", "SharedReads"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Failures:
    count: int
    last: float
    blocked_until: float


class FailureBudget:
    """Failed credential checks per client: `allowed` in a row are free; each further one blocks
    the client for `first_delay` seconds, doubled per failure up to `max_delay`.

    A verified success, or `forget_after` seconds without a failure, clears the client's count.
    At most `max_clients` are remembered (the least recently failing is dropped first), so a
    flood from many addresses cannot grow memory. `clock` is injectable for tests.
    """

    def __init__(
        self,
        allowed: int = 20,
        *,
        first_delay: float = 1.0,
        max_delay: float = 300.0,
        forget_after: float = 900.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allowed = allowed
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.forget_after = forget_after
        self.max_clients = max_clients
        self.clock = clock
        self._clients: OrderedDict[str, _Failures] = OrderedDict()

    def retry_after(self, client: str) -> int:
        """Whole seconds until `client` may try again; 0 when it may try now."""
        entry = self._current(client)
        if entry is None:
            return 0
        return max(0, math.ceil(entry.blocked_until - self.clock()))

    def failed(self, client: str) -> None:
        """Count one failed check of `client`; past the allowance it is blocked for a while."""
        now = self.clock()
        entry = self._current(client) or _Failures(0, now, now)
        entry.count += 1
        entry.last = now
        beyond = entry.count - self.allowed
        if beyond > 0:
            entry.blocked_until = now + min(self.first_delay * 2 ** (beyond - 1), self.max_delay)
        self._clients[client] = entry
        self._clients.move_to_end(client)
        while len(self._clients) > self.max_clients:
            self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        """A verified success: the client's failures are forgiven."""
        self._clients.pop(client, None)

    def _current(self, client: str) -> _Failures | None:
        entry = self._clients.get(client)
        if entry is not None and self.clock() - entry.last > self.forget_after:
            del self._clients[client]
            return None
        return entry


class HashPoolFull(Exception):
    """Every hash thread is busy and `max_waiting` checks already wait: answer 503."""


class HashPool:
    """Runs password hashes on at most `threads` threads with at most `max_waiting` checks
    queued; beyond that `run` raises HashPoolFull at once instead of holding the request."""

    def __init__(self, threads: int = 2, max_waiting: int = 32) -> None:
        self._limiter = anyio.CapacityLimiter(threads)
        self.max_waiting = max_waiting

    async def run(self, function: Callable[[str], T], argument: str) -> T:
        """`function(argument)` on a hash thread; raises HashPoolFull when the queue is full."""
        if self._limiter.statistics().tasks_waiting >= self.max_waiting:
            raise HashPoolFull
        return await anyio.to_thread.run_sync(function, argument, limiter=self._limiter)


class SharedReads(Generic[R]):
    """Runs `read(keys)` on a thread of its own for the keys of concurrent `get` calls: the calls
    made while a read runs wait for the next one, which reads all their keys at once.

    Every read starts after the calls it answers were made, so it sees what was committed before
    them (a token revoked before a request is refused on that request). Each request asking
    alone costs a thread hand-over and a query; under load, the requests of a burst share both.
    """

    def __init__(self, read: Callable[[Sequence[str]], list[R]]) -> None:
        self._read = read
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="pywats-reads")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[str, asyncio.Future[R]]] = []
        self._reading = False

    async def get(self, key: str) -> R:
        """`read([key])[0]`, read together with the keys of the calls waiting meanwhile."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new loop (a test client's): nothing of the old one waits
            self._loop, self._waiting, self._reading = loop, [], False
        answer: asyncio.Future[R] = loop.create_future()
        self._waiting.append((key, answer))
        if not self._reading:
            # At the end of this turn of the loop: the requests it starts join this read.
            self._reading = True
            loop.call_soon(self._start, loop)
        return await answer

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._waiting = self._waiting, []
        reading = self._thread.submit(self._read, [key for key, _ in batch])

        def done(reading: Future[list[R]]) -> None:
            if not loop.is_closed():  # else no one waits for the answer any more
                loop.call_soon_threadsafe(self._finish, loop, batch, reading)

        reading.add_done_callback(done)

    def _finish(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[tuple[str, asyncio.Future[R]]],
        reading: Future[list[R]],
    ) -> None:
        error = reading.exception()
        for index, (_, answer) in enumerate(batch):
            if answer.done():  # its request was cancelled
                continue
            if error is not None:
                answer.set_exception(error)
            else:
                answer.set_result(reading.result()[index])
        if loop is not self._loop:
            return
        self._reading = bool(self._waiting)
        if self._waiting:
            self._start(loop)
