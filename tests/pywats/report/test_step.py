"""The step tree: typed dispatch on stepType, parents, ids, child-list edits, attachments."""

from __future__ import annotations

import pytest

from pywats.report import (
    ActionStep,
    Attachment,
    FlowStep,
    NumericLimitStep,
    SequenceCall,
    UnknownStep,
    UUTReport,
    read_wsjf,
    step_class_for,
    write_wsjf,
)

from .conftest import new_report


def test_step_types_select_their_class_case_sensitively() -> None:
    assert step_class_for("ET_NLT") is NumericLimitStep
    assert step_class_for("NumericLimitTest") is NumericLimitStep
    assert step_class_for("NI_IVIDmm") is FlowStep
    assert step_class_for("NI_IviDmm") is FlowStep  # both spellings are listed by WATS sources
    assert step_class_for("et_nlt") is UnknownStep
    assert step_class_for("MyCompany_Custom") is UnknownStep


def test_a_flow_step_carrying_a_sequence_call_is_viewed_as_one() -> None:
    text = (
        '{"type":"T","root":{"id":1,"stepType":"SequenceCall","steps":['
        '{"id":2,"stepType":"NI_Wait","steps":[{"id":3,"stepType":"Action"}],'
        '"seqCall":{"path":"p","name":"n","version":null}},'
        '{"id":4,"stepType":"NI_Wait"}]}}'
    )
    report = read_wsjf(text)
    assert isinstance(report, UUTReport)
    carrier, plain = report.root.steps
    assert isinstance(carrier, SequenceCall)
    assert carrier.step_type == "NI_Wait"
    assert isinstance(plain, FlowStep)
    (inner,) = carrier.steps
    assert isinstance(inner, ActionStep)
    assert inner.parent is carrier
    assert [s.id for s in report.root.walk()] == [1, 2, 3, 4]
    assert write_wsjf(report) == text


def test_ids_continue_after_the_largest_in_a_loaded_tree(samples_uut_text: str) -> None:
    report = read_wsjf(samples_uut_text)
    assert isinstance(report, UUTReport)
    step = report.root.add_action("extra")
    assert step.id == 187
    assert step.parent is report.root


def test_step_list_edits_keep_the_json_in_step() -> None:
    report = new_report()
    a = report.root.add_action("a")
    b = report.root.add_action("b")
    report.root.steps.remove(a)
    report.root.steps.insert(1, a)
    assert [s["name"] for s in report.root.raw["steps"]] == ["b", "a"]
    report.root.steps[0] = a
    del report.root.steps[1]
    assert report.root.raw["steps"] == [a.raw]
    assert b.parent is report.root  # detached steps keep their last parent
    assert report.root.steps == [a]


def test_step_attachment_from_bytes_needs_a_name() -> None:
    step = new_report().root.add_action("capture")
    with pytest.raises(ValueError, match="needs a name"):
        step.attach(b"\x00")
    step.attach(b"\x00\x01", name="dump.bin")
    assert step.attachment == Attachment(
        {"name": "dump.bin", "contentType": "application/octet-stream", "data": "AAE="}
    )
