"""What the tools answer: small typed summaries (the MCP SDK turns them into structured output).

Every list is capped by the call's `limit`; `total` says how many there were, so a model knows
when it saw only the first part. `link` is the server's web page for the row, when it has one.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "FailedMeasurement",
    "FailedStep",
    "MeasurementStatistics",
    "MeasurementSummary",
    "RepairFailure",
    "ReportFailures",
    "StepFailures",
    "UnitHistory",
    "UnitRun",
    "YieldRow",
    "YieldSummary",
]


class YieldRow(BaseModel):
    """Yield of one group: units tested, first-pass and final yield in percent."""

    group: str
    period: str | None = None
    units: int
    first_pass_yield: float | None
    final_yield: float | None
    link: str | None = None


class YieldSummary(BaseModel):
    grouped_by: str
    date_from: str
    rows: list[YieldRow]
    total: int


class FailedStepRow(BaseModel):
    """One of the top failing steps: how often it failed out of how many runs."""

    step_path: str
    step_name: str | None
    part_number: str | None
    failures: int
    runs: int
    fail_rate_percent: float | None
    link: str | None = None


class StepFailures(BaseModel):
    date_from: str
    rows: list[FailedStepRow]
    more: bool = Field(description="True when more steps failed than the rows listed.")


class UnitRun(BaseModel):
    """One test (UUT) or repair (UUR) report of the unit."""

    report_id: str
    kind: str
    part_number: str | None
    process: str | None
    station: str | None
    start: str | None
    result: str | None
    run: int | None
    link: str | None = None


class UnitHistory(BaseModel):
    serial_number: str
    runs: list[UnitRun]
    total: int
    link: str | None = None


class FailedMeasurement(BaseModel):
    name: str | None
    value: float | str | None
    unit: str | None
    comp_op: str | None
    low_limit: float | str | None
    high_limit: float | str | None
    status: str | None


class FailedStep(BaseModel):
    """A failed, errored or terminated step with no child steps: where the unit failed."""

    step_path: str
    status: str
    step_type: str
    error_message: str | None
    measurements: list[FailedMeasurement]


class RepairFailure(BaseModel):
    """One failure recorded on a repaired unit."""

    category: str | None
    code: str | None
    component_reference: str | None
    comment: str | None


class ReportFailures(BaseModel):
    report_id: str
    kind: str
    serial_number: str
    part_number: str
    process_code: int | None
    station: str | None
    start: str | None
    result: str | None
    failed_steps: list[FailedStep]
    repairs: list[RepairFailure]
    total: int
    link: str | None = None


class MeasurementStatistics(BaseModel):
    """Statistics of one measurement path for one product revision."""

    measurement_path: str
    part_number: str | None
    revision: str | None
    count: int
    unit: str | None
    min: float | None
    max: float | None
    mean: float | None
    stdev: float | None
    low_limit: float | None
    high_limit: float | None
    cpk: float | None


class MeasurementSummary(BaseModel):
    date_from: str
    rows: list[MeasurementStatistics]
    link: str | None = None
