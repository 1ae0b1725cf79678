"""The `assets` expansion of report headers, read from the stored documents (rest-api §4.2).

The expansion reads the verbatim WSJF documents of the returned page, not the `report_assets`
rows (which serve analytics), because its counters come from the document's `assetStats` entry
of the same serial number when it carries one. A WSXF document has no known form for assets, so
its list is empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from .report_tables import report_documents

__all__ = ["report_assets"]

_STATS = ("runningCount", "totalCount", "daysSinceCalibration", "calibrationDaysOverdue")


def report_assets(connection: Connection, pks: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each report's assets as `{serialNumber, runningCount, totalCount, daysSinceCalibration,
    calibrationDaysOverdue}`, in document order; counters the document lacks are None."""
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
    d = report_documents.c
    query = select(d.report_pk, d.body).where(d.report_pk.in_(pks), d.format == "wsjf")
    for pk, body in connection.execute(query):
        found[pk] = _assets(json.loads(bytes(body)))
    return found


def _assets(document: dict[str, Any]) -> list[dict[str, Any]]:
    # Submissions were validated on the way in, so both lists hold objects when present.
    stats = {s.get("sn"): s for s in document.get("assetStats") or [] if isinstance(s, dict)}
    items = []
    for asset in document.get("assets") or []:
        serial = asset.get("sn")
        known = stats.get(serial, {})
        items.append({"serialNumber": serial, **{key: known.get(key) for key in _STATS}})
    return items
