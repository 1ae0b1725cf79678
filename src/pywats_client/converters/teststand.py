"""NI TestStand XML reports → WATS UUT reports (formats.md Part 1).

Reads both kinds TestStand writes: the NI XML report (`<Reports>` holding `<Report Type='UUT'>`
elements; batch summaries are skipped) and the WATS add-on dump (`<TSReport>`). A step's kind is
decided by the result properties it carries, never by its step type name, so custom step types
convert too; the step type name is kept as the WATS `stepType`.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import ClassVar

from pywats.report import UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    FileHeader,
    checked,
    localize,
    mark_failure_chain,
    new_uut,
    parse_iso,
)
from pywats_client.converters._mapping import zone_from_name as _zone
from pywats_client.converters._teststand_props import Prop
from pywats_client.converters._teststand_steps import StepMapper
from pywats_client.converters._xml import XmlDocument, load_xml

__all__ = ["TestStandConverter"]

_UUT_RESULTS = {"passed": "P", "failed": "F", "error": "E", "terminated": "T", "done": "P"}


class TestStandConverter(Converter):
    """TestStand XML report (NI format or WATS add-on format) → one UUT report per UUT."""

    name = "teststand"
    description = "NI TestStand XML report (with or without the WATS TestStand add-on)"
    patterns = ("*.xml",)
    parameters = WITH_TIMEZONE
    __test__: ClassVar[bool] = False  # not a pytest test class despite the name

    def convert(self, source: Source) -> list[UUTReport]:
        doc = load_xml(source)
        root = doc.root
        if root.tag == "TSReport":
            return [self._checked(source, doc, root, 0)]
        if root.tag == "Report":
            reports = [root]
        elif root.tag == "Reports":
            reports = root.findall("Report")
        else:
            raise doc.error(root, "expected a TestStand report (<Reports> or <TSReport>)")
        uut_reports = [r for r in reports if r.get("Type", "UUT") == "UUT"]
        if not uut_reports:
            raise doc.error(root, "the file holds no UUT report (only batch reports)")
        return [
            self._checked(source, doc, element, index) for index, element in enumerate(uut_reports)
        ]

    def _checked(
        self, source: Source, doc: XmlDocument, element: ET.Element, index: int
    ) -> UUTReport:
        where = doc.where(element)
        try:
            report = self._report(source, Prop(element, doc, self.defaults.decimal_comma), index)
        except ValueError as exc:
            raise source.error(str(exc), where) from None
        except RecursionError:
            raise source.error("sequence calls are nested too deeply", where) from None
        return checked(report, source, where)

    def _report(self, source: Source, report: Prop, index: int) -> UUTReport:
        doc = report.doc
        wats_kind = report.element.tag == "TSReport"
        info = _report_info(report) if wats_kind else {}
        uut = report.child("UUT")
        station = report.child("StationInfo")
        root = _root_result(report, doc)
        if uut is None:
            raise doc.error(report.element, "has no UUT property")
        where = doc.where(report.element)
        defaults = self.defaults
        serial = uut.string("SerialNumber") or info.get("SN")
        if not serial:
            raise source.error("the UUT has no serial number (UUT.SerialNumber is empty)", where)
        part = uut.string("UUTPartNumber") or uut.string("PartNumber") or info.get("PN")
        revision = uut.string("UUTPartRevisionNumber") or info.get("Rev")
        operation = uut.integer("UUTOperationType")
        header = FileHeader(
            serial_number=serial,
            part_number=part,
            revision=revision,
            process_code=operation,
            station=station.string("StationID") if station else None,
            location=station.string("Location") if station else None,
            purpose=station.string("Purpose") if station else None,
            operator=station.string("LoginName") if station else None,
            id=info.get("ID"),
        )
        start, engine_zero = self._times(report, root, info, doc)

        call = root.get("TS.SequenceCall")
        result = new_uut(
            source,
            defaults,
            header,
            index=index,
            where=where,
            start=start,
            sequence_name=root.string("TS.StepName") or "MainSequence Callback",
            sequence_path=call.string("SequenceFile") if call else None,
            sequence_version=(call.string("SequenceFileVersion") if call else None) or "",
            exec_time=root.number("TS.TotalTime"),
        )
        self._header(result, report, uut, root)
        mapper = StepMapper(engine_zero)
        mapper.fill_common(result.root, root)
        if call is not None:
            results = call.get("ResultList")
            for child in results.elements() if results is not None else []:
                mapper.add(result.root, child)
        stack = uut.get("CriticalFailureStack")
        entries = stack.elements() if stack is not None else []
        chain = [mapper.results.get(entry.integer("ResultId") or -1) for entry in entries]
        mark_failure_chain(result, chain)
        status = _UUT_RESULTS.get((root.string("Status") or "").lower())
        if status is None:
            status = _UUT_RESULTS.get(report.element.get("UUTResult", "").lower(), "E")
        result.result = status
        return result

    def _times(
        self, report: Prop, root: Prop, info: dict[str, str], doc: XmlDocument
    ) -> tuple[datetime | str, datetime | None]:
        """The report start and the wall-clock time at which TestStand's engine clock read 0."""
        root_start = root.number("TS.StartTime")
        if "Start" in info:
            start_text = info["Start"]
            engine = info.get("EngineStarted")
            zero = parse_iso(engine) if engine else None
            begin = parse_iso(start_text)
            if begin is None or begin.tzinfo is None:
                raise doc.error(
                    report.element,
                    f"ReportInfo 'Start' is {start_text!r}; expected an ISO 8601 time with offset",
                )
            if zero is not None:
                try:
                    zero = zero.astimezone(begin.tzinfo)
                except (ValueError, OverflowError):
                    zero = None  # an engine start out of range: steps get no start time
            return start_text, zero
        date, time = report.child("StartDate"), report.child("StartTime")
        if date is None or time is None:
            raise doc.error(report.element, "has no StartDate/StartTime")
        try:
            naive = datetime(
                _year(date),
                date.integer("Month") or 0,
                date.integer("MonthDay") or 0,
                time.integer("Hours") or 0,
                time.integer("Minutes") or 0,
                time.integer("Seconds") or 0,
                (time.integer("Milliseconds") or 0) * 1000,
            )
            begin = localize(naive, _zone(str(self.values["timezone"])))
        except (ValueError, OverflowError) as exc:
            raise doc.error(date.element, f"is not a valid date and time ({exc})") from None
        try:
            zero = begin - timedelta(seconds=root_start) if root_start is not None else None
        except (ValueError, OverflowError):
            zero = None  # a root TS.StartTime out of range: steps get no start time
        return begin, zero

    def _header(self, report: UUTReport, source: Prop, uut: Prop, root: Prop) -> None:
        header = report.uut
        assert header is not None
        socket = uut.integer("TestSocketIndex")
        header.test_socket_index = socket
        header.batch_sn = uut.string("BatchSerialNumber") or None
        header.batch_loop_index = uut.integer("BatchLoopIndex")
        header.batch_fail_count = uut.integer("BatchFailCount")
        header.fixture_id = uut.string("UUT_Fixture_ID") or None
        header.comment = uut.string("Comment") or None
        code = root.integer("Error.Code")
        message = root.string("Error.Msg") or source.element.findtext("ErrorText") or None
        if code or message:
            header.error_code = code
            header.error_message = message
        misc = uut.get("MiscUUTResult.Misc_UUT_Info")
        for item in misc.elements() if misc else []:
            description = item.string("Description") or ""
            numeric = item.number("Data_Numeric")
            report.add_misc_info(
                description,
                item.string("Data_String") or None,
                numeric=None if numeric is None or math.isnan(numeric) else numeric,
            )
        parts = uut.get("MiscUUTResult.UUT_Part_Info")
        for position, item in enumerate(parts.elements() if parts else []):
            report.add_sub_unit(
                item.string("Part_Type") or "",
                item.string("Part_Number") or "",
                item.string("Part_Serial_Number") or "",
                item.string("Part_Revision_Number"),
                position=position,
            )


def _report_info(report: Prop) -> dict[str, str]:
    return {e.get("key", ""): e.get("value", "") for e in report.element.findall("ReportInfo")}


def _root_result(report: Prop, doc: XmlDocument) -> Prop:
    if report.element.tag == "TSReport":
        root = report.child("MainSequenceResults")
        if root is not None and root.element.get("Type") == "Array":
            elements = root.elements()
            root = elements[0] if elements else None
    else:
        element = next(
            (e for e in report.element if e.tag == "Prop" and e.get("Type") == "TEResult"), None
        )
        root = Prop(element, doc, report.decimal_comma) if element is not None else None
    if root is None:
        raise doc.error(report.element, "has no root step result (TEResult)")
    return root


def _year(date: Prop) -> int:
    # TestStand's Year field is suspected to be wrong at times; the 4-digit run in the text is not.
    for key in ("ShortText", "Text"):
        text = date.string(key) or ""
        digits = "".join(c if c.isdigit() else " " for c in text).split()
        for run in digits:
            if len(run) == 4:
                return int(run)
    return date.integer("Year") or 0
