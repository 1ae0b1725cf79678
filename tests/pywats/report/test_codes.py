"""Code enums are the letters WATS writes and compare equal to plain strings."""

from __future__ import annotations

import json

from pywats.report import ChartType, CompOp, Status, StepGroup, UUTReport


def test_members_are_their_wats_text() -> None:
    letter: str = "F"  # as read from a loaded report
    assert letter == Status.FAILED
    assert Status(letter) is Status.FAILED
    assert str(Status.DONE) == "D"
    assert str(StepGroup.CLEANUP) == "C"
    assert str(CompOp.GELE) == "GELE"
    assert str(ChartType.LINE_LOG_X) == "LineLogX"


def test_enums_given_to_builders_are_stored_as_plain_text() -> None:
    report = UUTReport.new(
        operator="operator", part_number="P", serial_number="S", revision="A", process_code=1,
        station_name="X", location="L", purpose="P",
    )  # fmt: skip
    step = report.root.add_numeric("v", 1.0, low=0.0, comp=CompOp.GT, group=StepGroup.SETUP)
    report.root.add_action("a", status=Status.SKIPPED)
    step.status = Status.ERROR
    for value in (step.raw["group"], step.raw["status"], step.raw["numericMeas"][0]["compOp"]):
        assert type(value) is str
    document = json.loads(json.dumps(report.raw))
    assert document["root"]["steps"][0]["group"] == "S"
    assert document["root"]["steps"][1]["status"] == "S"
