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
        "serialNumber,state,referenceSerialNumber,referencePartNumber,stationName,takenUtc\n"
        "N001,free,,,,\n"
    )
    xml = await api.get("/api/Production/SerialNumbers", params={"typeName": name, "format": "XML"})
    assert xml.headers["Content-Type"].startswith("application/xml")
