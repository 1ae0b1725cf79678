"""Typed rows of the analytics endpoints (rest-api.md §6.4).

Every model keeps columns the server adds as extras (`row.model_extra`), so a server returning
more dimensions or KPIs than listed here loses nothing. Rates are percentages (0-100).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pywats._wire import WireModel

__all__ = [
    "AggregatedMeasurement",
    "AlarmLog",
    "MeasurementData",
    "MeasurementListItem",
    "OeeAnalysisResult",
    "RepairHistoryRecord",
    "RepairStatistics",
    "StepAnalysisRow",
    "StepStatusItem",
    "TopFailedStep",
    "YieldData",
]


class YieldData(WireModel):
    """One group of a yield query: its dimension values (those requested) and its KPIs.

    Counts are units (serial number at an operation) except `test_report_count` and
    `test_yield_count` (reports); `fp/sp/tp/lp` = passed by the first/second/third/last run.
    """

    part_number: str | None = None
    revision: str | None = None
    product_name: str | None = None
    product_group: str | None = None
    station_name: str | None = None
    location: str | None = None
    purpose: str | None = None
    test_operation: str | None = None
    process_code: int | None = None
    period: str | None = None
    asset_serial_number: str | None = None
    asset_name: str | None = None
    unit_count: int = 0
    fp_count: int = 0
    sp_count: int = 0
    tp_count: int = 0
    lp_count: int = 0
    fp_fail_count: int | None = None
    sp_fail_count: int | None = None
    tp_fail_count: int | None = None
    lp_fail_count: int | None = None
    fpy: float | None = None
    spy: float | None = None
    tpy: float | None = None
    lpy: float | None = None
    ppm_fpy: float | None = None
    ppm_spy: float | None = None
    ppm_tpy: float | None = None
    ppm_lpy: float | None = None
    test_yield_count: int | None = None
    test_report_count: int | None = None
    test_yield: float | None = None
    ppm_test_yield: float | None = None
    retest_count: int | None = None
    first_utc: str | None = None
    last_utc: str | None = None


class TopFailedStep(WireModel):
    """A step that failed: how often (`fail_count`) of how many executions (`total_count`)."""

    step_name: str | None = None
    step_path: str | None = None
    step_type: str | None = None
    step_group: str | None = None
    part_number: str | None = None
    revision: str | None = None
    product_group: str | None = None
    fail_count: int = 0
    total_count: int = 0
    fail_rate: float | None = None
    first_fail_date: str | None = None
    last_fail_date: str | None = None


class StepAnalysisRow(WireModel):
    """One step (and, for a step with measurements, one of its numeric measurements)."""

    step_name: str | None = None
    step_path: str | None = None
    step_type: str | None = None
    step_group: str | None = None
    step_count: int = 0
    step_passed_count: int | None = None
    step_done_count: int | None = None
    step_skipped_count: int | None = None
    step_failed_count: int | None = None
    step_error_count: int | None = None
    step_terminated_count: int | None = None
    step_other_count: int | None = None
    step_failed_error_terminated_count: int | None = None
    step_caused_uut_failed_error_terminated: int | None = None
    step_caused_uut_failed: int | None = None
    step_caused_uut_error: int | None = None
    step_caused_uut_terminated: int | None = None
    step_time_avg: float | None = None
    step_time_max: float | None = None
    step_time_min: float | None = None
    limit1: float | None = None
    limit2: float | None = None
    comp_operator: str | None = None
    measure_name: str | None = None
    measure_count: int | None = None
    min: float | None = None
    max: float | None = None
    avg: float | None = None
    stdev: float | None = None
    var: float | None = None
    cp: float | None = None
    cpk: float | None = None
    cp_lower: float | None = None
    cp_upper: float | None = None
    sigma_high3: float | None = None
    sigma_low3: float | None = None


class MeasurementData(WireModel):
    """One measured value of one report."""

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    report_id: str | None = None
    step_name: str | None = None
    step_path: str | None = None
    value: float | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    unit: str | None = None
    status: str | None = None
    start_utc: str | None = None


class AggregatedMeasurement(WireModel):
    """Statistics and capability of one measurement path for one product revision."""

    step_name: str | None = None
    step_path: str | None = None
    part_number: str | None = None
    revision: str | None = None
    count: int = 0
    min: float | None = None
    max: float | None = None
    avg: float | None = None
    stdev: float | None = None
    var: float | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    cp: float | None = None
    cpk: float | None = None
    cp_lower: float | None = None
    cp_upper: float | None = None
    unit: str | None = None


class RepairStatistics(WireModel):
    """One group of a repair query: dimension values (as extras) and repair counts."""

    part_number: str | None = None
    repair_category: str | None = None
    repair_code: str | None = None
    component_ref: str | None = None
    period: str | None = None
    repair_report_count: int = 0
    repair_count: int = 0
    total_count: int | None = None
    repair_rate: float | None = None


class RepairHistoryRecord(WireModel):
    """One repair (a failure recorded in a UUR report) of a unit."""

    serial_number: str | None = None
    part_number: str | None = None
    revision: str | None = None
    report_id: str | None = None
    repair_date: str | None = None
    fail_step_name: str | None = None
    fail_step_path: str | None = None
    fail_code: str | None = None
    repair_code: str | None = None
    symptom: str | None = None
    cause: str | None = None
    action: str | None = None


class OeeAnalysisResult(WireModel):
    """OEE of the selected UUT reports: rates in percent, times in minutes (the server's rules
    are in docs/analytics.md); a rate is None when there is nothing to divide by."""

    oee: float | None = None
    availability: float | None = None
    performance: float | None = None
    quality: float | None = None
    total_time: float | None = None
    planned_production_time: float | None = None
    run_time: float | None = None
    down_time: float | None = None
    total_count: int = 0
    good_count: int = 0
    reject_count: int = 0
    ideal_cycle_time: float | None = None
    actual_cycle_time: float | None = None
    period: str | None = None
    part_number: str | None = None
    station_name: str | None = None


class AlarmLog(WireModel):
    """An alarm the server raised. This server raises asset alarms (`type` 5): an asset in
    Warning (`state` 1) or Alarm (2), with the reasons in `calculations_string`; WATS's other
    kinds carry more keys, which are kept as extras."""

    log_id: str
    name: str
    log_date: datetime
    trigger_id: str | None = None
    type: int
    state: int
    calculations_string: str | None = None
    asset_name: str | None = Field(default=None, alias="assetname")
    serial_number: str | None = Field(default=None, alias="serialnumber")
    type_id: str | None = Field(default=None, alias="typeid")
    asset_state: int | None = Field(default=None, alias="assetstate")
    bubbled_status: int | None = Field(default=None, alias="bubbledstatus")
    is_days_since_calibration_unknown: bool | None = None
    is_days_since_maintenance_unknown: bool | None = None


class MeasurementListItem(WireModel):
    """One measurement of a drill-down list, with its report and step."""

    serial_number: str
    part_number: str
    revision: str | None = None
    report_id: str
    step_name: str
    step_path: str
    measure_name: str | None = None
    value: float | None = None
    string_value: str | None = None
    limit_low: float | None = None
    limit_high: float | None = None
    unit: str | None = None
    status: str | None = None
    start_utc: datetime
    station_name: str | None = None


class StepStatusItem(WireModel):
    """One step execution of a drill-down list; the counts are its step's (path, part number,
    revision) over the whole list."""

    step_name: str
    step_path: str
    step_type: str | None = None
    step_group: str | None = None
    part_number: str
    revision: str | None = None
    pass_count: int = 0
    fail_count: int = 0
    total_count: int = 0
    status: str | None = None
    start_utc: datetime
    serial_number: str
    report_id: str
