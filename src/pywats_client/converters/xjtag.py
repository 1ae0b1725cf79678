"""XJTAG `.xjlog` logs → WATS UUT reports, one per test run (vendor-teradyne-i3070-xjtag.md §4).

An `.xjlog` is a ZIP of `Info.xml` (the run count) and `Run N.xml` per run. Test groups become
sequences and test functions pass/fail steps; skipped functions stay skipped and function and
run times are kept.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from pywats.report import SequenceCall, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import checked, parse_iso, station_name, unit_identity
from pywats_client.converters._params import COMMON_PARAMETERS, Parameter
from pywats_client.converters._xml import XmlDocument, child, children, local
from pywats_client.converters._zip import ZipSource

__all__ = ["XjtagConverter"]

_STATUSES = {"Passed": "P", "Failed": "F", "Skipped": "S", "Error": "E", "Terminated": "T",
             "Done": "D"}  # fmt: skip
#: Longest report text kept per step: WATS stores report texts of a few kB; the full output
#: of a chatty function would only be cut by the server.
REPORT_TEXT_LIMIT = 4000
#: Builds the ConversionError for an element of the run being read.
ErrorAt = Callable[[ET.Element, str], Exception]
#: More runs than this in one log is a damaged `TestRunCount`, not a real log.
RUN_LIMIT = 100_000


class XjtagConverter(Converter):
    """XJTAG XJRunner/XJDeveloper `.xjlog` → one UUT report per run."""

    name = "xjtag"
    description = "XJTAG boundary-scan logs (.xjlog: ZIP of Info.xml and Run N.xml)"
    patterns = ("*.xjlog",)
    parameters = (
        *COMMON_PARAMETERS,
        Parameter("sequence_name", str, "JTAGSeq1", "Name of the root sequence."),
        Parameter("sequence_version", str, "1.0.0", "Version of the root sequence."),
    )

    def convert(self, source: Source) -> list[UUTReport]:
        archive = ZipSource(source)
        info = archive.xml("Info.xml")
        if local(info.root) != "LogFileInfo":
            raise source.error("expected a LogFileInfo root", "member 'Info.xml', line 1")
        count_element = child(info.root, "TestRunCount")
        count_text = _text(count_element)
        if not count_text.isdigit() or not 0 < int(count_text) <= RUN_LIMIT:
            place = info.root if count_element is None else count_element
            raise source.error(
                f"TestRunCount {count_text!r} is not a run count from 1 to {RUN_LIMIT}",
                f"member 'Info.xml', {info.where(place)}",
            )
        project = _text(child(info.root, "ProjectPath"))
        reports = []
        for run in range(1, int(count_text) + 1):
            member = f"Run {run}.xml"
            doc = archive.xml(member)
            report = self._report(source, member, doc, run - 1, project)
            reports.append(checked(report, source, f"member {member!r}"))
        return reports

    def _report(
        self, source: Source, member: str, doc: XmlDocument, index: int, project: str
    ) -> UUTReport:
        def error(element: ET.Element, message: str) -> Exception:
            return source.error(message, f"member {member!r}, {doc.where(element)}")

        run = doc.root
        if local(run) != "testrun":
            raise error(run, "expected a testrun root")
        start = parse_iso(run.get("datetime") or "")
        if start is None or start.tzinfo is None:
            raise error(run, f"datetime {run.get('datetime')!r} is not an ISO 8601 UTC time")
        info = child(run, "testruninfo")
        if info is None:
            raise error(run, "has no testruninfo")
        serial = _text(child(info, "serial"))
        if not serial:
            raise error(info, "has no serial number (<serial>)")
        identity = unit_identity(
            source, self.defaults, part_number=None, revision=None, process_code=None,
            where=f"member {member!r}",
        )  # fmt: skip
        run_time = _milliseconds(child(info, "time-taken"), error)
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            # An empty <xjlink-name /> names no station (the reference sends "").
            station_name=station_name(
                _text(child(info, "xjlink-name")) or None, self.defaults.station_name, source
            ),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=_text(child(info, "user")) or self.defaults.operator,
            start=start,
            sequence_name=str(self.values["sequence_name"]),
            sequence_version=str(self.values["sequence_version"]),
            comment=_text(child(info, "project-description")) or None,
            exec_time=run_time,
        )
        for label, value in (
            ("XJLink serial", _text(child(info, "xjlink-serial"))),
            ("XJTAG version", _text(child(info, "xjtag-version"))),
            ("Project path", project),
        ):
            if value:
                report.add_misc_info(label, value)
        for group in children(run, "testgroup"):
            sequence = report.root.add_sequence(group.get("name") or "", path=None)
            for function in children(group, "testfunction"):
                self._step(sequence, function, error)
        report.propagate_failures()
        # XJTAG's own verdict decides, as in the reference (a run can pass with a step in error).
        report.result = "P" if _text(child(info, "result")) == "Passed" else "F"
        report.root.status = report.result
        return report

    def _step(self, sequence: SequenceCall, function: ET.Element, error: ErrorAt) -> None:
        name = function.get("name") or ""
        result = child(function, "result")
        word = (result.get("value") or "").strip() if result is not None else ""
        status = _STATUSES.get(word)
        if status is None:
            known = ", ".join(_STATUSES)
            raise error(
                function if result is None else result,
                f"test function {name!r} has result {word!r}, expected one of {known}",
            )
        step = sequence.add_pass_fail(name, status == "P")
        if status != "F" and status != "P":
            # A function that did not run has no outcome to report, only its status.
            step.raw["booleanMeas"] = []
            step.status = status
        texts = [(t.text or "").strip() for t in children(function, "text-output")]
        text = "\n".join(t for t in texts if t)
        if text:
            step.report_text = text[:REPORT_TEXT_LIMIT]
        seconds = _milliseconds(child(function, "time-taken"), error)
        if seconds is not None:
            step.tot_time = seconds


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _milliseconds(element: ET.Element | None, error: ErrorAt) -> float | None:
    """Seconds from an XJTAG `time-taken` (milliseconds); None when absent."""
    if element is None:
        return None
    text = _text(element)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e12:
        raise error(element, f"time-taken {text!r} is not a number of milliseconds")
    return value / 1000
