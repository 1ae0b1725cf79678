"""`/api/App` analytics: yield, repair statistics, top failed steps, step and measurement
analysis, serial-number history and report lists (rest-api.md §6), and the internal TopFailed
variants (§7.2).

POST endpoints take a WATSFilter body (optional; unknown keys are ignored); GET variants take
the few query parameters WATS documents for them. Bad filters answer 400 naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Query
from pydantic import ValidationError

from .._context import ServerContext, context
from .._errors import ApiError
from .._json import StrictJsonRoute
from .._limits import Count, PositiveCount, shifted
from ..analytics import AnalyticsError, AnalyticsStore, WatsFilter
from ..storage import utcnow
from ._analytics_answers import MeasurementRow, TopFailedRow
from ._answer import Row

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, tags=["Analytics"])
Context = Annotated[ServerContext, Depends(context)]
Filter = Annotated[WatsFilter | None, Body()]
Rows = list[Row]
T = TypeVar("T")


def _run(ctx: ServerContext, query: Callable[[AnalyticsStore], T]) -> T:
    try:
        return query(AnalyticsStore(ctx.database))
    except AnalyticsError as exc:
        raise ApiError(400, str(exc)) from None


def _body(body: WatsFilter | None) -> WatsFilter:
    return body if body is not None else WatsFilter()


def _get_filter(**keys: Any) -> WatsFilter:
    try:
        return WatsFilter.model_validate({k: v for k, v in keys.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"query parameter '{e['loc'][0]}': {e['msg']}" for e in exc.errors())
        raise ApiError(400, problems) from None


def _group_and_level(productGroup: str | None = None, level: str | None = None) -> WatsFilter:
    return _get_filter(productGroup=productGroup, level=level)


# The query parameters the GET yield lists share, as a filter.
GroupAndLevel = Annotated[WatsFilter, Depends(_group_and_level)]


@router.post("/api/App/DynamicYield")
def dynamic_yield(ctx: Context, body: Filter = None, dimensions: str | None = None) -> Rows:
    """Yield grouped by the `dimensions` query parameter (or the body's `dimensions`)."""
    f = _body(body)
    return _run(ctx, lambda s: s.dynamic_yield(f, dimensions or f.dimensions))


@router.get("/api/App/VolumeYield")
def volume_yield_get(ctx: Context, f: GroupAndLevel) -> Rows:
    """Yield per product and operation."""
    return _run(ctx, lambda s: s.volume_yield(f))


@router.post("/api/App/VolumeYield")
def volume_yield(ctx: Context, body: Filter = None) -> Rows:
    """Yield per product and operation."""
    return _run(ctx, lambda s: s.volume_yield(_body(body)))


@router.get("/api/App/HighVolume")
def high_volume_get(ctx: Context, f: GroupAndLevel) -> Rows:
    """The products with most units, with their yield."""
    return _run(ctx, lambda s: s.high_volume(f))


@router.post("/api/App/HighVolume")
def high_volume(ctx: Context, body: Filter = None) -> Rows:
    """The products with most units, with their yield."""
    return _run(ctx, lambda s: s.high_volume(_body(body)))


@router.post("/api/App/HighVolumeByProductGroup")
def high_volume_by_group(ctx: Context, body: Filter = None) -> Rows:
    """The product groups with most units, with their yield."""
    return _run(ctx, lambda s: s.high_volume(_body(body), by_group=True))


@router.get("/api/App/WorstYield")
def worst_yield_get(ctx: Context, f: GroupAndLevel) -> Rows:
    """The products with the lowest first-pass yield first."""
    return _run(ctx, lambda s: s.worst_yield(f))


@router.post("/api/App/WorstYield")
def worst_yield(ctx: Context, body: Filter = None) -> Rows:
    """The products with the lowest first-pass yield first."""
    return _run(ctx, lambda s: s.worst_yield(_body(body)))


@router.post("/api/App/WorstYieldByProductGroup")
def worst_yield_by_group(ctx: Context, body: Filter = None) -> Rows:
    """The product groups with the lowest first-pass yield first."""
    return _run(ctx, lambda s: s.worst_yield(_body(body), by_group=True))


@router.post("/api/App/DynamicRepair")
def dynamic_repair(ctx: Context, body: Filter = None, dimensions: str | None = None) -> Rows:
    """Repair statistics grouped by the `dimensions` query parameter (or the body's)."""
    f = _body(body)
    return _run(ctx, lambda s: s.dynamic_repair(f, dimensions or f.dimensions))


@router.get("/api/App/RelatedRepairHistory")
def related_repair_history(ctx: Context, partNumber: str, revision: str | None = None) -> Rows:
    """Every repair of a product (revision), newest first."""
    f = _get_filter(partNumber=partNumber, revision=revision)
    return _run(ctx, lambda s: s.related_repair_history(f))


@router.get("/api/App/TopFailed", response_model=list[TopFailedRow])
def top_failed_get(
    ctx: Context,
    productGroup: str | None = None,
    level: str | None = None,
    partNumber: str | None = None,
    revision: str | None = None,
    topCount: int | None = None,
) -> Rows:
    """The steps that failed most often."""
    f = _get_filter(
        productGroup=productGroup,
        level=level,
        partNumber=partNumber,
        revision=revision,
        topCount=topCount,
    )
    return _run(ctx, lambda s: s.top_failed(f))


@router.post("/api/App/TopFailed", response_model=list[TopFailedRow])
def top_failed(ctx: Context, body: Filter = None) -> Rows:
    """The steps that failed most often."""
    return _run(ctx, lambda s: s.top_failed(_body(body)))


@router.get("/api/internal/App/TopFailed", response_model=list[TopFailedRow])
def top_failed_internal_get(
    ctx: Context,
    partNumber: str | None = None,
    processCode: int | None = None,
    productGroupId: str | None = None,
    levelId: str | None = None,
    days: Annotated[PositiveCount | None, Query()] = None,
    count: Annotated[Count, Query()] = 10,
) -> Rows:
    """The steps that failed most often, selected by ids and a number of days back from now.

    An all-zero GUID for `productGroupId` or `levelId` means "all", as WATS clients send it.
    A level listed by `/api/App/Levels` narrows nothing: no report here carries a level."""
    level = _id_or_all("levelId", levelId)
    if level is not None and level not in dict(ctx.reference.levels()):
        raise ApiError(400, f"levelId: no production level with id {level} (see /api/App/Levels)")
    group = _id_or_all("productGroupId", productGroupId)
    keys: dict[str, Any] = {"partNumber": partNumber, "topCount": count}
    if processCode is not None:
        names = {p.code: p.name for p in ctx.processes.all()}
        if processCode not in names:
            raise ApiError(400, f"processCode: no process with code {processCode}")
        keys["testOperation"] = names[processCode]
    if group is not None:
        groups = dict(ctx.reference.product_groups())
        if group not in groups:
            raise ApiError(400, f"productGroupId: no product group with id {group}")
        keys["productGroup"] = groups[group]
    if days is not None:
        try:
            keys["dateFrom"] = shifted(utcnow(), timedelta(days=1), -days, field="days")
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
    f = _get_filter(**keys)
    return _run(ctx, lambda s: s.top_failed(f))


_ALL = "00000000-0000-0000-0000-000000000000"


def _id_or_all(name: str, value: str | None) -> int | None:
    """An integer id, or None for "all" (absent, or the all-zero GUID); 400 otherwise."""
    if value is None or value.strip().lower() in ("", _ALL):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(
            400, f"{name}: expected an integer id or the all-zero GUID for all, got {value!r}"
        ) from None


@router.post("/api/internal/App/TopFailed", response_model=list[TopFailedRow])
def top_failed_internal(ctx: Context, body: Filter = None) -> Rows:
    """The steps that failed most often (the public POST's filter)."""
    return _run(ctx, lambda s: s.top_failed(_body(body)))


@router.post("/api/App/TestStepAnalysis")
def step_analysis(ctx: Context, body: Filter = None) -> Rows:
    """Per step: executions by status, failures caused, times and measurement statistics."""
    return _run(ctx, lambda s: s.step_analysis(_body(body)))


@router.post("/api/App/Measurements", response_model=list[MeasurementRow])
def measurements(ctx: Context, body: Filter = None, measurementPaths: str | None = None) -> Rows:
    """Raw measurement values for the measurement paths (query or body)."""
    return _run(ctx, lambda s: s.measurements(_body(body), measurementPaths))


@router.post("/api/App/AggregatedMeasurements")
def aggregated_measurements(
    ctx: Context, body: Filter = None, measurementPaths: str | None = None
) -> Rows:
    """Statistics and capability per measurement path and product revision."""
    return _run(ctx, lambda s: s.aggregated_measurements(_body(body), measurementPaths))


@router.post("/api/App/SerialNumberHistory")
def serial_number_history(ctx: Context, body: Filter = None) -> Rows:
    """Every UUT and UUR report of the matching units, oldest first."""
    return _run(ctx, lambda s: s.serial_number_history(_body(body)))


@router.get("/api/App/UutReport")
def uut_reports_get(
    ctx: Context,
    productGroup: str | None = None,
    level: str | None = None,
    partNumber: str | None = None,
    revision: str | None = None,
    serialNumber: str | None = None,
    status: str | None = None,
    topCount: int | None = None,
) -> Rows:
    """Headers of matching UUT reports, newest first."""
    f = _get_filter(
        productGroup=productGroup,
        level=level,
        partNumber=partNumber,
        revision=revision,
        serialNumber=serialNumber,
        status=status,
        topCount=topCount,
    )
    return _run(ctx, lambda s: s.report_list(f, "T"))


@router.post("/api/App/UutReport")
def uut_reports(ctx: Context, body: Filter = None) -> Rows:
    """Headers of matching UUT reports, newest first."""
    return _run(ctx, lambda s: s.report_list(_body(body), "T"))


@router.post("/api/App/UurReport")
def uur_reports(ctx: Context, body: Filter = None) -> Rows:
    """Headers of matching UUR reports, newest first."""
    return _run(ctx, lambda s: s.report_list(_body(body), "R"))
