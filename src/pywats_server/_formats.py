"""Report documents in and out: parse and validate submissions, convert between WSJF and WSXF.

Validation uses the SDK's report model (`pywats.report`); the header checks and index rows come
from `storage.extract_rows`. Every failure becomes a 400 whose message names the field (and for
WSXF the XML element or attribute, or the line of a syntax error).
"""

from __future__ import annotations

import json
from typing import Any

from pywats import ReportFormatError
from pywats.report import (
    UURReport,
    UUTReport,
    read_wsxf,
    read_wsxf_all,
    report_from_json,
    write_wsjf,
    write_wsxf,
)

from ._errors import ApiError
from .storage import ReportDocumentError, StoredDocument, Submission, extract_rows

__all__ = ["convert_document", "parse_submission", "parse_wsxf_submission"]

# Where the header fields checked by `extract_rows` live in a WSXF `Report` element.
_XML_NAMES = {
    "id": "attribute ID",
    "type": "attribute type",
    "sn": "attribute SN",
    "pn": "attribute PN",
    "rev": "attribute Rev",
    "result": "attribute Result",
    "start": "attribute Start",
    "processCode": "element Process, attribute Code",
    "root": "the root Step element",
}


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"body: expected UTF-8 JSON text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"body: malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ApiError(400, "body: JSON nested too deeply") from None


def parse_submission(body: bytes, format: str) -> Submission:
    """Validate a submitted WSJF document and extract its rows; raises ApiError(400)."""
    if not body:
        raise ApiError(400, "body: expected a report document, got an empty body")
    document = _load_json(body)
    if not isinstance(document, dict):
        raise ApiError(400, f"body: expected one JSON report object, got {type(document).__name__}")
    try:
        # The row extraction checks shapes (objects, arrays) first, so the model sees only
        # documents it can walk.
        rows = extract_rows(document, len(body))
        report_from_json(document)
    except (ReportFormatError, ReportDocumentError) as exc:
        raise ApiError(400, f"report {exc}") from None
    return Submission(rows, body, format)


def _read_wsxf(body: bytes) -> list[UUTReport | UURReport]:
    try:
        reports = read_wsxf_all(body)
    except ReportFormatError as exc:
        message = str(exc)
        raise ApiError(400, message if message.startswith("WSXF") else f"WSXF {message}") from None
    except RecursionError:
        raise ApiError(400, "WSXF document: Step elements nested too deeply") from None
    if not reports:
        raise ApiError(400, "WSXF Reports element: expected at least one Report element, got none")
    return reports


def parse_wsxf_submission(body: bytes) -> list[Submission]:
    """Validate a WSXF document of one or more reports; raises ApiError(400) naming the element.

    A one-report document is stored verbatim. A document of several reports is split: each
    report is stored as its own WSXF document (as `write_wsxf` writes it), so fetching one id
    returns that report alone.
    """
    if not body:
        raise ApiError(400, "body: expected a WSXF document, got an empty body")
    reports = _read_wsxf(body)
    submissions = []
    for index, report in enumerate(reports):
        document = body if len(reports) == 1 else write_wsxf(report).encode("utf-8")
        try:
            rows = extract_rows(report.raw, len(document))
        except ReportDocumentError as exc:
            where = f"Report[{index}]: " if len(reports) > 1 else "Report: "
            xml = _XML_NAMES.get(exc.field)
            raise ApiError(400, f"WSXF {where}{exc}" + (f" (XML {xml})" if xml else "")) from None
        submissions.append(Submission(rows, document, "wsxf"))
    return submissions


def convert_document(stored: StoredDocument, format: str) -> bytes:
    """The stored document in `format`: the verbatim bytes when it was submitted that way.

    WSJF is converted to WSXF and back through the SDK's report model; a UUR (no known WSXF
    layout) or a document the XML writer cannot express answers 400.
    """
    if stored.format == format:
        return stored.body
    if format == "wsjf":
        # WSXF documents are stored one report each.
        return write_wsjf(read_wsxf(stored.body)).encode("utf-8")
    report = report_from_json(json.loads(stored.body))
    if report.type != "T":
        raise ApiError(
            400, "this report is a UUR: only UUT reports have a known WSXF layout; fetch it as WSJF"
        )
    try:
        return write_wsxf(report).encode("utf-8")
    # Submission checks the header and the shapes the index reads; anything else in the document
    # may still be too odd for the XML writer, which is the client's data problem, not a crash.
    except (ReportFormatError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise ApiError(400, f"this report cannot be written as WSXF: {exc}") from None
