"""Assets on the wire: the stores answer records, the answers keep WATS's names (`ClientId`
PascalCase among camelCase), and an update keeps what it leaves out."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_asset_answers_and_an_update_that_keeps_what_it_leaves_out(
    api: httpx.AsyncClient,
) -> None:
    kind = await api.put("/api/Asset/Types", json={"typeName": f"Jig-{uuid.uuid4().hex[:6]}",
                                                   "runningCountLimit": 10})  # fmt: skip
    assert list(kind.json()) == [
        "typeId", "typeName", "runningCountLimit", "totalCountLimit", "maintenanceInterval",
        "calibrationInterval", "warningThreshold", "alarmThreshold", "isReadonly", "icon",
    ]  # fmt: skip
    serial = f"JIG-{uuid.uuid4().hex[:8]}"
    body = {"serialNumber": serial, "typeId": kind.json()["typeId"], "location": "Line 1",
            "ClientId": 7, "runningCount": 9}  # fmt: skip
    saved = await api.put("/api/Asset", json=body)
    assert saved.status_code == 200, saved.text
    asset = saved.json()
    assert "ClientId" in asset
    assert "clientId" not in asset
    assert list(asset)[-3:] == ["assetType", "tags", "assetChildren"]
    moved = await api.put("/api/Asset", json={"serialNumber": serial, "assetName": "Jig A"})
    after = moved.json()
    assert (after["assetName"], after["location"], after["ClientId"]) == ("Jig A", "Line 1", 7)
    status = await api.get("/api/Asset/Status", params={"serialNumber": serial})
    assert list(status.json()) == [
        "assetId", "serialNumber", "state", "runningCount", "totalCount", "lastCalibrationDate",
        "lastMaintenanceDate", "nextCalibrationDate", "nextMaintenanceDate", "alarmState",
        "alarmStateName", "messages",
    ]  # fmt: skip
    assert (status.json()["alarmStateName"], status.json()["messages"]) == (
        "Warning", ["running count 9 of 10 (90%)"],
    )  # fmt: skip
    log = await api.get("/api/Asset/Log", params={"$filter": f"serialNumber eq '{serial}'"})
    assert [entry["comment"] for entry in log.json()] == ["registered", "updated"]
