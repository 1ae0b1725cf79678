"""The one exception tree of the SDK.

Every error the SDK raises derives from `WATSError`. Transport failures become
`APIConnectionError` (or its `APITimeoutError` subclass); an HTTP error status becomes the
`APIStatusError` subclass for that status, carrying the server's message, the request's
correlation id and the response (headers, `retry_after`). Other third-party (httpx) exceptions
never escape: they are translated at the client's transport boundary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the report model raises these too, and must not pull in the HTTP stack
    import httpx

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CircuitOpenError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReportFormatError",
    "ReportValidationError",
    "UnprocessableEntityError",
    "WATSError",
]


class WATSError(Exception):
    """Base class of every error raised by pyWATS."""


class ConfigurationError(WATSError):
    """A required setting is missing or invalid; the message names the argument and variable."""


class ReportFormatError(WATSError, ValueError):
    """A document is not a readable WSJF/WSXF report; the message names the path and what was
    expected there (e.g. `root.steps[3]: expected a JSON object`)."""


class ReportValidationError(WATSError, ValueError):
    """A report, or a value given to a builder, breaks the rules WATS applies on submit.

    `problems` lists `(path, message)` pairs, e.g.
    `("root.steps[3].numericMeas[0].lowLimit", "required by compOp 'GELE'")`; the exception
    message lists them all.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        lines = [f"{path}: {message}" for path, message in problems]
        super().__init__(f"invalid report ({len(lines)} problem(s)):\n  " + "\n  ".join(lines))
        self.problems = problems


class APIConnectionError(WATSError):
    """The request did not get an HTTP response: DNS, connect, reset, protocol or read failure."""

    def __init__(
        self, message: str, *, method: str, url: str, correlation_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.correlation_id = correlation_id


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""


class CircuitOpenError(WATSError):
    """The circuit breaker for `host` is open: requests fail fast until it half-opens.

    `retry_at` is the breaker clock's reading (seconds) at which a trial request is allowed;
    `retry_in` is the remaining wait in seconds when the error was raised.
    """

    def __init__(self, host: str, *, retry_in: float, retry_at: float) -> None:
        super().__init__(
            f"circuit open for {host} after repeated failures; "
            f"next trial request allowed in {retry_in:.1f} s"
        )
        self.host = host
        self.retry_in = retry_in
        self.retry_at = retry_at


class APIResponseValidationError(WATSError):
    """A 2xx response body did not match the expected type (`detail` says where and how)."""

    def __init__(self, detail: str, *, method: str, url: str, correlation_id: str | None) -> None:
        super().__init__(
            f"unexpected response to {method} {url}: {detail} (correlation id {correlation_id})"
        )
        self.detail = detail
        self.method = method
        self.url = url
        self.correlation_id = correlation_id


class APIStatusError(WATSError):
    """The server answered with an error status (4xx/5xx).

    `message` is the server's own error text when it sent one; `body` is the decoded JSON body
    (or the text when it is not JSON, or None when empty). `response` is the response itself
    (headers included), as httpx's status errors carry it; `retry_after` is its `Retry-After`
    in seconds (None when absent or unreadable), parsed once by the client.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        url: str,
        correlation_id: str | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            f"{status_code} {method} {url}: {message} (correlation id {correlation_id})"
        )
        self.message = message
        self.status_code = status_code
        self.method = method
        self.url = url
        self.correlation_id = correlation_id
        self.body = body
        self.response = response
        self.retry_after = retry_after

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (empty for an error built without a response)."""
        import httpx

        return httpx.Headers() if self.response is None else self.response.headers


class BadRequestError(APIStatusError):
    """400: the server rejected the request as invalid."""


class AuthenticationError(APIStatusError):
    """401: missing or invalid credentials (check the token)."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but lack the needed permission."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests; the client retries these honouring `Retry-After`."""


class InternalServerError(APIStatusError):
    """5xx: the server failed to handle the request."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """Return the exception class for an HTTP error status (`APIStatusError` when unmapped)."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
