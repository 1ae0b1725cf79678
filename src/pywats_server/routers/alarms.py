"""`/api/internal/Trigger/GetAlarmAndNotificationLogs` (rest-api.md §7.2): the alarms this
server raises, which are its asset alarms (`storage.asset_alarms`; docs/domains.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from .._context import ServerContext, context
from ..storage._domain import as_utc
from ..storage.asset_alarms import AssetAlarms
from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/Trigger", tags=["Alarms"])
Context = Annotated[ServerContext, Depends(context)]


class AlarmFilter(BaseModel):
    """Which alarms: at most `topCount`, logged between `dateFrom` and `dateTo`, of a product
    group or level (all optional)."""

    model_config = ConfigDict(extra="forbid")

    topCount: int | None = Field(default=None, ge=0)
    dateFrom: datetime | None = None
    dateTo: datetime | None = None
    productGroup: str | None = None
    level: str | None = None


class AlarmLog(Answer):
    """An asset alarm (type 5) with the AlarmLog keys WATS fills for one."""

    log_id: str
    name: str
    log_date: Instant
    trigger_id: str | None
    type: int
    state: int
    calculations_string: str
    assetname: str | None
    serialnumber: str
    typeid: str
    assetstate: int
    bubbledstatus: int
    tags: list[TagAnswer]
    is_days_since_calibration_unknown: bool
    is_days_since_maintenance_unknown: bool


@router.post("/GetAlarmAndNotificationLogs", response_model=list[AlarmLog])
def alarm_logs(ctx: Context, body: AlarmFilter | None = None) -> Any:
    """The alarms in force: assets in Warning (state 1) or Alarm (2), worst first. The server
    keeps no alarm history, so each is dated now and a window that ends earlier holds none; a
    product group or level holds none (asset alarms belong to neither)."""
    f = body or AlarmFilter()
    return AssetAlarms(ctx.assets).logs(
        top=f.topCount,
        date_from=as_utc(f.dateFrom),
        date_to=as_utc(f.dateTo),
        scoped=bool(f.productGroup or f.level),
    )
