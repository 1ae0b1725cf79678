"""The error boundary: numbers the database cannot bind or hold are the request's fault (400)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from pywats_server._errors import install_error_handlers

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("limit", [10**30, -(10**30)])
async def test_a_number_the_database_cannot_take_is_400(api: httpx.AsyncClient, limit: int) -> None:
    # The asset type's limits have no range check of their own: the boundary answers for them.
    name = f"Fixture-{uuid.uuid4().hex[:8]}"
    response = await api.put(
        "/api/Asset/Types", json={"typeName": name, "runningCountLimit": limit}
    )
    assert response.status_code == 400, response.text
    assert "expected integers from -2147483648 to 2147483647" in response.json()["Message"]
    listed = await api.get("/api/Asset/Types")
    assert name not in {item["typeName"] for item in listed.json()}


def _report(**changes: object) -> dict[str, object]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "ERR-PN",
        "sn": "ERR-SN",
        "rev": "A",
        "processCode": 100,
        "result": "P",
        "start": "2026-03-02T08:15:30+01:00",
        "root": {"stepType": "SequenceCall", "name": "Main", "status": "P", "steps": []},
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"uut": {"user": "o" * 201}}, "reports.operator: expected at most 200 characters"),
        (
            {"miscInfos": [{"description": "d" * 501, "text": "t"}]},
            "report_misc_infos.description: expected at most 500 characters",
        ),
        (
            {"root": {"stepType": "SequenceCall", "name": "Main", "steps": [{"name": "s" * 501}]}},
            "report_steps.name of step 'Main\u00b6" + "s" * 501 + "': expected at most 500",
        ),
    ],
    ids=["header", "child-row", "step"],
)
async def test_a_text_wider_than_its_column_is_400_naming_it_on_every_database(
    api: httpx.AsyncClient, changes: dict[str, object], place: str
) -> None:
    submitted = _report(**changes)
    response = await api.post("/api/Report/WSJF", json=submitted)
    assert response.status_code == 400, response.text
    assert place in response.json()["Message"]
    missing = await api.get(f"/api/Report/Wsjf/{submitted['id']}")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "place"),
    [
        (
            "/api/Product",
            {"partNumber": "W-" + "p" * 199, "name": "n"},
            "products.part_number: expected at most 200 characters, got 201",
        ),
        (
            "/api/Product",
            {"partNumber": "WIDTH-NAME", "name": "n" * 201},
            "products.name: expected at most 200 characters, got 201",
        ),
        (
            "/api/Product/Group",
            {"productGroupName": "g" * 101},
            "product_groups.product_group_name: expected at most 100 characters",
        ),
    ],
    ids=["request-key", "other-column", "group"],
)
async def test_any_stored_text_wider_than_its_column_is_400_naming_the_column(
    api: httpx.AsyncClient, path: str, body: dict[str, object], place: str
) -> None:
    """The width comes from the table definition (SQLite alone would have stored the text)."""
    response = await api.put(path, json=body)
    assert response.status_code == 400, response.text
    assert place in response.json()["Message"]
    if "partNumber" in body:
        assert (await api.get(f"/api/Product/{body['partNumber']}")).status_code == 404


@pytest.mark.parametrize(
    ("raised", "status"),
    [("Python int too large to convert to SQLite INTEGER", 400), ("math range error", 500)],
)
async def test_only_a_binding_overflow_is_the_requests_fault(raised: str, status: int) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/overflow")
    def overflow() -> None:
        raise OverflowError(raised)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://wats.test") as client:
        response = await client.get("/overflow")
    assert response.status_code == status
