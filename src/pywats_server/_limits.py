"""The bounds of every count and range a request may ask for: what the databases and the
calendar can hold, in one place.

Counts are bound to a 32-bit INTEGER (PostgreSQL's, and what both databases bind as a limit or
offset); moments are bound to the years 1 to 9999 a datetime holds, checked where a count of
days or periods turns into a moment, so the refusal names the field that asked for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field

from pywats._analytics_query import MAX_COUNT

__all__ = ["MAX_COUNT", "Count", "PositiveCount", "months_later", "shifted"]

# The largest count or offset: a 32-bit INTEGER, what WATS reads and the smallest integer both
# databases bind (one constant with the SDK's analytics filter).

#: A count from 0 to MAX_COUNT (a `$top`, `$skip`, `topCount`, ...).
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
#: A count from 1 to MAX_COUNT (a `periodCount`, `days`, ...).
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT)]

_CALENDAR = "the calendar holds years 1 to 9999"


def shifted(moment: datetime, step: timedelta, times: int, *, field: str) -> datetime:
    """`moment + step * times`; ValueError naming `field` when that leaves the calendar."""
    try:
        return moment + step * times
    except OverflowError:
        raise ValueError(
            f"{field}: {times:+} x {step.total_seconds() / 3600:g} h from {moment:%Y-%m-%d %H:%M} "
            f"leaves the calendar: {_CALENDAR}"
        ) from None


def months_later(moment: datetime, months: int, *, field: str) -> datetime:
    """`moment` moved by whole `months` (negative: back); ValueError naming `field` when that
    leaves the calendar."""
    index = moment.year * 12 + moment.month - 1 + months
    if not 1 <= index // 12 <= 9999:
        raise ValueError(
            f"{field}: {months:+} months from {moment:%Y-%m} leaves the calendar: {_CALENDAR}"
        )
    return moment.replace(year=index // 12, month=index % 12 + 1)
