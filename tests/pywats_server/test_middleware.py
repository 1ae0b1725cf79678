"""Middleware rules over the in-process app: the Referer that internal endpoints require."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio

_INTERNAL = "/api/internal/Process/GetProcesses"


async def test_internal_endpoints_require_a_referer(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    auth = {"Authorization": f"Basic {server_token}"}
    async with httpx.AsyncClient(transport=asgi_transport, base_url="http://wats.test") as http:
        missing = await http.get(_INTERNAL, headers=auth)
        relative = await http.get(_INTERNAL, headers={**auth, "Referer": "wats.test"})
        other_case = await http.get(_INTERNAL.upper().replace("/API/", "/api/"), headers=auth)
        accepted = await http.get(_INTERNAL, headers={**auth, "Referer": "http://wats.test"})
        public = await http.get("/api/App/Processes", headers=auth)
        anonymous = await http.get(_INTERNAL)

    assert missing.status_code == 400
    assert "Referer header missing" in missing.json()["Message"]
    assert relative.status_code == 400
    assert "'wats.test' is not an absolute http(s) URL" in relative.json()["Message"]
    assert other_case.status_code == 400
    assert accepted.status_code == 200
    assert any(p["Code"] == 100 for p in accepted.json())
    assert public.status_code == 200
    # Credentials are judged first: no token is 401 whatever the Referer.
    assert anonymous.status_code == 401
