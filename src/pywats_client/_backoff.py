"""Capped exponential backoff with full jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt n+1 after n consecutive failures, in seconds.

    The ceiling grows as `base * 2**(n-1)` up to `cap`; the delay is uniform in
    [ceiling/2, ceiling] so many stations recovering together do not retry in lockstep, yet the
    wait never collapses to zero (no busy loop). `random` is injectable for tests.
    """

    base: float = 0.5
    cap: float = 60.0
    random: Callable[[], float] = field(default=random.random, compare=False)

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base:
            raise ValueError(f"backoff needs 0 < base <= cap, got base={self.base} cap={self.cap}")

    def delay(self, failures: int) -> float:
        """The wait after `failures` consecutive failures (0 failures → no wait)."""
        if failures <= 0:
            return 0.0
        ceiling = min(self.cap, self.base * 2.0 ** min(failures - 1, 62))
        return float(ceiling / 2 + self.random() * ceiling / 2)
