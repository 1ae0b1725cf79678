"""Behind a load balancer every station arrives from the balancer's address: the failed-credential
budget must count per station, named by X-Forwarded-For from a trusted proxy, and only then."""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)

ALLOWED = 20  # Settings.credential_failures_allowed, the server's default
WRONG = "Basic " + base64.b64encode(b"admin:not-the-secret").decode()


def _spend_budget(client: httpx.Client, station: str) -> int:
    """Send wrong credentials as `station` until refused; the status of the last answer."""
    headers = {"Authorization": WRONG, "X-Forwarded-For": station}
    for _ in range(ALLOWED + 2):  # the 21st failure blocks; the 22nd try is refused
        status = client.get("/api/App/Version", headers=headers).status_code
        if status != 401:
            return status
    return status


def _status_as(client: httpx.Client, station: str) -> int:
    headers = {"Authorization": WRONG, "X-Forwarded-For": station}
    return client.get("/api/App/Version", headers=headers).status_code


def test_each_station_behind_a_trusted_proxy_has_its_own_budget(
    serve_with: Callable[..., AbstractContextManager[Any]],
) -> None:
    with (
        serve_with("--forwarded-allow-ips", "127.0.0.1") as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        assert _spend_budget(client, "10.0.0.1") == 429
        assert _status_as(client, "10.0.0.1") == 429
        assert _status_as(client, "10.0.0.2") == 401  # another station is not blocked


def test_the_header_of_an_untrusted_peer_is_ignored(
    serve_with: Callable[..., AbstractContextManager[Any]],
) -> None:
    with (
        serve_with("--forwarded-allow-ips", "192.0.2.1") as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        assert _spend_budget(client, "10.0.0.1") == 429
        # The peer is 127.0.0.1, not the trusted proxy: a new header does not escape.
        assert _status_as(client, "10.0.0.2") == 429
