"""Response models of `/api/Report`: submit receipts and the WSJF document's schema."""

from __future__ import annotations

from typing import Any

from ._answer import Answer

__all__ = ["WSJF_DOCUMENT", "SubmitAnswer", "SubmitAnswerWsjf"]


class SubmitAnswerWsjf(Answer):
    """The id of a stored WSJF report (WATS spells the key `ID` here)."""

    ID: str


class SubmitAnswer(Answer):
    """The id of one stored report of a WSXF document."""

    id: str


_TEXT = {"type": "string"}

#: A stored report as WSJF (the format's full grammar is WATS's; these are the keys every
#: report has, the rest pass through).
WSJF_DOCUMENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "type": {"type": "string", "enum": ["T", "R"]},
        "pn": _TEXT,
        "sn": _TEXT,
        "rev": _TEXT,
        "processCode": {"type": "integer"},
        "result": _TEXT,
        "machineName": _TEXT,
        "start": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "type", "pn", "sn", "rev", "processCode"],
    "additionalProperties": True,
}
