"""The one place an incoming date-time becomes UTC: `UtcDateTime` for every request field.

Texts are read with the SDK's one date-time grammar (`pywats.report.Timestamp`); a date alone
means its midnight and no offset means UTC. An instant a datetime cannot hold in UTC
(`0001-01-01T00:00:00+02:00`) is a ValueError, which the request validation answers as a 400
naming the field.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import PlainValidator, WithJsonSchema

from pywats.report import Timestamp

__all__ = ["UtcDateTime", "to_naive_utc"]

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def to_naive_utc(value: object) -> datetime:
    """A naive-UTC datetime from a WATS date-time text or a datetime (naive meaning UTC).

    Raises ValueError saying what was expected when the text breaks the grammar, names no real
    time, or its instant in UTC lies outside years 1 to 9999."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        value = Timestamp.from_datetime(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time text, got {type(value).__name__}")
    text = f"{value}T00:00:00" if _DATE_ONLY.match(value) else value
    return Timestamp(text).to_utc().replace(tzinfo=None)


#: A request field holding a date-time, validated to naive UTC by `to_naive_utc`.
UtcDateTime = Annotated[
    datetime,
    PlainValidator(to_naive_utc),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
