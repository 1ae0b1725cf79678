"""The I/O-free half of the client, shared by `WATS` and `AsyncWATS`.

It turns a `Call` into an httpx request, serves and fills the reference cache, decides after each
attempt whether to retry and how long to wait, feeds the circuit breaker, logs, maps error
statuses to the exception tree and validates response bodies. httpx exceptions are translated
here and nowhere else. The twins only send, sleep and loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import pydantic

from pywats._breaker import CircuitBreaker
from pywats._cache import ReferenceCache
from pywats._clock import Clock
from pywats._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    WATSError,
    status_error_class,
)
from pywats._retry import RetryPolicy, is_retryable_status, parse_retry_after
from pywats._service import Call
from pywats._wire import RESPONSE

__all__ = ["ClientCore", "Exchange", "correlation_id"]

logger = logging.getLogger("pywats.http")

CORRELATION_HEADER = "X-Correlation-ID"
# WATS rejects internal endpoints unless the request names the server's base URL (rest-api §3.5).
_INTERNAL_PREFIX = "/api/internal/"
_ERROR_MESSAGE_KEYS = ("message", "Message", "error", "detail", "title")
# Failures worth another attempt: the server may answer next time (reset, refused, timed out).
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_correlation: ContextVar[str | None] = ContextVar("pywats_correlation_id", default=None)


@contextlib.contextmanager
def correlation_id(value: str) -> Iterator[str]:
    """Send `value` as `X-Correlation-ID` on every request made inside the block.

    Scoped to the current thread or task (a context variable); outside any block each request
    gets a fresh UUID.
    """
    token = _correlation.set(value)
    try:
        yield value
    finally:
        _correlation.reset(token)


@dataclass
class Exchange:
    """One call in progress: the request to (re)send and how many retries were spent."""

    call: Call[Any]
    request: httpx.Request
    correlation_id: str
    retries: int = 0


class ClientCore:
    """Decisions shared by both twins; holds no connection and does no I/O."""

    def __init__(
        self,
        *,
        retry: RetryPolicy,
        breaker: CircuitBreaker,
        clock: Clock,
        random: Callable[[], float],
        cache: ReferenceCache | None = None,
    ) -> None:
        self.retry = retry
        self.breaker = breaker
        self.cache = cache
        self._clock = clock
        self._random = random

    def cached(self, call: Call[Any]) -> tuple[bool, Any]:
        """`(True, value)` when the cache holds a fresh answer to `call`, else `(False, None)`."""
        if self.cache is None or call.cache is None:
            return False, None
        return self.cache.get(call.cache, _cache_key(call))

    def prepare(self, http: httpx.Client | httpx.AsyncClient, call: Call[Any]) -> Exchange:
        """Build the request (once; retries resend it) with its correlation id."""
        if http.is_closed:
            raise WATSError(f"cannot {call.method} {call.path}: the client has been closed")
        cid = _correlation.get() or str(uuid.uuid4())
        headers = {**call.headers, CORRELATION_HEADER: cid}
        if ("/" + call.path.lstrip("/")).lower().startswith(_INTERNAL_PREFIX):
            headers.setdefault("Referer", str(http.base_url).rstrip("/"))
        params = None
        if call.params:
            params = {k: _param(v) for k, v in call.params.items() if v is not None}
        # What `http.build_request` would make, without its per-call URL parse and merge and
        # its two header copies: the merged URL is cached per path, the client's headers
        # (Authorization, Accept, User-Agent) are copied once and the call's laid over them.
        merged = http.headers.copy()
        merged.update(headers)
        try:
            request = httpx.Request(
                call.method,
                _request_url(http.base_url, call.path),
                params=params,
                json=call.json,
                content=call.content,
                headers=merged,
                cookies=http.cookies or None,
                extensions={"timeout": http.timeout.as_dict()},
            )
        except httpx.InvalidURL as error:
            raise WATSError(f"cannot build {call.method} {call.path!r}: {error}") from None
        return Exchange(call, request, cid)

    def after_response(
        self, ex: Exchange, response: httpx.Response, started: float
    ) -> float | None:
        """Record an answered attempt; return the wait before retrying, or None if it is final."""
        status = response.status_code
        self._log(ex, str(status), started)
        if status >= 500:
            self.breaker.record_failure()
        else:
            self.breaker.record_success()
        if not is_retryable_status(status) or not self._may_retry(ex):
            return None
        return self._next_delay(ex, self._retry_after(response))

    def _retry_after(self, response: httpx.Response) -> float | None:
        return parse_retry_after(response.headers.get("Retry-After"), now=self._clock.time())

    def after_error(self, ex: Exchange, error: Exception, started: float) -> float:
        """Record a failed attempt; return the wait before retrying or raise the SDK error."""
        self._log(ex, type(error).__name__, started)
        transient = isinstance(error, _TRANSIENT)
        if transient:
            self.breaker.record_failure()
        else:
            self.breaker.record_abandoned()
        if transient and self._may_retry(ex):
            return self._next_delay(ex, None)
        raise self.translate(ex, error) from error

    def translate(self, ex: Exchange, error: Exception) -> APIConnectionError:
        """Map an httpx exception to `APITimeoutError` or `APIConnectionError`."""
        method, url, cid = ex.request.method, str(ex.request.url), ex.correlation_id
        what = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
        message = (
            f"{method} {url} {what} after {ex.retries + 1} attempt(s): "
            f"{str(error) or type(error).__name__} (correlation id {cid})"
        )
        cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        return cls(message, method=method, url=url, correlation_id=cid)

    def result(self, ex: Exchange, response: httpx.Response) -> Any:
        """The parsed body of a final response, or the status error it stands for. A read of a
        cached family is remembered; a write invalidates the family it changes."""
        if response.status_code >= 400:
            raise self._status_error(ex, response)
        value = self._body(ex, response)
        call, cache = ex.call, self.cache
        if cache is not None:
            if call.cache is not None:
                cache.put(call.cache, _cache_key(call), value)
            if call.invalidates is not None:
                cache.invalidate(call.invalidates)
        return value

    def _body(self, ex: Exchange, response: httpx.Response) -> Any:
        returns = ex.call.returns
        if returns is None:
            return None
        if returns is bytes:
            return response.content
        adapter = _adapter(returns)
        body = response.content
        try:
            if not body.strip():
                return adapter.validate_python(None)
            if returns is str and "json" not in response.headers.get("Content-Type", ""):
                return _text_or_json_string(response)
            return adapter.validate_json(body, context=RESPONSE)
        except pydantic.ValidationError as error:
            raise APIResponseValidationError(
                _validation_detail(error),
                method=ex.request.method,
                url=str(ex.request.url),
                correlation_id=_response_correlation(ex, response),
            ) from None

    def _may_retry(self, ex: Exchange) -> bool:
        return self.retry.allows_retry(
            retries_done=ex.retries, method=ex.request.method, idempotent=ex.call.idempotent
        )

    def _next_delay(self, ex: Exchange, retry_after: float | None) -> float:
        ex.retries += 1
        return self.retry.delay(ex.retries, retry_after=retry_after, random=self._random)

    def _status_error(self, ex: Exchange, response: httpx.Response) -> APIStatusError:
        message, body = _error_message(response)
        cls = status_error_class(response.status_code)
        return cls(
            message,
            status_code=response.status_code,
            method=ex.request.method,
            url=str(ex.request.url),
            correlation_id=_response_correlation(ex, response),
            body=body,
            response=response,
            retry_after=self._retry_after(response),
        )

    def _log(self, ex: Exchange, outcome: str, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s attempt=%d duration_ms=%.1f correlation_id=%s",
                ex.request.method,
                ex.request.url.path,
                outcome,
                ex.retries + 1,
                (self._clock.monotonic() - started) * 1000.0,
                ex.correlation_id,
            )


def _cache_key(call: Call[Any]) -> Hashable:
    params = tuple(sorted(call.params.items())) if call.params else ()
    return (call.method, call.path, params)


@lru_cache(maxsize=1024)
def _request_url(base_url: httpx.URL, path: str) -> httpx.URL:
    """`path` under `base_url`, merged as httpx's clients merge them: a base path is kept
    (`https://host/wats` + `/api/x` is `https://host/wats/api/x`), an absolute URL replaces it.

    Cached because parsing the URL was the largest part of building a request; the key holds
    only URLs, and distinct paths (serial numbers in them) fall out of the bounded cache."""
    url = httpx.URL(path)
    if not url.is_relative_url:
        return url
    return base_url.copy_with(raw_path=base_url.raw_path + url.raw_path.lstrip(b"/"))


@lru_cache(maxsize=256)
def _adapter(returns: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(returns)


def _param(value: str | int | float | bool) -> str | int | float:
    # WATS expects lower-case booleans ("true"), as JSON and .NET model binding spell them.
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _response_correlation(ex: Exchange, response: httpx.Response) -> str:
    return response.headers.get(CORRELATION_HEADER) or ex.correlation_id


def _text_or_json_string(response: httpx.Response) -> str:
    text = response.text.strip()
    if text.startswith('"'):
        with contextlib.suppress(ValueError):
            decoded = json.loads(text)
            if isinstance(decoded, str):
                return decoded
    return text


def _error_message(response: httpx.Response) -> tuple[str, Any]:
    """The server's error text and the decoded body (JSON value, text, or None if empty)."""
    text = response.text
    if not text.strip():
        return response.reason_phrase or f"HTTP {response.status_code}", None
    try:
        body: Any = json.loads(text)
    except ValueError:
        return text.strip(), text
    if isinstance(body, str) and body.strip():
        return body, body
    if isinstance(body, dict):
        for key in _ERROR_MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value, body
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"]), body
    return text.strip(), body


def _validation_detail(error: pydantic.ValidationError) -> str:
    problems = [
        f"{'.'.join(str(p) for p in item['loc']) or 'body'}: {item['msg']}"
        for item in error.errors()[:5]
    ]
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f" (+{more} more)" if more > 0 else "")
