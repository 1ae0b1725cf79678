"""A client written for the real WATS works against our server unchanged (issue 13).

`pywats-api` 0.6.0rc1, a client nobody here wrote, drives each of its domain services against a
`pywats-server serve` subprocess: one run of `pywats_api_driver.py` in the reference environment
(benchmarks/_reference.py) covers every domain, and its verdicts become one test per domain. A
call counts only when it read back what it wrote and none of its requests got a 4xx/5xx.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from benchmarks._reference import reference_python

if TYPE_CHECKING:
    from tests.conftest import LiveServer

# One server over SQLite: the storage backends have their own tests; this is about the API.
pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)

DRIVER = Path(__file__).with_name("pywats_api_driver.py")

# Domains whose endpoints this server serves: every call must succeed.
DOMAINS = [
    "connect",
    "report",
    "process",
    "product",
    "production",
    "asset",
    "software",
    "rootcause",
    "scim",
    "analytics",
]

# Domains whose endpoints the `endpoints` branch adds (issue 13, "Endpoints missing").
NEW_ENDPOINTS = [
    "certificate",
    "oee",
    "unit_flow",
    "scim_token",
    "production_internal",
    "software_internal",
    "manual_inspection",
    "product_groups",
    "product_delete",
    "unit_tags",
    "unit_query",
]

# Calls that fail because of the client itself, against real WATS as much as against ours.
CLIENT_BUGS = {
    ("scim", "create_user"): "its repository calls AsyncHttpClient.post(json=...), a keyword the "
    "client's own HTTP wrapper does not take: TypeError before any request is sent",
    ("scim", "deactivate_user"): "sends its SCIM PATCH through the same post/patch(json=...) "
    "keyword its HTTP wrapper does not take: TypeError before any request is sent",
}


@pytest.fixture(scope="module")
def verdicts(live_server: LiveServer) -> dict[str, list[dict[str, Any]]]:
    """The driver's verdicts by domain, from one run against the live server."""
    # Its own environment: none of this interpreter's paths (our `pywats` has the same name).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    completed = subprocess.run(
        [str(reference_python()), str(DRIVER), live_server.base_url, live_server.token],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=DRIVER.parent,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    by_domain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in json.loads(completed.stdout.splitlines()[-1]):
        by_domain[result["domain"]].append(result)
    return by_domain


def _failures(results: list[dict[str, Any]], domain: str) -> list[str]:
    return [
        f"{result['call']}: {result['detail']}"
        for result in results
        if not result["ok"] and (domain, result["call"]) not in CLIENT_BUGS
    ]


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain(verdicts: dict[str, list[dict[str, Any]]], domain: str) -> None:
    results = verdicts[domain]
    assert results, f"the driver made no {domain} call"
    assert _failures(results, domain) == []


@pytest.mark.parametrize("domain", NEW_ENDPOINTS)
def test_new_endpoint_domain(verdicts: dict[str, list[dict[str, Any]]], domain: str) -> None:
    results = verdicts[domain]
    assert results, f"the driver made no {domain} call"
    assert _failures(results, domain) == []


@pytest.mark.parametrize(
    ("domain", "call"),
    [
        pytest.param(domain, call, marks=pytest.mark.xfail(strict=True, reason=reason))
        for (domain, call), reason in CLIENT_BUGS.items()
    ],
)
def test_client_bug(verdicts: dict[str, list[dict[str, Any]]], domain: str, call: str) -> None:
    (result,) = [r for r in verdicts[domain] if r["call"] == call]
    assert result["ok"], result["detail"]
