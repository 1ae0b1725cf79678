"""`WATS` and `AsyncWATS` against a scripted transport: retries, errors, breaker, logging."""

from __future__ import annotations

import logging
import random
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import pywats
from pywats.testing import FakeClock, Reply, ScriptedTransport

if TYPE_CHECKING:
    from tests.conftest import LiveServer

TOKEN = "YXBpOnNlY3JldA=="
VERSION = "2025.3.9.824"


def make_client(
    *replies: Reply, clock: FakeClock | None = None, **options: Any
) -> tuple[pywats.WATS, ScriptedTransport, FakeClock]:
    transport = ScriptedTransport(*replies)
    clock = clock or FakeClock()
    options.setdefault("random", lambda: 1.0)  # upper bound of the jitter: deterministic waits
    client = pywats.WATS(
        base_url="https://wats.test/api/",
        token=TOKEN,
        transport=transport,
        clock=clock,
        **options,
    )
    return client, transport, clock


def test_a_cookie_the_server_sets_goes_back_on_later_requests() -> None:
    client, transport, _ = make_client(
        httpx.Response(200, json=VERSION, headers={"Set-Cookie": "session=abc; Path=/"}),
        httpx.Response(200, json=VERSION),
    )
    with client:
        client.get_version()
        client.get_version()
    first, second = transport.requests
    assert "Cookie" not in first.headers
    assert second.headers["Cookie"] == "session=abc"


def test_a_calls_headers_go_once_beside_the_clients_own() -> None:
    client, transport, _ = make_client(httpx.Response(200, json=["x"]))
    with client:
        client.reports.submit_xml(b"<Reports/>")
    (request,) = transport.requests
    assert request.headers.get_list("Content-Type") == ["application/xml"]
    assert request.headers.get_list("Accept") == ["application/json"]
    assert request.headers["Authorization"] == f"Basic {TOKEN}"
    assert request.url == "https://wats.test/api/Report/WSXF"


def test_success_sends_auth_and_correlation_id_and_returns_version() -> None:
    client, transport, clock = make_client(httpx.Response(200, json=VERSION))
    with client:
        assert client.get_version() == VERSION
    (request,) = transport.requests
    assert request.method == "GET"
    assert str(request.url) == "https://wats.test/api/App/Version"
    assert request.headers["Authorization"] == f"Basic {TOKEN}"
    assert uuid.UUID(request.headers["X-Correlation-ID"])
    assert clock.sleeps == []


def test_plain_text_version_is_accepted() -> None:
    client, _, _ = make_client(
        httpx.Response(200, text=VERSION, headers={"Content-Type": "text/plain"})
    )
    assert client.get_version() == VERSION


def test_503_503_200_takes_three_attempts_with_bounded_backoff() -> None:
    replies = (httpx.Response(503), httpx.Response(503), httpx.Response(200, json=VERSION))
    client, transport, clock = make_client(*replies)
    assert client.get_version() == VERSION
    assert len(transport.requests) == 3
    assert clock.sleeps == [0.5, 1.0]  # jitter at its upper bound: base 0.5 s, doubling

    seeded = random.Random(7)
    client, transport, clock = make_client(*replies, random=seeded.random)
    assert client.get_version() == VERSION
    first, second = clock.sleeps
    assert 0.0 <= first <= 0.5
    assert 0.0 <= second <= 1.0
    assert first != second  # full jitter: drawn, not fixed


def test_backoff_is_capped() -> None:
    policy = pywats.RetryPolicy(max_retries=6, backoff_base=1.0, backoff_cap=4.0)
    replies = [httpx.Response(500)] * 6 + [httpx.Response(200, json=VERSION)]
    breaker = pywats.BreakerSettings(failure_threshold=10)
    client, _, clock = make_client(*replies, retry=policy, breaker=breaker)
    assert client.get_version() == VERSION
    assert clock.sleeps == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_breaker_opening_mid_call_stops_the_retries() -> None:
    breaker = pywats.BreakerSettings(failure_threshold=2)
    client, transport, _ = make_client(*[httpx.Response(502)] * 2, breaker=breaker)
    with pytest.raises(pywats.CircuitOpenError):
        client.get_version()
    assert len(transport.requests) == 2


def test_429_retry_after_seconds_is_honoured() -> None:
    client, transport, clock = make_client(
        httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=VERSION)
    )
    assert client.get_version() == VERSION
    assert clock.sleeps == [2.0]
    assert len(transport.requests) == 2


