"""HTTP routers, one module per domain; `ROUTERS` lists them in the order the app mounts them."""

from __future__ import annotations

from . import (
    alarms,
    analytics,
    app,
    asset_files,
    assets,
    drill_down,
    manual_inspection,
    processes,
    product_deletion,
    product_groups,
    production,
    production_internal,
    products,
    public_extras,
    reports,
    rootcause,
    scim,
    software,
    software_internal,
    station_client,
    unit_edits,
    unit_flow,
)

__all__ = ["ROUTERS"]

ROUTERS = (
    app.router,
    processes.router,
    reports.router,
    analytics.router,
    product_groups.router,  # before products: its route names win over part numbers
    products.router,
    production.router,
    assets.router,
    asset_files.router,
    software.router,
    rootcause.router,
    scim.router,
    unit_flow.router,
    public_extras.router,
    drill_down.router,
    production_internal.router,
    product_deletion.router,
    unit_edits.router,
    software_internal.router,
    station_client.router,
    manual_inspection.router,
    alarms.router,
)
