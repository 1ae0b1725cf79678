"""Request preparation shared by both clients: the Referer sent to internal endpoints."""

from __future__ import annotations

import httpx
import pytest

from pywats import WATS, AsyncWATS, ProcessDefinition

pytestmark = pytest.mark.anyio


class RecordingTransport(httpx.AsyncBaseTransport):
    """The in-process server, keeping the Referer of every request that reaches it."""

    def __init__(self, inner: httpx.ASGITransport) -> None:
        self.inner = inner
        self.referers: dict[str, str | None] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.referers[request.url.path] = request.headers.get("Referer")
        return await self.inner.handle_async_request(request)


async def test_internal_calls_carry_the_base_url_as_referer(
    asgi_transport: httpx.ASGITransport, server_token: str, unique: str
) -> None:
    transport = RecordingTransport(asgi_transport)
    async with AsyncWATS(
        base_url="http://wats.test/", token=server_token, transport=transport
    ) as client:
        code = 7000 + int(unique[:3], 16)
        saved = await client.processes.save(
            ProcessDefinition(code=code, name=f"Referer {unique}", is_test_operation=True)
        )
        await client.processes.delete(saved.process_id)
        await client.processes.list()

    assert transport.referers["/api/internal/Process/PutProcess"] == "http://wats.test"
    assert transport.referers[f"/api/internal/Process/DeleteProcess/{saved.process_id}"] == (
        "http://wats.test"
    )
    assert transport.referers["/api/App/Processes"] is None


def test_sync_client_reaches_internal_endpoints_over_a_socket(client: WATS, unique: str) -> None:
    code = 9000 + int(unique[:3], 16)
    saved = client.processes.save(
        ProcessDefinition(code=code, name=f"Socket {unique}", is_test_operation=True)
    )
    client.processes.delete(saved.process_id)
    assert all(p.code != code for p in client.processes.list())
