"""`AsyncWATS` takes the same decisions as `WATS`: the must-show cases, awaited."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import pywats
from pywats.testing import FakeClock, Reply, ScriptedTransport

pytestmark = pytest.mark.anyio

VERSION = "2025.3.9.824"


def make_client(
    *replies: Reply, **options: Any
) -> tuple[pywats.AsyncWATS, ScriptedTransport, FakeClock]:
    transport = ScriptedTransport(*replies)
    clock = FakeClock()
    client = pywats.AsyncWATS(
        base_url="http://wats.test",
        token="dG9rZW4=",
        transport=transport,
        clock=clock,
        random=lambda: 1.0,
        **options,
    )
    return client, transport, clock


async def test_success() -> None:
    client, transport, _ = make_client(httpx.Response(200, json=VERSION))
    async with client:
        assert await client.get_version() == VERSION
    assert transport.requests[0].headers["Authorization"] == "Basic dG9rZW4="
    assert "X-Correlation-ID" in transport.requests[0].headers


async def test_503_503_200_retries_with_backoff() -> None:
    client, transport, clock = make_client(
        httpx.Response(503), httpx.Response(503), httpx.Response(200, json=VERSION)
    )
    assert await client.get_version() == VERSION
    assert len(transport.requests) == 3
    assert clock.sleeps == [0.5, 1.0]
    await client.aclose()


async def test_429_retry_after() -> None:
    client, _, clock = make_client(
        httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=VERSION)
    )
    assert await client.get_version() == VERSION
    assert clock.sleeps == [2.0]
    await client.aclose()


async def test_404_not_found_with_message() -> None:
    client, _, _ = make_client(httpx.Response(404, json={"message": "no such thing"}))
    with pytest.raises(pywats.NotFoundError, match="no such thing"):
        await client.get_version()
    await client.aclose()


async def test_connection_reset_retried_then_connection_error() -> None:
    client, transport, _ = make_client(*[httpx.ReadError("reset by peer")] * 3, max_retries=2)
    with pytest.raises(pywats.APIConnectionError, match="reset by peer"):
        await client.get_version()
    assert len(transport.requests) == 3
    await client.aclose()


async def test_timeout() -> None:
    client, _, _ = make_client(httpx.ConnectTimeout("slow"), max_retries=0)
    with pytest.raises(pywats.APITimeoutError):
        await client.get_version()
    await client.aclose()


async def test_breaker_opens_fails_fast_and_recovers() -> None:
    settings = pywats.BreakerSettings(failure_threshold=2, cool_down=1.0)
    client, transport, clock = make_client(
        httpx.Response(500), httpx.Response(500), breaker=settings, max_retries=0
    )
    for _ in range(2):
        with pytest.raises(pywats.InternalServerError):
            await client.get_version()
    with pytest.raises(pywats.CircuitOpenError):
        await client.get_version()
    clock.advance(1.0)
    transport.add(httpx.Response(200, json=VERSION))
    assert await client.get_version() == VERSION
    assert client.breaker_state == "closed"
    await client.aclose()
