"""Opt-in, per-client cache of reference data (processes, levels, product groups).

Entries expire after `ttl` seconds on the client's clock; a write through the same client
invalidates its family at once. Reports are never cached.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from pywats._clock import Clock

__all__ = ["ReferenceCache", "cached", "invalidating"]


class ReferenceCache:
    """Values keyed by `(family, key)`, each kept for `ttl` seconds."""

    def __init__(self, ttl: float, clock: Clock) -> None:
        if ttl <= 0:
            raise ValueError(f"cache_ttl: expected seconds > 0, got {ttl}")
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[tuple[str, Hashable], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, family: str, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get((family, key))
        if entry is None or self._clock.monotonic() >= entry[0]:
            return False, None
        return True, entry[1]

    def put(self, family: str, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[(family, key)] = (self._clock.monotonic() + self.ttl, value)

    def invalidate(self, family: str) -> None:
        with self._lock:
            for entry in [k for k in self._entries if k[0] == family]:
                del self._entries[entry]


async def _ready(value: Any) -> Any:
    return value


def cached(
    cache: ReferenceCache | None,
    family: str,
    key: Hashable,
    fetch: Callable[[], Any],
    *,
    is_async: bool,
) -> Any:
    """Return the cached value, or `fetch()` and remember its result.

    `fetch` returns the value (sync client) or an awaitable of it (`is_async`); the result has
    the same form either way.
    """
    if cache is None:
        return fetch()
    hit, value = cache.get(family, key)
    if hit:
        return _ready(value) if is_async else value
    result = fetch()
    if inspect.isawaitable(result):
        return _store_later(cache, family, key, result)
    cache.put(family, key, result)
    return result


async def _store_later(
    cache: ReferenceCache, family: str, key: Hashable, pending: Awaitable[Any]
) -> Any:
    value = await pending
    cache.put(family, key, value)
    return value


def invalidating(cache: ReferenceCache | None, family: str, result: Any) -> Any:
    """Invalidate `family` once the write `result` (a value or an awaitable) has completed."""
    if cache is None:
        return result
    if inspect.isawaitable(result):

        async def finish() -> Any:
            try:
                return await result
            finally:
                cache.invalidate(family)

        return finish()
    cache.invalidate(family)
    return result
