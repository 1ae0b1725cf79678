"""The shipped test doubles behave as documented."""

from __future__ import annotations

import httpx
import pytest

import pywats
from pywats.testing import FakeClock, ScriptedTransport


def test_docstring_example_holds() -> None:
    clock = FakeClock()
    transport = ScriptedTransport(httpx.Response(503), httpx.Response(200, json="2025.3.9.824"))
    with pywats.WATS(
        base_url="http://wats.test", token="t", transport=transport, clock=clock,
    ) as client:  # fmt: skip
        assert client.get_version() == "2025.3.9.824"
    assert len(transport.requests) == 2
    assert len(clock.sleeps) == 1


def test_running_out_of_replies_names_the_request() -> None:
    client = pywats.WATS(base_url="http://wats.test", token="t", transport=ScriptedTransport())
    with client, pytest.raises(RuntimeError, match=r"#1: GET http://wats.test/api/App/Version"):
        client.get_version()


def test_async_reply_function_is_refused_by_the_sync_client() -> None:
    async def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    transport = ScriptedTransport(reply)
    client = pywats.WATS(base_url="http://wats.test", token="t", transport=transport)
    with client, pytest.raises(TypeError, match="async reply"):
        client.get_version()


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(wall_start=100.0)
    assert (clock.monotonic(), clock.time()) == (0.0, 100.0)
    clock.advance(2.0)
    clock.sleep(3.0)
    assert (clock.monotonic(), clock.time(), clock.sleeps) == (5.0, 105.0, [3.0])
