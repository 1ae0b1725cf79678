"""What the report page shows of a stored report: its step tree, read through `pywats.report`.

Failed branches are open and passed ones folded; each measurement says whether its value lies
outside its limits by the report model's own limit evaluation, so the page and the model cannot
disagree about what "out of limits" means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from pywats import ReportValidationError
from pywats.report import (
    BooleanMeasurement,
    ChartStep,
    NumericMeasurement,
    SequenceCall,
    Step,
    StringMeasurement,
    numeric_passes,
)

from ._svg import Series, line_chart

__all__ = ["MeasurementView", "StepView", "step_tree"]

_FAILING = {"F", "E", "T"}
_OPERATORS = {
    "EQ": "=", "NE": "≠", "GT": ">", "LT": "<", "GE": "≥", "LE": "≤",
    "GTLT": "< x <", "GELE": "≤ x ≤", "GELT": "≤ x <", "GTLE": "< x ≤",
    "LTGT": "outside", "LEGE": "outside (incl.)", "LEGT": "outside", "LTGE": "outside",
    "LOG": "log", "CASESENSIT": "= (case)", "IGNORECASE": "=",
}  # fmt: skip


@dataclass(frozen=True)
class MeasurementView:
    name: str
    kind: str  # numeric, string, boolean
    value: str
    unit: str = ""
    low: str = ""
    high: str = ""
    operator: str = ""
    status: str = ""
    out_of_limits: bool = False


@dataclass
class StepView:
    step_id: int | None
    name: str
    step_type: str
    status: str
    is_sequence: bool
    open: bool
    measurements: list[MeasurementView] = field(default_factory=list)
    chart: Markup | None = None
    loop: str = ""
    error: str = ""
    text: str = ""
    children: list[StepView] = field(default_factory=list)


def _number(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _numeric(measurement: NumericMeasurement, fallback: str) -> MeasurementView:
    operator = measurement.comp_op or "LOG"
    try:
        outside = operator != "LOG" and not numeric_passes(
            operator, measurement.value, measurement.low_limit, measurement.high_limit
        )
    except ReportValidationError:
        outside = False  # an operator or limit the model cannot judge is shown, not judged
    return MeasurementView(
        name=measurement.name or fallback,
        kind="numeric",
        value=_number(measurement.value),
        unit=measurement.unit or "",
        low=_number(measurement.low_limit),
        high=_number(measurement.high_limit),
        operator=_OPERATORS.get(operator, operator),
        status=measurement.status or "",
        out_of_limits=outside,
    )


def _measurements(step: Step) -> list[MeasurementView]:
    found: list[MeasurementView] = []
    raw = step.raw
    for key, kind in (
        ("numericMeas", "numeric"),
        ("stringMeas", "string"),
        ("booleanMeas", "boolean"),
    ):
        items = raw.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            if kind == "numeric":
                found.append(_numeric(NumericMeasurement(item), step.name))
            elif kind == "string":
                string = StringMeasurement(item)
                found.append(
                    MeasurementView(
                        name=string.name or step.name, kind="string", value=string.value or "",
                        low=string.limit or "", operator=_OPERATORS.get(string.comp_op or "", ""),
                        status=string.status or "",
                        out_of_limits=(string.status or "") in _FAILING,
                    )
                )  # fmt: skip
            else:
                boolean = BooleanMeasurement(item)
                found.append(
                    MeasurementView(
                        name=boolean.name or step.name, kind="boolean",
                        value="pass" if boolean.status == "P" else "fail",
                        status=boolean.status or "",
                        out_of_limits=(boolean.status or "") in _FAILING,
                    )
                )  # fmt: skip
    return found


def _axis(label: str | None, unit: str | None) -> str:
    return f"{label or ''} ({unit})" if unit else (label or "")


def _chart(step: ChartStep) -> Markup | None:
    """The step's chart with its limit curves (series named low/min or high/max), drawn with a
    log x axis where the chart type says so and the data allows it; None without usable data."""
    chart = step.chart
    if chart is None:
        return None
    lines = []
    try:
        for series in chart.series:
            lowered = (series.name or "").lower()
            kind = "low" if "low" in lowered or "min" in lowered else "data"
            kind = "high" if "high" in lowered or "max" in lowered else kind
            lines.append(Series(series.name or "", series.x_values, series.y_values, kind=kind))
    except ValueError:
        return None  # xdata/ydata that are not numbers: the step's other data still shows
    xs = [x for line in lines for x in line.xs]
    # WATS's chart types: Line, LineLogX, LineLogY, LineLogXY (wsjf.md §10).
    log_x = chart.chart_type in ("LineLogX", "LineLogXY") and all(x > 0 for x in xs)
    return line_chart(
        chart.label or step.name, lines, x_label=_axis(chart.x_label, chart.x_unit),
        y_label=_axis(chart.y_label, chart.y_unit), log_x=log_x,
    )  # fmt: skip


def _view(step: Step) -> StepView:
    children = [_view(child) for child in step.steps] if isinstance(step, SequenceCall) else []
    status = step.status or ""
    loop = step.loop
    view = StepView(
        step_id=step.id if isinstance(step.id, int) else None,
        name=step.name or "",
        step_type=step.step_type or "",
        status=status,
        is_sequence=isinstance(step, SequenceCall),
        open=status in _FAILING or any(child.open for child in children),
        measurements=_measurements(step),
        chart=_chart(step) if isinstance(step, ChartStep) else None,
        loop="" if loop is None else f"iteration {loop.idx}" if loop.idx is not None else "loop",
        error=step.error_message or "",
        text=step.report_text or "",
        children=children,
    )
    return view


def step_tree(root: Step) -> StepView:
    """The view of a report's root sequence and everything under it."""
    return _view(root)
