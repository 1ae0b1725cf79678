"""Submit rules: problems are named by JSON path; loading never applies them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pywats import ReportValidationError, WATSError
from pywats.report import (
    NumericLimitStep,
    StepPath,
    StepRules,
    UURReport,
    UUTReport,
    read_wsjf,
    report_problems,
    step_path,
    write_wsjf,
)

from .conftest import new_report


def test_built_reports_and_the_real_exports_are_valid(samples: Path) -> None:
    report = new_report()
    seq = report.root.add_sequence("s")
    seq.add_numeric("v", 1.0, low=0.0, high=2.0)
    multi = seq.add_multi_numeric("m")
    multi.add_measurement("a", 1.0)
    multi.add_measurement("b", 2.0)
    seq.add_chart("c", x_label="t", y_label="V").add_series("s", [1, 2], [3, 4])
    report.propagate_failures()
    assert report.problems() == []
    report.validate()
    for path in sorted((samples / "wats").glob("*.json")):
        loaded = read_wsjf(path.read_text())
        assert isinstance(loaded, (UUTReport, UURReport))
        assert loaded.problems() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("serial_number", "SN*1", r"sn: 'SN\*1' contains '\*', refused in WATS searches"),
        ("part_number", "A/B\\C", r"pn: .* contains '/\\\\'"),
        ("part_number", "P" * 51, "pn: 51 characters, at most 50 allowed"),
        ("revision", "", "rev: required, expected a non-empty string"),
        ("station_name", "S" * 51, "machineName: 51 characters"),
        ("start", "1969-12-31T23:59:59Z", "start: '1969-12-31T23:59:59Z' is before 1970"),
        ("start", "yesterday", "start: 'yesterday' is not a WATS date-time"),
    ],
)
def test_builders_refuse_bad_header_values(field: str, value: str, message: str) -> None:
    args: dict[str, object] = {
        "part_number": "PCBA-1",
        "serial_number": "SN0001",
        "revision": "A",
        "process_code": 100,
        "location": "Line 2",
        "purpose": "Production",
        field: value,
    }
    with pytest.raises(ReportValidationError, match=message) as info:
        UUTReport.new(**args)  # type: ignore[arg-type]
    assert isinstance(info.value, WATSError)
    assert isinstance(info.value, ValueError)


def broken_sample(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    numeric_tests = document["root"]["steps"][0]
    gele = numeric_tests["steps"][5]
    assert gele["numericMeas"][0]["compOp"] == "GELE"
    gele["numericMeas"][0]["lowLimit"] = None
    numeric_tests["steps"][1]["numericMeas"][0]["value"] = "3.3V"
    numeric_tests["steps"][2]["id"] = numeric_tests["steps"][1]["id"]
    document["miscInfos"][1]["text"] = "bell\x07"
    document["sn"] = "FAT?325"
    document["uut"]["stepIdCausedUUTFailure"] = 9999
    return document


def test_historical_data_loads_but_validation_names_every_path(samples_uut_text: str) -> None:
    text = json.dumps(broken_sample(samples_uut_text))
    report = read_wsjf(text)  # loading never applies submit rules
    assert isinstance(report, UUTReport)
    assert write_wsjf(report) == json.dumps(json.loads(text), separators=(",", ":"))
    assert report.problems() == [
        ("sn", "'FAT?325' contains '?', refused in WATS searches"),
        ("root.steps[0].steps[1].numericMeas[0].value", "expected a number, got '3.3V'"),
        ("root.steps[0].steps[2].id", "duplicate step id 4"),
        ("root.steps[0].steps[5].numericMeas[0].lowLimit", "required by compOp 'GELE'"),
        ("uut.stepIdCausedUUTFailure", "no step has id 9999"),
        ("miscInfos[1].text", "contains a control character XML (and WATS) cannot carry"),
    ]
    with pytest.raises(ReportValidationError) as info:
        write_wsjf(report, validate=True)
    assert len(info.value.problems) == 6
    assert "root.steps[0].steps[5].numericMeas[0].lowLimit: required by compOp 'GELE'" in str(
        info.value
    )


@pytest.mark.parametrize(
    "spelled",
    [
        "bell\x07",  # json.dumps writes \u0007
        "back\x08space",  # json.dumps writes the short escape \b
        "form\x0cfeed",  # and \f
        "back\\bspace",  # the text spells \b itself
        "bell\\u0007",  # the text spells the escape itself
        "BELL\\u001F",  # upper-case hex digits
        "end\\uFFFE",
        "end\ufffe",  # the character as UTF-8 bytes
    ],
)
def test_the_submitted_text_finds_what_the_encoded_report_finds(
    samples_uut_text: str, spelled: str
) -> None:
    document = json.loads(samples_uut_text)
    if "\\" in spelled:  # written into the JSON text as an escape, not a character
        document["miscInfos"][0]["text"] = "@@"
        text = json.dumps(document, ensure_ascii=False).replace("@@", spelled)
    else:
        document["miscInfos"][0]["text"] = spelled
        text = json.dumps(document, ensure_ascii=False)
    parsed = json.loads(text)
    problem = ("miscInfos[0].text", "contains a control character XML (and WATS) cannot carry")
    assert problem in UUTReport(parsed).problems()
    assert UUTReport(parsed).problems(json_text=text.encode()) == UUTReport(parsed).problems()


def test_a_clean_submitted_text_skips_nothing_it_should_check(samples_uut_text: str) -> None:
    parsed = json.loads(samples_uut_text)
    report = UUTReport(parsed)
    assert report.problems(json_text=samples_uut_text.encode()) == report.problems() == []


def test_step_rules() -> None:
    report = new_report()
    multi = report.root.add_multi_numeric("m")
    multi.add_measurement("a", 1.0)
    multi.add_measurement("a", 2.0)
    chart = report.root.add_chart("c", x_label="t", y_label="V")
    series = chart.add_series("s", [1, 2], [3, 4])
    series.ydata = "3"
    step = report.root.add_string("s", "x", limit="x")
    step.group = "X"
    step.name = "n" * 101
    assert step.measurement is not None
    step.measurement.limit = None
    assert report.problems() == [
        ("root.steps[0].numericMeas", "several measurements need unique names"),
        ("root.steps[1].chart.series[0]", "xdata and ydata have different counts"),
        ("root.steps[2].group", "expected S, M or C, got 'X'"),
        ("root.steps[2].name", "101 characters, at most 100 allowed"),
        ("root.steps[2].stringMeas[0].limit", "required by compOp 'CASESENSIT'"),
    ]


def test_uur_rules() -> None:
    report = UURReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=500,
        test_process_code=100,
        station_name="R-1",
        location="Line 2",
        purpose="Repair",
    )
    report.main_unit.add_failure("", "Burned")
    assert report.uur is not None
    report.uur.process_code = None
    assert report.problems() == [
        ("uur.user", "required, expected a non-empty string"),
        ("uur.processCode", "required: the test operation code"),
        ("subUnits[0].failures[0].category", "required, expected a non-empty string"),
    ]


def test_non_finite_json_numbers_are_flagged_before_submit() -> None:
    text = (
        '{"type":"T","id":"5f0c8a52-9d2e-4c1b-a3f4-7e6d2b1c0a99","pn":"P","sn":"S","rev":"A",'
        '"processCode":1,"result":"P","machineName":"M","location":"L","purpose":"P",'
        '"start":"2026-03-02T08:15:30.125+01:00","uut":{"user":"op"},"root":{"id":1,"group":"M",'
        '"stepType":"SequenceCall","name":"r","status":"P","seqCall":{"name":"r.py",'
        '"version":"1"},"steps":[{"id":2,"group":"M",'
        '"stepType":"ET_NLT","name":"n","status":"P","numericMeas":[{"compOp":"GE",'
        '"name":null,"status":"P","value":NaN,"lowLimit":"-Infinity"}]}]}}'
    )
    report = read_wsjf(text)
    assert isinstance(report, UUTReport)
    ((path, message),) = report.problems()
    assert path == "root.steps[0].numericMeas[0].value"
    assert message.startswith("nan is not valid JSON; WATS uses the text 'NaN'")
    step = report.root.steps[0]
    assert isinstance(step, NumericLimitStep)
    assert step.measurement is not None
    step.measurement.value = step.measurement.value  # the model converts it on set
    assert report.problems() == []
    assert '"value":"NaN"' in write_wsjf(report, validate=True)


def test_what_wats_requires_and_accepts() -> None:
    report = new_report()
    report.raw["start"] = "2026-03-02T08:15:30"
    report.add_misc_info("Slot", numeric=7)
    report.add_misc_info("Temperature", numeric=21.5)
    report.add_misc_info("Big", numeric=40_000)
    chart = report.root.add_chart("c", x_label="t", y_label="V")
    chart.raw["chart"]["yLabel"] = None
    skipped = report.root.add_numeric("skipped", 0.0, low=1.0, high=2.0)
    skipped.raw["numericMeas"][0].update(status="S", value="NaN")
    del skipped.raw["numericMeas"][0]["lowLimit"], skipped.raw["numericMeas"][0]["highLimit"]
    del skipped.raw["id"]  # WATS numbers steps itself
    assert report.raw["uut"] is not None
    report.raw["uut"]["user"] = "o" * 128  # the DevKit's operator limit
    assert report.problems() == [
        ("start", "'2026-03-02T08:15:30' has no UTC offset; expected e.g. +01:00 or Z"),
        ("miscInfos[1].numeric", "expected a 16-bit integer, got 21.5"),
        ("miscInfos[2].numeric", "expected a 16-bit integer, got 40000"),
        ("root.steps[0].chart.yLabel", "required, expected a non-empty string"),
    ]


def test_the_rules_on_a_parsed_document_are_the_rules_of_its_report(
    samples_uut_text: str,
) -> None:
    document = broken_sample(samples_uut_text)
    assert report_problems(document) == UUTReport(document).problems()
    assert report_problems(document)


def test_step_rules_applied_in_a_callers_own_walk_find_the_same_problems(
    samples_uut_text: str,
) -> None:
    document = broken_sample(samples_uut_text)
    rules = StepRules()
    stack: list[tuple[dict[str, Any], StepPath]] = [(document["root"], "root")]
    while stack:  # pre-order, as the server's row extraction walks the steps
        step, where = stack.pop()
        numeric = step.get("numericMeas") or []
        keys = ("status", "name", "compOp", "value", "lowLimit", "highLimit")
        fine = [StepRules.numeric_fine(*map(meas.get, keys)) for meas in numeric]
        rules.check(step, where, numeric_checked=bool(fine) and all(fine))
        children = step.get("steps") or []
        stack.extend((children[i], (where, i)) for i in reversed(range(len(children))))
    assert report_problems(document, steps=rules) == report_problems(document)
    assert rules.problems


def test_a_step_path_is_spelled_from_its_parents() -> None:
    assert step_path((("root", 2), 0)) == "root.steps[2].steps[0]"


# A plain numeric measurement, the case the rules decide without naming its path.
NUMERIC = {
    "name": None,
    "status": "P",
    "compOp": "GELE",
    "value": 3.3,
    "lowLimit": 3.2,
    "highLimit": 3.4,
}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"compOp": "gele"}, None),  # operators match case-insensitively
        ({"value": 3, "lowLimit": 3, "highLimit": 4}, None),  # integers are numbers
        ({"compOp": "LOG", "lowLimit": None, "highLimit": None}, None),
        ({"compOp": "GE", "highLimit": None}, None),
        ({"status": "S", "value": "NaN", "compOp": None}, None),  # a skipped test
        ({"value": "Infinity"}, None),  # WATS's text for a non-finite number
        ({"status": "X"}, ("status", "expected P, F or S, got 'X'")),
        ({"name": "n" * 101}, ("name", "101 characters, at most 100 allowed")),
        ({"name": 5}, ("name", "expected a string, got 5")),
        ({"compOp": "ABOUT"}, ("compOp", "unknown numeric operator 'ABOUT'")),
        ({"compOp": None}, ("compOp", "unknown numeric operator None")),
        ({"value": None}, ("value", "required by compOp 'GELE'")),
        ({"value": True}, ("value", "expected a number, got True")),
        ({"value": float("inf")}, ("value", "inf is not valid JSON; WATS uses the text")),
        ({"lowLimit": None}, ("lowLimit", "required by compOp 'GELE'")),
        ({"highLimit": "3.4"}, ("highLimit", "expected a number, got '3.4'")),
        ({"compOp": "GE", "lowLimit": None}, ("lowLimit", "required by compOp 'GE'")),
    ],
)
def test_every_numeric_measurement_rule_holds_on_a_plain_numeric_step(
    changes: dict[str, Any], problem: tuple[str, str] | None
) -> None:
    report = new_report()
    report.root.add_numeric("Rail", 3.3, low=3.2, high=3.4, unit="V")
    document = json.loads(write_wsjf(report))
    document["root"]["steps"][0]["numericMeas"] = [{**NUMERIC, **changes}]
    found = report_problems(document)
    if problem is None:
        assert found == []
    else:
        key, message = problem
        assert len(found) == 1
        assert found[0][0] == f"root.steps[0].numericMeas[0].{key}"
        assert found[0][1].startswith(message)
