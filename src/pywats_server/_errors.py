"""Errors shaped as WATS shapes them: `{"Message": ..., "message": ...}` with a status code."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

__all__ = ["ApiError", "error_response", "install_error_handlers"]

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


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = [str(item) for item in error.get("loc", ())]
        where = location[0] if location else "request"
        field = ".".join(location[1:]) or where
        parts.append(f"{where} parameter '{field}': {error.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


_NUMERIC_VALUE_OUT_OF_RANGE = "22003"  # PostgreSQL's SQLSTATE for a number a column cannot hold
_EXPECTED_INTEGERS = "expected integers from -2147483648 to 2147483647"


def _out_of_range_column(exc: DataError) -> str | None:
    """The 400 message when PostgreSQL refused a number its column cannot hold, else None;
    names the column when the statement bound it by name."""
    if getattr(exc.orig, "sqlstate", None) != _NUMERIC_VALUE_OUT_OF_RANGE:
        return None
    rows = exc.params if isinstance(exc.params, (list, tuple)) else [exc.params]
    for row in rows:
        for name, value in row.items() if isinstance(row, dict) else ():
            # An anonymous bind (`param_1`: a limit, an offset) names nothing the caller sent.
            big = isinstance(value, int) and not -(2**31) <= value < 2**31
            if big and not name.startswith("param_"):
                return f"{name}: {_EXPECTED_INTEGERS}, got {value}"
    return f"a number in the request is out of range: {_EXPECTED_INTEGERS}"


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
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, f"internal server error: {type(exc).__name__}")

    # A number past what the database binds (SQLite: 64 bits, raised by the driver as a bare
    # OverflowError) or holds (PostgreSQL INTEGER: 32 bits) came in the request: a 400, not a
    # server failure. Endpoints that check their own ranges name the field.
    async def on_overflow(_: Request, exc: Exception) -> JSONResponse:
        return error_response(400, f"a number in the request is out of range: {_EXPECTED_INTEGERS}")

    async def on_data_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DataError)
        message = _out_of_range_column(exc)
        if message is None:
            return await on_unexpected(request, exc)
        return error_response(400, message)

    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(DataError, on_data_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
