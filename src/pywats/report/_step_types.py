"""Concrete step types: measurement steps, chart, message popup, call executable, action, flow.

Each class names the `stepType` strings it stands for (exact spelling, case-sensitive). The
payload key is optional even when the type suggests it (loop summaries often have none).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

from pywats._exceptions import ReportValidationError
from pywats.report._codes import ChartType, CompOp, Status
from pywats.report._limits import (
    NUMERIC_LIMITS_USED,
    non_finite_text,
    numeric_passes,
    string_passes,
    worst_status,
)
from pywats.report._node import JSONObject, ListField, NodeField
from pywats.report._payloads import (
    BooleanMeasurement,
    CallExeInfo,
    Chart,
    ChartSeries,
    MessagePopupInfo,
    NumericMeasurement,
    StringMeasurement,
)
from pywats.report._step import Step

__all__ = [
    "ActionStep",
    "CallExecutableStep",
    "ChartStep",
    "FlowStep",
    "MessagePopupStep",
    "MultiNumericLimitStep",
    "MultiPassFailStep",
    "MultiStringValueStep",
    "NumericLimitStep",
    "PassFailStep",
    "StringValueStep",
    "new_chart",
    "new_numeric",
    "new_string",
]


def _status_of(passed: bool) -> str:
    return "P" if passed else "F"


def _number(value: object, where: str, key: str) -> float | str | None:
    """A number for the JSON document: floats stay floats; NaN/±Inf become WATS's text forms
    (JSON cannot carry them, and a server would reject the document)."""
    if type(value) is float and value - value == 0.0:  # finite: the common case, kept fast
        return value
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ReportValidationError([(f"{where}.{key}", f"expected a number, got {value!r}")])
    number = float(value)
    return number if math.isfinite(number) else non_finite_text(number)


def new_numeric(
    value: float | str,
    *,
    low: float | None,
    high: float | None,
    comp: CompOp | str | None,
    unit: str | None,
    name: str | None,
    status: Status | str | None,
) -> JSONObject:
    """A `numericMeas` element with its status from the limits (unless `status` is given).

    Without `comp`: both limits → GELE, low only → GE, high only → LE, none → LOG. A one-limit
    operator given only `high` stores it as `lowLimit`, the key WATS compares against.
    """
    if comp is None:
        if low is not None and high is not None:
            comp = "GELE"
        else:
            comp = "GE" if low is not None else "LE" if high is not None else "LOG"
    comp = comp if type(comp) is str else str(comp)
    if low is None and NUMERIC_LIMITS_USED.get(comp.upper()) == 1:
        low, high = high, None
    where = "measurement" if name is None else f"measurement {name!r}"
    raw: JSONObject = {
        "compOp": comp,
        "name": name,
        "status": "P",
        "unit": unit,
        "value": _number(value, where, "value"),
        "highLimit": _number(high, where, "highLimit"),
        "lowLimit": _number(low, where, "lowLimit"),
    }
    if status is None:
        passed = numeric_passes(comp, raw["value"], raw["lowLimit"], raw["highLimit"], where=where)
        raw["status"] = _status_of(passed)
    else:
        raw["status"] = str(status)
    return raw


def new_string(
    value: str,
    *,
    limit: str | None,
    comp: CompOp | str | None,
    name: str | None,
    status: Status | str | None,
) -> JSONObject:
    """A `stringMeas` element; without `comp`, CASESENSIT when a limit is given, else LOG."""
    comp = str(comp) if comp is not None else ("CASESENSIT" if limit is not None else "LOG")
    if status is None:
        where = f"measurement {name!r}" if name else "measurement"
        status = _status_of(string_passes(comp, value, limit, where=where))
    return {"compOp": comp, "name": name, "status": str(status), "value": value, "limit": limit}


class NumericLimitStep(Step, step_types=("ET_NLT", "NumericLimitTest")):
    """A numeric limit test with one measurement (`numericMeas`)."""

    __slots__ = ()
    measurements = ListField("numericMeas", NumericMeasurement)

    @property
    def measurement(self) -> NumericMeasurement | None:
        """The first (for single steps: the only) measurement."""
        items = self._raw.get("numericMeas")
        return NumericMeasurement(items[0]) if items else None

    def evaluate(self) -> str:
        """Recompute every measurement status from its operator and limits, then the step
        status (F when any fails, else P); return the step status."""
        status = "P"
        for index, meas in enumerate(self.measurements):
            where = f"step {self.name!r}.numericMeas[{index}]"
            meas.status = _status_of(
                numeric_passes(
                    meas.comp_op, meas.value, meas.low_limit, meas.high_limit, where=where
                )
            )
            status = worst_status(status, meas.status)
        self.status = status
        return status


class MultiNumericLimitStep(NumericLimitStep, step_types=("ET_MNLT", "MultiNumericLimitTest")):
    """A numeric limit test with several named measurements."""

    __slots__ = ()

    def add_measurement(
        self,
        name: str,
        value: float,
        *,
        low: float | None = None,
        high: float | None = None,
        comp: CompOp | str | None = None,
        unit: str | None = None,
        status: Status | str | None = None,
    ) -> NumericMeasurement:
        """Append a named measurement (limits as in `SequenceCall.add_numeric`); a failing
        measurement fails the step."""
        raw = new_numeric(value, low=low, high=high, comp=comp, unit=unit, name=name, status=status)
        self.measurements.append(NumericMeasurement(raw))
        self.status = worst_status(self.status or "P", raw["status"])
        return NumericMeasurement(raw)


class ChartStep(MultiNumericLimitStep, step_types=("WATS_XYGMNLT",)):
    """Numeric measurements plus one XY chart (`chart`)."""

    __slots__ = ()
    chart = NodeField("chart", Chart)

    def add_series(self, name: str, x: Iterable[float], y: Iterable[float]) -> ChartSeries:
        """Append an XY series to the chart (created as a linear chart when absent)."""
        chart = self.chart
        if chart is None:
            chart = Chart(new_chart(ChartType.LINE, None, None, None, None, None))
            self.chart = chart
        series = ChartSeries.new(name, x, y)
        chart.series.append(series)
        return series


def new_chart(
    chart_type: ChartType | str,
    label: str | None,
    x_label: str | None,
    x_unit: str | None,
    y_label: str | None,
    y_unit: str | None,
) -> JSONObject:
    """A `chart` object without series, keys in export order."""
    return {
        "chartType": str(chart_type),
        "label": label,
        "xLabel": x_label,
        "xUnit": x_unit,
        "yLabel": y_label,
        "yUnit": y_unit,
        "series": [],
    }


class PassFailStep(Step, step_types=("ET_PFT", "PassFailTest")):
    """A pass/fail test; each `booleanMeas` element's status is its outcome."""

    __slots__ = ()
    measurements = ListField("booleanMeas", BooleanMeasurement)

    @property
    def measurement(self) -> BooleanMeasurement | None:
        """The first (for single steps: the only) measurement."""
        items = self._raw.get("booleanMeas")
        return BooleanMeasurement(items[0]) if items else None

    def evaluate(self) -> str:
        """Set the step status from its outcomes (F when any is F, else P); return it."""
        status = "P"
        for meas in self.measurements:
            status = worst_status(status, "F" if meas.status == "F" else "P")
        self.status = status
        return status


