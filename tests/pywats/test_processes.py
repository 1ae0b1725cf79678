"""`client.processes` and its opt-in cache: in-process (async) and over a socket (sync)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pywats import WATS, AsyncWATS, NotFoundError, ProcessDefinition
from pywats.testing import FakeClock

pytestmark = pytest.mark.anyio


class CountingTransport(httpx.AsyncBaseTransport):
    """The in-process server, counting the requests that reach it."""

    def __init__(self, inner: httpx.ASGITransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


async def test_cache_is_off_by_default(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    transport = CountingTransport(asgi_transport)
    async with AsyncWATS(base_url="http://t", token=server_token, transport=transport) as client:
        await client.processes.list()
        await client.processes.list()
    assert transport.paths.count("/api/App/Processes") == 2


async def test_cache_expires_and_writes_invalidate(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    transport = CountingTransport(asgi_transport)
    clock = FakeClock()
    code = 600 + uuid.uuid4().int % 99
    async with AsyncWATS(
        base_url="http://t", token=server_token, transport=transport, clock=clock, cache_ttl=60
    ) as client:
        first = await client.processes.list()
        assert {10, 50, 90, 100, 500, 510} <= {p.code for p in first}
        assert await client.processes.list() == first
        assert [lvl.level_name for lvl in await client.processes.levels()][:1] == ["PCBA"]
        await client.processes.levels()
        assert transport.paths.count("/api/App/Processes") == 1
        assert transport.paths.count("/api/App/Levels") == 1
        saved = await client.processes.save(
            ProcessDefinition(code=code, name="Cached", is_wip_operation=True)
        )
        assert code in {p.code for p in await client.processes.list()}
        assert transport.paths.count("/api/App/Processes") == 2
        clock.advance(61)
        await client.processes.levels()
        assert transport.paths.count("/api/App/Levels") == 2
        assert saved.process_id is not None
        await client.processes.delete(saved.process_id)
        assert code not in {p.code for p in await client.processes.list()}


def test_sync_client_over_a_socket(live_server: Any) -> None:
    code = 700 + uuid.uuid4().int % 99
    with WATS(base_url=live_server.base_url, token=live_server.token, cache_ttl=60) as client:
        assert {10, 50, 90, 100, 500, 510} <= {p.code for p in client.processes.list()}
        saved = client.processes.save(
            ProcessDefinition(code=code, name="Over a socket", is_wip_operation=True)
        )
        assert saved.process_id is not None
        assert code in {p.code for p in client.processes.list()}  # the save invalidated the cache
        client.processes.delete(saved.process_id)
        assert code not in {p.code for p in client.processes.list()}
        with pytest.raises(NotFoundError):
            client.processes.delete(str(uuid.uuid4()))
