"""Periods: the `dateGrouping` codes, their labels, and the range `periodCount` selects.

SQL groups by UTC day (or hour) with one expression compiled per database; the few day rows are
then folded into weeks, months, quarters or years here, so both databases share the logic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from .._limits import months_later, shifted
from ._filter import AnalyticsError, WatsFilter

__all__ = ["Grouping", "bucket", "date_range", "grouping", "period_label"]


class Grouping(IntEnum):
    """`dateGrouping` of the WATSFilter."""

    NONE = -1
    YEAR = 0
    QUARTER = 1
    MONTH = 2
    WEEK = 3
    DAY = 4
    HOUR = 5


class _Bucket(FunctionElement[str]):
    type = String()
    inherit_cache = True
    hourly = False


class day_bucket(_Bucket):
    """`day_bucket(start_utc)`: the UTC day as `YYYY-MM-DD` text."""

    name = "day_bucket"
    inherit_cache = True


class hour_bucket(_Bucket):
    """`hour_bucket(start_utc)`: the UTC hour as `YYYY-MM-DD HH` text."""

    name = "hour_bucket"
    inherit_cache = True
    hourly = True


@compiles(_Bucket, "sqlite")
def _bucket_sqlite(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite date-times as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
    column = compiler.process(element.clauses, **kw)
    return f"substr({column}, 1, {13 if element.hourly else 10})"


@compiles(_Bucket, "postgresql")
def _bucket_postgresql(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    pattern = "YYYY-MM-DD HH24" if element.hourly else "YYYY-MM-DD"
    return f"to_char({column}, '{pattern}')"


def bucket(column: Any, unit: Grouping) -> _Bucket:
    """The SQL day (hour for `Grouping.HOUR`) bucket of a date-time column."""
    return hour_bucket(column) if unit == Grouping.HOUR else day_bucket(column)


def grouping(f: WatsFilter, *, default: Grouping) -> Grouping:
    """The filter's `dateGrouping`, or `default` when it is absent or -1."""
    if f.date_grouping is None or f.date_grouping == Grouping.NONE:
        return default
    return Grouping(f.date_grouping)


def period_label(text: str, unit: Grouping) -> str:
    """The label of the period containing the day/hour `text` a `bucket` produced.

    Labels sort chronologically: `2026`, `2026-Q4`, `2026-11`, `2026-W48` (ISO week),
    `2026-11-29`, `2026-11-29 14:00`.
    """
    moment = datetime.strptime(text, "%Y-%m-%d %H" if len(text) > 10 else "%Y-%m-%d")
    if unit == Grouping.YEAR:
        return f"{moment.year}"
    if unit == Grouping.QUARTER:
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    if unit == Grouping.MONTH:
        return f"{moment.year}-{moment.month:02d}"
    if unit == Grouping.WEEK:
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == Grouping.DAY:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:00")


def _period_start(moment: datetime, unit: Grouping) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == Grouping.YEAR:
        return day.replace(month=1, day=1)
    if unit == Grouping.QUARTER:
        return day.replace(month=(moment.month - 1) // 3 * 3 + 1, day=1)
    if unit == Grouping.MONTH:
        return day.replace(day=1)
    if unit == Grouping.WEEK:
        return day - timedelta(days=moment.weekday())
    if unit == Grouping.DAY:
        return day
    return moment.replace(minute=0, second=0, microsecond=0)


def _shift(start: datetime, unit: Grouping, periods: int) -> datetime:
    """`start` moved by whole periods; AnalyticsError naming `periodCount` past the calendar."""
    try:
        if unit in (Grouping.YEAR, Grouping.QUARTER, Grouping.MONTH):
            months = {Grouping.YEAR: 12, Grouping.QUARTER: 3, Grouping.MONTH: 1}[unit] * periods
            return months_later(start, months, field="periodCount")
        step = {Grouping.WEEK: timedelta(weeks=1), Grouping.DAY: timedelta(days=1)}
        return shifted(start, step.get(unit, timedelta(hours=1)), periods, field="periodCount")
    except ValueError as exc:
        raise AnalyticsError(str(exc)) from None


def date_range(f: WatsFilter, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The inclusive naive-UTC range the filter selects.

    `dateFrom`/`dateTo` win; otherwise `periodCount` periods of `dateGrouping` (default day) back
    from `now`, ending with the running period when `includeCurrentPeriod` is true, else before it.
    """
    start, end = f.date_from, f.date_to
    if f.period_count is not None and start is None:
        unit = grouping(f, default=Grouping.DAY)
        current = _period_start(now, unit)
        if f.include_current_period:
            start = _shift(current, unit, 1 - f.period_count)
        else:
            start = _shift(current, unit, -f.period_count)
            if end is None:
                end = current - timedelta(microseconds=1)
    if start is not None and end is not None and start > end:
        raise AnalyticsError(f"dateFrom {start.isoformat()} is after dateTo {end.isoformat()}")
    return start, end
