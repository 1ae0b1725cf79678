"""The one backoff formula: capped exponential growth with jitter, its floor chosen per use.

After `n` consecutive failures the ceiling is `min(cap, base * 2**(n-1))` and the wait is
uniform in `[floor * ceiling, ceiling]`. `floor=0` is full jitter (the SDK's retries: many
clients spread their retries widely); `floor=0.5` always waits at least half the ceiling (the
station's uploads, intake and restarts: jittered, yet never a busy loop).
"""

from __future__ import annotations

import math
import random as _random
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt n+1 after n consecutive failures, in seconds (see module doc).

    `random` (uniform in [0, 1)) is injectable so tests get exact waits.
    """

    base: float = 0.5
    cap: float = 30.0
    floor: float = 0.0
    random: Callable[[], float] = field(default=_random.random, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("base", "cap"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value >= 0 and math.isfinite(value)):
                raise ValueError(f"backoff {name}: expected a finite number >= 0, got {value!r}")
        if not 0.0 <= self.floor <= 1.0:
            raise ValueError(f"backoff floor: expected a fraction in [0, 1], got {self.floor!r}")

    def delay(self, failures: int) -> float:
        """The wait after `failures` consecutive failures (0 failures → no wait)."""
        if failures <= 0:
            return 0.0
        # The exponent is bounded so a very long outage cannot overflow the float.
        ceiling = min(self.cap, self.base * 2.0 ** min(failures - 1, 62))
        return float(ceiling * (self.floor + (1.0 - self.floor) * self.random()))
