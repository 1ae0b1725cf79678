"""What an analytics call asks for: the `WATSFilter` body and the `Dimensions` builder.

dims = Dimensions().part_number().station().period("week").sort("fpy")
rows = client.analytics.dynamic_yield(dims, WATSFilter(part_number="PCBA-%"))
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from pywats._wire import dump

__all__ = [
    "DATE_GROUPING",
    "MAX_COUNT",
    "PATH_SEPARATOR",
    "Dimensions",
    "PeriodUnit",
    "WATSFilter",
    "measurement_path",
]

#: The largest count a WATS server reads (a 32-bit signed integer).
MAX_COUNT = 2**31 - 1

PeriodUnit = Literal["year", "quarter", "month", "week", "day", "hour"]
DATE_GROUPING: dict[str, int] = {
    "year": 0,
    "quarter": 1,
    "month": 2,
    "week": 3,
    "day": 4,
    "hour": 5,
}


class WATSFilter(BaseModel):
    """The filter of the analytics endpoints (rest-api.md §6.1); unset keys are not sent.

    String keys accept the WATS wildcards: `%` any run of characters, `_` one character, `;`
    between alternatives (`part_number="PCBA-1;PCBA-2"`). `run`: 1, 2, 3 = that run, -1 = last
    run, -2 = all runs. `date_grouping`: -1 none, 0 year ... 5 hour (see `Dimensions.period`).
    Unknown keyword arguments raise a validation error. The server reads the same model
    (`pywats_server.analytics.WatsFilter`, which adds only what the server decides).
    """

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    batch_number: str | None = None
    station_name: str | None = None
    test_operation: str | None = None
    status: str | None = None
    yield_: int | None = Field(default=None, alias="yield", ge=0, le=100)
    misc_description: str | None = None
    misc_value: str | None = None
    misc_info_description: str | None = None
    misc_info_string: str | None = None
    asset_serial_number: str | None = None
    asset_name: str | None = None
    product_group: str | None = None
    level: str | None = None
    sw_filename: str | None = None
    sw_version: str | None = None
    socket: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    date_grouping: int | None = Field(default=None, ge=-1, le=5)
    period_count: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    include_current_period: bool | None = None
    max_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    min_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    top_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    dimensions: str | None = None
    run: Literal[1, 2, 3, -1, -2] | None = None
    measurement_paths: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON body: camelCase keys, unset keys left out, date-times as ISO 8601."""
        body = dump(self)
        if self.period_count is not None or self.date_grouping is not None:
            body.setdefault("includeCurrentPeriod", True)
        return body


class Dimensions:
    """An immutable builder of the `dimensions` list (rest-api.md §6.2); `str()` is the list.

    Each method returns a new builder with one more item. `period(unit)` groups by period and
    sets the filter's `date_grouping`; `sort(name, "desc")` orders by a dimension or KPI.
    """

    __slots__ = ("_grouping", "_items")

    def __init__(self, *items: str, date_grouping: int | None = None) -> None:
        self._items = tuple(items)
        self._grouping = date_grouping

    def by(self, name: str) -> Dimensions:
        """Group by any dimension name of the spec, e.g. `by("fixtureId")`."""
        return Dimensions(*self._items, name, date_grouping=self._grouping)

    def sort(self, name: str, order: Literal["asc", "desc"] = "asc") -> Dimensions:
        """Sort by a dimension or KPI (e.g. `sort("unitCount", "desc")`); earlier sorts win."""
        return self.by(f"{name} {order}")

    def period(self, unit: PeriodUnit) -> Dimensions:
        """Group by period: hour, day, week (ISO), month, quarter or year (UTC)."""
        if unit not in DATE_GROUPING:
            raise ValueError(f"period unit {unit!r}: expected one of {', '.join(DATE_GROUPING)}")
        return Dimensions(*self._items, "period", date_grouping=DATE_GROUPING[unit])

    @property
    def date_grouping(self) -> int | None:
        """The `dateGrouping` code set by `period()`, else None."""
        return self._grouping

    def part_number(self) -> Dimensions:
        return self.by("partNumber")

    def revision(self) -> Dimensions:
        return self.by("revision")

    def product_name(self) -> Dimensions:
        return self.by("productName")

    def product_group(self) -> Dimensions:
        return self.by("productGroup")

    def station(self) -> Dimensions:
        return self.by("stationName")

    def location(self) -> Dimensions:
        return self.by("location")

    def purpose(self) -> Dimensions:
        return self.by("purpose")

    def test_operation(self) -> Dimensions:
        return self.by("testOperation")

    def process_code(self) -> Dimensions:
        return self.by("processCode")

    def operator(self) -> Dimensions:
        return self.by("operator")

    def batch_number(self) -> Dimensions:
        return self.by("batchNumber")

    def sw_filename(self) -> Dimensions:
        return self.by("swFilename")

    def sw_version(self) -> Dimensions:
        return self.by("swVersion")

    def fixture_id(self) -> Dimensions:
        return self.by("fixtureId")

    def asset_serial_number(self) -> Dimensions:
        """Group by the assets the reports used (a report is counted under each)."""
        return self.by("assetSerialNumber")

    def asset_name(self) -> Dimensions:
        """Group by the registered names of the assets the reports used."""
        return self.by("assetName")

    def step_caused_uut_failure(self) -> Dimensions:
        return self.by("stepCausedUutFailure")

    def repair_category(self) -> Dimensions:
        return self.by("repairCategory")

    def repair_code(self) -> Dimensions:
        return self.by("repairCode")

    def component_ref(self) -> Dimensions:
        return self.by("componentRef")

    def __str__(self) -> str:
        return ";".join(self._items)

    def __repr__(self) -> str:
        return f"Dimensions({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dimensions):
            return NotImplemented
        return (self._items, self._grouping) == (other._items, other._grouping)

    def __hash__(self) -> int:
        return hash((self._items, self._grouping))


PATH_SEPARATOR = "\u00b6"
"""`¶`: joins step names in measurement paths (doubled before a measurement name)."""


def measurement_path(*steps: str, measurement: str | None = None) -> str:
    """The analytics path of a step's measurement: step names from the root down joined by
    `¶`, then `¶¶` and the measurement's name for one of a multi-measurement step, e.g.
    `measurement_path("Main", "Power", "Rails", measurement="3V3")`. Wildcards (`%`, `_`) and
    `;` between alternatives pass through. Raises ValueError for no steps or a name holding `¶`.
    """
    if not steps:
        raise ValueError("measurement_path: expected at least one step name")
    names = [*steps, *([] if measurement is None else [measurement])]
    for name in names:
        if PATH_SEPARATOR in name:
            raise ValueError(f"measurement_path: {name!r} contains the separator {PATH_SEPARATOR}")
    path = PATH_SEPARATOR.join(steps)
    return path if measurement is None else f"{path}{PATH_SEPARATOR * 2}{measurement}"
