"""The compatibility driver's verdicts: every HTTP request seen, each call judged.

Runs in the reference environment (see pywats_api_driver.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

_REQUESTS: list[tuple[str, str, int]] = []


def wrap_transports() -> None:
    """Record (method, path, status) of every request either of httpx's transports sends."""
    sync_send = httpx.HTTPTransport.handle_request
    async_send = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        response = sync_send(self, request)
        _REQUESTS.append((request.method, str(request.url.raw_path, "ascii"), response.status_code))
        return response

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        response = await async_send(self, request)
        _REQUESTS.append((request.method, str(request.url.raw_path, "ascii"), response.status_code))
        return response

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]


class Driver:
    """Runs calls, recording a verdict for each."""

    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []

    def call(
        self,
        domain: str,
        name: str,
        action: Callable[[], Any],
        check: Callable[[Any], object] | None = None,
    ) -> Any:
        """Run `action`; ok when it raises nothing, no request failed and `check(result)` holds
        (a check returns a falsy value or raises AssertionError to fail)."""
        _REQUESTS.clear()
        value: Any = None
        problems: list[str] = []
        try:
            value = action()
            if check is not None and not check(value):
                problems.append(f"read back does not match: {_short(value)}")
        except AssertionError as exc:
            problems.append(f"read back does not match: {exc}")
        except Exception as exc:  # every failure of the client is a verdict
            problems.append(f"raised {type(exc).__name__}: {str(exc)[:300]}")
            value = None
        failed = [f"{m} {p} -> {s}" for m, p, s in _REQUESTS if s >= 400]
        if failed:
            problems.append("HTTP errors: " + "; ".join(failed))
        self.results.append(
            {"domain": domain, "call": name, "ok": not problems, "detail": " | ".join(problems)}
        )
        return value


def _short(value: Any) -> str:
    return repr(value)[:300]


def admin(api: Any, method: str, path: str, body: Any) -> Any:
    """A set-up request outside the client's API (WATS does these in its control panel)."""
    headers = {"Authorization": f"Basic {api._compat_token}"}
    response = httpx.request(method, api.base_url + path, json=body, headers=headers)
    response.raise_for_status()
    return response.json()
