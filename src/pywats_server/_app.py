"""The application factory: one FastAPI app over one database, migrated on start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from . import __version__
from ._context import ServerContext
from ._credential_guard import FailureBudget
from ._errors import install_error_handlers
from ._health import HEALTH_PATH, install_health
from ._middleware import (
    BasicAuth,
    BodyLimit,
    BodyTimeout,
    CaseInsensitivePaths,
    ErrorBoundary,
    InternalReferer,
)
from ._openapi import api_routes, install_openapi
from ._report_workers import ReportWorkers
from ._settings import Settings
from .routers import ROUTERS
from .routers._query_options import refuse_unsupported_options
from .storage import migrate
from .web import install_pages, is_page_path

__all__ = ["create_app"]


def create_app(settings: Settings) -> FastAPI:
    """Build the server app: applies pending migrations now, disposes the engine on shutdown."""
    server = ServerContext.open(settings)
    migrate(server.database)
    report_workers = ReportWorkers()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        report_workers.close()
        server.database.dispose()

    app = FastAPI(
        title="pyWATS server",
        version=__version__,
        description="A local WATS-compatible server (HTTP Basic authentication on every path).",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unsupported_options)],
    )
    app.state.context = server
    app.state.report_workers = report_workers
    install_error_handlers(app)
    install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)
    install_pages(app)
    install_health(app, server.database)
    templates = [
        *(route.path_format for route in api_routes(app)),
        "/openapi.json",
        "/docs",
        "/redoc",
    ]
    # Added last runs first: error boundary, body timeout, size limit, then authentication,
    # then path matching.
    app.add_middleware(CaseInsensitivePaths, templates=templates)
    # Inside BasicAuth: an unauthenticated request is answered 401 before the Referer is judged.
    app.add_middleware(InternalReferer)
    app.add_middleware(
        BasicAuth,
        users=server.users,
        exempt=_unauthenticated,
        budget=FailureBudget(settings.credential_failures_allowed),
    )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(BodyTimeout, seconds=settings.body_timeout_seconds)
    app.add_middleware(ErrorBoundary)
    return app


def _unauthenticated(path: str) -> bool:
    """Paths BasicAuth lets through: the pages (they sign in by session) and the health check."""
    return path == HEALTH_PATH or is_page_path(path)
