"""Analytics pages: yield by product, station or process over days or weeks; top failing steps
as a Pareto chart; one measurement's distribution, capability and run chart.

Each page builds the analytics API's own `WatsFilter` from its form and asks the same store the
API asks, so a page and `POST /api/App/...` with that filter cannot disagree.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from ..analytics import AnalyticsError, AnalyticsStore, WatsFilter
from ..storage import Principal
from ._render import page, require_user, url_with
from ._svg import Bar, Series, bar_chart, line_chart

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(require_user)]

_BY = {"part": "partNumber", "station": "stationName", "process": "testOperation"}
_PERIODS = {"day": 4, "week": 3}
_DEFAULT_DAYS = 56


def _range(request: Request) -> tuple[date, date]:
    """The form's from/to days, by default the last eight weeks up to today."""
    today = datetime.utcnow().date()
    try:
        end = date.fromisoformat(request.query_params.get("to") or today.isoformat())
        start = date.fromisoformat(
            request.query_params.get("from") or (end - timedelta(days=_DEFAULT_DAYS)).isoformat()
        )
    except ValueError:
        raise AnalyticsError("from/to: expected dates as YYYY-MM-DD") from None
    if start > end:
        raise AnalyticsError("from: expected a day before or on 'to'")
    return start, end


def _filter(request: Request, **keys: Any) -> tuple[WatsFilter, dict[str, str]]:
    start, end = _range(request)
    form = {
        "part": request.query_params.get("part", "").strip(),
        "station": request.query_params.get("station", "").strip(),
        "process": request.query_params.get("process", "").strip(),
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    values: dict[str, Any] = {
        "dateFrom": datetime.combine(start, time.min),
        "dateTo": datetime.combine(end + timedelta(days=1), time.min),
        **keys,
    }
    for name, key in (
        ("part", "partNumber"),
        ("station", "stationName"),
        ("process", "testOperation"),
    ):
        if form[name]:
            values[key] = form[name].replace("*", "%")
    return WatsFilter.model_validate(values), form


def _store(request: Request) -> AnalyticsStore:
    return AnalyticsStore(request.app.state.context.database)


def _percent(value: Any) -> float | None:
    return None if value is None else round(float(value) * (100 if float(value) <= 1 else 1), 1)


def _days_of(label: str) -> tuple[str, str]:
    """The first and last day of a period label (`2026-W48` or `2026-11-29`)."""
    if "-W" in label:
        year, week = label.split("-W")
        first = date.fromisocalendar(int(year), int(week), 1)
        return first.isoformat(), (first + timedelta(days=6)).isoformat()
    return label, label


def _cell_link(form: dict[str, str], by: str, group: str, period: str) -> str:
    """The report list of one cell of the yield table: its group, the period's days."""
    first, last = _days_of(period)
    params = {key: form.get(key, "") for key in ("part", "station", "process")}
    params[by] = group
    return url_with("/reports", {**params, "from": first, "to": last})


@router.get("/yield")
async def yield_page(request: Request, user: User) -> Response:
    by = request.query_params.get("by", "part")
    period = request.query_params.get("period", "week")
    rows: list[dict[str, Any]] = []
    error = ""
    form: dict[str, str] = {}
    try:
        if by not in _BY or period not in _PERIODS:
            raise AnalyticsError("by: expected part, station or process; period: day or week")
        f, form = _filter(request, dateGrouping=_PERIODS[period])
        dimensions = f"{_BY[by]};period"
        rows = await anyio.to_thread.run_sync(_store(request).dynamic_yield, f, dimensions)
    except AnalyticsError as exc:
        error = str(exc)
    periods = sorted({str(row["period"]) for row in rows})
    groups = sorted({str(row[_BY[by]]) for row in rows})
    table = {(str(row[_BY[by]]), str(row["period"])): row for row in rows}
    series = [
        Series(
            group, [float(i) for i, p in enumerate(periods) if (group, p) in table],
            [_percent(table[(group, p)]["fpy"]) or 0.0 for p in periods if (group, p) in table],
            markers=True,
        )
        for group in groups[:12]
    ]  # fmt: skip
    chart = line_chart(
        "First-pass yield (%)", series, x_label=period, y_label="FPY %",
        x_ticks=[(float(i), p) for i, p in enumerate(periods)],
    ) if rows else None  # fmt: skip
    links = {key: _cell_link(form, by, *key) for key in table}
    return page(
        "yield.html", request, user=user, rows=rows, by=by, by_key=_BY[by], period=period,
        periods=periods, groups=groups, table=table, links=links, chart=chart, form=form,
        error=error, percent=_percent, status_code=400 if error else 200,
    )  # fmt: skip


@router.get("/failures")
async def failures_page(request: Request, user: User) -> Response:
    rows: list[dict[str, Any]] = []
    error = ""
    form: dict[str, str] = {}
    try:
        f, form = _filter(request, topCount=20)
        rows = await anyio.to_thread.run_sync(_store(request).top_failed, f)
    except AnalyticsError as exc:
        error = str(exc)
    bars = [
        Bar(
            row["stepName"] or row["stepPath"], float(row["failCount"]),
            href=url_with("/failures/step", {**form, "path": row["stepPath"],
                                             "part": row["partNumber"]}),
            note=f"of {row['totalCount']} runs",
        )
        for row in rows
    ]  # fmt: skip
    chart = bar_chart("Top failing steps", bars, y_label="failures", cumulative=True)
    return page(
        "failures.html", request, user=user, rows=rows, chart=chart if rows else None,
        form=form, error=error, status_code=400 if error else 200,
    )  # fmt: skip


def _histogram(values: list[float], low: float | None, high: float | None) -> Any:
    lowest, highest = min(values), max(values)
    for limit in (low, high):
        if limit is not None and math.isfinite(limit):
            lowest, highest = min(lowest, limit), max(highest, limit)
    bins = max(5, min(40, int(math.sqrt(len(values)))))
    width = (highest - lowest) / bins or 1.0
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - lowest) / width))] += 1
    bars = [Bar(f"{lowest + i * width:.4g}", float(n)) for i, n in enumerate(counts)]
    markers = [
        ((limit - lowest) / width, f"{name} {limit:.4g}")
        for name, limit in (("low", low), ("high", high))
        if limit is not None and math.isfinite(limit)
    ]
    return bar_chart("Distribution", bars, x_label="value", y_label="count", markers=markers)


