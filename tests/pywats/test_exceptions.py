"""The exception tree and the status → class mapping."""

from __future__ import annotations

import httpx
import pytest

import pywats
from pywats.testing import ScriptedTransport


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, pywats.BadRequestError),
        (401, pywats.AuthenticationError),
        (403, pywats.PermissionDeniedError),
        (404, pywats.NotFoundError),
        (409, pywats.ConflictError),
        (422, pywats.UnprocessableEntityError),
        (429, pywats.RateLimitError),
        (500, pywats.InternalServerError),
        (503, pywats.InternalServerError),
        (599, pywats.InternalServerError),
        (408, pywats.APIStatusError),
        (418, pywats.APIStatusError),
    ],
)
def test_status_maps_to_its_class(status: int, cls: type[pywats.APIStatusError]) -> None:
    transport = ScriptedTransport(httpx.Response(status))
    with (
        pywats.WATS(
            base_url="http://wats.test", token="t", transport=transport, max_retries=0
        ) as c,
        pytest.raises(pywats.APIStatusError) as caught,
    ):
        c.get_version()
    assert type(caught.value) is cls
    assert caught.value.status_code == status


def test_every_error_is_a_wats_error() -> None:
    for cls in (
        pywats.APIConnectionError,
        pywats.APITimeoutError,
        pywats.CircuitOpenError,
        pywats.ConfigurationError,
        pywats.NotFoundError,
        pywats.InternalServerError,
    ):
        assert issubclass(cls, pywats.WATSError)
    assert issubclass(pywats.APITimeoutError, pywats.APIConnectionError)
    assert issubclass(pywats.NotFoundError, pywats.APIStatusError)


def test_status_error_carries_message_and_correlation_id() -> None:
    error = pywats.NotFoundError(
        "Product X not found",
        status_code=404,
        method="GET",
        url="http://wats.test/api/Product/X",
        correlation_id="abc-123",
        body={"Message": "Product X not found"},
    )
    text = str(error)
    assert "Product X not found" in text
    assert "abc-123" in text
    assert "404" in text
    assert error.body == {"Message": "Product X not found"}


def test_circuit_open_error_names_host_and_wait() -> None:
    error = pywats.CircuitOpenError("wats.test", retry_in=12.5, retry_at=112.5)
    assert "wats.test" in str(error)
    assert "12.5 s" in str(error)
