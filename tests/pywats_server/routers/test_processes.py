"""Process endpoints: the seeded list, the fail-code tree, and administrator-only edits."""

from __future__ import annotations

import uuid

import httpx
import pytest

from pywats_server.storage import Database, UserStore

pytestmark = pytest.mark.anyio


async def test_seeded_processes_and_kinds(api: httpx.AsyncClient) -> None:
    everything = (await api.get("/api/App/Processes")).json()
    codes = {p["code"]: p for p in everything}
    assert {10, 50, 90, 100, 500, 510} <= set(codes)
    assert codes[90]["name"] == "Burn In test"
    assert codes[500]["isRepairOperation"]
    assert not codes[500]["isTestOperation"]
    tests_only = await api.get("/api/App/Processes", params={"includeRepairOperations": "false"})
    assert all(p["isTestOperation"] for p in tests_only.json())


async def test_repair_operation_tree_holds_the_sample_fail_codes(api: httpx.AsyncClient) -> None:
    configs = (await api.get("/api/internal/Process/GetRepairOperations")).json()
    categories = {c["Description"]: c for c in configs["500"]["Categories"]}
    assert "Burned Component" in {f["Description"] for f in categories["Component"]["Failcodes"]}


async def test_admin_edits_processes_and_repair_trees(api: httpx.AsyncClient) -> None:
    code = 700 + uuid.uuid4().int % 200
    body = {"Code": code, "Name": "Rework", "IsRepairOperation": True}
    saved = (await api.put("/api/internal/Process/PutProcess", json=body)).json()
    process_id = saved["ProcessID"]
    tree = {
        "Description": "Rework",
        "Categories": [{"Description": "Solder", "Failcodes": [{"Description": "Bridge"}]}],
    }
    put = await api.put(f"/api/internal/Process/PutRepairOperation/{process_id}", json=tree)
    assert put.status_code == 200, put.text
    fetched = (await api.get(f"/api/internal/Process/GetRepairOperation/{process_id}")).json()
    assert fetched["Categories"][0]["Failcodes"][0]["Description"] == "Bridge"
    renamed = await api.put("/api/internal/Process/PutProcess", json={**body, "Name": "Rework 2"})
    assert renamed.json()["ProcessID"] == process_id
    deleted = await api.delete(f"/api/internal/Process/DeleteProcess/{process_id}")
    assert deleted.status_code == 200
    gone = await api.get(f"/api/internal/Process/GetProcess/{process_id}")
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"Name": "No code", "IsTestOperation": True}, "Code"),
        ({"Code": 801, "Name": "No kind"}, "IsTestOperation"),
        ({"Code": "x", "Name": "Bad", "IsTestOperation": True}, "Code"),
        ({"Code": 802, "Name": "Extra", "IsTestOperation": True, "Colour": 1}, "Colour"),
    ],
)
async def test_bad_process_edits_are_400(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await api.put("/api/internal/Process/PutProcess", json=body)
    assert response.status_code == 400
    assert field in response.json()["Message"]


async def test_non_admin_cannot_edit(
    asgi_transport: httpx.ASGITransport, server_db_url: str
) -> None:
    database = Database(server_db_url)
    users = UserStore(database)
    name = f"station-{uuid.uuid4().hex[:6]}"
    users.create_user(name, is_admin=False)
    token = users.issue_token(name)
    database.dispose()
    headers = {"Authorization": f"Basic {token}", "Referer": "http://t"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://t", headers=headers
    ) as client:
        assert (await client.get("/api/App/Processes")).status_code == 200
        body = {"Code": 803, "Name": "Nope", "IsTestOperation": True}
        response = await client.put("/api/internal/Process/PutProcess", json=body)
    assert response.status_code == 403
    assert name in response.json()["Message"]
