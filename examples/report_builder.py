"""Build a UUT report with the builders, submit it, read it back, and file a repair for it.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/report_builder.py

Safe to run again: each run
submits new reports (fresh ids and serial number). The test report is also written as WSJF and
WSXF files into a new temporary folder.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from pywats import WATS, UURReport, UUTReport, WATSError, read_wsxf, write_wsjf, write_wsxf


def build(serial_number: str) -> UUTReport:
    report = UUTReport.new(
        part_number="PCBA-100",
        serial_number=serial_number,
        revision="A",
        process_code=100,  # End of line test
        station_name="FCT-1",
        location="Line 2",
        purpose="Production",
        operator="demo",
    )
    report.add_misc_info("Firmware", "2.4.1")
    report.add_sub_unit("PSU", "PSU-200", f"P-{serial_number}", "B")

    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", 3.31, low=3.2, high=3.4, unit="V")
    power.add_numeric("Idle current", 512.0, high=500.0, unit="mA")  # fails: LE 500
    power.add_pass_fail("Power good", True)

    checks = report.root.add_sequence("Checks")
    checks.add_string("Firmware version", "2.4.1", limit="2.4.1")
    rails = checks.add_multi_numeric("Rails")
    rails.add_measurement("5V", 5.02, low=4.75, high=5.25, unit="V")
    rails.add_measurement("12V", 11.9, low=11.4, high=12.6, unit="V")
    gain = checks.add_chart("Gain", x_label="Frequency", x_unit="Hz", y_label="Gain", y_unit="dB")
    gain.add_series("Measured", [100, 1_000, 10_000], [-0.1, -0.4, -3.2])
    gain.add_measurement("-3 dB point", 9_500.0, low=8_000.0, unit="Hz")
    checks.add_action("Log temperatures").attach(b"t1=24.5\nt2=31.0\n", name="temps.txt")

    report.propagate_failures()  # failing steps fail their sequences, the root and the result
    report.validate()  # submit rules: raises ReportValidationError naming each bad field
    return report


def main() -> None:
    report = build(f"SN-{uuid.uuid4().hex[:8].upper()}")
    folder = Path(tempfile.mkdtemp(prefix="pywats-report-"))
    (folder / "report.json").write_text(write_wsjf(report), encoding="utf-8")
    (folder / "report.xml").write_text(write_wsxf(report), encoding="utf-8")
    from_xml = read_wsxf((folder / "report.xml").read_bytes())
    assert isinstance(from_xml, UUTReport)
    print(f"built {report.serial_number}: result {report.result}, {len(report.steps())} steps")
    print(f"{folder}: report.json, and report.xml with the same {len(from_xml.steps())} steps")

    with WATS() as client:
        client.reports.submit(report)
        stored = client.reports.get(report.id)
        print(f"stored {stored.id}: same document as sent = {stored == report}")

        repair = UURReport.from_uut(
            report, category="Component", code="Wrong value", operator="tech", station_name="R-1"
        )
        repair.main_unit.failures[0].com_ref = "R17"
        client.reports.submit(repair)
        refs = [failure.ref_step_id for failure in repair.main_unit.failures]
        print(f"repair {repair.id} filed against failed step(s) {refs}")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
