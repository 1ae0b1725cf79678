"""`AnalyticsStore`: every analytics query of the server, each in one read-only connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection

from ..storage import Database, ReportQuery, utcnow
from ..storage.report_tables import reports
from ._dimensions import SortKey
from ._drill_down import measurement_list, step_status_list
from ._filter import WatsFilter
from ._measurements import aggregated_measurements, measurements
from ._oee import oee_analysis
from ._repairs import dynamic_repair, repair_history
from ._runs import report_scope
from ._steps import step_analysis, top_failed
from ._yield import dynamic_yield

__all__ = ["AnalyticsStore"]

T = TypeVar("T")
_DEFAULT_TOP = 10
_DEFAULT_REPORTS = 1000


class AnalyticsStore:
    """Runs the analytics queries; `now` (naive UTC) anchors `periodCount` ranges.

    Every method raises AnalyticsError for a filter or dimension it cannot apply.
    """

    def __init__(self, database: Database, now: Callable[[], datetime] = utcnow) -> None:
        self._engine = database.engine
        self._headers = ReportQuery(database)
        self._now = now

    def _read(self, query: Callable[[Connection, datetime], T]) -> T:
        with self._engine.connect() as connection:
            return query(connection, self._now())

    def dynamic_yield(self, f: WatsFilter, dimensions: str | None) -> list[dict[str, Any]]:
        """YieldData grouped by `dimensions` (see `_yield`)."""
        return self._read(lambda c, now: dynamic_yield(c, f, dimensions, now))

    def volume_yield(self, f: WatsFilter, *, by_group: bool = False) -> list[dict[str, Any]]:
        """Yield per product and operation, by part number."""
        return self.dynamic_yield(f, _product_dimensions(by_group))

    def high_volume(self, f: WatsFilter, *, by_group: bool = False) -> list[dict[str, Any]]:
        """Yield per product and operation, the `topCount` (10) with most units first."""
        return self._ranked(f, by_group, [SortKey("unitCount", True)])

    def worst_yield(self, f: WatsFilter, *, by_group: bool = False) -> list[dict[str, Any]]:
        """Yield per product and operation, the `topCount` (10) lowest first-pass yields first
        (ties: more units first); `minCount` keeps small products out."""
        return self._ranked(f, by_group, [SortKey("fpy", False), SortKey("unitCount", True)])

    def _ranked(self, f: WatsFilter, by_group: bool, sort: list[SortKey]) -> list[dict[str, Any]]:
        if f.top_count is None and f.max_count is None:
            f = f.model_copy(update={"top_count": _DEFAULT_TOP})
        dimensions = _product_dimensions(by_group)
        return self._read(lambda c, now: dynamic_yield(c, f, dimensions, now, default_sort=sort))

    def dynamic_repair(self, f: WatsFilter, dimensions: str | None) -> list[dict[str, Any]]:
        """RepairStatistics grouped by `dimensions` (see `_repairs`)."""
        return self._read(lambda c, now: dynamic_repair(c, f, dimensions, now))

    def related_repair_history(self, f: WatsFilter) -> list[dict[str, Any]]:
        """RepairHistoryRecord rows of the matching UUR reports, newest first."""
        return self._read(lambda c, now: repair_history(c, f, now))

    def top_failed(self, f: WatsFilter) -> list[dict[str, Any]]:
        """TopFailedStep rows (see `_steps`)."""
        return self._read(lambda c, now: top_failed(c, f, now))

    def step_analysis(self, f: WatsFilter) -> list[dict[str, Any]]:
        """StepAnalysisRow rows (see `_steps`)."""
        return self._read(lambda c, now: step_analysis(c, f, now))

    def measurements(self, f: WatsFilter, paths: str | None) -> list[dict[str, Any]]:
        """MeasurementData rows for the measurement paths."""
        return self._read(lambda c, now: measurements(c, f, paths, now))

    def aggregated_measurements(self, f: WatsFilter, paths: str | None) -> list[dict[str, Any]]:
        """AggregatedMeasurement rows for the measurement paths."""
        return self._read(lambda c, now: aggregated_measurements(c, f, paths, now))

    def measurement_list(
        self, f: WatsFilter, steps: Sequence[str], sequences: Sequence[str]
    ) -> list[dict[str, Any]]:
        """MeasurementListItem rows (see `_drill_down`)."""
        return self._read(lambda c, now: measurement_list(c, f, now, steps, sequences))

    def step_status_list(
        self, f: WatsFilter, steps: Sequence[str], sequences: Sequence[str]
    ) -> list[dict[str, Any]]:
        """StepStatusItem rows (see `_drill_down`)."""
        return self._read(lambda c, now: step_status_list(c, f, now, steps, sequences))

    def oee_analysis(self, f: WatsFilter) -> dict[str, Any]:
        """One OeeAnalysisResult (see `_oee`)."""
        return self._read(lambda c, now: oee_analysis(c, f, now))

    def serial_number_history(self, f: WatsFilter) -> list[dict[str, Any]]:
        """Headers of every UUT and UUR report matching the filter, oldest first."""
        conditions = report_scope(f, reports, self._now(), None)
        return self._headers.headers_where(conditions, top=self._cap(f, 10_000), oldest_first=True)

    def report_list(self, f: WatsFilter, report_type: str) -> list[dict[str, Any]]:
        """Headers of the matching UUT (`T`) or UUR (`R`) reports, newest first."""
        conditions = report_scope(f, reports, self._now(), report_type)
        return self._headers.headers_where(conditions, top=self._cap(f, _DEFAULT_REPORTS))

    @staticmethod
    def _cap(f: WatsFilter, default: int) -> int:
        cap = f.top_count if f.top_count is not None else f.max_count
        return default if cap is None else cap


def _product_dimensions(by_group: bool) -> str:
    return "productGroup;testOperation" if by_group else "partNumber;testOperation"
