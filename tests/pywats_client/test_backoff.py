"""Capped exponential backoff with jitter."""

from __future__ import annotations

import pytest

from pywats_client._backoff import Backoff


def test_grows_then_caps_and_never_reaches_zero() -> None:
    low, high = Backoff(0.5, 8.0, random=lambda: 0.0), Backoff(0.5, 8.0, random=lambda: 1.0)
    assert [high.delay(n) for n in range(7)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert [low.delay(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert high.delay(10_000) == 8.0  # no overflow after a very long outage


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="0 < base <= cap"):
        Backoff(0.0, 1.0)
    with pytest.raises(ValueError, match="0 < base <= cap"):
        Backoff(2.0, 1.0)
