"""Client configuration: explicit arguments, environment fallback, URL normalisation."""

from __future__ import annotations

import httpx
import pytest

import pywats
from pywats.testing import ScriptedTransport


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATS_BASE_URL", raising=False)
    monkeypatch.delenv("WATS_AUTH_TOKEN", raising=False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://wats.example.com", "https://wats.example.com"),
        ("https://wats.example.com/", "https://wats.example.com"),
        ("https://wats.example.com/api", "https://wats.example.com"),
        ("https://wats.example.com/api/", "https://wats.example.com"),
        ("https://wats.example.com/API//", "https://wats.example.com"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080"),
        ("HTTPS://wats.example.com/wats/api", "https://wats.example.com/wats"),
        ("  https://wats.example.com/apis  ", "https://wats.example.com/apis"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    with pywats.WATS(base_url=given, token="t") as client:
        assert client.base_url == expected


def test_requests_go_under_the_normalised_url_with_a_path_prefix() -> None:
    transport = ScriptedTransport(httpx.Response(200, json="1.0"))
    with pywats.WATS(base_url="https://h.test/wats/api/", token="t", transport=transport) as c:
        c.get_version()
    assert str(transport.requests[0].url) == "https://h.test/wats/api/App/Version"


@pytest.mark.parametrize(
    "bad", ["wats.example.com", "ftp://wats.example.com", "https://", "https://h.test/?x=1"]
)
def test_unusable_base_url_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(pywats.ConfigurationError, match="base_url"):
        pywats.WATS(base_url=bad, token="t")


def test_environment_fills_omitted_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATS_BASE_URL", "https://env.test/api")
    monkeypatch.setenv("WATS_AUTH_TOKEN", "ZW52")
    transport = ScriptedTransport(httpx.Response(200, json="1.0"))
    with pywats.WATS(transport=transport) as client:
        assert client.base_url == "https://env.test"
        client.get_version()
    assert transport.requests[0].headers["Authorization"] == "Basic ZW52"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATS_BASE_URL", "https://env.test")
    monkeypatch.setenv("WATS_AUTH_TOKEN", "ZW52")
    transport = ScriptedTransport(httpx.Response(200, json="1.0"))
    with pywats.WATS(base_url="https://arg.test", token="YXJn", transport=transport) as client:
        client.get_version()
    assert str(transport.requests[0].url).startswith("https://arg.test/")
    assert transport.requests[0].headers["Authorization"] == "Basic YXJn"


def test_missing_base_url_names_argument_and_variable() -> None:
    with pytest.raises(pywats.ConfigurationError) as caught:
        pywats.AsyncWATS(token="t")
    assert "base_url" in str(caught.value)
    assert "WATS_BASE_URL" in str(caught.value)


def test_missing_token_names_argument_and_variable() -> None:
    with pytest.raises(pywats.ConfigurationError) as caught:
        pywats.WATS(base_url="https://h.test")
    assert "token" in str(caught.value)
    assert "WATS_AUTH_TOKEN" in str(caught.value)


def test_empty_token_is_rejected() -> None:
    with pytest.raises(pywats.ConfigurationError, match="token is empty"):
        pywats.WATS(base_url="https://h.test", token="  ")


def test_timeout_default_none_and_explicit() -> None:
    seen: list[dict[str, float | None]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json="1.0")

    for kwargs in ({}, {"timeout": None}, {"timeout": 2.5}):
        transport = ScriptedTransport(record)
        with pywats.WATS(base_url="https://h.test", token="t", transport=transport, **kwargs) as c:
            c.get_version()
    assert [t["read"] for t in seen] == [30.0, None, 2.5]


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), "5", True])
def test_bad_timeout_is_rejected(bad: object) -> None:
    with pytest.raises(pywats.ConfigurationError, match="timeout"):
        pywats.WATS(base_url="https://h.test", token="t", timeout=bad)  # type: ignore[arg-type]


def test_bad_policies_are_rejected() -> None:
    with pytest.raises(pywats.ConfigurationError, match="max_retries"):
        pywats.WATS(base_url="https://h.test", token="t", max_retries=-1)
    with pytest.raises(pywats.ConfigurationError, match="failure_threshold"):
        pywats.BreakerSettings(failure_threshold=0)
    with pytest.raises(pywats.ConfigurationError, match="backoff_cap"):
        pywats.RetryPolicy(backoff_cap=float("nan"))


@pytest.mark.parametrize("bad", ["https://h.test:abc", "http://127.0.0.1:99999/api"])
def test_base_url_with_an_unusable_port_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(pywats.ConfigurationError, match=r"unusable port: expected a number"):
        pywats.WATS(base_url=bad, token="t")


@pytest.mark.parametrize(
    ("token", "found"),
    [("tøken", "'ø' at position 1"), ("Basic YTpw", "' ' at position 5"), ("a\tb", r"'\\t'")],
)
def test_a_token_a_header_cannot_carry_is_a_configuration_error(token: str, found: str) -> None:
    with pytest.raises(pywats.ConfigurationError, match=f"token has {found}.*no 'Basic ' prefix"):
        pywats.WATS(base_url="https://h.test", token=token)
