"""WSJF (WATS Standard JSON Format) reading and writing.

Reading keeps the parsed JSON as the report's storage, so writing it back reproduces the input:
same keys in the same order, same values and JSON types, `null` versus absent, unknown keys.
Output is compact with `/`, `<`, `>` and non-ASCII text written raw, as WATS exports are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pywats._exceptions import ReportFormatError
from pywats.report._report import Report, reports_of
from pywats.report._uur import UURReport
from pywats.report._uut import UUTReport

__all__ = ["read_wsjf", "read_wsjf_all", "report_from_json", "write_wsjf"]


def read_wsjf(data: str | bytes) -> UUTReport | UURReport:
    """Parse a WSJF document holding one report object.

    Raises ReportFormatError naming the position or path when the text is not JSON or not a
    report, and for a JSON array of reports (read those with `read_wsjf_all`). Submit rules
    (lengths, required values) are not checked: see `Report.validate`.
    """
    document = _json(data)
    if isinstance(document, list):
        raise ReportFormatError(
            f"WSJF document: expected one report object, got a JSON array of {len(document)}; "
            "read it with read_wsjf_all"
        )
    return report_from_json(document)


def read_wsjf_all(data: str | bytes) -> list[UUTReport | UURReport]:
    """Parse a WSJF document of one report object or a JSON array of them, as a list."""
    document = _json(data)
    if not isinstance(document, list):
        return [report_from_json(document)]
    reports = []
    for index, item in enumerate(document):
        try:
            reports.append(report_from_json(item))
        except ReportFormatError as exc:
            raise ReportFormatError(f"[{index}].{exc}") from None
    return reports


def _json(data: str | bytes) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise ReportFormatError(f"WSJF document is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"WSJF document is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def report_from_json(document: Any) -> UUTReport | UURReport:
    """View an already-parsed JSON report object as a `UUTReport` or `UURReport` (no copy).

    Raises ReportFormatError when it is not an object with `type` "T" or "R".
    """
    if not isinstance(document, dict):
        raise ReportFormatError(
            f"WSJF report: expected a JSON object, got {type(document).__name__}"
        )
    kind = document.get("type")
    if kind == "T":
        return UUTReport(document)
    if kind == "R":
        return UURReport(document)
    raise ReportFormatError(f"type: expected 'T' (UUT) or 'R' (UUR), got {kind!r}")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write_wsjf(report: Report | Sequence[Report], *, validate: bool = False) -> str:
    """The compact WSJF text of one report, or a JSON array for a sequence of reports.

    With `validate`, each report is checked against the submit rules first (`Report.validate`,
    raising ReportValidationError); use it when producing data for a server. Anything but
    reports raises TypeError.
    """
    reports = reports_of(report)
    text = _ENCODER.encode(report.raw if isinstance(report, Report) else [r.raw for r in reports])
    if validate:
        # The text just written spares each check encoding its report again (`json_text`).
        written = text.encode("utf-8")
        for item in reports:
            item.validate(json_text=written)
    return text
