"""Errors shaped as WATS shapes them: `{"Message": ..., "message": ...}` with a status code."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from .storage._domain import Conflict, DomainError, Invalid, NotFound

__all__ = [
    "DOMAIN_STATUS",
    "ApiError",
    "ErrorBody",
    "error_response",
    "install_error_handlers",
    "status_of",
    "unexpected_error_response",
]

_log = logging.getLogger("pywats_server")


class ApiError(Exception):
    """A request failed for a reason the client must hear; `message` names the field or thing."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class ErrorBody(BaseModel):
    """The body of every error answer (the same text twice, for both kinds of client)."""

    Message: str
    message: str


#: The one mapping of the stores' domain errors to HTTP status codes.
DOMAIN_STATUS: dict[type[DomainError], int] = {NotFound: 404, Conflict: 409, Invalid: 400}


def status_of(exc: ApiError | DomainError) -> int:
    """The status code an error is answered with."""
    if isinstance(exc, ApiError):
        return exc.status_code
    return next(status for kind, status in DOMAIN_STATUS.items() if isinstance(exc, kind))


def error_response(
    status_code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error body: ASP.NET's `Message` plus the lower-case `message` other clients read."""
    return JSONResponse(
        {"Message": message, "message": message}, status_code=status_code, headers=headers
    )


def unexpected_error_response(method: str, path: str, exc: BaseException) -> JSONResponse:
    """The logged 500 of an error the server did not expect; names only the exception type."""
    _log.error("unhandled error on %s %s", method, path, exc_info=exc)
    return error_response(500, f"internal server error: {type(exc).__name__}")


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = [str(item) for item in error.get("loc", ())]
        where = location[0] if location else "request"
        field = ".".join(location[1:]) or where
        parts.append(f"{where} parameter '{field}': {error.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


# PostgreSQL's SQLSTATE for a number its column cannot hold; SQLite refuses only integers past
# 64 bits (a bare OverflowError from the driver). Texts are checked against their columns'
# widths before any statement runs (`storage._widths`).
_NUMERIC_VALUE_OUT_OF_RANGE = "22003"
_EXPECTED_INTEGERS = "expected integers from -2147483648 to 2147483647"
_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def _bound_values(exc: DataError) -> Iterator[tuple[str, object]]:
    """(name, value) of every parameter the statement bound by name: a column's, not a limit's
    or an offset's anonymous `param_N`."""
    rows = exc.params if isinstance(exc.params, (list, tuple)) else [exc.params]
    for row in rows:
        for name, value in row.items() if isinstance(row, dict) else ():
            if not name.startswith("param_"):
                yield name, value


def _column_misfit(exc: DataError) -> str | None:
    """The 400 message when PostgreSQL refused a number its column cannot hold, else None;
    names the table's column when the statement bound it by name."""
    if getattr(exc.orig, "sqlstate", None) != _NUMERIC_VALUE_OUT_OF_RANGE:
        return None
    match = _TABLE.match(exc.statement or "")
    table = f"{match.group(1)}." if match else ""
    for name, value in _bound_values(exc):
        if isinstance(value, int) and not -(2**31) <= value < 2**31:
            return f"{table}{name}: {_EXPECTED_INTEGERS}, got {value}"
    return f"a number in the request is out of range: {_EXPECTED_INTEGERS}"


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure answer with the WATS error shape; unexpected ones are logged as 500."""

    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, (ApiError, DomainError))
        return error_response(status_of(exc), exc.message)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(400, _describe_validation(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no endpoint {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        headers: dict[str, Any] | None = getattr(exc, "headers", None)
        return error_response(exc.status_code, message, headers)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return unexpected_error_response(request.method, request.url.path, exc)

    # A number the database cannot bind or hold came in the request (past 64 bits on SQLite,
    # past an INTEGER's 32 on PostgreSQL): a 400, not a server failure. Endpoints that check
    # their own ranges name the field.
    async def on_overflow(request: Request, exc: Exception) -> JSONResponse:
        # Only the SQLite driver's refusal to bind is the request's fault; any other overflow
        # (arithmetic in the server) is a server failure and stays a logged 500.
        if "SQLite INTEGER" not in str(exc):
            return await on_unexpected(request, exc)
        return error_response(400, f"a number in the request is out of range: {_EXPECTED_INTEGERS}")

    async def on_data_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DataError)
        message = _column_misfit(exc)
        if message is None:
            return await on_unexpected(request, exc)
        return error_response(400, message)

    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(DataError, on_data_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(DomainError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    # No handler for Exception: Starlette answers those from its outermost middleware and then
    # re-raises, so the server drops the keep-alive connection; `ErrorBoundary` answers instead.
