"""An authenticated async HTTP client into the in-process server, for the server's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest


@pytest.fixture
async def api(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Basic {server_token}", "Referer": "http://wats.test"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as client:
        yield client
