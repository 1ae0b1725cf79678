"""SDK clients wired to the real server: in-process (async, ASGI) and over a socket (sync)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from pywats import WATS, AsyncWATS


@pytest.fixture
async def aclient(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> AsyncIterator[AsyncWATS]:
    """`AsyncWATS` talking to the in-process server."""
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        yield client


@pytest.fixture
def client(live_server: Any) -> Iterator[WATS]:
    """`WATS` talking to a `pywats-server` subprocess over a loopback socket (`LiveServer`)."""
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        yield client


@pytest.fixture
def unique() -> str:
    """A short random suffix: tests share one database per session, so names must not clash."""
    return uuid.uuid4().hex[:8]
