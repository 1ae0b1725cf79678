"""Manual inspection (rest-api.md §14) against the real server: the definition lifecycle and its
versions, relations and their conflicts, sequence content, reported runs, and the two checks."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

MI = "/api/internal/ManualInspection"


async def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json() if answer.content else None


async def _create(api: httpx.AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = await _ok(
        await api.post(f"{MI}/PostDefinition", json={"Name": name, **fields})
    )
    return created


async def _status(api: httpx.AsyncClient, definition_id: str, status: int) -> httpx.Response:
    body = {"TestSequenceDefinitionId": definition_id, "Status": status}
    return await api.put(f"{MI}/PutDefinitionNew", json=body)


async def test_definitions_are_versioned_by_name_and_follow_the_lifecycle(
    api: httpx.AsyncClient,
) -> None:
    name = f"Visual-{uuid.uuid4().hex[:6]}"
    first = await _create(api, name, Description="solder joints", OnFailRequireRepair=1)
    assert (first["Version"], first["Status"], first["Description"]) == (1, 0, "solder joints")
    assert first["OnFailRequireRepair"] == 1
    assert first["LogOperator"] is True
    definition_id = first["TestSequenceDefinitionId"]
    got = await _ok(
        await api.get(f"{MI}/GetTestSequenceDefinition", params={"definitionId": definition_id})
    )
    assert got == first

    # A Draft is edited; the fields not sent stay.
    body = {"TestSequenceDefinitionId": definition_id, "Description": "joints and labels"}
    edited = await _ok(await api.put(f"{MI}/PutDefinitionNew", json=body))
    assert (edited["Description"], edited["OnFailRequireRepair"]) == ("joints and labels", 1)

    # Draft -> Released skips Pending: refused; Draft -> Pending -> Released.
    assert (await _status(api, definition_id, 2)).status_code == 409
    assert (await _ok(await _status(api, definition_id, 1)))["Status"] == 1
    # Outside a Draft a field that changes is refused; one sent unchanged is no edit.
    assert (await _ok(await api.put(f"{MI}/PutDefinitionNew", json=body)))["Status"] == 1
    changed = {**body, "Description": "too late"}
    assert (await api.put(f"{MI}/PutDefinitionNew", json=changed)).status_code == 409
    released = await _ok(await _status(api, definition_id, 2))
    assert released["Status"] == 2
    assert released["Released"] is not None

    # A copy is the next version, a Draft; releasing it revokes version 1.
    copy = await _ok(await api.get(f"{MI}/GetDefinitionCopy/{definition_id}"))
    assert (copy["Name"], copy["Version"], copy["Status"]) == (name, 2, 0)
    assert copy["Description"] == "joints and labels"
    await _ok(await _status(api, copy["TestSequenceDefinitionId"], 1))
    await _ok(await _status(api, copy["TestSequenceDefinitionId"], 2))
    again = await _ok(
        await api.get(f"{MI}/GetTestSequenceDefinition", params={"definitionId": definition_id})
    )
    assert again["Status"] == 3
    assert again["Revoked"] is not None

    # Creating with a name in use is its next version too.
    assert (await _create(api, name))["Version"] == 3
    listed = await _ok(
        await api.get(f"{MI}/GetTestSequenceDefinitions", params={"isGlobalDefinitions": "false"})
    )
    assert [d["Version"] for d in listed if d["Name"] == name] == [1, 2, 3]
    global_one = await _create(api, f"{name}-shared", IsGlobal=True)
    listed = await _ok(
        await api.get(f"{MI}/GetTestSequenceDefinitions", params={"isGlobalDefinitions": "true"})
    )
    assert global_one["TestSequenceDefinitionId"] in [d["TestSequenceDefinitionId"] for d in listed]
    assert name not in [d["Name"] for d in listed]


async def test_relations_and_their_conflicts(api: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:6]
    a = await _create(api, f"A-{tag}")
    b = await _create(api, f"B-{tag}")
    process_id = (await _ok(await api.get("/api/internal/Process/GetProcesses")))[0]["ProcessID"]
    relation = {
        "TestSequenceDefinitionId": a["TestSequenceDefinitionId"],
        "EntitySchema": "product", "EntityName": "product", "EntityKey": "partnumber",
        "EntityValue": f"PCB-{tag}-%",
        "TestSequenceProcessRelations": [{"ProcessId": process_id}],
    }  # fmt: skip
    made = await _ok(await api.post(f"{MI}/PostRelation", json=relation))
    assert made["Status"] == 1
    assert [p["ProcessId"] for p in made["TestSequenceProcessRelations"]] == [process_id.lower()]
    other = {**relation, "TestSequenceDefinitionId": b["TestSequenceDefinitionId"],
             "EntityValue": f"PCB-{tag}-7", "TestSequenceProcessRelations": None}  # fmt: skip
    theirs = await _ok(await api.post(f"{MI}/PostRelation", json=other))

    for route in ("GetRelationConflicts", "GetRelationConflictsNew"):
        conflicts = await _ok(await api.get(f"{MI}/{route}/{a['TestSequenceDefinitionId']}"))
        assert [(c["Name"], c["EntityValue"]) for c in conflicts] == [(b["Name"], f"PCB-{tag}-7")]

    # Moved away, the conflict goes; then the relation is deleted.
    moved = {**other, "TestSequenceRelationId": theirs["TestSequenceRelationId"],
             "EntityValue": f"BOX-{tag}"}  # fmt: skip
    await _ok(await api.put(f"{MI}/PutRelation", json=moved))
    assert (
        await _ok(await api.get(f"{MI}/GetRelationConflicts/{a['TestSequenceDefinitionId']}")) == []
    )
    key = {"TestSequenceRelationId": made["TestSequenceRelationId"], "EntityName": "product"}
    await _ok(await api.put(f"{MI}/DeleteRelationNew", json=key))
    assert await _ok(await api.get(f"{MI}/GetRelations/{a['TestSequenceDefinitionId']}")) == []
    assert (await api.put(f"{MI}/DeleteRelationNew", json=key)).status_code == 404


async def test_sequence_content_and_reported_runs(api: httpx.AsyncClient) -> None:
    name = f"Labels-{uuid.uuid4().hex[:6]}"
    definition = await _create(api, name)
    definition_id = definition["TestSequenceDefinitionId"]
    xaml = '<Activity x:Class="Labels"><Sequence /></Activity>'
    content = {"TestSequenceDefinitionId": definition_id, "XAML": xaml}
    stored = await _ok(await api.put(f"{MI}/PutTestSequenceDefinitionXaml", json=content))
    assert stored["XAML"] == xaml
    got = await _ok(
        await api.get(f"{MI}/GetTestSequenceDefinitionXaml", params={"definitionId": definition_id})
    )
    assert got == stored
    workflow = await api.get(f"{MI}/GetWatswwfContent/{definition_id}")
    assert workflow.status_code == 200
    assert workflow.text == xaml
    sequences = await _ok(await api.get(f"{MI}/GetSequences"))
    assert {"TestSequenceDefinitionId": definition_id, "Name": name, "Version": 1,
            "Status": 0} in sequences  # fmt: skip
    await _ok(await api.delete(f"{MI}/DeleteSequence/{definition_id}"))
    assert (await api.get(f"{MI}/GetWatswwfContent/{definition_id}")).status_code == 404
    await _ok(await api.put(f"{MI}/PutSequence", json=content))

    # A run is the UUT whose root sequence is the definition (file name, version).
    report_id = str(uuid.uuid4())
    report = {
        "type": "T", "id": report_id, "pn": "MI-PCBA", "sn": "MI-0001", "rev": "A",
        "processCode": 10, "result": "P", "machineName": "MI-ST", "location": "Lab",
        "purpose": "Inspection", "start": "2026-12-07T10:00:00.000+01:00",
        "uut": {"user": "inspector", "execTime": 90.0},
        "root": {"group": "M", "stepType": "SequenceCall", "name": "MainSequence Callback",
                 "status": "P", "seqCall": {"path": name, "name": name, "version": "1"}},
    }  # fmt: skip
    await _ok(await api.post("/api/Report/WSJF", json=report))
    assert await _ok(await api.get(f"{MI}/GetInstancesCount/{definition_id}")) == 1
    for route in ("GetMiDetails", "GetMiDetailsNew"):
        run = await _ok(await api.get(f"{MI}/{route}/{report_id}"))
        assert run["TestSequenceDefinitionId"] == definition_id
        assert (run["SerialNumber"], run["PartNumber"], run["Revision"]) == (
            "MI-0001",
            "MI-PCBA",
            "A",
        )
        assert run["Created"].startswith("2026-12-07T09:00:00")
        assert run["LastEventTime"].startswith("2026-12-07T09:01:30")
    assert (await api.get(f"{MI}/GetMiDetails/{uuid.uuid4()}")).status_code == 404

    # Released, the content is fixed.
    await _ok(await _status(api, definition_id, 1))
    assert (await api.put(f"{MI}/PutSequence", json=content)).status_code == 409


async def test_misc_info_and_string_test_checks(api: httpx.AsyncClient) -> None:
    infos = {
        "MiscInfos": [
            {"Description": "Slot", "Value": "3"},
            {"Description": "", "Value": "x" * 256},
        ]
    }
    checked = await _ok(await api.put(f"{MI}/ValidateMiscInfo", json=infos))
    assert checked["Valid"] is False
    assert [p["Path"] for p in checked["Problems"]] == [
        "miscInfos[1].description",
        "miscInfos[1].text",
    ]
    assert (
        await _ok(
            await api.put(f"{MI}/ValidateMiscInfo", json={"MiscInfos": infos["MiscInfos"][:1]})
        )
    )["Valid"]

    test = {"Value": "abc", "Limit": "ABC", "CompOp": "IGNORECASE"}
    assert await _ok(await api.put(f"{MI}/PutStringTest", json=test)) == {"Status": "P"}
    test["CompOp"] = "CASESENSIT"
    assert await _ok(await api.put(f"{MI}/PutStringTest", json=test)) == {"Status": "F"}
    test["CompOp"] = "GELE"
    answer = await api.put(f"{MI}/PutStringTest", json=test)
    assert answer.status_code == 400
    assert "compOp" in answer.json()["Message"]


@pytest.mark.parametrize(
    ("method", "path", "options", "status"),
    [
        ("POST", "/PostDefinition", {"json": {"Description": "no name"}}, 400),
        ("POST", "/PostDefinition", {"json": {"Name": "x", "Colour": "red"}}, 400),
        ("POST", "/PostDefinition", {"json": {"Name": "x", "OnFailRequireRepair": 7}}, 400),
        ("GET", "/GetTestSequenceDefinition", {"params": {"definitionId": "nope"}}, 404),
        ("GET", "/GetDefinitionCopy/nope", {}, 404),
        ("GET", "/GetInstancesCount/nope", {}, 404),
        ("PUT", "/PutDefinitionNew", {"json": {"Status": 1}}, 400),
        (
            "POST",
            "/PostRelation",
            {"json": {"EntitySchema": "product", "EntityName": "product"}},
            400,
        ),
        (
            "PUT",
            "/PutRelation",
            {"json": {"TestSequenceRelationId": "nope", "EntitySchema": "p", "EntityName": "p"}},
            404,
        ),
        ("GET", "/GetRelations/nope", {}, 404),
        ("DELETE", "/DeleteSequence/nope", {}, 404),
        ("PUT", "/ValidateMiscInfo", {"json": {"MiscInfos": "Slot"}}, 400),
    ],
)
async def test_bad_input_is_a_clear_4xx(
    api: httpx.AsyncClient, method: str, path: str, options: dict[str, Any], status: int
) -> None:
    answer = await api.request(method, MI + path, **options)
    assert answer.status_code == status, answer.text
    assert answer.json()["Message"]


@pytest.mark.parametrize("key", ["Name", "IsGlobal", "LogOperator", "IncludeUURMiscInfoInUUT"])
async def test_null_for_a_field_that_holds_a_value_is_refused_by_its_key(
    api: httpx.AsyncClient, key: str
) -> None:
    """Creating or changing a definition with null where the definition always holds a value is
    a 400 naming the request's key; leaving the key out keeps (or defaults) it."""
    created = await _create(api, f"Nulls-{uuid.uuid4().hex[:6]}")
    body = {"TestSequenceDefinitionId": created["TestSequenceDefinitionId"], key: None}
    for answer in (
        await api.post(f"{MI}/PostDefinition", json={"Name": "n", key: None}),
        await api.put(f"{MI}/PutDefinitionNew", json=body),
    ):
        assert answer.status_code == 400, answer.text
        assert f"'{key}'" in answer.json()["Message"]
    kept = await _ok(
        await api.get(
            f"{MI}/GetTestSequenceDefinition",
            params={"definitionId": created["TestSequenceDefinitionId"]},
        )
    )
    assert kept == created
