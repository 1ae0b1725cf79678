"""The retry policy: what is retried, and how long the client waits (fake clock, no sleeping)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import pywats
from pywats.testing import FakeClock, ScriptedTransport

VERSION = "1.0"


def waits_for(*replies: httpx.Response | Exception, **options: Any) -> tuple[list[float], int]:
    """Run get_version over `replies`; return the waits taken and the number of requests."""
    transport = ScriptedTransport(*replies)
    clock = FakeClock(wall_start=1_800_000_000.0)
    options.setdefault("random", lambda: 1.0)
    with pywats.WATS(
        base_url="http://wats.test",
        token="t",
        transport=transport,
        clock=clock,
        **options,
    ) as client:
        client.get_version()
    return clock.sleeps, len(transport.requests)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    sleeps, requests = waits_for(httpx.Response(status), httpx.Response(200, json=VERSION))
    assert requests == 2
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("0", 0.0),
        (" 7 ", 7.0),
        ("Fri, 15 Jan 2027 08:00:05 GMT", 5.0),  # 1_800_000_000 is 08:00:00 that day
        ("Fri, 15 Jan 2027 07:00:00 GMT", 0.0),  # already past
        ("soon", 0.5),  # unreadable: ordinary backoff
        ("-3", 0.5),
    ],
)
def test_retry_after_forms(header: str, wait: float) -> None:
    sleeps, _ = waits_for(
        httpx.Response(503, headers={"Retry-After": header}), httpx.Response(200, json=VERSION)
    )
    assert sleeps == [wait]


def test_jitter_stays_within_the_exponential_ceiling() -> None:
    draws = iter([0.25, 0.5, 0.75])
    sleeps, _ = waits_for(
        *[httpx.Response(500)] * 3,
        httpx.Response(200, json=VERSION),
        random=lambda: next(draws),
        retry=pywats.RetryPolicy(backoff_base=2.0),
    )
    assert sleeps == [0.25 * 2.0, 0.5 * 4.0, 0.75 * 8.0]


def test_max_retries_zero_makes_one_attempt() -> None:
    with pytest.raises(pywats.InternalServerError):
        waits_for(httpx.Response(500), httpx.Response(200, json=VERSION), max_retries=0)


def test_max_retries_argument_overrides_the_policy() -> None:
    policy = pywats.RetryPolicy(max_retries=0, backoff_base=1.0)
    sleeps, requests = waits_for(
        httpx.Response(500), httpx.Response(200, json=VERSION), retry=policy, max_retries=1
    )
    assert (sleeps, requests) == ([1.0], 2)


def test_retries_decided_by_method_unless_marked() -> None:
    policy = pywats.RetryPolicy()
    assert policy.allows_retry(retries_done=0, method="GET", idempotent=None)
    assert policy.allows_retry(retries_done=0, method="PUT", idempotent=None)
    assert policy.allows_retry(retries_done=0, method="DELETE", idempotent=None)
    assert not policy.allows_retry(retries_done=0, method="POST", idempotent=None)
    assert policy.allows_retry(retries_done=0, method="POST", idempotent=True)
    assert not policy.allows_retry(retries_done=0, method="GET", idempotent=False)
    assert not policy.allows_retry(retries_done=3, method="GET", idempotent=True)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("Thu, 15 Jan 2027 08:00:10 GMT", 10.0), ("soon", None), (None, None)],
)
def test_status_error_carries_the_response_and_its_retry_after(
    header: str | None, seconds: float | None
) -> None:
    headers = {"X-Limit-Window": "60"} | ({"Retry-After": header} if header else {})
    reply = httpx.Response(429, headers=headers, json={"message": "slow down"})
    clock = FakeClock(wall_start=1_800_000_000.0)  # 2027-01-15 08:00:00 UTC
    with (
        pywats.WATS(
            base_url="http://wats.test",
            token="t",
            max_retries=0,
            transport=ScriptedTransport(reply),
            clock=clock,
        ) as client,
        pytest.raises(pywats.RateLimitError) as caught,
    ):
        client.get_version()
    error = caught.value
    assert error.retry_after == seconds
    assert error.headers["X-Limit-Window"] == "60"
    assert error.response is not None
    assert error.response.status_code == 429
