"""`/api/App` analytics: yield, repair statistics, top failed steps, step and measurement
analysis, serial-number history and report lists (rest-api.md §6).

POST endpoints take a WATSFilter body (optional; unknown keys are ignored); GET variants take
the few query parameters WATS documents for them. Bad filters answer 400 naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends
from pydantic import ValidationError

from .._context import ServerContext, context
from .._errors import ApiError
from ..analytics import AnalyticsError, AnalyticsStore, WatsFilter

__all__ = ["router"]

router = APIRouter(prefix="/api/App", tags=["Analytics"])
Context = Annotated[ServerContext, Depends(context)]
Filter = Annotated[WatsFilter | None, Body()]
Rows = list[dict[str, Any]]
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


@router.post("/DynamicYield")
def dynamic_yield(ctx: Context, body: Filter = None, dimensions: str | None = None) -> Rows:
    """Yield grouped by the `dimensions` query parameter (or the body's `dimensions`)."""
    f = _body(body)
    return _run(ctx, lambda s: s.dynamic_yield(f, dimensions or f.dimensions))


@router.get("/VolumeYield")
def volume_yield_get(
    ctx: Context, productGroup: str | None = None, level: str | None = None
) -> Rows:
    """Yield per product and operation."""
    f = _get_filter(productGroup=productGroup, level=level)
    return _run(ctx, lambda s: s.volume_yield(f))


@router.post("/VolumeYield")
def volume_yield(ctx: Context, body: Filter = None) -> Rows:
    """Yield per product and operation."""
    return _run(ctx, lambda s: s.volume_yield(_body(body)))


@router.get("/HighVolume")
def high_volume_get(
    ctx: Context, productGroup: str | None = None, level: str | None = None
) -> Rows:
    """The products with most units, with their yield."""
    f = _get_filter(productGroup=productGroup, level=level)
    return _run(ctx, lambda s: s.high_volume(f))


@router.post("/HighVolume")
def high_volume(ctx: Context, body: Filter = None) -> Rows:
    """The products with most units, with their yield."""
    return _run(ctx, lambda s: s.high_volume(_body(body)))


@router.post("/HighVolumeByProductGroup")
def high_volume_by_group(ctx: Context, body: Filter = None) -> Rows:
    """The product groups with most units, with their yield."""
    return _run(ctx, lambda s: s.high_volume(_body(body), by_group=True))


@router.get("/WorstYield")
def worst_yield_get(
    ctx: Context, productGroup: str | None = None, level: str | None = None
) -> Rows:
    """The products with the lowest first-pass yield first."""
    f = _get_filter(productGroup=productGroup, level=level)
    return _run(ctx, lambda s: s.worst_yield(f))


@router.post("/WorstYield")
def worst_yield(ctx: Context, body: Filter = None) -> Rows:
    """The products with the lowest first-pass yield first."""
    return _run(ctx, lambda s: s.worst_yield(_body(body)))


@router.post("/WorstYieldByProductGroup")
def worst_yield_by_group(ctx: Context, body: Filter = None) -> Rows:
    """The product groups with the lowest first-pass yield first."""
    return _run(ctx, lambda s: s.worst_yield(_body(body), by_group=True))


@router.post("/DynamicRepair")
def dynamic_repair(ctx: Context, body: Filter = None, dimensions: str | None = None) -> Rows:
    """Repair statistics grouped by the `dimensions` query parameter (or the body's)."""
    f = _body(body)
    return _run(ctx, lambda s: s.dynamic_repair(f, dimensions or f.dimensions))


@router.get("/RelatedRepairHistory")
def related_repair_history(ctx: Context, partNumber: str, revision: str | None = None) -> Rows:
    """Every repair of a product (revision), newest first."""
    f = _get_filter(partNumber=partNumber, revision=revision)
    return _run(ctx, lambda s: s.related_repair_history(f))


@router.get("/TopFailed")
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


@router.post("/TopFailed")
def top_failed(ctx: Context, body: Filter = None) -> Rows:
    """The steps that failed most often."""
    return _run(ctx, lambda s: s.top_failed(_body(body)))


@router.post("/TestStepAnalysis")
def step_analysis(ctx: Context, body: Filter = None) -> Rows:
    """Per step: executions by status, failures caused, times and measurement statistics."""
    return _run(ctx, lambda s: s.step_analysis(_body(body)))


@router.post("/Measurements")
def measurements(ctx: Context, body: Filter = None, measurementPaths: str | None = None) -> Rows:
    """Raw measurement values for the measurement paths (query or body)."""
    return _run(ctx, lambda s: s.measurements(_body(body), measurementPaths))


@router.post("/AggregatedMeasurements")
def aggregated_measurements(
    ctx: Context, body: Filter = None, measurementPaths: str | None = None
) -> Rows:
    """Statistics and capability per measurement path and product revision."""
    return _run(ctx, lambda s: s.aggregated_measurements(_body(body), measurementPaths))


@router.post("/SerialNumberHistory")
def serial_number_history(ctx: Context, body: Filter = None) -> Rows:
    """Every UUT and UUR report of the matching units, oldest first."""
    return _run(ctx, lambda s: s.serial_number_history(_body(body)))


@router.get("/UutReport")
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


@router.post("/UutReport")
def uut_reports(ctx: Context, body: Filter = None) -> Rows:
    """Headers of matching UUT reports, newest first."""
    return _run(ctx, lambda s: s.report_list(_body(body), "T"))


@router.post("/UurReport")
def uur_reports(ctx: Context, body: Filter = None) -> Rows:
    """Headers of matching UUR reports, newest first."""
    return _run(ctx, lambda s: s.report_list(_body(body), "R"))
