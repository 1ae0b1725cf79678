"""Opt-in, per-client cache of reference data (processes, levels, product groups).

Configured at construction (`WATS(cache_ttl=...)`); the client core serves and fills it for the
calls that name a `cache` family. Entries expire after `ttl` seconds on the client's clock; a
write through the same client invalidates its family at once. Reports are never cached.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

from pywats._clock import Clock

__all__ = ["ReferenceCache"]


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
