"""A typed builder for OData `$filter` expressions over report headers.

from pywats import HeaderFields, SubUnitFields
since = datetime(2026, 1, 1, tzinfo=UTC)
flt = (HeaderFields.part_number.eq("PCBA-1") & HeaderFields.start.ge(since)
       & HeaderFields.sub_units.any(SubUnitFields.serial_number.startswith("PSU")))
str(flt)  # "partNumber eq 'PCBA-1' and start ge 2026-01-01T00:00:00Z and subUnits/any(...)"
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["HeaderField", "HeaderFields", "ODataFilter", "SubUnitFields", "query_options"]

Value = str | int | float | bool | datetime | uuid.UUID | None


def literal(value: Value) -> str:
    """The OData text of a value; raises ValueError for naive date-times."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"date-time {value!r}: expected a timezone-aware value")
        text = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat()
        return f"{text}Z"
    if isinstance(value, uuid.UUID):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def query_options(
    filter: ODataFilter | str | None, orderby: str | None, top: int | None, skip: int | None
) -> dict[str, str | int | None]:
    """The OData query parameters of a list endpoint; None values are left out by the client."""
    return {
        "$filter": str(filter) if filter is not None else None,
        "$orderby": orderby,
        "$top": top,
        "$skip": skip,
    }


@dataclass(frozen=True)
class ODataFilter:
    """A filter expression; combine with `&`, `|` and `~`. `str(f)` is the OData text."""

    text: str

    def __and__(self, other: ODataFilter) -> ODataFilter:
        return ODataFilter(f"({self.text}) and ({other.text})")

    def __or__(self, other: ODataFilter) -> ODataFilter:
        return ODataFilter(f"({self.text}) or ({other.text})")

    def __invert__(self) -> ODataFilter:
        return ODataFilter(f"not ({self.text})")

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class HeaderField:
    """A filterable field; methods build comparisons with correctly quoted literals."""

    path: str

    def _compare(self, op: str, value: Value) -> ODataFilter:
        return ODataFilter(f"{self.path} {op} {literal(value)}")

    def eq(self, value: Value) -> ODataFilter:
        return self._compare("eq", value)

    def ne(self, value: Value) -> ODataFilter:
        return self._compare("ne", value)

    def gt(self, value: Value) -> ODataFilter:
        return self._compare("gt", value)

    def ge(self, value: Value) -> ODataFilter:
        return self._compare("ge", value)

    def lt(self, value: Value) -> ODataFilter:
        return self._compare("lt", value)

    def le(self, value: Value) -> ODataFilter:
        return self._compare("le", value)

    def one_of(self, *values: Value) -> ODataFilter:
        """`field eq a or field eq b ...` (OData has no `in` in the subset WATS accepts)."""
        if not values:
            raise ValueError(f"{self.path}.one_of: expected at least one value")
        return ODataFilter(" or ".join(f"{self.path} eq {literal(v)}" for v in values))

    def contains(self, text: str) -> ODataFilter:
        return ODataFilter(f"contains({self.path},{literal(text)})")

    def startswith(self, text: str) -> ODataFilter:
        return ODataFilter(f"startswith({self.path},{literal(text)})")

    def endswith(self, text: str) -> ODataFilter:
        return ODataFilter(f"endswith({self.path},{literal(text)})")


@dataclass(frozen=True)
class _Collection:
    path: str

    def any(self, condition: ODataFilter | None = None) -> ODataFilter:
        """True when some element matches `condition` (built from `SubUnitFields`)."""
        inner = f"s: {condition.text}" if condition is not None else ""
        return ODataFilter(f"{self.path}/any({inner})")


class SubUnitFields:
    """Fields of a sub-unit, for use inside `HeaderFields.sub_units.any(...)`."""

    serial_number = HeaderField("s/serialNumber")
    part_number = HeaderField("s/partNumber")
    revision = HeaderField("s/revision")
    part_type = HeaderField("s/partType")


class HeaderFields:
    """The report-header fields a filter can name."""

    uuid = HeaderField("uuid")
    serial_number = HeaderField("serialNumber")
    part_number = HeaderField("partNumber")
    revision = HeaderField("revision")
    batch_number = HeaderField("batchNumber")
    station_name = HeaderField("stationName")
    location = HeaderField("location")
    purpose = HeaderField("purpose")
    process_code = HeaderField("processCode")
    process_name = HeaderField("processName")
    result = HeaderField("result")
    start = HeaderField("start")
    operator = HeaderField("operator")
    fixture_id = HeaderField("fixtureId")
    sw_filename = HeaderField("swFilename")
    sw_version = HeaderField("swVersion")
    error_code = HeaderField("errorCode")
    referenced_uut = HeaderField("referencedUut")
    sub_units = _Collection("subUnits")
    uur_sub_units = _Collection("uurSubUnits")
