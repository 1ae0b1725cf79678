"""Reports count the uses of the registered assets they list, once per report id, through the
HTTP API and through a shared (group commit) transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pywats_server._formats import parse_submission
from pywats_server.storage import AssetStore, Database, ReportStore
from pywats_server.storage.assets import AssetFields, AssetTypeFields

pytestmark = pytest.mark.anyio


def _uut(assets: list[dict[str, Any]], report_id: str | None = None) -> dict[str, Any]:
    return {
        "type": "T",
        "id": report_id or str(uuid.uuid4()),
        "pn": "USE-PCBA",
        "sn": f"U-{uuid.uuid4().hex[:8]}",
        "rev": "A",
        "processCode": 100,
        "result": "P",
        "machineName": "FCT-1",
        "location": "Line 1",
        "purpose": "Production",
        "start": "2026-06-01T08:00:00Z",
        "uut": {"user": "op"},
        "assets": assets,
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


async def _register(api: httpx.AsyncClient, *serials: str, parent: str | None = None) -> None:
    kind = await api.put("/api/Asset/Types", json={"typeName": "Usage test fixture"})
    assert kind.status_code == 200, kind.text
    for serial in serials:
        body = {"serialNumber": serial, "typeId": kind.json()["typeId"]}
        if parent is not None:
            body["parentSerialNumber"] = parent
        saved = await api.put("/api/Asset", json=body)
        assert saved.status_code == 200, saved.text


async def _counts(api: httpx.AsyncClient, serial: str) -> tuple[int, int]:
    response = await api.get(f"/api/Asset/{serial}")
    assert response.status_code == 200, response.text
    asset = response.json()
    return asset["runningCount"], asset["totalCount"]


async def _submit(api: httpx.AsyncClient, report: dict[str, Any]) -> httpx.Response:
    return await api.post("/api/Report/WSJF", content=json.dumps(report).encode())


async def test_a_new_report_counts_its_assets_and_a_resubmission_does_not(
    api: httpx.AsyncClient,
) -> None:
    tag = uuid.uuid4().hex[:8]
    fixture, probe, meter = f"FX-{tag}", f"PR-{tag}", f"DMM-{tag}"
    await _register(api, fixture, meter)
    await _register(api, probe, parent=fixture)
    report = _uut([{"sn": fixture, "usageCount": 3}, {"sn": meter}])

    assert (await _submit(api, report)).status_code == 200
    assert await _counts(api, fixture) == (3, 3)
    assert await _counts(api, probe) == (3, 3)  # a sub-asset wears with its fixture
    assert await _counts(api, meter) == (1, 1)  # no usageCount: one use

    assert (await _submit(api, report)).status_code == 200  # acknowledgement lost: sent again
    assert await _counts(api, fixture) == (3, 3)
    assert await _counts(api, meter) == (1, 1)

    assert (await _submit(api, _uut([{"sn": fixture, "usageCount": 2}]))).status_code == 200
    assert await _counts(api, fixture) == (5, 5)
    assert await _counts(api, meter) == (1, 1)

    expanded = await api.get(
        "/api/Report/Query/Header",
        params={"$filter": f"uuid eq {report['id']}", "$expand": "assets"},
    )
    assert [a["serialNumber"] for a in expanded.json()[0]["assets"]] == [fixture, meter]


async def test_an_unregistered_asset_is_accepted_and_counts_nothing(
    api: httpx.AsyncClient,
) -> None:
    tag = uuid.uuid4().hex[:8]
    known, unknown = f"FX-{tag}", f"NOBODY-{tag}"
    await _register(api, known)
    report = _uut([{"sn": unknown, "usageCount": 4}])

    assert (await _submit(api, report)).status_code == 200
    assert (await api.get(f"/api/Report/Wsjf/{report['id']}")).status_code == 200
    assert (await api.get(f"/api/Asset/{unknown}")).status_code == 404  # not registered by use
    assert await _counts(api, known) == (0, 0)


@pytest.mark.parametrize(
    ("asset", "field"),
    [
        ({"usageCount": -2}, "assets[1].usageCount"),
        ({"usageCount": 1.5}, "assets[1].usageCount"),
        ({"usageCount": "2"}, "assets[1].usageCount"),
        ({"usageCount": True}, "assets[1].usageCount"),
        ({"sn": ""}, "assets[1].sn"),
    ],
)
async def test_a_bad_asset_entry_is_400_naming_the_field_and_stores_nothing(
    api: httpx.AsyncClient, asset: dict[str, Any], field: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    fixture = f"FX-{tag}"
    await _register(api, fixture)
    report = _uut([{"sn": fixture, "usageCount": 2}, {"sn": f"X-{tag}", **asset}])

    response = await _submit(api, report)
    assert response.status_code == 400
    assert field in response.text
    assert (await api.get(f"/api/Report/Wsjf/{report['id']}")).status_code == 404
    assert await _counts(api, fixture) == (0, 0)


@pytest.fixture
def database(server_db_url: str) -> Iterator[Database]:
    database = Database(server_db_url)
    yield database
    database.dispose()


def test_reports_sharing_a_transaction_add_up_their_uses(database: Database) -> None:
    assets = AssetStore(database)
    kind = assets.save_type(AssetTypeFields("Usage test fixture"))
    serial = f"FX-{uuid.uuid4().hex[:8]}"
    assets.save(AssetFields(serial, type_id=kind.type_id), "test")
    repeated = str(uuid.uuid4())

    def submission(count: int, report_id: str | None = None) -> Any:
        document = _uut([{"sn": serial, "usageCount": count}], report_id)
        return parse_submission(json.dumps(document).encode(), "wsjf", "TEST-ORIGIN")

    store = ReportStore(database)
    # One transaction: two new reports, the second listing the asset twice, and one id twice.
    store.save_many(
        [
            submission(2),
            parse_submission(
                json.dumps(_uut([{"sn": serial}, {"sn": serial, "usageCount": 5}])).encode(),
                "wsjf",
                "TEST-ORIGIN",
            ),
            submission(7, repeated),
            submission(7, repeated),
        ]
    )
    counted = assets.get(serial)
    assert (counted.running_count, counted.total_count) == (15, 15)

    store.save_many([submission(7, repeated), submission(1)])  # a resend and a new one
    counted = assets.get(serial)
    assert (counted.running_count, counted.total_count) == (16, 16)
