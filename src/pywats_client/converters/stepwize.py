"""StepWize CONFIG_AND_RESULTS XML (`.xspc`) → one WATS UUT report
(vendor-saki-sigmaquest-listen-klippel.md §5).

The file is a flat list of measurement records; consecutive records with the same `stepName`
form a sequence, each record a step named by its `subItemName`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from pywats.report import SequenceCall, Step, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    checked,
    localize,
    parse_iso,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter, ParamValue
from pywats_client.converters._xml import XmlDocument, child, children, load_xml, local

__all__ = ["StepWizeConverter"]

#: Header elements kept as misc info when not empty (the reference lists alternatePartNumber
#: twice and so sends it twice; once is enough).
MISC_KEYS = ("Organization", "resultSetID", "modelNumber", "partDescription", "label",
             "description", "build", "softwarePN", "workOrder", "factoryNumber",
             "exportRestriction", "plantName", "alternatePartNumber")  # fmt: skip
#: `limitMode` → (WATS operator, limits used). `Value > LL` is GE as in the reference: the
#: iteration counters (0 against LL 0) are recorded as passing by StepWize itself.
_LIMIT_MODES = {"Value > LL": ("GE", "L"), "Value >= LL": ("GE", "L"),
                "LL <= Value <= UL": ("GELE", "LU"), "Value <= UL": ("LE", "U"),
                "Value < UL": ("LT", "U")}  # fmt: skip
_RESULTS = {"fail": "F", "incomplete": "T"}


def _check_codes(value: ParamValue) -> str | None:
    try:
        _codes(str(value or ""))
    except ValueError as exc:
        return str(exc)
    return None


def _codes(text: str) -> dict[str, int]:
    """`name=code;name=code` → {lower-case name: code}."""
    codes = {}
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        name, equals, code = pair.rpartition("=")
        if not equals or not name.strip() or not code.strip().isdigit():
            raise ValueError(f"expected 'operation name=code;...', got {pair!r}")
        codes[name.strip().lower()] = int(code)
    return codes


class StepWizeConverter(Converter):
    """StepWize `.xspc` → one UUT report; step names group records into sequences."""

    name = "stepwize"
    description = "StepWize CONFIG_AND_RESULTS XML (.xspc)"
    patterns = ("*.xspc", "*.XSPC")
    parameters = (
        *WITH_TIMEZONE,
        Parameter("sequence_version", str, "1.0.0", "Version of the root sequence."),
        Parameter(
            "operation_codes",
            str,
            "",
            "Operation codes by the file's operation name, 'SW Debug=20;Final=30' (any case); "
            "an operation not listed takes 'operation_code'.",
            check=_check_codes,
        ),
    )

    def convert(self, source: Source) -> list[UUTReport]:
        doc = load_xml(source)
        if local(doc.root) != "ConfigAndResultsDataFile":
            raise doc.error(doc.root, "is not a StepWize ConfigAndResultsDataFile root")
        data = child(doc.root, "ConfigandResultsData")
        if data is None:
            raise doc.error(doc.root, "has no ConfigandResultsData")
        records = children(child(data, "Config_and_Result_Data"), "Config_and_Data_Result")
        if not records:
            raise doc.error(data, "has no Config_and_Data_Result records")
        report = self._report(source, doc, data, records)
        return [checked(report, source, doc.where(data))]

    def _report(
        self, source: Source, doc: XmlDocument, data: ET.Element, records: list[ET.Element]
    ) -> UUTReport:
        def header(name: str) -> str:
            return _text(child(data, name))

        serial = header("serialNumber")
        if not serial:
            raise doc.error(data, "has no serialNumber")
        first, last = records[0], records[-1]
        start = self._time(doc, first, "startDateTime")
        end = self._time(doc, last, "endDateTime")
        if start is None:
            raise doc.error(first, "has no startDateTime")
        operation = header("operation")
        identity = unit_identity(
            source, self.defaults, part_number=header("partNumber") or None,
            revision=header("revision") or None,
            process_code=_codes(str(self.values["operation_codes"])).get(operation.lower()),
            where=doc.where(data),
        )  # fmt: skip
        report = UUTReport.new(
            id=source.report_id(0),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(
                _text(child(first, "assetID")) or None, self.defaults.station_name, source
            ),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=_text(child(first, "operatorStamp")) or self.defaults.operator,
            start=start,
            sequence_name=header("sourceFile") or "MainSequence",
            sequence_version=str(self.values["sequence_version"]),
            exec_time=(end - start).total_seconds() if end is not None else None,
        )
        for key in MISC_KEYS:
            if header(key):
                report.add_misc_info(key, header(key))
        sequence: SequenceCall | None = None
        for record in records:
            step_name = _text(child(record, "stepName"))
            if sequence is None or sequence.name != step_name:
                sequence = report.root.add_sequence(step_name)
            self._step(doc, sequence, record)
        report.propagate_failures()
        report.result = _RESULTS.get(header("sequencePF").lower(), "P")
        return report

    def _step(self, doc: XmlDocument, sequence: SequenceCall, record: ET.Element) -> None:
        # An empty subItemName names nothing: the genus, else the step name, does.
        fields = {local(e): (e.text or "").strip() for e in record}
        name = fields.get("subItemName") or fields.get("genus") or fields.get("stepName") or ""
        status = "P" if fields.get("stepOutcome") == "Pass" else "F"
        kind = fields.get("dataType", "")
        step: Step
        if kind == "0":
            mode = fields.get("limitMode", "")
            if mode not in _LIMIT_MODES:
                known = ", ".join(_LIMIT_MODES)
                raise doc.error(record, f"limitMode {mode!r} is not one of {known}")
            comp, used = _LIMIT_MODES[mode]
            low = self._number(doc, record, "lowerLimit") if "L" in used else None
            high = self._number(doc, record, "upperLimit") if "U" in used else None
            step = sequence.add_numeric(
                name, self._number(doc, record, "stepValue"), low=low, high=high, comp=comp,
                unit=fields.get("units") or None, status=status,
            )  # fmt: skip
        elif kind == "1":
            step = sequence.add_pass_fail(name, status == "P")
        elif kind == "2":
            step = sequence.add_action(name, status=status)
        else:
            raise doc.error(record, f"dataType {kind!r} is not 0 (numeric), 1 (pass/fail) or 2")
        step.status = status
        start = self._time(doc, record, "startDateTime")
        end = self._time(doc, record, "endDateTime")
        if start is not None:
            step.start = start
            if end is not None:
                step.tot_time = (end - start).total_seconds()
        notes = fields.get("stepNotes")
        if notes:
            step.report_text = notes

    def _number(self, doc: XmlDocument, record: ET.Element, key: str) -> float:
        element = child(record, key)
        text = _text(element)
        try:
            return float(text)
        except ValueError:
            where = record if element is None else element
            raise doc.error(where, f"{key} {text!r} is not a number") from None

    def _time(self, doc: XmlDocument, record: ET.Element, key: str) -> datetime | None:
        element = child(record, key)
        text = _text(element)
        if not text:
            return None
        moment = parse_iso(text)
        if moment is None:
            where = record if element is None else element
            raise doc.error(where, f"{key} {text!r} is not yyyy-MM-ddTHH:mm:ss.fff")
        try:
            return localize(moment, zone_from_name(str(self.values["timezone"])))
        except ValueError as exc:
            raise doc.error(record, str(exc)) from None


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""
