"""Reading WSXF (WATS Standard XML Format) into the WSJF-shaped report model.

The result is the JSON a WATS server exports for the same report: attribute names become WSJF
keys, status/group/type words become letters, numbers get their WSJF type (`500` in a float
field reads as `500.0`), the report id is lower-cased, and the fixed-shape objects (`uut`,
measurements, `loop`, `seqCall`, `chart`, `messagePopup`) get every key, `null` where XML omits
it. Attributes XML writes as `""` for JSON `null` (`ProductName`, `Units`, `XUnit`, `YUnit`,
`Response`, `SequenceCall/@Version` below the root) read as `null`. XML-only data (`StepIndex`,
`MeasIndex`, `MeasOrderNumber`, `MiscInfo/@Typedef`, `@idx`, `@order_no`,
`SequenceCall/@Filename`, `Chart/@idx`) is derived again on writing and not stored.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from pywats._exceptions import ReportFormatError
from pywats.report._codes import GROUP_WORDS, REPORT_TYPE_WORDS, STATUS_WORDS
from pywats.report._node import JSONObject
from pywats.report._uur import UURReport
from pywats.report._uut import UUTReport

__all__ = ["NAMESPACE", "read_wsxf", "read_wsxf_all"]

NAMESPACE = "http://wats.virinco.com/schemas/WATS/Report/wsxf"
_NS = "{" + NAMESPACE + "}"
_STATUS = {word: letter for letter, word in STATUS_WORDS.items()}
_GROUP = {word: letter for letter, word in GROUP_WORDS.items()}
_TYPE = {word: letter for letter, word in REPORT_TYPE_WORDS.items()}


class _Reader:
    """Converts one `Report` element; `path` names the JSON location for error messages."""

    def __init__(self) -> None:
        self.path = ""

    def fail(self, key: str, expected: str, got: str) -> ReportFormatError:
        return ReportFormatError(f"{self.path}.{key}: expected {expected}, got {got!r}")

    def integer(self, attrs: dict[str, str], name: str, key: str) -> int | None:
        text = attrs.get(name)
        if text is None:
            return None
        try:
            return int(text)
        except ValueError:
            raise self.fail(key, f"an integer in XML attribute {name}", text) from None

    def number(self, attrs: dict[str, str], name: str, key: str) -> float | str | None:
        """A float field: non-finite values keep WATS's text form, as in WSJF."""
        text = attrs.get(name)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            raise self.fail(key, f"a number in XML attribute {name}", text) from None
        return value if math.isfinite(value) else text

    def numeric(self, attrs: dict[str, str], name: str, key: str) -> int | float | str | None:
        """A field WATS writes as int or float (misc info `numeric`): integers stay ints."""
        text = attrs.get(name)
        if text is not None and text.lstrip("+-").isdigit():
            return int(text)
        return self.number(attrs, name, key)

    def boolean(self, attrs: dict[str, str], name: str, key: str) -> bool | None:
        text = attrs.get(name)
        if text is None:
            return None
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise self.fail(key, f"true or false in XML attribute {name}", text)

    def report(self, element: ET.Element) -> UUTReport | UURReport:
        a = element.attrib
        kind = _TYPE.get(a.get("type", ""))
        if kind != "T":
            raise ReportFormatError(
                f"{self.path}type: expected 'UUT' (the WSXF layout of other report types is "
                f"not known), got {a.get('type')!r}"
            )
        raw: JSONObject = {"type": kind}
        if "ID" in a:
            raw["id"] = a["ID"].lower()
        for name, key in (("PN", "pn"), ("SN", "sn"), ("Rev", "rev")):
            if name in a:
                raw[key] = a[name]
        if "ProductName" in a:
            raw["productName"] = a["ProductName"] or None
        process = element.find(_NS + "Process")
        if process is not None:
            raw["processCode"] = self.integer(process.attrib, "Code", "processCode")
            if "Name" in process.attrib:
                raw["processName"] = process.attrib["Name"]
        if "Result" in a:
            raw["result"] = _STATUS.get(a["Result"], a["Result"])
        for name, key in (
            ("MachineName", "machineName"),
            ("Location", "location"),
            ("Purpose", "purpose"),
            ("origin", "origin"),
            ("Start", "start"),
            ("Start_utc", "startUTC"),
        ):
            if name in a:
                raw[key] = a[name]
        step = element.find(_NS + "Step")
        if step is not None:
            self.path = "root"
            raw["root"] = self.step(step)
        uut = element.find(_NS + "UUT")
        if uut is not None:
            self.path = "uut"
            raw["uut"] = self.uut(uut)
        self.path = "miscInfos"
        raw["miscInfos"] = [self.misc(e) for e in element.iterfind(_NS + "MiscInfo")]
        self.path = "subUnits"
        raw["subUnits"] = [self.sub_unit(e) for e in element.iterfind(_NS + "ReportUnitHierarchy")]
        return UUTReport(raw)

    def uut(self, element: ET.Element) -> JSONObject:
        a = element.attrib
        comment = element.find(_NS + "Comment")
        return {
            "execTime": self.number(a, "ExecutionTime", "execTime"),
            "testSocketIndex": self.integer(a, "TestSocketIndex", "testSocketIndex"),
            "batchSN": a.get("BatchSN"),
            "comment": None if comment is None else (comment.text or ""),
            "errorCode": self.integer(a, "ErrorCode", "errorCode"),
            "errorMessage": a.get("ErrorMessage"),
            "fixtureId": a.get("FixtureId"),
            "user": a.get("UserLoginName"),
            "batchFailCount": self.integer(a, "BatchFailCount", "batchFailCount"),
            "batchLoopIndex": self.integer(a, "BatchLoopIndex", "batchLoopIndex"),
            "stepIdCausedUUTFailure": self.integer(
                a, "StepIdCausedUUTFailure", "stepIdCausedUUTFailure"
            ),
        }

    def misc(self, element: ET.Element) -> JSONObject:
        a = element.attrib
        return {
            "description": a.get("Description"),
            "text": element.text or None,
            "numeric": self.numeric(a, "Numeric", "numeric"),
        }

    def sub_unit(self, element: ET.Element) -> JSONObject:
        a = element.attrib
        raw: JSONObject = {
            "partType": a.get("PartType"),
            "pn": a.get("PN"),
            "rev": a.get("Rev"),
            "sn": a.get("SN"),
        }
        if "Position" in a:
            raw["position"] = self.integer(a, "Position", "position")
        return raw

    def step(self, element: ET.Element) -> JSONObject:
        a = element.attrib
        raw: JSONObject = {
            "id": self.integer(a, "Id", "id"),
            "group": _GROUP.get(a.get("Group", ""), a.get("Group")),
            "stepType": a.get("StepType"),
        }
        loop = element.find(_NS + "Loop")
        if loop is not None:
            la = loop.attrib
            raw["loop"] = {
                "idx": self.integer(la, "index", "loop.idx"),
                "num": self.integer(la, "num", "loop.num"),
                "endingIndex": self.integer(la, "ending_index", "loop.endingIndex"),
                "passed": self.integer(la, "passed", "loop.passed"),
                "failed": self.integer(la, "failed", "loop.failed"),
            }
        raw["name"] = a.get("Name")
        raw["status"] = _STATUS.get(a.get("Status", ""), a.get("Status"))
        if "StepErrorCode" in a:
            raw["errorCode"] = self.integer(a, "StepErrorCode", "errorCode")
        if "StepErrorMessage" in a:
            raw["errorMessage"] = a["StepErrorMessage"]
        raw["totTime"] = self.number(a, "total_time", "totTime")
        if "StepCausedUUTFailure" in a:
            raw["causedUUTFailure"] = self.boolean(a, "StepCausedUUTFailure", "causedUUTFailure")
        text = element.find(_NS + "ReportText")
        if text is not None:
            raw["reportText"] = text.text or ""
        seq_call = element.find(_NS + "SequenceCall")
        children = element.findall(_NS + "Step")
        if children or seq_call is not None:
            path = self.path
            steps = []
            for index, child in enumerate(children):
                self.path = f"{path}.steps[{index}]"
                steps.append(self.step(child))
            self.path = path
            raw["steps"] = steps
        if seq_call is not None:
            sa = seq_call.attrib
            raw["seqCall"] = {
                "path": sa.get("Filepath"),
                "name": sa.get("Name"),
                # The root's version is required, so its "" is an empty version, not null.
                "version": sa.get("Version") if self.path == "root" else sa.get("Version") or None,
            }
        self.measurements(element, raw)
        return raw

    def measurements(self, element: ET.Element, raw: JSONObject) -> None:
        path = self.path
        numeric = element.findall(_NS + "NumericLimit")
        if numeric:
            raw["numericMeas"] = items = []
            for index, meas in enumerate(numeric):
                self.path = f"{path}.numericMeas[{index}]"
                m = meas.attrib
                items.append(
                    {
                        "compOp": m.get("CompOperator"),
                        "name": m.get("Name"),
                        "status": _STATUS.get(m.get("Status", ""), m.get("Status")),
                        "unit": m.get("Units") or None,
                        "value": self.number(m, "NumericValue", "value"),
                        "highLimit": self.number(m, "HighLimit", "highLimit"),
                        "lowLimit": self.number(m, "LowLimit", "lowLimit"),
                    }
                )
        boolean = element.findall(_NS + "PassFail")
        if boolean:
            raw["booleanMeas"] = [
                {"name": m.get("Name"), "status": _STATUS.get(m.get("Status", ""), m.get("Status"))}
                for m in (e.attrib for e in boolean)
            ]
        strings = element.findall(_NS + "StringValue")
        if strings:
            raw["stringMeas"] = [
                {
                    "compOp": m.get("CompOperator"),
                    "name": m.get("Name"),
                    "status": _STATUS.get(m.get("Status", ""), m.get("Status")),
                    "value": m.get("StringValue"),
                    "limit": m.get("StringLimit"),
                }
                for m in (e.attrib for e in strings)
            ]
        popup = element.find(_NS + "MessagePopup")
        if popup is not None:
            self.path = f"{path}.messagePopup"
            raw["messagePopup"] = {
                "response": popup.attrib.get("Response") or None,
                "button": self.integer(popup.attrib, "Button", "button"),
            }
        call_exe = element.find(_NS + "Callexe")
        if call_exe is not None:
            self.path = f"{path}.callExe"
            raw["callExe"] = {"exitCode": self.number(call_exe.attrib, "ExitCode", "exitCode")}
        chart = element.find(_NS + "Chart")
        if chart is not None:
            raw["chart"] = _chart(chart)
        self.path = path


