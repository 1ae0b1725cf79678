"""'Test connection': one real request through the SDK, and what exactly went wrong.

`probe` calls `WATS.get_version()` without retries; `explain` turns the SDK's typed exceptions
into a category an operator can act on (DNS, TLS, refused, timeout, 401, ...) plus the detail.
`check_server` is both for `init` and `config validate`; the configurator's "Test connection"
uses them too.
"""

from __future__ import annotations

import enum
import socket
import ssl
from dataclasses import dataclass

from pywats import (
    WATS,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    WATSError,
)

__all__ = ["Failure", "Problem", "ServerCheck", "check_server", "explain", "probe"]


class Problem(enum.Enum):
    """Why a connection test failed, each with the advice shown to the operator."""

    SETTINGS = "Settings incomplete"
    DNS = "Server name not found (DNS)"
    TLS = "TLS/certificate problem"
    REFUSED = "Connection refused"
    TIMEOUT = "Timed out"
    NETWORK = "Network error"
    UNAUTHORIZED = "Token rejected (401)"
    FORBIDDEN = "Token lacks permission (403)"
    HTTP = "Server error"


@dataclass(frozen=True)
class Failure:
    problem: Problem
    detail: str

    def __str__(self) -> str:
        return f"{self.problem.value}: {self.detail}"


def probe(url: str, token: str, timeout: float) -> str:
    """The server's version string; raises the SDK's exception when the request fails."""
    with WATS(base_url=url, token=token, timeout=timeout, max_retries=0) as client:
        return client.get_version()


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


_OS_ERRORS: tuple[tuple[type[BaseException], Problem], ...] = (
    (socket.gaierror, Problem.DNS),
    (ssl.SSLError, Problem.TLS),
    (ConnectionRefusedError, Problem.REFUSED),
)


def explain(error: Exception) -> Failure:
    """The category and detail of a failed `probe`; unknown errors are reported verbatim."""
    if isinstance(error, ConfigurationError):
        return Failure(Problem.SETTINGS, str(error))
    if isinstance(error, AuthenticationError):
        return Failure(Problem.UNAUTHORIZED, f"{error.message} — check the API token")
    if isinstance(error, PermissionDeniedError):
        return Failure(Problem.FORBIDDEN, error.message)
    if isinstance(error, APIStatusError):
        return Failure(Problem.HTTP, f"{error.status_code} {error.message}")
    if isinstance(error, APITimeoutError):
        return Failure(Problem.TIMEOUT, error.message)
    if isinstance(error, APIConnectionError):
        # The SDK keeps the original failure as the cause; the OS-level error below it tells
        # a name that does not resolve from a certificate or a closed port.
        causes = _causes(error)
        for kind, problem in _OS_ERRORS:
            if any(isinstance(cause, kind) for cause in causes):
                return Failure(problem, error.message)
        return Failure(Problem.NETWORK, error.message)
    return Failure(Problem.HTTP, f"{type(error).__name__}: {error}")


#: Failures that are the station's settings, not the network: errors, never "offline".
_REFUSED = (Problem.SETTINGS, Problem.UNAUTHORIZED, Problem.FORBIDDEN)


@dataclass(frozen=True)
class ServerCheck:
    """`ok`: the server answered and accepted the token. `refused`: it refused the token (or
    the settings cannot make a request): an error. Neither: it could not be asked (offline is
    allowed, a warning) or answered as no WATS server does."""

    ok: bool
    refused: bool
    message: str


def check_server(url: str, token: str, *, timeout: float = 10.0) -> ServerCheck:
    """Ask `url` for its version with `token`, once."""
    try:
        version = probe(url, token, timeout)
    except WATSError as exc:
        failure = explain(exc)
        if failure.problem in _REFUSED:
            return ServerCheck(False, True, f"the server refused the token: {failure}")
        return ServerCheck(False, False, f"cannot reach {url}: {failure}")
    return ServerCheck(True, False, f"{url} answers (WATS API {version}) and accepts the token")
