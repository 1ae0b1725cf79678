"""WSJF reading and writing: every real export survives load → dump unchanged and typed."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from pywats import ReportFormatError
from pywats.report import (
    FlowStep,
    NumericLimitStep,
    SequenceCall,
    UnknownStep,
    UURReport,
    UUTReport,
    read_wsjf,
    read_wsjf_all,
    step_class_for,
    write_wsjf,
    write_wsxf,
)


def json_samples(samples: Path) -> list[Path]:
    return sorted((samples / "wats").glob("*.json"))


def assert_same_json(left: Any, right: Any, path: str = "$") -> None:
    """Deep equality that also requires the same JSON types (500.0 is not 500, True is not 1)."""
    assert type(left) is type(right), f"{path}: {type(left).__name__} vs {type(right).__name__}"
    if isinstance(left, dict):
        assert left.keys() == right.keys(), f"{path}: keys differ"
        for key in left:
            assert_same_json(left[key], right[key], f"{path}.{key}")
    elif isinstance(left, list):
        assert len(left) == len(right), f"{path}: lengths differ"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            assert_same_json(a, b, f"{path}[{index}]")
    elif isinstance(left, float) and math.isnan(left):
        assert math.isnan(right), path
    else:
        assert left == right, f"{path}: {left!r} != {right!r}"


def test_the_samples_folder_has_json_reports(samples: Path) -> None:
    assert len(json_samples(samples)) >= 2


@pytest.mark.parametrize("name", ["uut-wsjf-export.json", "uur-example.json"])
def test_every_sample_round_trips_to_equal_json(samples: Path, name: str) -> None:
    text = (samples / "wats" / name).read_text(encoding="utf-8")
    report = read_wsjf(text)
    assert isinstance(report, (UUTReport, UURReport))
    out = write_wsjf(report)
    assert_same_json(json.loads(out), json.loads(text))
    # Compact output with raw `/`, `<`, `>` reproduces the export byte for byte.
    assert out == text


def test_all_sample_files_are_covered(samples: Path) -> None:
    names = {p.name for p in json_samples(samples)}
    assert names == {"uut-wsjf-export.json", "uur-example.json"}


def test_no_known_step_type_falls_back_to_unknown(samples: Path) -> None:
    report = read_wsjf((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    assert isinstance(report, UUTReport)
    steps = report.steps()
    assert len(steps) == 186
    assert [s for s in steps if isinstance(s, UnknownStep)] == []
    for step in steps:
        expected = step_class_for(step.step_type)
        assert isinstance(step, expected) or (
            issubclass(expected, FlowStep) and isinstance(step, SequenceCall)
        ), step.step_type


def test_sample_values_are_reachable_through_typed_attributes(samples: Path) -> None:
    report = read_wsjf((samples / "wats" / "uut-wsjf-export.json").read_text())
    assert isinstance(report, UUTReport)
    assert report.part_number == "FATPartNo"
    assert report.start == "2026-01-30T22:01:41.4707353+01:00"
    assert report.start is not None
    assert report.start.ticks == 4707353
    assert report.uut is not None
    assert report.uut.step_id_caused_uut_failure == 5
    eq_fail = next(s for s in report.steps() if s.name == "SingleEQFail")
    assert isinstance(eq_fail, NumericLimitStep)
    meas = eq_fail.measurement
    assert meas is not None
    assert (meas.comp_op, meas.value, meas.low_limit, meas.status) == ("EQ", 500.0, 501.0, "F")
    assert eq_fail.id == 5
    assert eq_fail.caused_uut_failure is True


def test_unknown_keys_and_step_types_are_kept_verbatim() -> None:
    text = (
        '{"type":"T","id":"x","future":{"a":[1,2.50,"b"]},"root":{"id":1,"group":"M",'
        '"stepType":"SequenceCall","name":"r","status":"P","steps":[{"id":2,"stepType":"MyCustom",'
        '"name":"c","status":"P","custom":{"k":null},"numericMeas":[{"value":1E-05,"x":1}]}],'
        '"seqCall":{"path":"p","name":"r","version":null,"caller":"me"}}}'
    )
    report = read_wsjf(text)
    assert isinstance(report, UUTReport)
    (custom,) = report.root.steps
    assert isinstance(custom, UnknownStep)
    assert_same_json(json.loads(write_wsjf(report)), json.loads(text))


def test_a_json_array_reads_as_a_list_and_writes_back(samples: Path) -> None:
    uur = (samples / "wats" / "uur-example.json").read_text()
    text = f"[{uur},{uur}]"
    reports = read_wsjf_all(text)
    assert len(reports) == 2
    assert all(isinstance(r, UURReport) for r in reports)
    assert write_wsjf(reports) == text
    assert read_wsjf_all(uur) == [read_wsjf(uur)]
    with pytest.raises(ReportFormatError, match="a JSON array of 2; read it with read_wsjf_all"):
        read_wsjf(text)


def test_non_finite_numbers_pass_through_in_the_form_received() -> None:
    text = (
        '{"type":"T","root":{"id":1,"stepType":"ET_NLT","numericMeas":[{"value":NaN,'
        '"lowLimit":"Infinity","highLimit":-Infinity}]}}'
    )
    assert write_wsjf(read_wsjf(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type":"T",', "not valid JSON"),
        (b"\xff\xfe\xfa", "not UTF-8"),
        ("[1]", r"expected one report object, got a JSON array of 1"),
        ('{"type":"T","root":[]}', "root: expected a JSON object, got list"),
        ('{"type":"X"}', "type: expected 'T' \\(UUT\\) or 'R' \\(UUR\\), got 'X'"),
        (
            '{"type":"T","root":{"stepType":"SequenceCall","steps":[{"stepType":"A"},3]}}',
            r"root\.steps\[1\]: expected a JSON object, got int",
        ),
        (
            '{"type":"T","root":{"stepType":"SequenceCall","steps":[{"steps":[{"name":1}]}]}}',
            r"root\.steps\[0\]\.stepType: expected a string, got None",
        ),
    ],
)
def test_unreadable_documents_name_the_place(text: str | bytes, message: str) -> None:
    with pytest.raises(ReportFormatError, match=message):
        read_wsjf(text)


def test_a_bad_report_in_an_array_is_named_by_index() -> None:
    with pytest.raises(ReportFormatError, match=r"\[0\]\.WSJF report: expected a JSON object"):
        read_wsjf_all("[1]")


@pytest.mark.parametrize("given", [{"type": "T"}, "report.json", [UUTReport({}), 42]])
def test_writers_name_what_they_got_instead_of_reports(given: object) -> None:
    for writer in (write_wsjf, write_wsxf):
        with pytest.raises(TypeError, match=r"^report: expected a UUTReport or UURReport"):
            writer(given)  # type: ignore[arg-type]
