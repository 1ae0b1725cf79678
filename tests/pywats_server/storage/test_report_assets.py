"""`$expand=assets` on the header query: assets read from the stored documents, both backends."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


def _uut(serial: str) -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "ASSET-PCBA",
        "sn": serial,
        "rev": "A",
        "processCode": 100,
        "result": "P",
        "machineName": "FCT-1",
        "location": "Line 1",
        "purpose": "Production",
        "start": "2026-06-01T08:00:00Z",
        "uut": {"user": "op"},
        "assets": [
            {"sn": f"DMM-{serial}", "usageCount": 2, "assetType": "DMM"},
            {"sn": f"FIX-{serial}", "usageCount": 1},
        ],
        "assetStats": [
            {
                "sn": f"DMM-{serial}",
                "runningCount": 12,
                "totalCount": 340,
                "daysSinceCalibration": 40,
                "calibrationDaysOverdue": 0,
            }
        ],
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "seqCall": {"path": "Main.seq", "name": "Main.seq", "version": "1.0"},
            "status": "P",
            "totTime": 1.0,
            "causedUUTFailure": False,
            "steps": [],
        },
    }


async def _expanded(api: httpx.AsyncClient, report_id: str) -> list[dict[str, Any]]:
    params = {"$filter": f"uuid eq {report_id}", "$expand": "Assets"}
    response = await api.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 200, response.text
    [header] = response.json()
    assets: list[dict[str, Any]] = header["assets"]
    return assets


async def test_assets_come_from_the_document_with_their_stats(api: httpx.AsyncClient) -> None:
    serial = f"AS-{uuid.uuid4().hex[:8]}"
    report = _uut(serial)
    assert (await api.post("/api/Report/WSJF", content=json.dumps(report).encode())).is_success
    assert await _expanded(api, report["id"]) == [
        {
            "serialNumber": f"DMM-{serial}",
            "runningCount": 12,
            "totalCount": 340,
            "daysSinceCalibration": 40,
            "calibrationDaysOverdue": 0,
        },
        {
            "serialNumber": f"FIX-{serial}",
            "runningCount": None,
            "totalCount": None,
            "daysSinceCalibration": None,
            "calibrationDaysOverdue": None,
        },
    ]
    unexpanded = await api.get(
        "/api/Report/Query/Header", params={"$filter": f"uuid eq {report['id']}"}
    )
    assert "assets" not in unexpanded.json()[0]


async def test_a_wsxf_report_has_no_assets(api: httpx.AsyncClient, samples: Path) -> None:
    body = (samples / "wats" / "uut-wsxf-export.xml").read_bytes()
    submitted = await api.post(
        "/api/Report/WSXF", content=body, headers={"Content-Type": "application/xml"}
    )
    assert submitted.status_code == 200, submitted.text
    assert await _expanded(api, submitted.json()["id"]) == []
