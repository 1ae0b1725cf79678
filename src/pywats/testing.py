"""Test doubles for code that uses pyWATS: a scripted transport and a fake clock.

clock = FakeClock()
transport = ScriptedTransport(httpx.Response(503), httpx.Response(200, json="2025.3.9.824"))
with WATS(base_url="http://wats.test", token="t", transport=transport,
          clock=clock) as client:
    assert client.get_version() == "2025.3.9.824"
assert len(transport.requests) == 2 and len(clock.sleeps) == 1
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Awaitable, Callable

import httpx

__all__ = ["FakeClock", "Reply", "ScriptedTransport"]

Reply = (
    httpx.Response
    | Exception
    | Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
)


class ScriptedTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers requests from a queue of replies, in order; works for `WATS` and `AsyncWATS`.

    A reply is an `httpx.Response`, an exception to raise (e.g. `httpx.ConnectError("reset")`)
    or a function of the request returning a response (a coroutine function too, for the async
    client). Every request is kept in `requests`. Running out of replies raises `RuntimeError`
    naming the unexpected request.
    """

    def __init__(self, *replies: Reply) -> None:
        self._replies: deque[Reply] = deque(replies)
        self.requests: list[httpx.Request] = []

    def add(self, *replies: Reply) -> None:
        """Queue more replies."""
        self._replies.extend(replies)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        answer = self._answer(request)
        if inspect.isawaitable(answer):
            if inspect.iscoroutine(answer):
                answer.close()  # never awaited: close it so no warning outlives the error
            raise TypeError("an async reply function cannot answer the synchronous client")
        return answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        answer = self._answer(request)
        return await answer if inspect.isawaitable(answer) else answer

    def _answer(self, request: httpx.Request) -> httpx.Response | Awaitable[httpx.Response]:
        self.requests.append(request)
        if not self._replies:
            raise RuntimeError(
                f"ScriptedTransport has no reply left for request #{len(self.requests)}: "
                f"{request.method} {request.url}"
            )
        reply = self._replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)


class FakeClock:
    """A clock that moves only when told, recording the waits: pass it as `clock=`.

    `monotonic()` starts at 0; `time()` (Unix seconds, used for `Retry-After` dates) starts at
    `wall_start`. Every sleep is recorded in `sleeps` and advances both.
    """

    def __init__(self, *, wall_start: float = 1_800_000_000.0) -> None:
        self._elapsed = 0.0
        self._wall_start = wall_start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._elapsed

    def time(self) -> float:
        return self._wall_start + self._elapsed

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a sleep."""
        self._elapsed += seconds

    def sleep(self, seconds: float) -> None:
        """Record and skip a synchronous wait."""
        self.sleeps.append(seconds)
        self._elapsed += seconds

    async def async_sleep(self, seconds: float) -> None:
        """Record and skip an asynchronous wait."""
        self.sleep(seconds)
