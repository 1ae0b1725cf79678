"""Property tests: any report the builders can make survives WSJF and WSXF unchanged."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywats.report import SequenceCall, UUTReport, read_wsjf, read_wsxf, write_wsjf, write_wsxf

# Text WATS can carry in XML too: no control characters but TAB/LF/CR, no surrogates/non-chars.
text = st.text(
    st.characters(
        codec="utf-8",
        blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
        + ["\ufffe", "\uffff"],
    ),
    max_size=12,
)
# WSXF writes "" for null units/responses/versions, so those are non-empty or absent.
word = text.filter(bool)
maybe_word = st.none() | word
value = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-1000, 1000)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)

ONE = ["EQ", "NE", "GT", "GE", "LT", "LE"]
TWO = ["GTLT", "GTLE", "GELT", "GELE", "LTGT", "LTGE", "LEGT", "LEGE"]


@st.composite
def numeric_args(draw: st.DrawFn) -> dict[str, Any]:
    comp = draw(st.sampled_from(["LOG", None, *ONE, *TWO]))
    low = draw(finite) if comp in ONE or comp in TWO or draw(st.booleans()) else None
    high = draw(finite) if comp in TWO or (comp is None and draw(st.booleans())) else None
    return {"value": draw(value), "low": low, "high": high, "comp": comp, "unit": draw(maybe_word)}


def add_leaf(seq: SequenceCall, kind: str, name: str, draw: st.DrawFn) -> None:
    if kind == "numeric":
        seq.add_numeric(name, **draw(numeric_args()))
    elif kind == "pass_fail":
        seq.add_pass_fail(name, draw(st.booleans()))
    elif kind == "string":
        comp = draw(st.sampled_from(["LOG", "CASESENSIT", "IGNORECASE"]))
        limit = None if comp == "LOG" else draw(text)
        seq.add_string(name, draw(text), limit=limit, comp=comp)
    elif kind == "multi":
        step = seq.add_multi_numeric(name)
        for index in range(draw(st.integers(1, 3))):
            step.add_measurement(f"m{index}", **draw(numeric_args()))
    elif kind == "chart":
        chart = seq.add_chart(name, x_label=draw(word), y_label=draw(word), y_unit=draw(maybe_word))
        points = draw(st.lists(finite, min_size=1, max_size=4))
        chart.add_series(draw(word), range(len(points)), points)
        chart.add_measurement("mean", **draw(numeric_args()))
    elif kind == "action":
        seq.add_action(name, status=draw(st.sampled_from("PFSDET")))
    elif kind == "exe":
        seq.add_call_executable(name, draw(finite))
    else:
        seq.add_message_popup(name, response=draw(maybe_word), button=draw(st.integers(0, 3)))


KINDS = ["numeric", "pass_fail", "string", "multi", "chart", "action", "exe", "popup"]


def fill(seq: SequenceCall, draw: st.DrawFn, depth: int) -> None:
    for _ in range(draw(st.integers(0, 4))):
        name = draw(text)
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            fill(
                seq.add_sequence(
                    name, version=draw(maybe_word), group=draw(st.sampled_from("SMC"))
                ),
                draw,
                depth + 1,
            )
        else:
            add_leaf(seq, draw(st.sampled_from(KINDS)), name, draw)


@st.composite
def reports(draw: st.DrawFn) -> UUTReport:
    report = UUTReport.new(
        part_number="PN-1",
        serial_number=draw(st.from_regex(r"[A-Za-z0-9_.-]{1,20}", fullmatch=True)),
        revision=draw(word),
        process_code=draw(st.integers(0, 10_000)),
        station_name=draw(word),
        location=draw(word),
        purpose=draw(word),
        operator=draw(maybe_word),
        comment=draw(st.none() | text),
        exec_time=draw(st.none() | finite),
    )
    for _ in range(draw(st.integers(0, 2))):
        # Integral float misc numerics read back from XML as ints (the format cannot tell).
        numeric = draw(st.none() | st.integers() | finite.filter(lambda x: not x.is_integer()))
        report.add_misc_info(draw(word), draw(maybe_word), numeric=numeric)
    for _ in range(draw(st.integers(0, 2))):
        report.add_sub_unit(draw(word), draw(word), draw(word), draw(maybe_word))
    fill(report.root, draw, 0)
    if draw(st.booleans()):
        report.propagate_failures()
    return report


def canonical(report: UUTReport) -> str:
    """Type-strict comparison form: 500.0 differs from 500, NaN from any number."""
    return json.dumps(report.raw, sort_keys=True)


def check_round_trips(report: UUTReport) -> None:
    assert canonical(read_wsjf(write_wsjf(report))) == canonical(report)  # type: ignore[arg-type]
    from_xml = read_wsxf(write_wsxf(report))
    assert isinstance(from_xml, UUTReport)
    assert canonical(from_xml) == canonical(report)
    assert [type(s) for s in from_xml.steps()] == [type(s) for s in report.steps()]


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(reports())
def test_built_reports_round_trip_through_wsjf_and_wsxf(report: UUTReport) -> None:
    check_round_trips(report)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_built_reports_round_trip_soak(report: UUTReport) -> None:
    check_round_trips(report)


def test_negative_zero_and_extreme_floats_keep_their_value() -> None:
    report = UUTReport.new(
        operator="operator", part_number="P", serial_number="S", revision="A", process_code=1,
        station_name="X", location="L", purpose="P",
    )  # fmt: skip
    for number in (-0.0, 5e-324, 1.7976931348623157e308, 1e16, 123456789.0):
        report.root.add_numeric(repr(number), number, low=number)
    again = read_wsxf(write_wsxf(report))
    assert isinstance(again, UUTReport)
    values = [s.raw["numericMeas"][0]["value"] for s in again.root.steps]
    assert math.copysign(1.0, values[0]) == -1.0
    assert canonical(again) == canonical(report)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | finite | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def every_object(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(o for item in value.values() for o in every_object(item))]
    if isinstance(value, list):
        return [o for item in value for o in every_object(item)]
    return []


@FAST
@given(reports(), st.data())
def test_unknown_keys_anywhere_survive_wsjf_verbatim(
    report: UUTReport, data: st.DataObject
) -> None:
    objects = every_object(report.raw)
    for target in data.draw(st.lists(st.sampled_from(objects), max_size=5)):
        # The prefix keeps injected keys apart from every key WATS defines.
        target[f"x-{data.draw(text)}"] = data.draw(json_values)
    text_in = json.dumps(report.raw, ensure_ascii=False, separators=(",", ":"))
    assert write_wsjf(read_wsjf(text_in)) == text_in
