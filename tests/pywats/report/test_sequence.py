"""Builders on sequence calls: exported shape, ids, statuses, failure propagation."""

from __future__ import annotations

import json

import pytest

from pywats import ReportValidationError
from pywats.report import (
    ActionStep,
    CallExecutableStep,
    ChartStep,
    Loop,
    MessagePopupStep,
    MultiNumericLimitStep,
    NumericLimitStep,
    PassFailStep,
    SequenceCall,
    StringValueStep,
    UUTReport,
    read_wsjf,
    write_wsjf,
)

from .conftest import new_report


def test_add_numeric_writes_the_exported_shape() -> None:
    report = new_report()
    step = report.root.add_numeric("3V3 rail", 3.31, low=3.2, high=3.4, unit="V")
    assert isinstance(step, NumericLimitStep)
    assert step.raw == {
        "id": 2,
        "group": "M",
        "stepType": "ET_NLT",
        "name": "3V3 rail",
        "status": "P",
        "totTime": 0.0,
        "causedUUTFailure": False,
        "numericMeas": [
            {
                "compOp": "GELE",
                "name": None,
                "status": "P",
                "unit": "V",
                "value": 3.31,
                "highLimit": 3.4,
                "lowLimit": 3.2,
            }
        ],
    }


@pytest.mark.parametrize(
    ("kwargs", "comp", "low", "high", "status"),
    [
        ({}, "LOG", None, None, "P"),
        ({"low": 5}, "GE", 5.0, None, "F"),
        ({"high": 5}, "LE", 5.0, None, "P"),
        ({"low": 1, "high": 2}, "GELE", 1.0, 2.0, "F"),
        ({"high": 3, "comp": "LT"}, "LT", 3.0, None, "F"),
        ({"low": 1, "high": 2, "comp": "LTGT"}, "LTGT", 1.0, 2.0, "P"),
    ],
)
def test_default_operators_and_one_limit_placement(
    kwargs: dict[str, float | str], comp: str, low: float | None, high: float | None, status: str
) -> None:
    step = new_report().root.add_numeric("x", 3, **kwargs)  # type: ignore[arg-type]
    meas = step.measurement
    assert meas is not None
    assert (meas.comp_op, meas.low_limit, meas.high_limit, meas.status) == (comp, low, high, status)
    assert step.status == status
    assert isinstance(meas.value, float)


@pytest.mark.parametrize(
    ("value", "text", "status"), [(float("nan"), "NaN", "F"), (float("inf"), "Infinity", "P")]
)
def test_non_finite_values_become_wats_text_and_stay_submittable(
    value: float, text: str, status: str
) -> None:
    report = new_report()
    step = report.root.add_numeric("x", value, low=0.0)
    assert step.measurement is not None
    assert step.measurement.value == text
    assert step.status == status

    def reject(constant: str) -> None:
        raise AssertionError(f"bare {constant} is not JSON a server accepts")

    json.loads(write_wsjf(report), parse_constant=reject)


def test_non_numeric_value_with_a_numeric_operator_is_an_error() -> None:
    with pytest.raises(ReportValidationError, match="value: expected a number, got 'abc'"):
        new_report().root.add_numeric("x", "abc", low=1.0)  # type: ignore[arg-type]
    with pytest.raises(ReportValidationError, match="expected a number, got True"):
        new_report().root.add_numeric("x", True, low=1.0)


def test_missing_limit_for_a_two_limit_operator_is_an_error() -> None:
    with pytest.raises(ReportValidationError, match="lowLimit: expected a number, got None"):
        new_report().root.add_numeric("x", 1.0, high=2.0, comp="GELE")


