"""Circuit breaker: stop calling a server that keeps failing, try again after a cool-down.

States: closed (requests flow) → open after `failure_threshold` consecutive failures (every
request fails fast with `CircuitOpenError`) → half-open once `cool_down` seconds have passed (one
trial request goes through; others still fail fast) → closed when the trial succeeds, open again
when it fails. Only connection errors and 5xx count as failures: a 4xx proves the server is up.
Thread-safe; the lock is held only for bookkeeping, never across I/O.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pywats._exceptions import CircuitOpenError, ConfigurationError

__all__ = ["DEFAULT_BREAKER", "BreakerSettings", "BreakerState", "CircuitBreaker"]

BreakerState = Literal["closed", "open", "half-open"]


@dataclass(frozen=True)
class BreakerSettings:
    """When to open (`failure_threshold` consecutive failures) and how long to stay open (s)."""

    failure_threshold: int = 5
    cool_down: float = 30.0

    def __post_init__(self) -> None:
        threshold = self.failure_threshold
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            raise ConfigurationError(f"failure_threshold must be an int >= 1, got {threshold!r}")
        if not (
            isinstance(self.cool_down, (int, float))
            and self.cool_down >= 0
            and math.isfinite(self.cool_down)
        ):
            raise ConfigurationError(f"cool_down must be seconds >= 0, got {self.cool_down!r}")


DEFAULT_BREAKER = BreakerSettings()


class CircuitBreaker:
    """One breaker per client (and so per host); `clock` returns monotonic seconds."""

    def __init__(self, host: str, settings: BreakerSettings, clock: Callable[[], float]) -> None:
        self._host = host
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        """`"closed"`, `"open"` or `"half-open"` (a trial request is allowed or in flight)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._trial_in_flight or self._cooled_down():
                return "half-open"
            return "open"

    def before_request(self) -> None:
        """Admit a request or raise `CircuitOpenError` naming the host and the wait left."""
        if self._opened_at is None:  # fast path, read without the lock; re-checked below
            return
        with self._lock:
            opened_at = self._opened_at
            if opened_at is None:
                return
            if self._cooled_down() and not self._trial_in_flight:
                self._trial_in_flight = True
                return
            retry_at = opened_at + self._settings.cool_down
            raise CircuitOpenError(
                self._host, retry_in=max(0.0, retry_at - self._clock()), retry_at=retry_at
            )

    def record_success(self) -> None:
        """The server answered (any status below 500): close the circuit."""
        if self._failures == 0 and self._opened_at is None:
            return
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_failure(self) -> None:
        """A connection error or 5xx: count it; open (or re-open) the circuit at the threshold."""
        with self._lock:
            self._failures += 1
            if self._trial_in_flight or self._failures >= self._settings.failure_threshold:
                self._opened_at = self._clock()
                self._trial_in_flight = False

    def reset(self) -> None:
        """Close the circuit now, whatever it counted (someone knows the server is back)."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_abandoned(self) -> None:
        """An admitted request ended without a verdict (cancelled): free the trial slot."""
        with self._lock:
            self._trial_in_flight = False

    def _cooled_down(self) -> bool:
        assert self._opened_at is not None
        return self._clock() - self._opened_at >= self._settings.cool_down
