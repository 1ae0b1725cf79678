"""Report documents in and out: parse and validate submissions, convert between WSJF and WSXF.

Validation applies the SDK's submit rules (`pywats.report`: `report_problems` on a parsed WSJF
document, or on the document a WSXF report reads as); the header checks and index rows come
from `storage.extract_rows`, whose walk over the steps also applies the step rules. Every
failure becomes a 400 whose message names the field (and for WSXF the XML element or attribute,
or the line of a syntax error).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any

import orjson

from pywats import ReportFormatError
from pywats.report import (
    Operations,
    StepRules,
    UURReport,
    UUTReport,
    read_wsxf,
    read_wsxf_all,
    report_from_json,
    report_problems,
    write_wsjf,
    write_wsxf,
)

from ._errors import ApiError
from ._json import JsonBodyError, load_json
from .storage import (
    ReportDocumentError,
    StoredDocument,
    Submission,
    extract_rows,
    local_start,
)

__all__ = ["export_document", "parse_submission", "parse_wsxf_submission", "submission_origin"]

_ORIGIN_NAMESPACE = uuid.UUID("6f1d0c1e-3b52-4c7e-9a0e-5d2b8f7a4c11")

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


# A run of 20 ASCII digits, found by mapping every digit to "0" and searching for twenty of
# them: C-speed translate and search, several times faster than a regular expression here.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 20


def _load_json(body: bytes) -> tuple[Any, bool]:
    """The parsed body, and whether it was UTF-8 (`json` also reads UTF-16 and UTF-32)."""
    # orjson parses a report several times faster; it refuses a few things `json` reads (NaN
    # literals, lone surrogates, other encodings), so anything it refuses is parsed again by
    # `json`, which accepts those and words the error. It would read an integer past 64 bits
    # as a float, so a body with a run of 20 digits (maybe such an integer) goes to `json`.
    if _LONG_DIGITS not in body.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(body), True
        except orjson.JSONDecodeError:
            pass
    try:
        return load_json(body), False
    except JsonBodyError as exc:
        raise ApiError(400, str(exc)) from None


def submission_origin(caller: str) -> str:
    """The `origin` of reports a caller submits: a GUID per account, as WATS shows for API
    clients (a sent `origin` is output-only and ignored)."""
    return str(uuid.uuid5(_ORIGIN_NAMESPACE, caller)).upper()


def _refuse(problems: list[tuple[str, str]], where: str = "") -> None:
    """400 listing every broken submit rule: the server applies the SDK's rules, the ones
    builders, converters and the station apply before sending (`Report.problems`)."""
    if problems:
        listed = "; ".join(f"{path}: {message}" for path, message in problems)
        raise ApiError(400, f"{where}report breaks the WATS submit rules: {listed}")


def parse_submission(
    body: bytes, format: str, origin: str, operations: Operations | None = None
) -> Submission:
    """Validate a submitted WSJF document and extract its rows; raises ApiError(400).

    `origin` (from `submission_origin`) is what the server records as the report's origin;
    `operations` (the server's processes) adds the rules on process codes and fail codes."""
    if not body:
        raise ApiError(400, "body: expected a report document, got an empty body")
    document, utf8 = _load_json(body)
    if not isinstance(document, dict):
        raise ApiError(400, f"body: expected one JSON report object, got {type(document).__name__}")
    try:
        # The row extraction checks shapes (objects, arrays) first, so the rules see only
        # documents they can walk; they read the document itself, as `Report.problems` does,
        # without the model's view of every step a submission does not need. The step rules
        # are applied in the extraction's walk over the steps, which checked each step's shapes.
        steps = StepRules()
        rows = extract_rows(document, len(body), steps)
        problems = report_problems(
            document, operations, json_text=body if utf8 else None, steps=steps
        )
    except ReportDocumentError as exc:
        raise ApiError(400, f"report {exc}") from None
    _refuse(problems)
    rows.header["origin"] = origin
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


def parse_wsxf_submission(
    body: bytes, origin: str, operations: Operations | None = None
) -> list[Submission]:
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
        steps = StepRules()
        try:
            rows = extract_rows(report.raw, len(document), steps)
        except ReportDocumentError as exc:
            where = f"Report[{index}]: " if len(reports) > 1 else "Report: "
            xml = _XML_NAMES.get(exc.field)
            raise ApiError(400, f"WSXF {where}{exc}" + (f" (XML {xml})" if xml else "")) from None
        _refuse(
            report_problems(report.raw, operations, steps=steps),
            "WSXF Report: " if len(reports) == 1 else f"WSXF Report[{index}]: ",
        )
        rows.header["origin"] = origin
        submissions.append(Submission(rows, document, "wsxf"))
    return submissions


# Envelope keys in the order WATS exports them (wsjf.md §2); other keys follow in their order.
_EXPORT_ORDER = (
    "type", "id", "pn", "sn", "rev", "productName", "processCode", "processCodeFormat",
    "processName", "result", "machineName", "location", "purpose", "origin", "start", "startUTC",
    "root", "uut", "uur", "miscInfos", "subUnits", "assets", "assetStats", "additionalData",
)  # fmt: skip


_FRACTION = re.compile(r"T\d{2}:\d{2}:\d{2}([.,]\d+)")


def _renumber_steps(root: dict[str, Any]) -> dict[int, int]:
    """Number the steps 1..n in depth-first pre-order (root = 1), `id` first as WATS writes it.

    Returns each submitted id -> its number, for the keys that refer to steps.
    """
    renumbered: dict[int, int] = {}
    stack: list[tuple[list[Any] | None, int, dict[str, Any]]] = [(None, 0, root)]
    number = 0
    while stack:
        siblings, index, step = stack.pop()
        number += 1
        submitted = step.pop("id", None)
        if isinstance(submitted, int):
            renumbered.setdefault(submitted, number)
        numbered = {"id": number, **step}
        if siblings is None:
            root.clear()
            root.update(numbered)
            numbered = root
        else:
            siblings[index] = numbered
        children = numbered.get("steps")
        if isinstance(children, list):
            for position in reversed(range(len(children))):
                if isinstance(children[position], dict):
                    stack.append((children, position, children[position]))
    return renumbered


def _start_utc(start_utc: datetime, start: object) -> str:
    """`startUTC` as WATS writes it: the instant in UTC with the fraction digits of `start`
    (up to 7, which a datetime cannot hold; offsets are whole minutes, so they carry over)."""
    match = _FRACTION.search(start) if isinstance(start, str) else None
    fraction = match.group(1).replace(",", ".") if match else ""
    return f"{start_utc:%Y-%m-%dT%H:%M:%S}{fraction}Z"


def _exported(raw: dict[str, Any], stored: StoredDocument) -> dict[str, Any]:
    """The report as WATS exports it: steps numbered, server-derived fields filled."""
    root, uut = raw.get("root"), raw.get("uut")
    if isinstance(root, dict):
        renumbered = _renumber_steps(root)
        if isinstance(uut, dict) and uut.get("stepIdCausedUUTFailure") is not None:
            uut["stepIdCausedUUTFailure"] = renumbered.get(uut["stepIdCausedUUTFailure"])
    derived = {
        "productName": stored.product_name,
        "processCodeFormat": raw.get("processCodeFormat"),
        "processName": stored.process_name,
        "origin": stored.origin,
        "startUTC": _start_utc(stored.start_utc, raw.get("start")),
    }
    if raw.get("start") is None:  # sent with only startUTC: the start the server derived
        derived["start"] = local_start(stored.start_utc)
    merged = {**raw, **derived}
    ordered = {key: merged[key] for key in _EXPORT_ORDER if key in merged}
    return {**ordered, **{key: value for key, value in merged.items() if key not in ordered}}


def export_document(stored: StoredDocument, format: str) -> bytes:
    """The stored report as WATS exports it in `format` ("wsjf" or "wsxf").

    The submission stays stored verbatim; the export numbers its steps 1..n in pre-order and
    carries `startUTC`, `processName`, `productName` and `origin` as the server derived them.
    A UUR as WSXF (no known layout) or a document the XML writer cannot express answers 400.
    """
    # WSXF documents are stored one report each.
    raw = read_wsxf(stored.body).raw if stored.format == "wsxf" else json.loads(stored.body)
    report = report_from_json(_exported(raw, stored))
    if format == "wsjf":
        return write_wsjf(report).encode("utf-8")
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
