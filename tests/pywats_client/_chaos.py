"""A fault-injecting transport between the station and a real server.

It sits at the SDK's transport seam and wraps a real HTTP transport to a real server socket, so
everything that is not an injected fault is the real exchange. Faults apply to report POSTs,
one per request from `plan`, else `mode` for every request (an outage).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import anyio
import httpx

FAULTS = (
    "refused",
    "500",
    "502",
    "503",
    "429",
    "timeout_after_commit",
    "reset_mid_body",
    "slow_drip",
)


class _Drip(httpx.AsyncByteStream):
    """The real response body, a few bytes at a time."""

    def __init__(self, body: bytes, chunk: int = 8, pause: float = 0.01) -> None:
        self.body, self.chunk, self.pause = body, chunk, pause

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.body), self.chunk):
            await anyio.sleep(self.pause)
            yield self.body[start : start + self.chunk]


class ChaosTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.plan: list[str] = []
        self.mode: str | None = None
        self.attempts: list[tuple[float, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return await self.inner.handle_async_request(request)
        fault = self.plan.pop(0) if self.plan else self.mode
        self.attempts.append((time.monotonic(), fault or "ok"))
        if fault is None:
            return await self.inner.handle_async_request(request)
        if fault == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused (injected)", request=request)
        if fault.isdigit():
            headers = {"Retry-After": "1"} if fault == "429" else {}
            message = {"message": f"injected {fault}"}
            return httpx.Response(int(fault), json=message, headers=headers, request=request)
        response = await self.inner.handle_async_request(request)  # the server commits
        body = await response.aread()
        await response.aclose()
        if fault == "timeout_after_commit":
            raise httpx.ReadTimeout(
                "injected: no answer after the server committed", request=request
            )
        if fault == "reset_mid_body":
            raise httpx.RemoteProtocolError(
                "injected: peer closed connection without sending complete message body",
                request=request,
            )
        assert fault == "slow_drip", fault
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(
            response.status_code, headers=headers, stream=_Drip(body), request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
