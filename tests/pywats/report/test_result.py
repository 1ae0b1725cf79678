"""A built report's result follows its steps unless set on purpose; a read report keeps the
result it was read with. A Passed report may hold a failed step: WATS stores statuses as given
(a step with FailParentOnFail off, a tester's re-measurement that passed), so validation accepts
it rather than refusing real test data."""

from __future__ import annotations

import json

from pywats.report import UUTReport, read_wsjf, write_wsjf

from .conftest import new_report


def test_failing_measurement_fails_a_built_report() -> None:
    report = new_report()
    report.root.add_numeric("Vout", 5.0, low=4.5, high=5.5)
    assert report.result == "P"
    report.root.add_sequence("Power").add_numeric("Ripple", 61.0, high=50.0)
    assert report.result == "F"
    written = json.loads(write_wsjf(report, validate=True))
    assert written["result"] == "F"


def test_result_follows_a_status_changed_after_the_step_was_added() -> None:
    report = new_report()
    step = report.root.add_pass_fail("Boot", True)
    step.status = "E"
    assert report.result == "E"
    step.status = "P"
    assert report.result == "P"
    assert json.loads(write_wsjf(report))["result"] == "P"


def test_result_set_on_purpose_is_kept() -> None:
    report = new_report()
    report.root.add_pass_fail("Boot", True)
    report.result = "F"  # e.g. the test program aborted after its last step
    report.root.add_pass_fail("Fan", True)
    assert report.result == "F"
    assert json.loads(write_wsjf(report, validate=True))["result"] == "F"


def test_a_passed_report_with_a_failed_step_set_on_purpose_validates() -> None:
    # An in-circuit tester re-measures a capacitor that failed and passes the board.
    report = new_report()
    report.root.add_sequence("A-CAP").add_numeric("c1591", 5.942115, high=5.875)
    assert report.result == "F"  # followed the steps
    report.result = "P"  # the tester's own verdict, on purpose
    assert report.problems() == []
    assert json.loads(write_wsjf(report, validate=True))["result"] == "P"


def test_read_report_keeps_its_result_exactly() -> None:
    built = new_report()
    built.root.add_pass_fail("Boot", False)
    built.result = "P"
    text = write_wsjf(built)
    assert write_wsjf(read_wsjf(text)) == text
    read = read_wsjf(text)
    assert isinstance(read, UUTReport)
    read.root.add_pass_fail("Fan", False)
    assert read.result == "P"
    assert json.loads(write_wsjf(read))["result"] == "P"


def test_an_error_step_in_a_passed_report_is_not_a_contradiction() -> None:
    # TestStand records run-time errors it was told to ignore in runs that pass.
    report = new_report()
    report.root.add_action("Optional probe", status="E")
    report.result = "P"
    assert report.problems() == []
