"""Products and assets: the lists a line engineer checks (report counts, asset use and
calibration due)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select
from starlette.responses import Response

from .._context import ServerContext
from ..storage import Principal
from ..storage._domain import utcnow
from ..storage.asset_state import evaluate
from ..storage.report_tables import report_units
from ._render import page, require_user

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(require_user)]


def _products(context: ServerContext) -> list[dict[str, Any]]:
    # The UUT report counts per product are the sums of its units' counts (`report_units`, kept
    # at every save), read from an index that holds them, in part-number order.
    u = report_units.c
    counts = select(
        u.part_number, func.sum(u.reports).label("reports"),
        func.sum(u.passed).label("passed"), func.max(u.last_utc).label("latest"),
    ).group_by(u.part_number)  # fmt: skip
    with context.database.engine.connect() as connection:
        tested = {row.part_number: row for row in connection.execute(counts)}
    rows = []
    known = {row.part_number: row for row in context.products.query((None, None, None, None))}
    for part_number in sorted(set(known) | set(tested)):
        product = known.get(part_number)
        counted = tested.get(part_number)
        rows.append(
            {
                "partNumber": part_number,
                "name": product.name or "" if product else "",
                "state": product.state if product else None,
                "registered": part_number in known,
                "reports": counted.reports if counted else 0,
                "passed": counted.passed or 0 if counted else 0,
                "latest": counted.latest if counted else None,
            }
        )
    return rows


@router.get("/products")
async def products_page(request: Request, user: User) -> Response:
    rows = await anyio.to_thread.run_sync(_products, request.app.state.context)
    return page("products.html", request, user=user, rows=rows)


def _assets(context: ServerContext) -> list[dict[str, Any]]:
    """Every asset with its alarm state, judged by the rule `AssetStore.status` uses, on the
    rows already read (no second read per asset)."""
    now = utcnow()
    rows = []
    for asset in context.assets.query((None, None, None, None)):
        state = evaluate(asset, asset.asset_type, now)
        kind = asset.asset_type
        rows.append(
            {"serialNumber": asset.serial_number, "assetName": asset.asset_name,
             "runningCount": asset.running_count, "totalCount": asset.total_count,
             "nextCalibrationDate": asset.next_calibration_date,
             "assetType": {"typeName": kind.type_name,
                           "runningCountLimit": kind.running_count_limit},
             "alarmState": state.level, "alarmStateName": state.name,
             "messages": state.messages}
        )  # fmt: skip
    return rows


@router.get("/assets")
async def assets_page(request: Request, user: User) -> Response:
    rows = await anyio.to_thread.run_sync(_assets, request.app.state.context)
    return page("assets.html", request, user=user, rows=rows)
