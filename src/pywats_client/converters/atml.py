"""ATML test results (IEEE 1636.1: 2.02, 5.00 and 6.01, with NI TestStand's extension) → WATS
UUT reports, one per `TestResults` element (formats.md Part 2).

The version is told by the root element's namespace; collections and TestStand batch reports
give one report per UUT result. Zone-less times are station-local (`timezone` parameter).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime

from pywats.report import UUTReport
from pywats_client.converters._atml_steps import AtmlStepMapper
from pywats_client.converters._atml_values import outcome_status
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    FileHeader,
    checked,
    localize,
    mark_failure_chain,
    new_uut,
    parse_iso,
    zone_from_name,
)
from pywats_client.converters._xml import XmlDocument, child, children, load_xml, local, path

__all__ = ["AtmlConverter"]

#: Root element (namespace URI, local name) → ATML version.
VERSIONS = {
    ("http://www.ieee.org/ATML/2007/TestResults", "TestResults"): "2.02",
    ("urn:IEEE-1636.1:2011:01:TestResultsCollection", "TestResultsCollection"): "5.00",
    ("urn:IEEE-1636.1:2013:TestResultsCollection", "TestResultsCollection"): "6.01",
}
_UUT_RESULTS = {"P": "P", "F": "F", "E": "E", "T": "T", "S": "T", "D": "P"}


class AtmlConverter(Converter):
    """ATML 2.02 / 5.00 / 6.01 test results → one UUT report per `TestResults`."""

    name = "atml"
    description = "ATML test results (IEEE 1636.1 2.02, 5.00, 6.01; NI TestStand extension)"
    patterns = ("*.xml",)
    parameters = WITH_TIMEZONE

    def convert(self, source: Source) -> list[UUTReport]:
        doc = load_xml(source)
        root = doc.root
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        version = VERSIONS.get((namespace, local(root)))
        if version is None:
            known = ", ".join(f"{ns} {name}" for ns, name in VERSIONS)
            raise doc.error(root, f"is not an ATML test-results root (expected one of: {known})")
        results = [root] if version == "2.02" else children(root, "TestResults")
        if not results:
            raise doc.error(root, "holds no TestResults")
        reports = []
        for index, element in enumerate(results):
            where = doc.where(element)
            try:
                report = self._report(source, doc, element, version, index)
            except ValueError as exc:
                raise source.error(str(exc), where) from None
            except RecursionError:
                raise source.error("test groups are nested too deeply", where) from None
            reports.append(checked(report, source, where))
        return reports

    def _localize(self, text: str) -> datetime | None:
        if not text.strip():
            return None
        moment = parse_iso(text)
        if moment is None:
            raise ValueError(f"{text!r} is not an xs:dateTime")
        return localize(moment, zone_from_name(str(self.values["timezone"])))

    def _report(
        self, source: Source, doc: XmlDocument, results: ET.Element, version: str, index: int
    ) -> UUTReport:
        defaults = self.defaults
        where = doc.where(results)
        result_set = child(results, "ResultSet")
        if result_set is None:
            raise doc.error(results, "has no ResultSet")
        uut = child(results, "UUT")
        serial = _text(child(uut, "SerialNumber"))
        if not serial:
            raise source.error("the UUT has no SerialNumber", where)
        identification = path(uut, "Definition", "Identification")
        numbers = children(child(identification, "IdentificationNumbers"), "IdentificationNumber")
        part = next((n.get("number") for n in numbers if n.get("type") == "Part"), None)
        part = part or next((n.get("number") for n in numbers), None)
        definition = child(uut, "Definition")
        revision = _text(child(identification, "Version")) or (
            definition.get("version") if definition is not None else None
        )
        operator = child(child(results, "Personnel"), "SystemOperator")
        # 2.02 wraps MainSequence in one TestGroup; 5.00/6.01 put its steps in the ResultSet.
        group = child(result_set, "TestGroup") if version == "2.02" else result_set
        named = group if group is not None else result_set
        sequence_file, _, sequence_name = (named.get("name") or "").rpartition("#")
        try:
            start = self._localize(result_set.get("startDateTime") or "")
            end = self._localize(result_set.get("endDateTime") or "")
        except ValueError as exc:
            raise doc.error(result_set, str(exc)) from None
        if start is None:
            raise doc.error(result_set, "has no startDateTime")
        found = FileHeader(
            serial_number=serial,
            part_number=part,
            revision=revision,
            station=_text(child(child(results, "TestStation"), "SerialNumber")),
            operator=operator.get("ID") or operator.get("name") if operator is not None else None,
            id=_uuid(results.get("uuid")),
        )
        report = new_uut(
            source,
            defaults,
            found,
            index=index,
            where=where,
            start=start,
            sequence_name=sequence_name or "MainSequence",
            sequence_path=sequence_file or None,
            exec_time=(end - start).total_seconds() if end is not None else None,
        )
        status = outcome_status(child(result_set, "Outcome"))
        report.root.status = status
        report.result = _UUT_RESULTS.get(status, "E")
        properties = path(results, "Extension", "TSResultSetProperties")
        header = report.uut
        assert header is not None
        socket = child(properties, "TestSocketIndex")
        if socket is not None and (socket.get("value") or "").lstrip("-").isdigit():
            header.test_socket_index = int(socket.get("value", ""))
        batch = child(properties, "BatchSerialNumber")
        if batch is not None and batch.get("value"):
            header.batch_sn = batch.get("value")
        report.root.start = start
        if end is not None:
            report.root.tot_time = (end - start).total_seconds()
        mapper = AtmlStepMapper(doc, self._localize)
        if group is not None:
            try:
                mapper.add_children(report.root, group)
            except ValueError as exc:
                raise doc.error(group, str(exc)) from None
        entries = children(child(properties, "CriticalFailureStack"), "CriticalFailureStackEntry")
        mark_failure_chain(report, [mapper.results.get(e.get("resultID") or "") for e in entries])
        return report


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _uuid(text: str | None) -> str | None:
    try:
        return str(uuid.UUID(text)) if text else None
    except ValueError:
        return None
