"""The API fuzzer over every endpoint of the in-process server: no generated request, valid or
not, gets a 5xx, and (once the OpenAPI document lists them) every status is documented.

The default run is a short, derandomized budget on SQLite; `-m slow` runs a long random one on
SQLite and PostgreSQL. Every operation is fuzzed; the failures of all are reported together.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.python import asgi

from pywats_server import Settings, create_app
from pywats_server.storage import UserStore

SHORT_EXAMPLES = 2
LONG_EXAMPLES = 300


@schemathesis.serializer("application/zip")
def _zip_body(_: Any, value: Any) -> bytes:
    """Package uploads are zip archives; the fuzzer sends whatever bytes it generated."""
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    """A server app of its own over a new SQLite database (the fuzzer deletes and renames
    freely), and an admin token for it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'wats.db'}"
    app = create_app(Settings(database_url=url, max_body_bytes=1024 * 1024))
    users = UserStore(app.state.context.database)
    users.create_user("fuzzer", is_admin=True)
    yield app, users.issue_token("fuzzer", "fuzz-secret")
    app.state.context.database.dispose()


def _headers(token: str) -> dict[str, str]:
    # A Referer, as WATS clients send to internal endpoints.
    return {"Authorization": f"Basic {token}", "Referer": "http://wats.test/"}


def _documented(responses: dict[str, Any], status: int) -> bool:
    """Whether an OpenAPI `responses` object lists `status` (exactly, as `4XX`, or `default`)."""
    return any(key in responses for key in (str(status), f"{status // 100}XX", "default"))


def _fuzz_operation(
    operation: Any,
    client: Any,
    token: str,
    found: dict[str, dict[str, str]],
    *,
    examples: int,
    short: bool,
) -> None:
    """Send `examples` valid and invalid requests to one operation; record in `found` the first
    that answered 5xx and the first whose status the operation does not document."""
    label = operation.label
    responses = operation.definition.raw.get("responses", {})
    cases = st.one_of(
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=short,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: schemathesis.Case) -> None:
        response = case.call(session=client, headers=_headers(token))
        status = response.status_code
        seen = (
            f"{status} for {case.method} {case.formatted_path} query={case.query} "
            f"body={case.body!r:.300}: {response.text[:300]}"
        )
        if status >= 500:
            found["server error"].setdefault(label, seen)
        if not _documented(responses, status):
            found["undocumented status"].setdefault(label, seen)

    run()


def _fuzz(app: FastAPI, token: str, *, examples: int, short: bool) -> dict[str, list[str]]:
    """Fuzz every operation; for "server error" and "undocumented status", one failing request
    per operation that had one."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=_headers(token))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 100  # every endpoint, not a few that happened to load
    found: dict[str, dict[str, str]] = {"server error": {}, "undocumented status": {}}
    # One in-process client for the whole run: schemathesis starts a thread per client.
    with asgi.get_client(app) as client:
        for operation in operations:
            _fuzz_operation(operation, client, token, found, examples=examples, short=short)
    return {
        check: [f"{label}: {text}" for label, text in by_operation.items()]
        for check, by_operation in found.items()
    }


@pytest.fixture(scope="module")
def short_run(fuzz_server: tuple[FastAPI, str]) -> dict[str, list[str]]:
    return _fuzz(*fuzz_server, examples=SHORT_EXAMPLES, short=True)


@pytest.fixture(scope="module")
def long_run(server_app: FastAPI, server_token: str) -> dict[str, list[str]]:
    return _fuzz(server_app, server_token, examples=LONG_EXAMPLES, short=False)


def test_no_request_gets_a_server_error(short_run: dict[str, list[str]]) -> None:
    assert not short_run["server error"], "\n\n".join(short_run["server error"])


def test_every_answered_status_is_documented(short_run: dict[str, list[str]]) -> None:
    found = short_run["undocumented status"]
    assert not found, "\n\n".join(found)


@pytest.mark.slow
def test_no_request_gets_a_server_error_long(long_run: dict[str, list[str]]) -> None:
    assert not long_run["server error"], "\n\n".join(long_run["server error"])


@pytest.mark.slow
def test_every_answered_status_is_documented_long(long_run: dict[str, list[str]]) -> None:
    found = long_run["undocumented status"]
    assert not found, "\n\n".join(found)
