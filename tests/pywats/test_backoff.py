"""The one backoff formula: capped exponential growth, jitter above a per-use floor."""

from __future__ import annotations

import pytest

from pywats import Backoff, RetryPolicy


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    low, high = Backoff(0.5, 8.0, random=lambda: 0.0), Backoff(0.5, 8.0, random=lambda: 1.0)
    assert [high.delay(n) for n in range(7)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [low.delay(n) for n in range(7)] == [0.0] * 7
    assert high.delay(10_000) == 8.0  # no overflow after a very long outage


def test_a_floor_keeps_that_share_of_the_ceiling() -> None:
    low = Backoff(0.5, 8.0, floor=0.5, random=lambda: 0.0)
    mid = Backoff(0.5, 8.0, floor=0.5, random=lambda: 0.5)
    assert [low.delay(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert [mid.delay(n) for n in range(1, 4)] == [0.375, 0.75, 1.5]


def test_sdk_retries_use_the_same_formula_with_full_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=8.0)
    waits = [policy.delay(n, retry_after=None, random=lambda: 0.5) for n in range(1, 7)]
    assert waits == [Backoff(0.5, 8.0, random=lambda: 0.5).delay(n) for n in range(1, 7)]
    assert waits == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="base: expected a finite number >= 0"):
        Backoff(-1.0, 1.0)
    with pytest.raises(ValueError, match="cap: expected a finite number >= 0"):
        Backoff(0.5, float("inf"))
    with pytest.raises(ValueError, match=r"floor: expected a fraction in \[0, 1\]"):
        Backoff(0.5, 1.0, floor=1.5)
