"""Measurement step types: re-evaluation, multi-measurement builders, charts."""

from __future__ import annotations

import pytest

from pywats import ReportValidationError
from pywats.report import (
    ChartStep,
    MultiPassFailStep,
    MultiStringValueStep,
    NumericLimitStep,
    PassFailStep,
    StringValueStep,
    UUTReport,
    read_wsjf,
)

from .conftest import new_report


def test_numeric_evaluate_recomputes_every_measurement_and_the_step() -> None:
    step = new_report().root.add_multi_numeric("rails")
    step.add_measurement("5V", 5.0, low=4.5, high=5.5)
    step.add_measurement("12V", 12.0, low=11.0, high=13.0)
    assert step.status == "P"
    step.measurements[1].value = 14.0
    assert step.evaluate() == "F"
    assert [m.status for m in step.measurements] == ["P", "F"]


def test_evaluate_names_the_step_and_measurement_on_bad_data() -> None:
    text = (
        '{"type":"T","root":{"id":1,"stepType":"SequenceCall","steps":[{"id":2,'
        '"stepType":"ET_NLT","name":"Vcc","numericMeas":'
        '[{"compOp":"GELE","value":"3.3V","lowLimit":3.0,"highLimit":3.6}]}]}}'
    )
    report = read_wsjf(text)  # loading accepts it as WATS stored it
    assert isinstance(report, UUTReport)
    (step,) = report.root.steps
    assert isinstance(step, NumericLimitStep)
    with pytest.raises(ReportValidationError, match=r"step 'Vcc'\.numericMeas\[0\]\.value"):
        step.evaluate()
    with pytest.raises(ReportValidationError, match=r"expected a number, got '3\.3V'"):
        report.evaluate()


def test_string_and_pass_fail_evaluate() -> None:
    root = new_report().root
    string = root.add_string("fw", "2.4.1", limit="2.4.1")
    assert isinstance(string, StringValueStep)
    assert string.measurement is not None
    string.measurement.value = "2.4.2"
    assert string.evaluate() == "F"
    flags = root.add_multi_pass_fail("flags")
    assert isinstance(flags, MultiPassFailStep)
    flags.add_measurement("a", True)
    assert flags.status == "P"
    flags.add_measurement("b", False)
    assert flags.status == "F"
    flags.measurements[1].status = "P"
    assert flags.evaluate() == "P"
    assert isinstance(root.add_pass_fail("single", False), PassFailStep)


def test_multi_string_measurements_are_named_and_evaluated() -> None:
    step = new_report().root.add_multi_string("ids")
    assert isinstance(step, MultiStringValueStep)
    step.add_measurement("board", "ABC", limit="abc", comp="IGNORECASE")
    step.add_measurement("note", "free text")
    assert [(m.name, m.comp_op, m.status) for m in step.measurements] == [
        ("board", "IGNORECASE", "P"),
        ("note", "LOG", "P"),
    ]


def test_chart_series_are_added_to_the_chart() -> None:
    step = new_report().root.add_chart(
        "gain", x_label="f", y_label="G", chart_type="LineLogX", y_unit="dB"
    )
    assert isinstance(step, ChartStep)
    step.add_series("measured", [100, 1000], [-0.1, -3.0])
    step.add_series("limit", [100, 1000], [-3, -3])
    assert step.chart is not None
    assert step.chart.chart_type == "LineLogX"
    assert [(s.name, s.xdata, s.ydata) for s in step.chart.series] == [
        ("measured", "100;1000", "-0.1;-3.0"),
        ("limit", "100;1000", "-3;-3"),
    ]
    del step.raw["chart"]
    step.add_series("again", [1], [2])
    assert step.chart is not None
    assert step.chart.chart_type == "Line"
