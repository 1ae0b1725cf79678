"""The shared envelope: misc infos, sub-units, assets and attachments in the exported shape."""

from __future__ import annotations

from pathlib import Path

from pywats.report import UUTReport, read_wsjf, write_wsjf


def new_uut() -> UUTReport:
    return UUTReport.new(
        operator="operator",
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=100,
        location="Line 2",
        purpose="Production",
    )


def test_header_helpers_write_the_exported_shapes(tmp_path: Path) -> None:
    report = new_uut()
    report.add_misc_info("Firmware", "2.4.1")
    report.add_misc_info("Temperature", numeric=21.5)
    report.add_sub_unit("PSU", "PSU-200", "P998877", "A")
    report.add_asset("DMM-42")
    picture = tmp_path / "board.png"
    picture.write_bytes(b"\x89PNG...")
    report.attach(picture)
    report.attach(b"log line\n", name="run.log", content_type="text/plain")
    raw = report.raw
    assert raw["miscInfos"] == [
        {"description": "Firmware", "text": "2.4.1", "numeric": None},
        {"description": "Temperature", "text": None, "numeric": 21.5},
    ]
    assert raw["subUnits"] == [
        {"partType": "PSU", "pn": "PSU-200", "rev": "A", "sn": "P998877", "position": 0}
    ]
    assert raw["assets"] == [{"sn": "DMM-42", "usageCount": 1}]
    png, log = report.attachments
    assert (png.name, png.content_type, png.content) == ("board.png", "image/png", b"\x89PNG...")
    assert (log.name, log.content_type, log.data) == ("run.log", "text/plain", "bG9nIGxpbmUK")
    assert read_wsjf(write_wsjf(report)) == report


def test_additional_data_on_report_and_step() -> None:
    report = new_uut()
    props = [{"name": "Temp", "type": "Number", "value": "21.5"}]
    data = report.add_additional_data("Environment", props)
    step = report.root.add_action("soak")
    result = step.add_additional_result(
        "Chamber", [{"name": "Rh", "type": "Number", "value": "40"}]
    )
    assert report.raw["additionalData"] == [{"name": "Environment", "props": props}]
    assert (data.name, data.props) == ("Environment", props)
    assert step.raw["additionalResults"][0]["name"] == result.name == "Chamber"
    assert read_wsjf(write_wsjf(report)) == report
