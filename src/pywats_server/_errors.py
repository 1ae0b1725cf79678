"""Errors shaped as WATS shapes them: `{"Message": ..., "message": ...}` with a status code."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

__all__ = ["ApiError", "error_response", "install_error_handlers", "unexpected_error_response"]

_log = logging.getLogger("pywats_server")


class ApiError(Exception):
    """A request failed for a reason the client must hear; `message` names the field or thing."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


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


# PostgreSQL's SQLSTATEs for a value its column cannot hold; SQLite holds any text and refuses
# only integers past 64 bits (a bare OverflowError from the driver).
_NUMERIC_VALUE_OUT_OF_RANGE = "22003"
_STRING_DATA_RIGHT_TRUNCATION = "22001"
_EXPECTED_INTEGERS = "expected integers from -2147483648 to 2147483647"
_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE)\s+(\w+)", re.IGNORECASE)
_WIDTH = re.compile(r"character varying\((\d+)\)")
_COPY_CONTEXT = re.compile(r"COPY (\w+), line (\d+), column (\w+)")


def _bound_values(exc: DataError) -> Iterator[tuple[str, object]]:
    """(name, value) of every parameter the statement bound by name: a column's, not a limit's
    or an offset's anonymous `param_N`."""
    rows = exc.params if isinstance(exc.params, (list, tuple)) else [exc.params]
    for row in rows:
        for name, value in row.items() if isinstance(row, dict) else ():
            if not name.startswith("param_"):
                yield name, value


def _column_misfit(exc: DataError) -> str | None:
    """The 400 message when PostgreSQL refused a value its column cannot hold, else None;
    names the table's column when the statement bound it by name."""
    state = getattr(exc.orig, "sqlstate", None)
    match = _TABLE.match(exc.statement or "")
    table = f"{match.group(1)}." if match else ""
    if state == _NUMERIC_VALUE_OUT_OF_RANGE:
        for name, value in _bound_values(exc):
            if isinstance(value, int) and not -(2**31) <= value < 2**31:
                return f"{table}{name}: {_EXPECTED_INTEGERS}, got {value}"
        return f"a number in the request is out of range: {_EXPECTED_INTEGERS}"
    if state == _STRING_DATA_RIGHT_TRUNCATION:
        width = _WIDTH.search(str(exc.orig))
        limit = int(width.group(1)) if width else 0
        expected = f"expected at most {limit} characters"
        for name, value in _bound_values(exc):
            if limit and isinstance(value, str) and len(value) > limit:
                return f"{table}{name}: {expected}, got {len(value)}"
        # Child rows arrive by COPY, which binds nothing by name; its context names the place.
        copied = _COPY_CONTEXT.search(str(exc.orig))
        if copied:
            copy_table, line, column = copied.groups()
            return f"{copy_table}.{column} (row {line}): {expected}"
        return f"a text in the request is longer than the server stores: {expected}"
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure answer with the WATS error shape; unexpected ones are logged as 500."""

    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status_code, exc.message)

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

    # A value the database cannot bind or hold came in the request (a number past 64 bits on
    # SQLite, past an INTEGER's 32 or a text past a VARCHAR's width on PostgreSQL): a 400, not
    # a server failure. Endpoints that check their own ranges name the field.
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
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    # No handler for Exception: Starlette answers those from its outermost middleware and then
    # re-raises, so the server drops the keep-alive connection; `ErrorBoundary` answers instead.
