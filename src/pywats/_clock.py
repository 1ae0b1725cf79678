"""Time as an injectable dependency, so retry and breaker tests use a fake clock, not sleep.

One object gives the client both the time and the waits (`pywats.testing.FakeClock` records
them), so a test passes it once: `WATS(clock=clock)`.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio

__all__ = ["SYSTEM_CLOCK", "Clock", "SystemClock"]


class Clock(Protocol):
    """What the client reads time from, `monotonic()` for intervals and `time()` for
    HTTP-dates, and waits with between retries: `sleep` (`WATS`), `async_sleep` (`AsyncWATS`)."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    async def async_sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clocks and waits: `time.monotonic`, `time.time`, `time.sleep`, `anyio.sleep`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    async def async_sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


SYSTEM_CLOCK = SystemClock()
