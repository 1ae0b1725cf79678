"""`explain` maps the SDK's typed errors to what an operator should check."""

from __future__ import annotations

import pytest

from pywats import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
)
from pywats_client._probe import Problem, explain


@pytest.mark.parametrize(
    ("status", "cls", "problem"),
    [
        (401, AuthenticationError, Problem.UNAUTHORIZED),
        (403, PermissionDeniedError, Problem.FORBIDDEN),
        (404, NotFoundError, Problem.HTTP),
        (503, InternalServerError, Problem.HTTP),
    ],
)
def test_status_errors_by_class(status: int, cls: type[APIStatusError], problem: Problem) -> None:
    error = cls(
        "nope", status_code=status, method="GET", url="https://wats.example.com/api/App/Version"
    )
    failure = explain(error)
    assert failure.problem is problem
    assert "nope" in failure.detail


def test_the_message_leads_with_the_category() -> None:
    error = PermissionDeniedError("no role", status_code=403, method="GET", url="u")
    assert str(explain(error)) == "Token lacks permission (403): no role"
    server = InternalServerError("boom", status_code=500, method="GET", url="u")
    assert str(explain(server)) == "Server error: 500 boom"


def test_a_connection_error_without_a_known_cause_is_a_network_error() -> None:
    error = APIConnectionError("GET u failed: reset by peer", method="GET", url="u")
    assert explain(error).problem is Problem.NETWORK