def test_429_retry_after_http_date_is_honoured() -> None:
    clock = FakeClock(wall_start=1_800_000_000.0)
    when = datetime.fromtimestamp(1_800_000_002, tz=timezone.utc)
    client, _, _ = make_client(
        httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)}),
        httpx.Response(200, json=VERSION),
        clock=clock,
    )
    assert client.get_version() == VERSION
    assert clock.sleeps == [2.0]


def test_retry_after_is_capped() -> None:
    client, _, clock = make_client(
        httpx.Response(503, headers={"Retry-After": "3600"}),
        httpx.Response(200, json=VERSION),
        retry=pywats.RetryPolicy(retry_after_cap=10.0),
    )
    assert client.get_version() == VERSION
    assert clock.sleeps == [10.0]


def test_429_gives_up_with_rate_limit_error_when_retries_run_out() -> None:
    client, transport, _ = make_client(
        *[httpx.Response(429, headers={"Retry-After": "1"})] * 3, max_retries=2
    )
    with pytest.raises(pywats.RateLimitError) as caught:
        client.get_version()
    assert caught.value.status_code == 429
    assert len(transport.requests) == 3


def test_404_raises_not_found_with_server_message_and_correlation_id() -> None:
    body = {"Message": "No HTTP resource was found that matches the request URI."}
    client, transport, _ = make_client(httpx.Response(404, json=body))
    with pytest.raises(pywats.NotFoundError) as caught:
        client.get_version()
    error = caught.value
    assert error.message == body["Message"]
    assert error.status_code == 404
    assert error.body == body
    assert error.correlation_id == transport.requests[0].headers["X-Correlation-ID"]
    assert error.method == "GET"
    assert error.url == "https://wats.test/api/App/Version"
    assert len(transport.requests) == 1  # 4xx other than 408/429 is final


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (httpx.Response(400, json={"message": "bad filter"}), "bad filter"),
        (httpx.Response(409, json={"title": "Conflict", "detail": "exists"}), "exists"),
        (httpx.Response(403, text="Forbidden for user api"), "Forbidden for user api"),
        (httpx.Response(401), "Unauthorized"),
        (httpx.Response(422, json={"error": {"message": "field x"}}), "field x"),
    ],
)
def test_status_errors_carry_the_servers_message(reply: httpx.Response, message: str) -> None:
    client, _, _ = make_client(reply)
    with pytest.raises(pywats.APIStatusError) as caught:
        client.get_version()
    assert caught.value.message == message
    assert caught.value.status_code == reply.status_code