def test_every_builder_returns_its_typed_step_and_round_trips() -> None:
    report = new_report()
    seq = report.root.add_sequence("Checks", path="C:\\tests\\main.seq", version="1.2")
    assert isinstance(seq, SequenceCall)
    assert isinstance(seq.add_pass_fail("power good", False), PassFailStep)
    assert isinstance(seq.add_string("fw", "2.4.1", limit="2.4.1"), StringValueStep)
    multi = seq.add_multi_numeric("currents")
    assert isinstance(multi, MultiNumericLimitStep)
    multi.add_measurement("idle", 41.0, high=50.0, unit="mA")
    multi.add_measurement("load", 512.0, high=500.0, unit="mA")
    chart = seq.add_chart("gain", x_label="f", x_unit="Hz", y_label="G", y_unit="dB")
    assert isinstance(chart, ChartStep)
    chart.add_series("measured", [100, 1000.5], [-0.1, -3.2])
    assert isinstance(seq.add_action("init"), ActionStep)
    assert isinstance(seq.add_call_executable("flash", 0), CallExecutableStep)
    assert isinstance(seq.add_message_popup("ok?", response="yes", button=1), MessagePopupStep)
    assert multi.status == "F"
    assert [s.id for s in report.root.walk()] == list(range(1, 10))
    assert seq.seq_call is not None
    assert seq.seq_call.version == "1.2"
    series = chart.chart.series[0] if chart.chart else None
    assert series is not None
    assert series.xdata == "100;1000.5"
    assert series.y_values == [-0.1, -3.2]
    again = read_wsjf(write_wsjf(report))
    assert again == report
    assert [type(s) for s in again.steps()] == [type(s) for s in report.steps()]  # type: ignore[union-attr]


def test_propagation_fails_parents_only_when_asked() -> None:
    report = new_report()
    seq = report.root.add_sequence("Power")
    seq.add_numeric("ok", 1.0, low=0.0)
    bad = seq.add_numeric("bad", 9.0, high=5.0)
    report.root.add_action("done")
    # The built report's result follows its steps at once; parent statuses wait.
    assert (seq.status, report.root.status, report.result) == ("P", "P", "F")
    assert report.propagate_failures() == "F"
    assert (seq.status, report.root.status, report.result) == ("F", "F", "F")
    assert bad.caused_uut_failure is True
    assert report.uut is not None
    assert report.uut.step_id_caused_uut_failure == bad.id


def test_propagation_takes_the_most_severe_failure_and_ignores_done_and_skipped() -> None:
    report = new_report()
    seq = report.root.add_sequence("s")
    seq.add_action("a", status="S")
    seq.add_action("b")
    assert report.propagate_failures() == "P"
    assert seq.status == "P"
    seq.add_action("err", status="E")
    seq.add_pass_fail("f", False)
    assert report.propagate_failures() == "E"
    assert (seq.status, report.result) == ("E", "E")


def test_loops_are_a_summary_followed_by_iteration_siblings(samples_uut_text: str) -> None:
    report = new_report()
    summary = report.root.add_numeric("Ripple", 61.0, high=50.0, unit="mV")
    summary.loop = Loop.summary(2, passed=1, failed=1)
    for index, value in enumerate((42.0, 61.0)):
        report.root.add_numeric("Ripple", value, high=50.0, unit="mV").loop = Loop.iteration(index)
    loops = [s.loop for s in report.root.steps]
    assert [loop.raw for loop in loops if loop] == [
        {"idx": None, "num": 2, "endingIndex": 2, "passed": 1, "failed": 1},
        {"idx": 0, "num": None, "endingIndex": None, "passed": None, "failed": None},
        {"idx": 1, "num": None, "endingIndex": None, "passed": None, "failed": None},
    ]
    assert [loop.is_summary for loop in loops if loop] == [True, False, False]
    # The same layout as the loops in the real export.
    sample = read_wsjf(samples_uut_text)
    assert isinstance(sample, UUTReport)
    keys = {tuple(s.raw["loop"]) for s in sample.steps() if "loop" in s.raw}
    assert keys == {("idx", "num", "endingIndex", "passed", "failed")}
