"""What the routers share: the settings and one store per domain, reached via `ServerContext`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from ._errors import ApiError
from ._settings import Settings
from .storage import (
    AssetFileStore,
    AssetStore,
    BatchStore,
    CatalogStore,
    Database,
    Principal,
    ProcessStore,
    ProductStore,
    ProductStructureStore,
    ReferenceStore,
    ReportQuery,
    ReportStore,
    ScimUserStore,
    SerialNumberLedger,
    SerialNumberStore,
    SoftwareStore,
    TicketStore,
    UnitStore,
    UnitVerifier,
    UserStore,
)

__all__ = ["Caller", "CallerName", "ServerContext", "caller", "context", "require_admin"]


@dataclass(frozen=True)
class ServerContext:
    """The stores of one running server, built once per app over one database."""

    settings: Settings
    database: Database
    users: UserStore
    processes: ProcessStore
    reference: ReferenceStore
    reports: ReportStore
    report_query: ReportQuery
    products: ProductStore
    structure: ProductStructureStore
    units: UnitStore
    serial_numbers: SerialNumberStore
    verifier: UnitVerifier
    assets: AssetStore
    software: SoftwareStore
    tickets: TicketStore
    scim: ScimUserStore
    catalog: CatalogStore
    batches: BatchStore
    serial_ledger: SerialNumberLedger
    asset_files: AssetFileStore

    @classmethod
    def open(cls, settings: Settings) -> ServerContext:
        database = Database(settings.database_url)
        products = ProductStore(database)
        structure = ProductStructureStore(database, products)
        return cls(
            settings,
            database,
            UserStore(database),
            ProcessStore(database),
            ReferenceStore(database),
            ReportStore(database),
            ReportQuery(database),
            products,
            structure,
            UnitStore(database, products, structure),
            SerialNumberStore(database),
            UnitVerifier(database, products),
            AssetStore(database),
            SoftwareStore(database),
            TicketStore(database),
            ScimUserStore(database),
            CatalogStore(database),
            BatchStore(database),
            SerialNumberLedger(database),
            AssetFileStore(database),
        )


# The dependencies are coroutines because FastAPI runs plain functions in its thread pool, and a
# thread hop per request costs more than these lookups.
async def context(request: Request) -> ServerContext:
    """FastAPI dependency: the server context of the app handling the request."""
    server: ServerContext = request.app.state.context
    return server


async def caller(request: Request) -> Principal:
    """FastAPI dependency: the user the authentication middleware let in."""
    principal: Principal = request.scope["state"]["principal"]
    return principal


async def _caller_name(request: Request) -> str:
    return (await caller(request)).name


Caller = Annotated[Principal, Depends(caller)]
CallerName = Annotated[str, Depends(_caller_name)]


async def require_admin(request: Request) -> Principal:
    """FastAPI dependency for edits of site configuration: 403 unless the caller is an admin."""
    principal = await caller(request)
    if not principal.is_admin:
        raise ApiError(403, f"user {principal.name!r} is not an administrator")
    return principal
