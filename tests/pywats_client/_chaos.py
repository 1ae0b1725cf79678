"""A fault-injecting transport between the station and a real server.

It sits at the SDK's transport seam and wraps a real HTTP transport, so everything that is not
an injected fault is the real exchange. A fault is `refused` (the connection is refused) or an
HTTP status given as digits, answered without reaching the server. `mode` is an outage: it
applies to every request. `plan` lists faults for the next report POSTs, one each, before
`mode`. A POST whose body contains `poison` always has its connection reset.
Faults on the wire itself (resets, hangs, drips) are `_proxy.ChaosProxy`'s.
"""

from __future__ import annotations

import time

import httpx


class ChaosTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.plan: list[str] = []
        self.mode: str | None = None
        self.poison: bytes | None = None
        self.attempts: list[tuple[float, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            if self.mode is None:
                return await self.inner.handle_async_request(request)
            fault: str | None = self.mode
        elif self.poison is not None and self.poison in await request.aread():
            self.attempts.append((time.monotonic(), "poisoned"))
            raise httpx.ReadError("connection reset by peer (injected)", request=request)
        else:
            fault = self.plan.pop(0) if self.plan else self.mode
        self.attempts.append((time.monotonic(), fault or "ok"))
        if fault is None:
            return await self.inner.handle_async_request(request)
        if fault == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused (injected)", request=request)
        assert fault.isdigit(), f"unknown fault {fault!r}"
        message = {"message": f"injected {fault}"}
        return httpx.Response(int(fault), json=message, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()
