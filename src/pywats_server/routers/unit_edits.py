"""Unit endpoints the WATS client library calls that rest-api.md does not list: OData query
(`GET /api/Production/Unit/Query`), one tag (`PUT UnitTag`), a move to another product
revision (`PUT ChangeUnit`) and deletion (`DELETE /api/Production/Unit`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from .._context import ServerContext, context
from ..storage.unit_edits import UnitEdits
from ._production_answers import UnitAnswer
from ._query_options import Filter, OrderBy, Skip, Top

__all__ = ["router"]

router = APIRouter(prefix="/api/Production", tags=["Production"])
Context = Annotated[ServerContext, Depends(context)]


def _edits(ctx: Context) -> UnitEdits:
    return UnitEdits(ctx.database, ctx.units, ctx.products)


Edits = Annotated[UnitEdits, Depends(_edits)]


@router.get("/Unit/Query", response_model=list[UnitAnswer])
def query_units(
    edits: Edits,
    filter: Filter = None,
    orderby: OrderBy = None,
    top: Top = None,
    skip: Skip = None,
) -> Any:
    """Units (with direct sub-units) matching `$filter` over serialNumber, partNumber,
    revision, batchNumber, serialDate, currentLocation, unitPhaseId, processCode and
    `subUnits/any(...)`; 100 by default, at most 1000."""
    return edits.query(filter, orderby, top, skip)


@router.put("/UnitTag", status_code=204, response_class=Response)
def set_unit_tag(
    edits: Edits, serialNumber: str, partNumber: str, key: str, value: str | None = None
) -> Response:
    """Set one tag of a unit; its other tags stay."""
    edits.set_tag(serialNumber, partNumber, key, value)
    return Response(status_code=204)


@router.put("/ChangeUnit", status_code=204, response_class=Response)
def change_unit(
    edits: Edits, serialNumber: str, partNumber: str, newPartNumber: str, newRevision: str
) -> Response:
    """Move a unit to another product revision (recorded as a unit change)."""
    edits.change(serialNumber, partNumber, newPartNumber, newRevision)
    return Response(status_code=204)


@router.delete("/Unit", status_code=204, response_class=Response)
def delete_unit(edits: Edits, serialNumber: str, partNumber: str) -> Response:
    """Delete a unit that holds no sub-units and is in no unit."""
    edits.delete(serialNumber, partNumber)
    return Response(status_code=204)