class MultiPassFailStep(PassFailStep, step_types=("ET_MPFT", "MultiBooleanTest")):
    """A pass/fail test with several named outcomes."""

    __slots__ = ()

    def add_measurement(self, name: str, passed: bool) -> BooleanMeasurement:
        """Append a named outcome; a failing one fails the step."""
        raw = {"name": name, "status": _status_of(passed)}
        self.measurements.append(BooleanMeasurement(raw))
        self.status = worst_status(self.status or "P", raw["status"])
        return BooleanMeasurement(raw)


class StringValueStep(Step, step_types=("ET_SVT", "StringValueTest")):
    """A string value test (`stringMeas`)."""

    __slots__ = ()
    measurements = ListField("stringMeas", StringMeasurement)

    @property
    def measurement(self) -> StringMeasurement | None:
        """The first (for single steps: the only) measurement."""
        items = self._raw.get("stringMeas")
        return StringMeasurement(items[0]) if items else None

    def evaluate(self) -> str:
        """Recompute measurement statuses and the step status (as `NumericLimitStep.evaluate`)."""
        status = "P"
        for index, meas in enumerate(self.measurements):
            where = f"step {self.name!r}.stringMeas[{index}]"
            meas.status = _status_of(
                string_passes(meas.comp_op, meas.value, meas.limit, where=where)
            )
            status = worst_status(status, meas.status)
        self.status = status
        return status


