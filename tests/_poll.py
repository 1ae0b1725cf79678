"""The one way a test waits for something another thread or process makes true.

Prefer an explicit signal (`Service.wait_ready`, `Watcher.started`, a Qt signal); poll only
state that announces nothing, such as files on disk or rows on a server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio

__all__ = ["eventually", "wait_until"]

INTERVAL = 0.05


def _timed_out(within: float, what: str, check: Callable[[], object]) -> AssertionError:
    return AssertionError(f"timed out after {within:g} s waiting for {what or check}")


async def eventually(check: Callable[[], object], within: float = 60.0, what: str = "") -> None:
    """Poll `check` until it is truthy; fail after `within` seconds naming `what`."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise _timed_out(within, what, check)
        await anyio.sleep(INTERVAL)


def wait_until(check: Callable[[], object], within: float = 60.0, what: str = "") -> None:
    """`eventually` for synchronous tests (and code outside the event loop)."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise _timed_out(within, what, check)
        time.sleep(INTERVAL)
