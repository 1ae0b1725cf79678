"""The one retry policy: which failures are retried and how long to wait before each retry.

Retried: connection errors and timeouts, and the statuses 408, 429 and 5xx. A request that is
not idempotent (a POST not marked idempotent) is never retried, whatever the failure. The wait is
the server's `Retry-After` (seconds or HTTP-date) capped at `retry_after_cap`, else the one
`Backoff` formula with full jitter: uniform in `[0, min(backoff_cap, backoff_base * 2**(n-1))]`
before retry `n`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime

from pywats._backoff import Backoff
from pywats._exceptions import ConfigurationError

__all__ = ["DEFAULT_RETRY", "RetryPolicy", "is_retryable_status", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times and how patiently to retry; all durations in seconds.

    `max_retries` counts retries after the first attempt (0 disables retrying).
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 60.0

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ConfigurationError(f"max_retries must be an int, got {self.max_retries!r}")
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be >= 0, got {self.max_retries}")
        for name in ("backoff_base", "backoff_cap", "retry_after_cap"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value >= 0 and math.isfinite(value)):
                raise ConfigurationError(f"{name} must be a finite number >= 0, got {value!r}")

    def allows_retry(self, *, retries_done: int, method: str, idempotent: bool | None) -> bool:
        """True when another attempt is allowed for this request.

        `idempotent=None` means "decide by method": GET/PUT/DELETE/HEAD/OPTIONS are, POST and
        PATCH are not.
        """
        if retries_done >= self.max_retries:
            return False
        return idempotent if idempotent is not None else method in IDEMPOTENT_METHODS

    def delay(
        self,
        retry_number: int,
        *,
        retry_after: float | None,
        random: Callable[[], float],
    ) -> float:
        """Seconds to wait before retry `retry_number` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        return Backoff(self.backoff_base, self.backoff_cap, random=random).delay(retry_number)


DEFAULT_RETRY = RetryPolicy()


def is_retryable_status(status_code: int) -> bool:
    """408 Request Timeout, 429 Too Many Requests and every 5xx."""
    return status_code in (408, 429) or 500 <= status_code <= 599


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header, or None when absent or unreadable.

    Accepts delta-seconds (`"2"`) and an HTTP-date, measured against `now` (Unix seconds). A
    date in the past means "no wait" (0.0).
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; HTTP-dates are always GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)