class MultiStringValueStep(StringValueStep, step_types=("ET_MSVT", "MultiStringTest")):
    """A string value test with several named measurements."""

    __slots__ = ()

    def add_measurement(
        self,
        name: str,
        value: str,
        *,
        limit: str | None = None,
        comp: CompOp | str | None = None,
        status: Status | str | None = None,
    ) -> StringMeasurement:
        """Append a named string measurement; a failing one fails the step."""
        raw = new_string(value, limit=limit, comp=comp, name=name, status=status)
        self.measurements.append(StringMeasurement(raw))
        self.status = worst_status(self.status or "P", raw["status"])
        return StringMeasurement(raw)


class MessagePopupStep(Step, step_types=("MessagePopup",)):
    """An operator dialog (`messagePopup`: response text and button index)."""

    __slots__ = ()
    message_popup = NodeField("messagePopup", MessagePopupInfo)


class CallExecutableStep(Step, step_types=("CallExecutable",)):
    """A call of an external program (`callExe`: exit code)."""

    __slots__ = ()
    call_exe = NodeField("callExe", CallExeInfo)


class ActionStep(Step, step_types=("ET_A", "Action")):
    """An action: runs something, tests nothing (status usually D)."""

    __slots__ = ()


class FlowStep(
    Step,
    step_types=(
        "Statement", "Label", "Goto", "DoWhile", "NI_Wait",
        "NI_Flow_If", "NI_Flow_ElseIf", "NI_Flow_Else", "NI_Flow_End", "NI_Flow_For",
        "NI_Flow_ForEach", "NI_Flow_Break", "NI_Flow_Continue", "NI_Flow_DoWhile",
        "NI_Flow_While", "NI_Flow_Select", "NI_Flow_Case", "NI_Flow_StreamLoop",
        "NI_Flow_SweepLoop",
        "NI_Lock", "NI_Rendezvous", "NI_Queue", "NI_Notification", "NI_Batch_Sync",
        "NI_BatchSync", "NI_AutoSchedule", "NI_UseResource", "NI_ThreadPriority",
        "NI_Semaphore", "NI_BatchSpec", "NI_CPUAffinity",
        "NI_OpenDatabase", "NI_OpenSQLStatement", "NI_CloseSQLStatement", "NI_CloseDatabase",
        "NI_DataOperation",
        "NI_IVIDmm", "NI_IVIScope", "NI_IVIFgen", "NI_IVIPowerSupply", "NI_Switch",
        "NI_IVITools", "NI_IviDCPower", "NI_IviSwitch",
        # Client models spell the IVI types this way; exports use upper-case IVI.
        "NI_IviDmm", "NI_IviScope", "NI_IviFgen", "NI_IviPowerSupply", "NI_IviTools",
        "NI_FTPFiles", "NI_LV_CheckSystemStatus", "NI_LV_RunVIAsynchronously",
        "NI_LV_DeployLibrary", "NI_PropertyLoader", "NI_VariableAndPropertyLoader",
        "NI_NewCsvFileInputRecordStream", "NI_NewCsvFileOutputRecordStream", "NI_WriteRecord",
        "GenericTest", "NONE",
    ),
):  # fmt: skip
    """TestStand flow-control, synchronisation, database, instrument and utility steps: the
    common keys only (the type name says what ran). `NI_Wait` can also carry a sequence call;
    such a step is viewed as a `SequenceCall`."""

    __slots__ = ()
    MAY_CALL_SEQUENCE = True
