"""Response models of the analytics endpoints whose rows have fixed columns (the others' rows
carry the dimensions the request asks for, as `Row`)."""

from __future__ import annotations

from ._answer import Answer

__all__ = ["MeasurementListItem", "MeasurementRow", "StepStatusItem", "TopFailedRow"]


class _StepOfProduct(Answer):
    """A step (by path) of one product revision."""

    stepName: str
    stepPath: str
    stepType: str | None
    stepGroup: str | None
    partNumber: str
    revision: str


class TopFailedRow(_StepOfProduct):
    """A step that failed, with how often (`failRate` in percent of its executions)."""

    failCount: int
    totalCount: int
    failRate: float
    firstFailDate: str
    lastFailDate: str


class MeasurementListItem(Answer):
    """One measured value of one report, as the drill-down lists it (rest-api.md §7.2)."""

    serialNumber: str
    partNumber: str
    revision: str
    reportId: str
    stepName: str
    stepPath: str
    measureName: str | None
    value: float | None
    stringValue: str | None
    limitLow: float | None
    limitHigh: float | None
    unit: str | None
    status: str | None
    startUtc: str
    stationName: str | None


class MeasurementRow(MeasurementListItem):
    """One measured value of one report with its comparison operator (`/api/App/Measurements`)."""

    compOperator: str | None


class StepStatusItem(_StepOfProduct):
    """One step execution with the counts of its step over the listed rows."""

    passCount: int
    failCount: int
    totalCount: int
    status: str | None
    startUtc: str
    serialNumber: str
    reportId: str
