"""Reports come back the way WATS exports them: steps numbered 1..n in pre-order, the
server-derived fields filled, while the submission itself stays stored verbatim."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pywats.report import read_wsxf, report_from_json, write_wsxf
from pywats_server._formats import submission_origin

pytestmark = pytest.mark.anyio


def _step(step_id: int | None, name: str, **extra: Any) -> dict[str, Any]:
    step: dict[str, Any] = {} if step_id is None else {"id": step_id}
    step.update(group="M", stepType="ET_PFT", name=name, status="P", totTime=0.1)
    step.update(causedUUTFailure=False, booleanMeas=[{"name": None, "status": "P"}])
    return {**step, **extra}


def _foreign_uut(part_number: str, ids: list[int | None]) -> dict[str, Any]:
    """A UUT as a foreign producer writes it: its own step ids (or none), a process name and
    origin of its own making."""
    first, second, third, fourth = ids
    inner = {
        **_step(third, "Inner"),
        "stepType": "SequenceCall",
        "steps": [_step(fourth, "Deep", status="F", causedUUTFailure=True)],
    }
    del inner["booleanMeas"]
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": part_number,
        "sn": "SN-EXPORT-1",
        "rev": "A",
        "processCode": 100,
        "processName": "Totally wrong name",
        "productName": "Not the product",
        "origin": "sent-by-client",
        "result": "F",
        "machineName": "FCT-1",
        "location": "Line 1",
        "purpose": "Production",
        "start": "2026-03-02T08:15:30.1234567+01:00",
        "uut": {"user": "op", "stepIdCausedUUTFailure": fourth},
        "root": {
            **_step(first, "MainSequence Callback"),
            "stepType": "SequenceCall",
            "status": "F",
            "steps": [_step(second, "First"), inner],
            "seqCall": {"path": "C:\\T\\Board.seq", "name": "Board.seq", "version": "1.0"},
        },
    }


def _ids(step: dict[str, Any]) -> list[int]:
    return [step["id"], *(i for child in step.get("steps") or [] for i in _ids(child))]


async def _operation_name(api: httpx.AsyncClient, code: int) -> str:
    processes = (await api.get("/api/App/Processes")).json()
    name: str = next(p["name"] for p in processes if p["code"] == code)
    return name


async def test_a_real_export_comes_back_as_exported_with_the_origin_the_server_records(
    api: httpx.AsyncClient, server_app: FastAPI, samples: Path
) -> None:
    body = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    assert (await api.post("/api/Report/WSJF", content=body)).status_code == 200
    sample = json.loads(body)
    fetched = await api.get(f"/api/Report/Wsjf/{sample['id']}")
    assert fetched.json() == {**sample, "origin": submission_origin("admin")}
    # The submission itself is kept byte for byte.
    stored = server_app.state.context.reports.document(sample["id"])
    assert stored.body == body


@pytest.mark.parametrize(
    "ids", [[None, None, None, None], [0, 5, 9, 12]], ids=["no ids", "own ids"]
)
async def test_steps_are_numbered_in_pre_order_and_server_fields_filled(
    api: httpx.AsyncClient, server_app: FastAPI, ids: list[int | None]
) -> None:
    part_number = f"PN-EXPORT-{uuid.uuid4().hex[:8]}"
    product = await api.put("/api/Product", json={"partNumber": part_number, "name": "Board X"})
    assert product.status_code == 200, product.text
    report = _foreign_uut(part_number, ids)
    body = json.dumps(report).encode()
    assert (await api.post("/api/Report/WSJF", content=body)).status_code == 200

    exported = (await api.get(f"/api/Report/Wsjf/{report['id']}")).json()
    assert _ids(exported["root"]) == [1, 2, 3, 4]
    assert next(iter(exported["root"])) == "id"
    assert exported["uut"]["stepIdCausedUUTFailure"] == (None if ids[3] is None else 4)
    assert exported["startUTC"] == "2026-03-02T07:15:30.1234567Z"
    assert exported["processName"] == await _operation_name(api, 100)
    assert exported["productName"] == "Board X"
    assert exported["origin"] == submission_origin("admin")
    assert list(exported)[:6] == ["type", "id", "pn", "sn", "rev", "productName"]
    assert server_app.state.context.reports.document(report["id"]).body == body

    # The header query shows the server's process name, not the sent one.
    headers = await api.get(
        "/api/Report/Query/Header", params={"$filter": f"uuid eq {report['id']}"}
    )
    [header] = headers.json()
    assert header["processName"] == exported["processName"]


async def test_the_wsxf_export_carries_the_same_numbering_and_fields(
    api: httpx.AsyncClient,
) -> None:
    report = _foreign_uut("PN-EXPORT-XML", [0, 5, 9, 12])
    submitted = await api.post(
        "/api/Report/WSXF",
        content=write_wsxf(report_from_json(report)).encode(),
        headers={"Content-Type": "application/xml"},
    )
    assert submitted.json() == {"id": report["id"]}
    for path in (f"/api/Report/Wsxf/{report['id']}", f"/api/Report/Wsjf/{report['id']}"):
        fetched = await api.get(path)
        assert fetched.status_code == 200, fetched.text
        read = read_wsxf(fetched.content) if "Wsxf" in path else report_from_json(fetched.json())
        assert not isinstance(read, list)
        assert _ids(read.raw["root"]) == [1, 2, 3, 4]
        assert read.raw["uut"]["stepIdCausedUUTFailure"] == 4
        assert read.raw["processName"] == await _operation_name(api, 100)
        assert read.raw["startUTC"] == "2026-03-02T07:15:30.1234567Z"


async def test_a_step_attachment_is_found_by_the_exported_step_id(api: httpx.AsyncClient) -> None:
    report = _foreign_uut("PN-EXPORT-ATT", [None, None, None, None])
    report["root"]["steps"][1]["steps"][0]["attachment"] = {
        "name": "trace.bin",
        "contentType": "application/octet-stream",
        "data": base64.b64encode(b"deep step").decode(),
    }
    assert (await api.post("/api/Report/WSJF", content=json.dumps(report))).status_code == 200
    exported = (await api.get(f"/api/Report/Wsjf/{report['id']}")).json()
    deep = exported["root"]["steps"][1]["steps"][0]
    assert (deep["id"], deep["attachment"]["name"]) == (4, "trace.bin")
    found = await api.get(
        "/api/Report/Attachment", params={"stepId": deep["id"], "reportId": report["id"]}
    )
    assert found.status_code == 200, found.text
    assert found.content == b"deep step"


async def test_a_report_with_only_start_utc_gets_the_start_the_server_derives(
    api: httpx.AsyncClient,
) -> None:
    """WATS derives the local start from startUTC when only that is sent (wats-rules.md U27):
    the instant in the server's time zone, with its offset, in the export and the headers."""
    report = _foreign_uut(f"PN-UTC-{uuid.uuid4().hex[:8]}", [1, 2, 3, 4])
    del report["start"]
    report["startUTC"] = "2026-03-02T07:15:30Z"
    assert (await api.post("/api/Report/WSJF", json=report)).status_code == 200

    exported = (await api.get(f"/api/Report/Wsjf/{report['id']}")).json()
    start = datetime.fromisoformat(exported["start"])
    assert start.utcoffset() is not None
    assert start == datetime(2026, 3, 2, 7, 15, 30, tzinfo=timezone.utc)
    assert exported["startUTC"].startswith("2026-03-02T07:15:30")
    headers = await api.get(
        "/api/Report/Query/Header", params={"$filter": f"uuid eq {report['id']}"}
    )
    [header] = headers.json()
    assert datetime.fromisoformat(header["start"]) == start
