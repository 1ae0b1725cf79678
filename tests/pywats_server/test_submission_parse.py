"""Parsing a submitted WSJF body: the fast JSON path and the `json` fallback read the same rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pywats.report import report_problems
from pywats_server._errors import ApiError
from pywats_server._formats import parse_submission


def _rows(body: bytes) -> dict[str, Any]:
    rows = parse_submission(body, "wsjf", "ORIGIN").rows
    return {"header": rows.header, "steps": rows.steps, "measurements": rows.measurements}


@pytest.fixture
def document(samples: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((samples / "wats" / "uut-wsjf-export.json").read_text())
    return loaded


def test_utf16_and_utf8_bodies_give_the_same_rows(document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False)
    utf8 = _rows(text.encode())
    assert utf8["steps"]
    assert utf8["measurements"]
    utf16 = _rows(text.encode("utf-16"))
    for rows in (utf8, utf16):
        rows["header"].pop("report_size")
    assert utf16 == utf8


def _numeric_steps(step: dict[str, Any]) -> list[dict[str, Any]]:
    found = [step] if step.get("numericMeas") else []
    for child in step.get("steps") or []:
        found += _numeric_steps(child)
    return found


def test_a_nan_literal_is_named_as_the_submit_rules_name_it(document: dict[str, Any]) -> None:
    _numeric_steps(document["root"])[0]["numericMeas"][0]["value"] = float("nan")
    with pytest.raises(ApiError) as info:  # orjson refuses the literal; `json` reads it
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert "numericMeas[0].value: nan is not valid JSON" in str(info.value)


def test_a_long_run_of_digits_in_text_is_read_as_text(document: dict[str, Any]) -> None:
    document["sn"] = "1" * 24
    assert _rows(json.dumps(document).encode())["header"]["serial_number"] == "1" * 24


def test_an_integer_past_64_bits_is_refused_not_rounded(document: dict[str, Any]) -> None:
    document["uut"]["errorCode"] = 10**25
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert "uut.errorCode: expected an integer from -2147483648 to 2147483647" in str(info.value)


@pytest.mark.parametrize(
    ("where", "value", "named"),
    [
        ("additionalData", [1], "additionalData[0]: expected an object, got int 1"),
        ("additionalData", "text", "additionalData: expected an array, got str 'text'"),
        ("series", [2], "root.chart.series[0]: expected an object, got int 2"),
    ],
)
def test_a_wrong_shape_the_rows_skip_is_refused_by_name(
    document: dict[str, Any], where: str, value: object, named: str
) -> None:
    # The submit rules walk these items as objects; a wrong shape is a 400, not a crash.
    if where == "series":
        document["root"]["chart"] = {"chartType": "Line", "series": value}
    else:
        document[where] = value
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert info.value.status_code == 400
    assert named in str(info.value)


def _steps(step: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step from `step` down, in document order."""
    found = [step]
    for child in step.get("steps") or []:
        found += _steps(child)
    return found


def test_the_step_that_caused_the_failure_is_named_by_id_or_by_its_flag(
    document: dict[str, Any],
) -> None:
    steps = _steps(document["root"])
    flagged = next(step for step in steps if step.get("causedUUTFailure") is True)
    by_id = steps[5]
    document["uut"]["stepIdCausedUUTFailure"] = by_id["id"]
    header = _rows(json.dumps(document).encode())["header"]
    assert header["caused_uut_failure"] == by_id["name"] != flagged["name"]
    document["uut"]["stepIdCausedUUTFailure"] = None
    header = _rows(json.dumps(document).encode())["header"]
    assert header["caused_uut_failure"] == flagged["name"]


def test_an_id_no_step_carries_breaks_the_submit_rules(document: dict[str, Any]) -> None:
    document["uut"]["stepIdCausedUUTFailure"] = 10_000
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert "uut.stepIdCausedUUTFailure: no step has id 10000" in str(info.value)


def test_a_step_without_a_type_breaks_the_submit_rules(document: dict[str, Any]) -> None:
    del document["root"]["steps"][0]["stepType"]
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert info.value.status_code == 400
    assert "root.steps[0].stepType: required, expected a non-empty string" in str(info.value)


@pytest.mark.parametrize(
    ("kind", "key", "width", "named"),
    [
        ("step", "stepType", 100, "report_steps.step_type"),
        ("step", "group", 1, "report_steps.step_group"),
        ("step", "status", 1, "report_steps.status"),
        ("step", "name", 500, "report_steps.name"),
        ("numeric", "name", 500, "report_measurements.name"),
        ("numeric", "compOp", 20, "report_measurements.comp_op"),
        ("numeric", "status", 1, "report_measurements.status"),
        ("numeric", "unit", 100, "report_measurements.unit"),
        ("string", "unit", 100, "report_measurements.unit"),
        ("boolean", "status", 1, "report_measurements.status"),
    ],
)
def test_a_step_text_wider_than_its_column_is_refused_before_the_rules(
    document: dict[str, Any], kind: str, key: str, width: int, named: str
) -> None:
    # The row walk reads these texts once for the rows, the rules and the widths: a wider
    # one is refused by its column (the first error), whatever rule it also breaks.
    steps = _steps(document["root"])
    single = {"string": "stringMeas", "boolean": "booleanMeas", "numeric": "numericMeas"}
    if kind == "step":
        target = steps[3]
    else:
        step = next(step for step in steps if len(step.get(single[kind]) or []) == 1)
        target = step[single[kind]][0]
    target[key] = "X" * (width + 1)
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    assert f"report {named} of step " in str(info.value)
    assert f"expected at most {width} characters" in str(info.value)


def test_the_rules_applied_in_the_row_walk_find_what_they_find_on_their_own(
    document: dict[str, Any],
) -> None:
    steps = _steps(document["root"])
    steps[4]["id"] = steps[3]["id"]  # a duplicate id
    steps[6]["group"] = "X"
    steps[7]["numericMeas"][0]["compOp"] = "gele"  # the full check, not the common case
    steps[8]["numericMeas"][0]["status"] = "X"
    multiple = next(step for step in steps if len(step.get("numericMeas") or []) > 1)
    multiple["numericMeas"][1]["name"] = multiple["numericMeas"][0]["name"]
    multiple["numericMeas"][2]["value"] = "high"
    expected = report_problems(document)
    assert len(expected) == 6
    with pytest.raises(ApiError) as info:
        parse_submission(json.dumps(document).encode(), "wsjf", "ORIGIN")
    listed = "; ".join(f"{path}: {message}" for path, message in expected)
    assert str(info.value).endswith(f"report breaks the WATS submit rules: {listed}")
