"""`/api/internal/App/MeasurementList` and `StepStatusList` (rest-api.md §7.2): the rows behind
an analytics figure, selected by a filter body (POST) or by ids and days back (GET), then
narrowed by step and sequence filters (see `analytics._drill_down`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from .._context import ServerContext, context
from .._errors import ApiError
from ..analytics import AnalyticsError, AnalyticsStore, WatsFilter
from ..analytics._drill_down import parse_step_filters
from ._analytics_answers import MeasurementListItem, StepStatusItem
from .analytics import _get_filter, _id_or_all

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/App", tags=["Analytics"])
Context = Annotated[ServerContext, Depends(context)]
Lister = Callable[..., list[dict[str, Any]]]


def _by_ids(
    ctx: Context,
    productGroupId: str,
    levelId: str,
    days: Annotated[int, Query(ge=1, le=36500)],
) -> WatsFilter:
    """The GET variants' selection: a product group and level by id (the all-zero GUID for
    all) and the last `days` days."""
    keys: dict[str, Any] = {"dateFrom": datetime.now(timezone.utc) - timedelta(days=days)}
    level = _id_or_all("levelId", levelId)
    if level is not None and level not in dict(ctx.reference.levels()):
        raise ApiError(400, f"levelId: no production level with id {level} (see /api/App/Levels)")
    group = _id_or_all("productGroupId", productGroupId)
    if group is not None:
        groups = dict(ctx.reference.product_groups())
        if group not in groups:
            raise ApiError(400, f"productGroupId: no product group with id {group}")
        keys["productGroup"] = groups[group]
    return _get_filter(**keys)


ById = Annotated[WatsFilter, Depends(_by_ids)]
Filter = Annotated[WatsFilter | None, Body()]


def _list(
    ctx: ServerContext, lister: Lister, f: WatsFilter, steps: str | None, sequences: str | None
) -> list[dict[str, Any]]:
    try:
        step_patterns = parse_step_filters("stepFilters", steps)
        sequence_patterns = parse_step_filters("sequenceFilters", sequences)
        return lister(AnalyticsStore(ctx.database), f, step_patterns, sequence_patterns)
    except AnalyticsError as exc:
        raise ApiError(400, str(exc)) from None


@router.get("/MeasurementList", response_model=list[MeasurementListItem])
def measurement_list_get(ctx: Context, f: ById, stepFilters: str, sequenceFilters: str) -> Any:
    """Measurements of the last `days` days in a product group and level, newest first."""
    return _list(ctx, AnalyticsStore.measurement_list, f, stepFilters, sequenceFilters)


@router.post("/MeasurementList", response_model=list[MeasurementListItem])
def measurement_list_post(
    ctx: Context,
    body: Filter = None,
    stepFilters: str | None = None,
    sequenceFilters: str | None = None,
) -> Any:
    """Measurements of the reports the filter selects, newest first."""
    return _list(
        ctx, AnalyticsStore.measurement_list, body or WatsFilter(), stepFilters, sequenceFilters
    )


@router.get("/StepStatusList", response_model=list[StepStatusItem])
def step_status_list_get(ctx: Context, f: ById, stepFilters: str, sequenceFilters: str) -> Any:
    """Step executions of the last `days` days in a product group and level, newest first."""
    return _list(ctx, AnalyticsStore.step_status_list, f, stepFilters, sequenceFilters)


@router.post("/StepStatusList", response_model=list[StepStatusItem])
def step_status_list_post(
    ctx: Context,
    body: Filter = None,
    stepFilters: str | None = None,
    sequenceFilters: str | None = None,
) -> Any:
    """Step executions of the reports the filter selects, newest first."""
    return _list(
        ctx, AnalyticsStore.step_status_list, body or WatsFilter(), stepFilters, sequenceFilters
    )
