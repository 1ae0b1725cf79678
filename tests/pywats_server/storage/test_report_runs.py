"""`run` and `passedInRun` of report headers, through the header query on both backends."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


def _uut(serial: str, result: str, start: str, *, process_code: int = 100) -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "RUNS-PCBA",
        "sn": serial,
        "rev": "A",
        "processCode": process_code,
        "result": result,
        "machineName": "FCT-1",
        "location": "Line 1",
        "purpose": "Production",
        "start": start,
        "uut": {"user": "op", "execTime": 1.0},
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "seqCall": {"path": "Main.seq", "name": "Main.seq", "version": "1.0"},
            "status": result,
            "totTime": 1.0,
            "causedUUTFailure": False,
            "steps": [],
        },
    }


async def _runs(api: httpx.AsyncClient, serial: str, **extra: str) -> list[tuple[int, Any]]:
    params = {"$filter": f"serialNumber eq '{serial}'", "$orderby": "start asc", **extra}
    response = await api.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 200, response.text
    return [(h["run"], h["passedInRun"]) for h in response.json()]


async def test_passed_in_run_is_the_first_passing_run_of_the_unit(api: httpx.AsyncClient) -> None:
    serial = f"RUNS-{uuid.uuid4().hex[:8]}"
    reports = [
        _uut(serial, "F", "2026-05-01T08:00:00Z"),
        _uut(serial, "E", "2026-05-01T09:00:00Z"),
        _uut(serial, "P", "2026-05-01T10:00:00Z"),
        _uut(serial, "P", "2026-05-01T11:00:00Z"),
        # Another operation counts its own runs.
        _uut(serial, "P", "2026-05-01T07:00:00Z", process_code=50),
    ]
    # Submitted out of order: runs follow the start time, not the arrival.
    for report in reversed(reports):
        submitted = await api.post("/api/Report/WSJF", content=json.dumps(report).encode())
        assert submitted.status_code == 200, submitted.text

    fct = await _runs(
        api, serial, **{"$filter": f"serialNumber eq '{serial}' and processCode eq 100"}
    )
    assert fct == [(1, 3), (2, 3), (3, 3), (4, 3)]
    assert await _runs(api, serial) == [(1, 1), (1, 3), (2, 3), (3, 3), (4, 3)]
    # A page computes the same numbers as the whole result.
    paged = {
        "$filter": f"serialNumber eq '{serial}' and processCode eq 100",
        "$skip": "1",
        "$top": "2",
    }
    assert await _runs(api, serial, **paged) == [(2, 3), (3, 3)]


async def test_passed_in_run_is_null_until_the_unit_passes(api: httpx.AsyncClient) -> None:
    serial = f"RUNS-{uuid.uuid4().hex[:8]}"
    for start in ("2026-05-02T08:00:00Z", "2026-05-02T09:00:00Z"):
        report = _uut(serial, "F", start)
        assert (await api.post("/api/Report/WSJF", content=json.dumps(report).encode())).is_success
    assert await _runs(api, serial) == [(1, None), (2, None)]
