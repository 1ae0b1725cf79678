"""The circuit breaker under concurrency: one trial at a time, and no trial slot leaks."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest

import pywats
from pywats.testing import FakeClock, ScriptedTransport

VERSION = "1.0"
SETTINGS = pywats.BreakerSettings(failure_threshold=1, cool_down=10.0)


def test_half_open_admits_a_single_trial_while_others_fail_fast() -> None:
    release = threading.Event()
    trial_started = threading.Event()

    def slow_success(request: httpx.Request) -> httpx.Response:
        trial_started.set()
        assert release.wait(5), "test did not release the trial"
        return httpx.Response(200, json=VERSION)

    transport = ScriptedTransport(httpx.Response(503), slow_success)
    clock = FakeClock()
    client = pywats.WATS(
        base_url="http://wats.test", token="t", transport=transport, clock=clock,
        breaker=SETTINGS, max_retries=0,
    )  # fmt: skip
    with client, ThreadPoolExecutor(4) as pool:
        with pytest.raises(pywats.InternalServerError):
            client.get_version()
        clock.advance(10.0)
        trial = pool.submit(client.get_version)
        assert trial_started.wait(5)
        others = [pool.submit(client.get_version) for _ in range(3)]
        for other in others:
            with pytest.raises(pywats.CircuitOpenError):
                other.result(timeout=5)
        release.set()
        assert trial.result(timeout=5) == VERSION
    assert client.breaker_state == "closed"
    assert len(transport.requests) == 2


@pytest.mark.anyio
async def test_a_cancelled_trial_frees_the_slot() -> None:
    async def never_answers(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(60)
        raise AssertionError("unreachable")

    transport = ScriptedTransport(httpx.Response(503), never_answers)
    clock = FakeClock()
    async with pywats.AsyncWATS(
        base_url="http://wats.test", token="t", transport=transport, clock=clock,
        breaker=SETTINGS, max_retries=0,
    ) as client:  # fmt: skip
        with pytest.raises(pywats.InternalServerError):
            await client.get_version()
        clock.advance(10.0)
        with anyio.move_on_after(0.05):
            await client.get_version()
        transport.add(httpx.Response(200, json=VERSION))
        assert await client.get_version() == VERSION
    assert client.breaker_state == "closed"