def _chart(element: ET.Element) -> JSONObject:
    a = element.attrib
    series = []
    for s in element.iterfind(_NS + "Series"):
        xdata, ydata = s.find(_NS + "xdata"), s.find(_NS + "ydata")
        series.append(
            {
                "dataType": s.attrib.get("DataType"),
                "name": s.attrib.get("Name"),
                "xdata": None if xdata is None else (xdata.text or ""),
                "ydata": None if ydata is None else (ydata.text or ""),
            }
        )
    return {
        "chartType": a.get("ChartType"),
        "label": a.get("Label"),
        "xLabel": a.get("XLabel"),
        "xUnit": a.get("XUnit") or None,
        "yLabel": a.get("YLabel"),
        "yUnit": a.get("YUnit") or None,
        "series": series,
    }


def read_wsxf(data: str | bytes) -> UUTReport | UURReport:
    """Parse a WSXF document whose `Reports` root holds one `Report`. Raises ReportFormatError
    naming the line/column or the JSON path at fault, and for any other number of `Report`
    elements (read those with `read_wsxf_all`)."""
    reports = read_wsxf_all(data)
    if len(reports) != 1:
        raise ReportFormatError(
            f"WSXF Reports element: expected one Report element, got {len(reports)}; "
            "read it with read_wsxf_all"
        )
    return reports[0]


def read_wsxf_all(data: str | bytes) -> list[UUTReport | UURReport]:
    """Parse a WSXF document: every `Report` of its `Reports` root, in order."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ReportFormatError(
            f"WSXF document is not well-formed XML: line {line} column {column + 1}"
        ) from None
    if root.tag != _NS + "Reports":
        raise ReportFormatError(f"WSXF root element: expected {_NS}Reports, got {root.tag}")
    elements = root.findall(_NS + "Report")
    reports: list[UUTReport | UURReport] = []
    for index, element in enumerate(elements):
        reader = _Reader()
        try:
            reports.append(reader.report(element))
        except ReportFormatError as exc:
            prefix = f"Report[{index}] " if len(elements) > 1 else ""
            raise ReportFormatError(f"{prefix}{exc}") from None
    return reports
