"""UUR reports: `UURReport.new`, `UURReport.from_uut`, and the real repair export."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

from pywats.report import UURReport, UUTReport, read_wsjf, write_wsjf


def new_uut(operator: str) -> UUTReport:
    return UUTReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=100,
        location="Line 2",
        purpose="Production",
        operator=operator,
    )


def test_new_uur_has_the_main_unit_and_the_repair_header() -> None:
    report = UURReport.new(
        part_number="PCBA-1",
        serial_number="SN0001",
        revision="A",
        process_code=500,
        test_process_code=100,
        station_name="REPAIR-1",
        location="Line 2",
        purpose="Repair",
        operator="tech3",
        ref_uut="5f0c8a52-9d2e-4c1b-a3f4-7e6d2b1c0a99",
    )
    assert report.type == "R"
    assert report.uur is not None
    assert (report.uur.user, report.uur.process_code) == ("tech3", 100)
    main = report.main_unit
    assert (main.idx, main.part_type, main.serial_number) == (0, "Main", "SN0001")
    failure = main.add_failure("Component", "Wrong value", com_ref="R17", ref_step_id=4)
    assert failure.raw["refStepId"] == 4
    assert "refStepName" not in failure.raw
    extra = report.add_sub_unit("PSU", "PSU-200", "P1", "A", replaced_idx=None)
    assert extra.idx == 1
    assert extra.parent_idx == 0
    assert read_wsjf(write_wsjf(report)) == report


def test_uur_from_uut_references_the_report_and_its_failed_steps() -> None:
    uut = new_uut(operator="op7")
    seq = uut.root.add_sequence("Power")
    seq.add_numeric("ok", 1.0, low=0.0)
    bad = seq.add_numeric("bad", 9.0, high=5.0)
    uut.propagate_failures()
    uur = UURReport.from_uut(uut, category="Component", code="Burned Component", operator="t")
    assert uur.uur is not None
    assert uur.uur.ref_uut == uut.id
    assert uur.uur.process_code == 100
    assert uur.process_code == 500
    assert (uur.part_number, uur.serial_number, uur.revision) == ("PCBA-1", "SN0001", "A")
    assert [f.ref_step_id for f in uur.main_unit.failures] == [bad.id]
    assert uur.main_unit.failures[0].category == "Component"


def test_sample_uur_reads_its_repair_data(samples: Path) -> None:
    report = read_wsjf((samples / "wats" / "uur-example.json").read_text())
    assert isinstance(report, UURReport)
    assert report.uur is not None
    assert report.uur.confirm_date is not None
    assert report.uur.confirm_date.to_datetime().tzinfo == timezone.utc
    (failure,) = report.main_unit.failures
    assert (failure.category, failure.code, failure.ref_step_name) == (
        "Component",
        "Burned Component",
        "MainSequence Callback",
    )
