"""Writing the report model as WSXF, in the layout of a WATS server export.

Letters become words, the id is upper-cased, integral floats lose their `.0`, and `null`
attributes are omitted (or written `""` where WATS does). XML-only attributes are derived:
`StepIndex` (position among siblings, a loop's iterations sharing their summary's), `MeasIndex`,
`MeasOrderNumber` (document order from -1, as in the sample export), `MiscInfo` `idx`/`order_no`,
`SequenceCall/@Filename`. Data WSXF has no known form for (assets, attachments, additional data,
step `start`/`tsGuid`, unknown keys) is not written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pywats._exceptions import ReportValidationError
from pywats.report._codes import GROUP_WORDS, REPORT_TYPE_WORDS, STATUS_WORDS
from pywats.report._limits import non_finite_text
from pywats.report._node import JSONObject
from pywats.report._report import Report, reports_of
from pywats.report._wsxf_read import NAMESPACE

__all__ = ["write_wsxf"]

_PROLOG = (
    '<?xml version="1.0" encoding="utf-8"?><Reports'
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    f' xmlns="{NAMESPACE}">'
)
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#xA;", "\r": "&#xD;",
     "\t": "&#x9;"}
)  # fmt: skip
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return non_finite_text(value)
        if value == 0 and math.copysign(1.0, value) < 0:
            return "-0"
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value).translate(_ATTR_ESCAPES)


def _attrs(pairs: Sequence[tuple[str, Any]]) -> str:
    """` name="value"` for each pair whose value is not None."""
    return "".join(f' {name}="{_value(value)}"' for name, value in pairs if value is not None)


def _text(value: str) -> str:
    return value.translate(_TEXT_ESCAPES)


def _word(table: dict[str, str], letter: Any) -> Any:
    return table.get(letter, letter) if isinstance(letter, str) else letter


def _blank(obj: JSONObject, key: str) -> Any:
    """Attributes WATS writes as "" when the JSON value is null (but omits when absent)."""
    if key not in obj:
        return None
    value = obj[key]
    return "" if value is None else value


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        # The sample export numbers measurements from -1 in document order.
        self.order = -1

    def element(self, name: str, pairs: Sequence[tuple[str, Any]], text: str | None) -> None:
        if text is None:
            self.parts.append(f"<{name}{_attrs(pairs)} />")
        else:
            self.parts.append(f"<{name}{_attrs(pairs)}>{_text(text)}</{name}>")

    def report(self, raw: JSONObject) -> None:
        report_id = raw.get("id")
        self.parts.append(
            "<Report"
            + _attrs(
                [
                    ("type", _word(REPORT_TYPE_WORDS, raw.get("type"))),
                    ("ID", report_id.upper() if isinstance(report_id, str) else report_id),
                    ("Start", raw.get("start")),
                    ("Start_utc", raw.get("startUTC")),
                    ("Result", _word(STATUS_WORDS, raw.get("result"))),
                    ("SN", raw.get("sn")),
                    ("PN", raw.get("pn")),
                    ("Rev", raw.get("rev")),
                    ("origin", raw.get("origin")),
                    ("MachineName", raw.get("machineName")),
                    ("Location", raw.get("location")),
                    ("Purpose", raw.get("purpose")),
                    ("ProductName", _blank(raw, "productName")),
                ]
            )
            + ">"
        )
        uut = raw.get("uut")
        if isinstance(uut, dict):
            self.uut(uut)
        if raw.get("processCode") is not None or raw.get("processName") is not None:
            pairs = [("Code", raw.get("processCode")), ("Name", raw.get("processName"))]
            self.element("Process", pairs, None)
        for index, info in enumerate(raw.get("miscInfos") or []):
            pairs = [
                ("Typedef", ""),
                ("Description", info.get("description")),
                ("Numeric", info.get("numeric")),
                ("idx", index),
                ("order_no", index),
            ]
            self.element("MiscInfo", pairs, info.get("text"))
        for unit in raw.get("subUnits") or []:
            pairs = [
                ("PartType", unit.get("partType")),
                ("PN", unit.get("pn")),
                ("SN", unit.get("sn")),
                ("Rev", unit.get("rev")),
                ("Position", unit.get("position")),
            ]
            self.element("ReportUnitHierarchy", pairs, None)
        root = raw.get("root")
        if isinstance(root, dict):
            self.step(root, 0)
        self.parts.append("</Report>")

    def uut(self, uut: JSONObject) -> None:
        pairs = [
            ("UserLoginName", uut.get("user")),
            ("BatchSN", uut.get("batchSN")),
            ("TestSocketIndex", uut.get("testSocketIndex")),
            ("ExecutionTime", uut.get("execTime")),
            ("FixtureId", uut.get("fixtureId")),
            ("ErrorCode", uut.get("errorCode")),
            ("ErrorMessage", uut.get("errorMessage")),
            ("BatchFailCount", uut.get("batchFailCount")),
            ("BatchLoopIndex", uut.get("batchLoopIndex")),
            ("StepIdCausedUUTFailure", uut.get("stepIdCausedUUTFailure")),
        ]
        comment = uut.get("comment")
        if comment is None:
            self.element("UUT", pairs, None)
        else:
            self.parts.append(f"<UUT{_attrs(pairs)}><Comment>{_text(comment)}</Comment></UUT>")

    def step(self, step: JSONObject, step_index: int) -> None:
        parts = self.parts
        parts.append(
            "<Step"
            + _attrs(
                [
                    ("Id", step.get("id")),
                    ("Group", _word(GROUP_WORDS, step.get("group"))),
                    ("Name", step.get("name")),
                    ("StepType", step.get("stepType")),
                    ("Status", _word(STATUS_WORDS, step.get("status"))),
                    ("total_time", step.get("totTime")),
                    ("StepIndex", step_index),
                    ("StepErrorCode", step.get("errorCode")),
                    ("StepErrorMessage", step.get("errorMessage")),
                    ("StepCausedUUTFailure", step.get("causedUUTFailure")),
                ]
            )
        )
        mark = len(parts)
        loop = step.get("loop")
        if isinstance(loop, dict):
            pairs = [
                ("num", loop.get("num")),
                ("passed", loop.get("passed")),
                ("failed", loop.get("failed")),
                ("ending_index", loop.get("endingIndex")),
                ("index", loop.get("idx")),
            ]
            self.element("Loop", pairs, None)
        if step.get("reportText") is not None:
            parts.append(f"<ReportText>{_text(step['reportText'])}</ReportText>")
        seq_call = step.get("seqCall")
        if isinstance(seq_call, dict):
            self.seq_call(seq_call)
        self.measurements(step)
        index = -1
        for child in step.get("steps") or []:
            loop = child.get("loop")
            if not (isinstance(loop, dict) and loop.get("idx") is not None):
                index += 1  # a loop's iterations share the summary's StepIndex
            self.step(child, max(index, 0))
        if len(parts) == mark:  # nothing inside: WATS writes an empty element
            parts[-1] += " />"
        else:
            parts[mark - 1] += ">"
            parts.append("</Step>")

    def seq_call(self, seq_call: JSONObject) -> None:
        path, version = seq_call.get("path"), seq_call.get("version")
        filename = "" if version is None or path is None else path.replace("\\", "/").split("/")[-1]
        pairs = [
            ("Name", seq_call.get("name")),
            ("Version", "" if version is None else version),
            ("Filename", filename),
            ("Filepath", path),
            ("MeasIndex", 0),
        ]
        self.element("SequenceCall", pairs, None)

    def next_order(self) -> int:
        self.order += 1
        return self.order - 1

    def measurements(self, step: JSONObject) -> None:
        for index, meas in enumerate(step.get("numericMeas") or []):
            pairs = [
                ("Name", meas.get("name")),
                ("NumericValue", meas.get("value")),
                ("Units", meas.get("unit") or ""),
                ("CompOperator", meas.get("compOp")),
                ("HighLimit", meas.get("highLimit")),
                ("LowLimit", meas.get("lowLimit")),
                ("Status", _word(STATUS_WORDS, meas.get("status"))),
                ("MeasIndex", index),
                ("MeasOrderNumber", self.next_order()),
            ]
            self.element("NumericLimit", pairs, None)
        for index, meas in enumerate(step.get("booleanMeas") or []):
            pairs = [
                ("Name", meas.get("name")),
                ("MeasIndex", index),
                ("Status", _word(STATUS_WORDS, meas.get("status"))),
                ("MeasOrderNumber", self.next_order()),
            ]
            self.element("PassFail", pairs, None)
        for index, meas in enumerate(step.get("stringMeas") or []):
            pairs = [
                ("Name", meas.get("name")),
                ("CompOperator", meas.get("compOp")),
                ("StringLimit", meas.get("limit")),
                ("StringValue", meas.get("value")),
                ("Status", _word(STATUS_WORDS, meas.get("status"))),
                ("MeasOrderNumber", self.next_order()),
                ("MeasIndex", index),
            ]
            self.element("StringValue", pairs, None)
        popup = step.get("messagePopup")
        if isinstance(popup, dict):
            pairs = [
                ("Button", popup.get("button")),
                ("Response", popup.get("response") or ""),
                ("MeasIndex", 0),
            ]
            self.element("MessagePopup", pairs, None)
        call_exe = step.get("callExe")
        if isinstance(call_exe, dict):
            self.element(
                "Callexe", [("ExitCode", call_exe.get("exitCode")), ("MeasIndex", 0)], None
            )
        chart = step.get("chart")
        if isinstance(chart, dict):
            self.chart(chart)

    def chart(self, chart: JSONObject) -> None:
        pairs = [
            ("idx", 0),
            ("ChartType", chart.get("chartType")),
            ("Label", chart.get("label")),
            ("XLabel", chart.get("xLabel")),
            ("XUnit", chart.get("xUnit") or ""),
            ("YLabel", chart.get("yLabel")),
            ("YUnit", chart.get("yUnit") or ""),
        ]
        self.parts.append(f"<Chart{_attrs(pairs)}>")
        for series in chart.get("series") or []:
            pairs = [("Name", series.get("name")), ("DataType", series.get("dataType"))]
            self.parts.append(f"<Series{_attrs(pairs)}>")
            for key in ("ydata", "xdata"):
                if series.get(key) is not None:
                    self.parts.append(f"<{key}>{_text(series[key])}</{key}>")
            self.parts.append("</Series>")
        self.parts.append("</Chart>")


def write_wsxf(report: Report | Sequence[Report], *, validate: bool = False) -> str:
    """The WSXF text of one report or several (one `Reports` document).

    Only UUT reports have a known WSXF layout: a UUR raises ReportValidationError. With
    `validate`, each report is first checked against the submit rules (`Report.validate`).
    """
    reports = reports_of(report)
    writer = _Writer()
    writer.parts.append(_PROLOG)
    for item in reports:
        if item.type != "T":
            raise ReportValidationError(
                [("type", f"{item.type!r}: only UUT reports have a known WSXF layout; use WSJF")]
            )
        if validate:
            item.validate()
        writer.report(item.raw)
    writer.parts.append("</Reports>")
    return "".join(writer.parts)
