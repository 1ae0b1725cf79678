"""Typed views over JSON: reads never add keys, writes go to the shared JSON object."""

from __future__ import annotations

import pytest

from pywats import ReportFormatError
from pywats.report import MiscInfo, Status, UUTReport, read_wsjf


def minimal() -> UUTReport:
    report = read_wsjf('{"type":"T","id":"a"}')
    assert isinstance(report, UUTReport)
    return report


def test_reading_absent_keys_and_lists_adds_nothing() -> None:
    report = minimal()
    assert report.part_number is None
    assert len(report.misc_infos) == 0
    assert list(report.sub_units) == []
    assert report.uut is None
    assert report.start is None
    assert report.raw == {"type": "T", "id": "a"}


def test_list_views_create_the_json_list_on_first_add_and_edit_in_place() -> None:
    report = minimal()
    infos = report.misc_infos
    infos.append(MiscInfo({"description": "a"}))
    infos.extend([MiscInfo({"description": "b"}), MiscInfo({"description": "c"})])
    assert report.raw["miscInfos"] == [{"description": d} for d in "abc"]
    infos[1] = MiscInfo({"description": "B"})
    del infos[0]
    infos[0:1] = [MiscInfo({"description": "x"}), MiscInfo({"description": "y"})]
    assert [m.description for m in report.misc_infos] == ["x", "y", "c"]
    assert report.misc_infos[1:] == [MiscInfo({"description": "y"}), MiscInfo({"description": "c"})]
    assert report.misc_infos == report.misc_infos


def test_attribute_writes_store_plain_json_values() -> None:
    report = minimal()
    report.result = Status.FAILED
    report.part_number = "P-1"
    assert report.raw == {"type": "T", "id": "a", "result": "F", "pn": "P-1"}
    assert type(report.raw["result"]) is str


def test_equality_is_by_type_and_content() -> None:
    assert MiscInfo({"description": "a"}) == MiscInfo({"description": "a"})
    assert MiscInfo({"description": "a"}) != MiscInfo({"description": "b"})
    assert minimal() == minimal()
    assert repr(MiscInfo({"description": "a"})) == "MiscInfo({'description': 'a'})"


def test_nested_values_of_the_wrong_json_type_name_their_key() -> None:
    report = read_wsjf('{"type":"T","uut":[],"miscInfos":[{"description":"a"},3]}')
    assert isinstance(report, UUTReport)
    with pytest.raises(ReportFormatError, match="uut: expected a JSON object, got list"):
        _ = report.uut
    assert report.misc_infos[0].description == "a"
    with pytest.raises(ReportFormatError, match=r"miscInfos\[1\]: expected a JSON object, got int"):
        list(report.misc_infos)
    with pytest.raises(ReportFormatError, match=r"miscInfos\[1\]: expected a JSON object"):
        _ = report.misc_infos[-1]
    broken = read_wsjf('{"type":"T","subUnits":{}}')
    assert isinstance(broken, UUTReport)
    with pytest.raises(ReportFormatError, match="subUnits: expected a JSON array, got dict"):
        len(broken.sub_units)
