"""Production endpoints the SDK's typed models cannot send: batches with badly typed fields, and
serial-number files as stations upload them (media types, a byte-order mark)."""

from __future__ import annotations

import uuid

import httpx
import pytest


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ({"batchNumber": "B", "batchSize": 2.5}, "'batchSize': Input should be a valid integer"),
        ({"batchNumber": "B", "batchSize": "ten"}, "'batchSize': Input should be a valid integer"),
        ({"batchNumber": "B"}, "batchSize: expected a positive whole number, got None"),
        ({"batchSize": 3}, "batchNumber: expected a non-empty string, got None"),
    ],
)
async def test_badly_typed_batches_name_the_field(
    api: httpx.AsyncClient, batch: dict[str, object], message: str
) -> None:
    response = await api.put("/api/Production/Batch", json=batch)
    assert response.status_code == 400
    assert message in response.json()["Message"]


@pytest.mark.anyio
async def test_a_serial_number_file_with_a_byte_order_mark_imports(api: httpx.AsyncClient) -> None:
    name = f"BOM-{uuid.uuid4().hex[:8]}"
    created = await api.put(
        "/api/Production/SerialNumbers/Types", json={"name": name, "format": "N###", "end": 9}
    )
    assert created.status_code == 200
    body = "\ufeffserialNumber,state\r\nN001,free\r\nN002,taken\r\n".encode()
    imported = await api.put(
        "/api/Production/SerialNumbers",
        params={"typeName": name},
        content=body,
        headers={"Content-Type": "text/csv"},
    )
    assert imported.json() == {"typeName": name, "taken": 1, "free": 1}
    exported = await api.get(
        "/api/Production/SerialNumbers", params={"typeName": name, "state": "FREE"}
    )
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.text == (
        "serialNumber,state,referenceSerialNumber,referencePartNumber,stationName,takenUtc,"
        f"typeName\nN001,free,,,,,{name}\n"
    )
    xml = await api.get("/api/Production/SerialNumbers", params={"typeName": name, "format": "XML"})
    assert xml.headers["Content-Type"].startswith("application/xml")


@pytest.mark.anyio
async def test_a_serial_number_file_names_its_type(api: httpx.AsyncClient) -> None:
    csv_type, xml_type = (f"{kind}-{uuid.uuid4().hex[:8]}" for kind in ("CSV", "XML"))
    for name in (csv_type, xml_type):
        created = await api.put(
            "/api/Production/SerialNumbers/Types", json={"name": name, "format": "T###", "end": 9}
        )
        assert created.status_code == 200

    async def put(body: str) -> httpx.Response:
        return await api.put("/api/Production/SerialNumbers", content=body.encode())

    by_column = await put(f"serialNumber,typeName\nT001,{csv_type}\nT002,{csv_type}\n")
    assert by_column.json() == {"typeName": csv_type, "taken": 2, "free": 0}
    by_root = await put(f"<SerialNumbers typeName='{xml_type}'><SN id='T005'/></SerialNumbers>")
    assert by_root.json() == {"typeName": xml_type, "taken": 1, "free": 0}
    # An export names its type, so it imports back without a parameter (here: nothing new).
    exported = await api.get("/api/Production/SerialNumbers", params={"typeName": xml_type})
    again = await put(exported.text)
    assert again.status_code == 409
    assert "T005" in again.json()["Message"]

    unnamed = await put("serialNumber\nT003\n")
    assert unnamed.status_code == 400
    assert "names no serial-number type" in unnamed.json()["Message"]
    mixed = await put(f"serialNumber,typeName\nT003,{csv_type}\nT004,{xml_type}\n")
    assert mixed.status_code == 400
    assert "several types" in mixed.json()["Message"]


