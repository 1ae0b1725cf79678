"""Named crash points in the pipeline, for proving that a crash anywhere loses nothing.

A test starts the service with `PYWATS_FAULT=<point>` (or `<point>:<n>` for the n-th time the
point is reached) and the process kills itself with SIGKILL there: no cleanup, no flush, exactly
like a power cut from the process's point of view. Unarmed, `reached` is a comparison.
"""

from __future__ import annotations

import itertools
import os
import signal

import httpx

__all__ = ["FAULT_POINTS", "NO_FAULTS", "Faults"]

#: The points, in pipeline order.
FAULT_POINTS = (
    "after_detect",
    "after_read",
    "after_convert",
    "after_commit",
    "after_source_action",
    "after_http_send",
    "after_2xx",
    "after_ack",
)


class Faults:
    """The one armed crash point (or none)."""

    def __init__(self, point: str | None = None, *, hit: int = 1) -> None:
        if point is not None and point not in FAULT_POINTS:
            raise ValueError(f"unknown fault point {point!r} (known: {', '.join(FAULT_POINTS)})")
        if hit < 1:
            raise ValueError(f"fault hit count must be at least 1, got {hit}")
        self.point = point
        self.hit = hit
        self._count = itertools.count(1)

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        """Build from `point` or `point:n`; empty or None means unarmed."""
        if not spec:
            return cls()
        point, _, hit = spec.partition(":")
        try:
            count = int(hit) if hit else 1
        except ValueError:
            raise ValueError(f"fault spec {spec!r}: expected <point> or <point>:<count>") from None
        return cls(point, hit=count)

    def reached(self, point: str) -> None:
        """Kill this process with SIGKILL if `point` is armed and reached for the n-th time."""
        if point == self.point and next(self._count) >= self.hit:
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    def around(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncBaseTransport | None:
        """`transport` as the SDK client should use it: unchanged unless `after_http_send` is
        armed, which can only be reached inside the transport (a POST answered, not yet read)."""
        if self.point != "after_http_send":
            return transport
        return _SendFaultTransport(transport or httpx.AsyncHTTPTransport(), self)


class _SendFaultTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, faults: Faults) -> None:
        self.inner = inner
        self.faults = faults

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST":
            self.faults.reached("after_http_send")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


NO_FAULTS = Faults()
