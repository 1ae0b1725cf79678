"""Middleware rules over the in-process app: case-insensitive paths, the Referer that internal
endpoints require."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from pywats_server._middleware import CaseInsensitivePaths

pytestmark = pytest.mark.anyio

_INTERNAL = "/api/internal/Process/GetProcesses"


async def test_internal_endpoints_take_a_referer_that_is_a_url_or_none(
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

    # Virinco's own client sends no Referer (wats-rules.md §3.8): served.
    assert missing.status_code == 200
    assert relative.status_code == 400
    assert "'wats.test' is not an absolute http(s) URL" in relative.json()["Message"]
    assert other_case.status_code == 200
    assert accepted.status_code == 200
    assert any(p["Code"] == 100 for p in accepted.json())
    assert public.status_code == 200
    # Credentials are judged first: no token is 401 whatever the Referer.
    assert anonymous.status_code == 401


def test_paths_match_routes_whatever_their_case() -> None:
    paths = CaseInsensitivePaths(
        _no_app,
        ["/api/Product/{partNumber}", "/api/Product/Groups", "/api/Product/Query",
         "/api/Asset/{id}/Log", "/api/{area}/Ping", "/api/Report/WSJF", "/api/Report/Wsjf/{id}"],
    )  # fmt: skip
    assert paths.canonical("/API/product/GROUPS") == "/api/Product/Groups"
    assert paths.canonical("/api/PRODUCT/pcba-100") == "/api/Product/pcba-100"
    assert paths.canonical("/api/asset/Fixture-7/LOG") == "/api/Asset/Fixture-7/Log"
    # Routes may spell a segment differently; each path takes its own route's spelling.
    assert paths.canonical("/api/report/wsjf") == "/api/Report/WSJF"
    assert paths.canonical("/api/report/wsjf/A1b2") == "/api/Report/Wsjf/A1b2"
    # The template with more literal segments wins, whichever segment the parameter is in.
    assert paths.canonical("/api/product/ping") == "/api/Product/ping"
    assert paths.canonical("/api/Robot/PING") == "/api/Robot/Ping"
    # No route fits: the path goes on untouched, and the app answers 404 itself.
    assert paths.canonical("/api/Product/a/b") == "/api/Product/a/b"
    assert paths.canonical("/other") == "/other"


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("canonical() is called without the app")