@router.get("/failures/step")
async def step_page(request: Request, user: User) -> Response:
    path = request.query_params.get("path", "")
    error = ""
    form: dict[str, str] = {}
    stats: dict[str, Any] | None = None
    values: list[dict[str, Any]] = []
    try:
        if not path:
            raise AnalyticsError("path: expected a step path (choose a step on the Failures page)")
        f, form = _filter(request, maxCount=5000)
        store = _store(request)
        # The step's own measurement, or those of a multiple-measurement step (path¶¶name).
        paths = path if "¶¶" in path else f"{path};{path}¶¶%"
        found = await anyio.to_thread.run_sync(store.aggregated_measurements, f, paths)
        stats = found[0] if found else None
        values = await anyio.to_thread.run_sync(store.measurements, f, paths)
    except AnalyticsError as exc:
        error = str(exc)
    numbers = [(row.get("startUtc", ""), row["value"]) for row in values]
    points = [float(v) for _, v in numbers if isinstance(v, int | float) and math.isfinite(v)]
    low = stats.get("limitLow") if stats else None
    high = stats.get("limitHigh") if stats else None
    histogram = _histogram(points, low, high) if points else None
    ordered = list(reversed(points))
    limit_lines = [
        Series(name, [0.0, float(len(ordered) - 1)], [limit, limit], kind=name)
        for name, limit in (("low", low), ("high", high))
        if isinstance(limit, int | float) and math.isfinite(limit)
    ]
    run = line_chart(
        "Run chart", [Series("value", [float(i) for i in range(len(ordered))], ordered,
                             markers=len(ordered) <= 200), *limit_lines],
        x_label="run (oldest first)", y_label="value",
    ) if len(ordered) > 1 else None  # fmt: skip
    return page(
        "step.html", request, user=user, path=path, stats=stats, count=len(points),
        histogram=histogram, run=run, form=form, error=error, status_code=400 if error else 200,
    )  # fmt: skip
