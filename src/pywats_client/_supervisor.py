"""Supervised tasks: a task that fails is logged with its traceback and restarted with backoff."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import anyio

from pywats import Backoff

__all__ = ["supervise"]

_log = logging.getLogger(__name__)


async def supervise(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    backoff: Backoff,
    healthy_after: float = 30.0,
    restarts: dict[str, int] | None = None,
) -> None:
    """Run `run()` until it returns or is cancelled; restart it after an exception.

    The wait before a restart grows with consecutive failures and resets once a run lasted
    `healthy_after` seconds. `restarts[name]` counts restarts for metrics.
    """
    failures = 0
    while True:
        started = time.monotonic()
        try:
            await run()
            return
        except Exception:
            if time.monotonic() - started >= healthy_after:
                failures = 0
            failures += 1
            delay = backoff.delay(failures)
            _log.exception("task %s failed; restarting in %.1f s", name, delay)
            if restarts is not None:
                restarts[name] = restarts.get(name, 0) + 1
            await anyio.sleep(delay)