@pytest.mark.anyio
async def test_serial_number_answers_keep_their_wire_names(api: httpx.AsyncClient) -> None:
    """The stores answer records; the wire names come from the answer models alone."""
    name = f"WIRE-{uuid.uuid4().hex[:8]}"
    created = await api.put(
        "/api/Production/SerialNumbers/Types",
        json={"name": name, "format": "W###", "end": 99, "regEx": "W\\d+"},
    )
    assert list(created.json()) == ["name", "description", "format", "regEx", "identifier",
                                    "identifierName", "start", "end", "available"]  # fmt: skip
    taken = await api.post(
        "/api/Production/SerialNumbers/Take",
        params={"serialNumberType": name, "quantity": 3, "refSN": "U1", "stationName": "ST"},
    )
    assert taken.json() == ["W001", "W002", "W003"]
    by_range = await api.get(
        "/api/Production/SerialNumbers/ByRange", params={"typeName": name, "from": 2, "to": 3}
    )
    first = by_range.json()[0]
    assert list(first) == ["serialNumber", "typeName", "value", "referenceSerialNumber",
                           "referencePartNumber", "stationName", "takenUtc"]  # fmt: skip
    assert (first["serialNumber"], first["referenceSerialNumber"]) == ("W002", "U1")
    ranges = await api.get(
        "/api/internal/Production/SerialNumbers/Ranges", params={"serialNumberType": name}
    )
    assert ranges.json() == [{"typeName": name, "from": 1, "to": 3, "fromSerialNumber": "W001",
                              "toSerialNumber": "W003", "count": 3}]  # fmt: skip
    statistics = await api.get(
        "/api/internal/Production/SerialNumbers/Statistics", params={"serialNumberType": name}
    )
    assert statistics.json() == [{"typeName": name, "start": 1, "end": 99, "nextValue": 4,
                                  "taken": 3, "free": 0, "available": 96}]  # fmt: skip


@pytest.mark.anyio
async def test_unit_answers_keep_their_wire_names_and_an_update_keeps_what_it_leaves_out(
    api: httpx.AsyncClient,
) -> None:
    part = f"UNIT-{uuid.uuid4().hex[:8]}"
    product = {"partNumber": part, "name": part, "revisions": [{"revision": "A"}]}
    assert (await api.put("/api/Product", json=product)).status_code == 200
    unit = {"serialNumber": "S1", "partNumber": part, "revision": "A", "batchNumber": "B7",
            "tags": [{"key": "colour", "value": "red"}]}  # fmt: skip
    saved = await api.put("/api/Production/Units", json=[unit])
    assert saved.status_code == 200, saved.text
    assert list(saved.json()[0]) == [
        "serialNumber", "partNumber", "revision", "parentSerialNumber", "batchNumber",
        "serialDate", "currentLocation", "xmlData", "unitPhaseId", "unitPhase", "processCode",
        "tags", "subUnits",
    ]  # fmt: skip
    moved = await api.put(
        "/api/Production/Units",
        json=[{"serialNumber": "S1", "partNumber": part, "currentLocation": "Line 3"}],
    )
    after = moved.json()[0]
    assert (after["batchNumber"], after["currentLocation"], after["revision"]) == (
        "B7", "Line 3", "A",
    )  # fmt: skip
    assert after["tags"] == [{"key": "colour", "value": "red"}]
    phase = await api.get(
        "/api/internal/Production/GetUnitPhase", params={"serialNumber": "S1", "partNumber": part}
    )
    assert list(phase.json()) == ["UnitPhaseId", "Code", "Name", "Description"]
    phases = await api.get("/api/internal/Mes/GetUnitPhases")
    assert phase.json() in phases.json()
    info = await api.get(
        "/api/internal/Production/GetUnitInfo", params={"serialNumber": "S1", "partNumber": part}
    )
    assert (info.json()["reportCount"], info.json()["lastReport"]) == (0, None)
    history = await api.get(
        "/api/internal/Production/GetUnitStateHistory",
        params={"serialNumber": "S1", "partNumber": part},
    )
    assert list(history.json()[0]) == ["changeId", "changedUtc", "unitPhaseId", "unitPhase",
                                       "comment"]  # fmt: skip
