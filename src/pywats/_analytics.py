"""`client.analytics`: yield, repairs, failures, measurements and unit history (never cached).

Every method takes an optional `WATSFilter`; yield and repair queries also take the dimensions
to group by (a `Dimensions` builder or the `;`-separated string).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pywats._analytics_models import (
    AggregatedMeasurement,
    AlarmLog,
    MeasurementData,
    MeasurementListItem,
    OeeAnalysisResult,
    RepairHistoryRecord,
    RepairStatistics,
    StepAnalysisRow,
    StepStatusItem,
    TopFailedStep,
    YieldData,
)
from pywats._analytics_query import Dimensions, WATSFilter
from pywats._reports import ReportHeader
from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params

__all__ = ["AnalyticsService"]

_EMPTY = WATSFilter()


def _body(f: WATSFilter | None, dimensions: Dimensions | str | None = None) -> dict[str, Any]:
    f = f or _EMPTY
    grouping = dimensions.date_grouping if isinstance(dimensions, Dimensions) else None
    if grouping is not None and f.date_grouping is None:
        f = f.model_copy(update={"date_grouping": grouping})
    return f.to_json()


_ALL = "00000000-0000-0000-0000-000000000000"


def _drill_down_params(step_filters: str, sequence_filters: str) -> Params:
    return {"stepFilters": step_filters, "sequenceFilters": sequence_filters}


def _paths(paths: str | Sequence[str]) -> str:
    return paths if isinstance(paths, str) else ";".join(paths)


class AnalyticsService(Service[M]):
    """The `/api/App` analytics endpoints; rates in results are percentages (0-100)."""

    @endpoint
    def dynamic_yield(
        self, dimensions: Dimensions | str, filter: WATSFilter | None = None
    ) -> Call[list[YieldData]]:
        """Unit yield grouped by `dimensions`, sorted as they say. `Dimensions.period()` sets
        the filter's date grouping unless the filter sets one."""
        return Call(
            "POST",
            "/api/App/DynamicYield",
            returns=list[YieldData],
            params={"dimensions": str(dimensions)},
            json=_body(filter, dimensions),
        )

    @endpoint
    def volume_yield(self, filter: WATSFilter | None = None) -> Call[list[YieldData]]:
        """Yield per product and test operation."""
        return Call("POST", "/api/App/VolumeYield", returns=list[YieldData], json=_body(filter))

    @endpoint
    def high_volume(self, filter: WATSFilter | None = None) -> Call[list[YieldData]]:
        """The products with the most units first (`top_count`, default 10)."""
        return Call("POST", "/api/App/HighVolume", returns=list[YieldData], json=_body(filter))

    @endpoint
    def high_volume_by_product_group(
        self, filter: WATSFilter | None = None
    ) -> Call[list[YieldData]]:
        """The product groups with the most units first."""
        path = "/api/App/HighVolumeByProductGroup"
        return Call("POST", path, returns=list[YieldData], json=_body(filter))

    @endpoint
    def worst_yield(self, filter: WATSFilter | None = None) -> Call[list[YieldData]]:
        """The products with the lowest first-pass yield first (`top_count`, default 10)."""
        return Call("POST", "/api/App/WorstYield", returns=list[YieldData], json=_body(filter))

    @endpoint
    def worst_yield_by_product_group(
        self, filter: WATSFilter | None = None
    ) -> Call[list[YieldData]]:
        """The product groups with the lowest first-pass yield first."""
        path = "/api/App/WorstYieldByProductGroup"
        return Call("POST", path, returns=list[YieldData], json=_body(filter))

    @endpoint
    def dynamic_repair(
        self, dimensions: Dimensions | str, filter: WATSFilter | None = None
    ) -> Call[list[RepairStatistics]]:
        """Repair counts grouped by `dimensions` (e.g. repair category and component)."""
        return Call(
            "POST",
            "/api/App/DynamicRepair",
            returns=list[RepairStatistics],
            params={"dimensions": str(dimensions)},
            json=_body(filter, dimensions),
        )

    @endpoint
    def related_repair_history(
        self, part_number: str, revision: str | None = None
    ) -> Call[list[RepairHistoryRecord]]:
        """Every repair of a product (revision), newest first."""
        return Call(
            "GET",
            "/api/App/RelatedRepairHistory",
            returns=list[RepairHistoryRecord],
            params={"partNumber": part_number, "revision": revision},
        )

    @endpoint
    def top_failed(self, filter: WATSFilter | None = None) -> Call[list[TopFailedStep]]:
        """The steps that failed most often (`top_count`, default 10)."""
        return Call("POST", "/api/App/TopFailed", returns=list[TopFailedStep], json=_body(filter))

    @endpoint
    def test_step_analysis(self, filter: WATSFilter) -> Call[list[StepAnalysisRow]]:
        """Per step: executions by status, failures caused, times, measurement statistics and
        capability. Give at least `part_number` and `test_operation` on large databases."""
        path = "/api/App/TestStepAnalysis"
        return Call("POST", path, returns=list[StepAnalysisRow], json=_body(filter))

    @endpoint
    def measurements(
        self, paths: str | Sequence[str], filter: WATSFilter | None = None
    ) -> Call[list[MeasurementData]]:
        """Raw values of the measurement paths (`¶`-separated step names, built with
        `measurement_path`), newest first."""
        return Call(
            "POST",
            "/api/App/Measurements",
            returns=list[MeasurementData],
            params={"measurementPaths": _paths(paths)},
            json=_body(filter),
        )

    @endpoint
    def aggregated_measurements(
        self, paths: str | Sequence[str], filter: WATSFilter | None = None
    ) -> Call[list[AggregatedMeasurement]]:
        """Statistics and Cp/Cpk per measurement path and product revision."""
        return Call(
            "POST",
            "/api/App/AggregatedMeasurements",
            returns=list[AggregatedMeasurement],
            params={"measurementPaths": _paths(paths)},
            json=_body(filter),
        )

    @endpoint
    def top_failed_recent(
        self,
        *,
        days: int | None = None,
        part_number: str | None = None,
        process_code: int | None = None,
        product_group_id: str = _ALL,
        level_id: str = _ALL,
        count: int = 10,
    ) -> Call[list[TopFailedStep]]:
        """The internal TopFailed: the `count` steps that failed most in the last `days` days,
        selected by ids (the all-zero GUID, the default, for all)."""
        params: Params = {
            "days": days,
            "partNumber": part_number,
            "processCode": process_code,
            "productGroupId": product_group_id,
            "levelId": level_id,
            "count": count,
        }
        path = "/api/internal/App/TopFailed"
        return Call("GET", path, returns=list[TopFailedStep], params=params)

    @endpoint
    def measurement_list(
        self,
        filter: WATSFilter | None = None,
        *,
        step_filters: str = "",
        sequence_filters: str = "",
    ) -> Call[list[MeasurementListItem]]:
        """Every measurement of the matching UUT reports, newest first (`top_count`, else
        1000), narrowed by the step/sequence filter XML (see docs/analytics.md)."""
        return Call(
            "POST",
            "/api/internal/App/MeasurementList",
            returns=list[MeasurementListItem],
            params=_drill_down_params(step_filters, sequence_filters),
            json=_body(filter),
        )

    @endpoint
    def measurement_list_recent(
        self,
        days: int,
        *,
        product_group_id: str = _ALL,
        level_id: str = _ALL,
        step_filters: str = "",
        sequence_filters: str = "",
    ) -> Call[list[MeasurementListItem]]:
        """Measurements of the last `days` days in a product group and level (ids; the
        all-zero GUID, the default, for all)."""
        params = _drill_down_params(step_filters, sequence_filters)
        params.update(days=days, productGroupId=product_group_id, levelId=level_id)
        return Call(
            "GET",
            "/api/internal/App/MeasurementList",
            returns=list[MeasurementListItem],
            params=params,
        )

    @endpoint
    def step_status_list(
        self,
        filter: WATSFilter | None = None,
        *,
        step_filters: str = "",
        sequence_filters: str = "",
    ) -> Call[list[StepStatusItem]]:
        """Every step execution of the matching UUT reports, newest first (`top_count`, else
        1000), narrowed by the step/sequence filter XML."""
        return Call(
            "POST",
            "/api/internal/App/StepStatusList",
            returns=list[StepStatusItem],
            params=_drill_down_params(step_filters, sequence_filters),
            json=_body(filter),
        )

    @endpoint
    def step_status_list_recent(
        self,
        days: int,
        *,
        product_group_id: str = _ALL,
        level_id: str = _ALL,
        step_filters: str = "",
        sequence_filters: str = "",
    ) -> Call[list[StepStatusItem]]:
        """Step executions of the last `days` days in a product group and level."""
        params = _drill_down_params(step_filters, sequence_filters)
        params.update(days=days, productGroupId=product_group_id, levelId=level_id)
        return Call(
            "GET", "/api/internal/App/StepStatusList", returns=list[StepStatusItem], params=params
        )

    @endpoint
    def oee_analysis(self, filter: WATSFilter | None = None) -> Call[OeeAnalysisResult]:
        """Availability, performance, quality and OEE of the matching UUT reports."""
        return Call("POST", "/api/App/OeeAnalysis", returns=OeeAnalysisResult, json=_body(filter))

    @endpoint
    def serial_number_history(self, filter: WATSFilter) -> Call[list[ReportHeader]]:
        """Every UUT and UUR report of the matching units, oldest first."""
        path = "/api/App/SerialNumberHistory"
        return Call("POST", path, returns=list[ReportHeader], json=_body(filter))

    @endpoint
    def uut_reports(self, filter: WATSFilter | None = None) -> Call[list[ReportHeader]]:
        """Headers of matching UUT reports, newest first."""
        return Call("POST", "/api/App/UutReport", returns=list[ReportHeader], json=_body(filter))

    @endpoint
    def uur_reports(self, filter: WATSFilter | None = None) -> Call[list[ReportHeader]]:
        """Headers of matching UUR reports, newest first."""
        return Call("POST", "/api/App/UurReport", returns=list[ReportHeader], json=_body(filter))

    @endpoint
    def alarm_logs(
        self,
        *,
        top_count: int | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        product_group: str | None = None,
        level: str | None = None,
    ) -> Call[list[AlarmLog]]:
        """Alarm and notification logs, worst first (a pyWATS server: its asset alarms)."""
        body = {
            "topCount": top_count,
            "dateFrom": None if date_from is None else date_from.isoformat(),
            "dateTo": None if date_to is None else date_to.isoformat(),
            "productGroup": product_group,
            "level": level,
        }
        body = {key: value for key, value in body.items() if value is not None}
        path = "/api/internal/Trigger/GetAlarmAndNotificationLogs"
        return Call("POST", path, json=body, returns=list[AlarmLog])
