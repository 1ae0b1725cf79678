"""The health check a load balancer polls: `GET /health`, answered without credentials.

200 while this server can reach its database, 503 when it cannot, so a balancer takes a replica
out of rotation when its database connection breaks, not only when its process is gone. The
answer says nothing about the database beyond that (the check is unauthenticated); the reason
goes to the server's log.
"""

from __future__ import annotations

import logging

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from .storage import Database, DatabaseUnavailableError

__all__ = ["HEALTH_PATH", "install_health"]

HEALTH_PATH = "/health"

_log = logging.getLogger("pywats_server")


def install_health(app: FastAPI, database: Database) -> None:
    """Add `GET`/`HEAD /health` to `app` (not in the OpenAPI document: not a WATS endpoint)."""

    @app.api_route(HEALTH_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    async def health() -> JSONResponse:
        try:
            await anyio.to_thread.run_sync(database.check)
        except DatabaseUnavailableError as exc:
            _log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})
