"""Report documents in and out: parse and validate submissions, convert between WSJF and WSXF.

Validation uses the SDK's report model (`pywats.report`); the header checks and index rows come
from `storage.extract_rows`. Every failure becomes a 400 whose message names the field.
"""

from __future__ import annotations

import json
from typing import Any

from pywats import ReportFormatError
from pywats.report import report_from_json

from ._errors import ApiError
from .storage import ReportDocumentError, StoredDocument, Submission, extract_rows

__all__ = ["convert_document", "parse_submission"]


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
        report_from_json(document)
        rows = extract_rows(document, len(body))
    except (ReportFormatError, ReportDocumentError) as exc:
        raise ApiError(400, f"report {exc}") from None
    return Submission(rows, body, format)


def convert_document(stored: StoredDocument, format: str) -> bytes:
    """The stored document in `format`: the verbatim bytes when it was submitted that way."""
    if stored.format == format:
        return stored.body
    raise ApiError(404, f"this report was stored as {stored.format.upper()} only")