def test_connection_reset_is_retried_then_raises_api_connection_error() -> None:
    reset = httpx.ReadError("[Errno 104] Connection reset by peer")
    client, transport, clock = make_client(*[reset] * 4, max_retries=3)
    with pytest.raises(pywats.APIConnectionError) as caught:
        client.get_version()
    assert not isinstance(caught.value, pywats.APITimeoutError)
    assert "Connection reset by peer" in str(caught.value)
    assert "4 attempt(s)" in str(caught.value)
    assert not isinstance(caught.value.__cause__, type(None))  # chained for debugging
    assert len(transport.requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_connection_reset_then_success_recovers() -> None:
    client, transport, _ = make_client(
        httpx.ConnectError("[Errno 111] Connection refused"), httpx.Response(200, json=VERSION)
    )
    assert client.get_version() == VERSION
    assert len(transport.requests) == 2


def test_timeout_raises_api_timeout_error() -> None:
    client, transport, _ = make_client(httpx.ReadTimeout("timed out"), max_retries=0)
    with pytest.raises(pywats.APITimeoutError) as caught:
        client.get_version()
    assert isinstance(caught.value, pywats.APIConnectionError)
    assert caught.value.url == "https://wats.test/api/App/Version"
    assert caught.value.correlation_id == transport.requests[0].headers["X-Correlation-ID"]
    assert "timed out after 1 attempt(s)" in str(caught.value)
    assert len(transport.requests) == 1


def test_no_httpx_exception_escapes() -> None:
    client, _, _ = make_client(httpx.DecodingError("bad gzip"), max_retries=0)
    with pytest.raises(pywats.APIConnectionError) as caught:
        client.get_version()
    assert not isinstance(caught.value, httpx.HTTPError)


def test_unexpected_body_raises_response_validation_error() -> None:
    client, _, _ = make_client(httpx.Response(200, json={"version": VERSION}))
    with pytest.raises(pywats.APIResponseValidationError, match="App/Version"):
        client.get_version()


def test_breaker_opens_after_n_failures_fails_fast_and_recovers() -> None:
    settings = pywats.BreakerSettings(failure_threshold=3, cool_down=30.0)
    client, transport, clock = make_client(
        *[httpx.Response(503)] * 3, breaker=settings, max_retries=0
    )
    for _ in range(3):
        with pytest.raises(pywats.InternalServerError):
            client.get_version()
    assert client.breaker_state == "open"

    clock.advance(10.0)
    with pytest.raises(pywats.CircuitOpenError) as caught:
        client.get_version()
    assert caught.value.host == "wats.test"
    assert caught.value.retry_in == pytest.approx(20.0)
    assert "wats.test" in str(caught.value)
    assert len(transport.requests) == 3  # failed fast: nothing sent

    clock.advance(20.0)
    assert client.breaker_state == "half-open"
    transport.add(httpx.Response(200, json=VERSION))
    assert client.get_version() == VERSION
    assert client.breaker_state == "closed"


def test_breaker_reopens_when_the_trial_request_fails() -> None:
    settings = pywats.BreakerSettings(failure_threshold=2, cool_down=5.0)
    reset = httpx.ConnectError("refused")
    client, transport, clock = make_client(reset, reset, reset, breaker=settings, max_retries=0)
    for _ in range(2):
        with pytest.raises(pywats.APIConnectionError):
            client.get_version()
    clock.advance(5.0)
    with pytest.raises(pywats.APIConnectionError):
        client.get_version()  # the trial, which fails
    assert client.breaker_state == "open"
    with pytest.raises(pywats.CircuitOpenError):
        client.get_version()
    assert len(transport.requests) == 3


def test_client_errors_do_not_open_the_breaker() -> None:
    settings = pywats.BreakerSettings(failure_threshold=2)
    client, _, _ = make_client(*[httpx.Response(404)] * 3, breaker=settings)
    for _ in range(3):
        with pytest.raises(pywats.NotFoundError):
            client.get_version()
    assert client.breaker_state == "closed"


def test_caller_sets_the_correlation_id() -> None:
    client, transport, _ = make_client(httpx.Response(500), max_retries=0)
    with (
        pywats.correlation_id("station-7/file-42"),
        pytest.raises(pywats.InternalServerError) as caught,
    ):
        client.get_version()
    assert transport.requests[0].headers["X-Correlation-ID"] == "station-7/file-42"
    assert caught.value.correlation_id == "station-7/file-42"


def test_debug_log_line_has_request_facts_and_no_token(caplog: pytest.LogCaptureFixture) -> None:
    client, _, _ = make_client(httpx.Response(503), httpx.Response(200, json=VERSION))
    with caplog.at_level(logging.DEBUG, logger="pywats.http"):
        client.get_version()
    lines = [r.getMessage() for r in caplog.records if r.name == "pywats.http"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/App/Version -> 503 attempt=1 duration_ms=")
    assert lines[1].startswith("GET /api/App/Version -> 200 attempt=2 duration_ms=")
    assert all("correlation_id=" in line for line in lines)
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client)


def test_closed_client_raises_sdk_error_not_httpx() -> None:
    client, _, _ = make_client(httpx.Response(200, json=VERSION))
    client.close()
    with pytest.raises(pywats.WATSError, match="closed"):
        client.get_version()


def test_against_the_local_server_over_a_socket(live_server: LiveServer) -> None:
    with pywats.WATS(base_url=f"{live_server.base_url}/api/", token=live_server.token) as client:
        version = client.get_version()
    assert version.count(".") == 3, version


def test_local_server_rejects_a_wrong_token_with_its_message(live_server: LiveServer) -> None:
    client = pywats.WATS(base_url=live_server.base_url, token="d3Jvbmc6d3Jvbmc=")
    with client, pytest.raises(pywats.AuthenticationError) as caught:
        client.get_version()
    assert caught.value.status_code == 401
    assert caught.value.message  # the server's own text, not a placeholder
    assert caught.value.message != "Unauthorized"


@pytest.mark.anyio
async def test_async_client_against_the_local_server_in_process(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    async with pywats.AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        version = await client.get_version()
    assert version.count(".") == 3, version
