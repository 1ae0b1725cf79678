"""Input at the edges of what the server can hold: a 400 naming the field, never a 500.

Dates whose instant in UTC leaves the calendar, counts that reach past it, integers past
Python's digit limit, lone surrogates, explicit nulls for columns that hold none.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

EDGE_DATES = ["0001-01-01T00:00:00+02:00", "9999-12-31T23:59:59-05:00", "0001-01-01T03:00:00+05:00"]
ANALYTICS_POSTS = [
    "/api/App/DynamicYield",
    "/api/App/VolumeYield",
    "/api/App/HighVolume",
    "/api/App/WorstYield",
    "/api/App/UurReport",
    "/api/App/UutReport",
    "/api/App/TopFailed",
    "/api/App/TestStepAnalysis",
    "/api/App/SerialNumberHistory",
]


def _report(**changes: Any) -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "EDGE-1",
        "sn": "E-1",
        "rev": "A",
        "processCode": 10,
        "result": "P",
        "machineName": "FCT",
        "location": "Lab",
        "purpose": "Test",
        "start": "2026-03-02T08:15:30+01:00",
        "uut": {"user": "op"},
        "root": {
            "stepType": "SequenceCall",
            "group": "M",
            "name": "MainSequence Callback",
            "status": "P",
            "seqCall": {"path": "Main.seq", "name": "Main.seq", "version": "1.0"},
        },
        **changes,
    }


def _refused(response: httpx.Response, *named: str) -> str:
    assert response.status_code == 400, response.text
    message: str = response.json()["Message"]
    for name in named:
        assert name in message, message
    return message


@pytest.mark.parametrize("path", ANALYTICS_POSTS)
@pytest.mark.parametrize("key", ["dateFrom", "dateTo"])
async def test_analytics_dates_outside_the_calendar_in_utc_name_the_key(
    api: httpx.AsyncClient, path: str, key: str
) -> None:
    _refused(await api.post(path, json={key: EDGE_DATES[0]}), key, "outside the calendar")


@pytest.mark.parametrize("date", EDGE_DATES)
async def test_odata_date_literals_outside_the_calendar_are_a_400(
    api: httpx.AsyncClient, date: str
) -> None:
    response = await api.get("/api/Report/Query/Header", params={"$filter": f"start ge {date}"})
    _refused(response, "$filter", "outside the calendar")


@pytest.mark.parametrize("date", EDGE_DATES)
async def test_report_start_outside_the_calendar_is_refused_in_wsjf_and_wsxf(
    api: httpx.AsyncClient, date: str
) -> None:
    _refused(await api.post("/api/Report/WSJF", json=_report(start=date)), "start", "years 1")
    wsxf = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">'
        f'<Report ID="{uuid.uuid4()}" type="UUT" SN="E-2" PN="EDGE-1" Rev="A" Result="Passed" '
        f'Start="{date}" MachineName="FCT" Location="Lab" Purpose="Test">'
        '<Process Code="10"/><Step StepType="SequenceCall" Name="MainSequence Callback" '
        'Status="Passed"/></Report></Reports>'
    )
    response = await api.post(
        "/api/Report/WSXF", content=wsxf, headers={"Content-Type": "application/xml"}
    )
    _refused(response, "Start")


@pytest.mark.parametrize("kind", ["Calibration", "Maintenance"])
async def test_asset_service_dates_outside_the_calendar_name_the_parameter(
    api: httpx.AsyncClient, kind: str
) -> None:
    serial = f"EDGE-{uuid.uuid4().hex[:8]}"
    asset_type = await api.put("/api/Asset/Types", json={"typeName": f"Edge {serial}"})
    saved = await api.put(
        "/api/Asset", json={"serialNumber": serial, "typeId": asset_type.json()["typeId"]}
    )
    assert saved.status_code == 200, saved.text
    at = {"serialNumber": serial, "dateTime": "9999-12-31T23:00:00-05:00"}
    _refused(await api.post(f"/api/Asset/{kind}", params=at), "dateTime", "outside the calendar")
    period = {"serialNumber": serial, "fromDate": EDGE_DATES[0], "toDate": "2026-01-01T00:00:00Z"}
    _refused(await api.post(f"/api/Asset/{kind}/External", params=period), "fromDate")
    last = "lastCalibrationDate" if kind == "Calibration" else "lastMaintenanceDate"
    _refused(await api.put("/api/Asset", json={"serialNumber": serial, last: EDGE_DATES[1]}), last)


async def test_dates_inside_the_calendar_still_convert_to_utc(api: httpx.AsyncClient) -> None:
    body = {"dateFrom": "0001-01-01T02:00:00+02:00", "dateTo": "9999-12-31T23:59:59Z"}
    assert (await api.post("/api/App/DynamicYield", json=body)).status_code == 200
    assert (await api.post("/api/App/DynamicYield", json={"dateFrom": "2026-01-01"})).is_success


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        ("/api/App/UurReport", {"periodCount": 1_000_000}, "periodCount"),
        ("/api/App/VolumeYield", {"periodCount": 3000, "dateGrouping": 0}, "periodCount"),
        ("/api/App/VolumeYield", {"periodCount": 100_000_000, "dateGrouping": 5}, "periodCount"),
        ("/api/App/DynamicYield", {"periodCount": 2**31}, "periodCount"),
        ("/api/App/TopFailed", {"topCount": 2**40}, "topCount"),
    ],
)
async def test_counts_past_the_calendar_or_the_database_name_the_key(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], key: str
) -> None:
    _refused(await api.post(path, json=body), key)


@pytest.mark.parametrize("days", [1_000_000, 2**31, 10**30])
async def test_top_failed_days_past_the_calendar_name_days(
    api: httpx.AsyncClient, days: int
) -> None:
    _refused(await api.get("/api/internal/App/TopFailed", params={"days": days}), "days")


async def test_an_integer_past_the_digit_limit_names_its_key(api: httpx.AsyncClient) -> None:
    body = json.dumps(_report()).replace('"processCode": 10', '"processCode": ' + "7" * 5000)
    response = await api.post(
        "/api/Report/WSJF", content=body, headers={"Content-Type": "application/json"}
    )
    _refused(response, "processCode", "4300 digits", "5000")
    response = await api.post(
        "/api/App/DynamicYield",
        content='{"periodCount": ' + "9" * 4400 + "}",
        headers={"Content-Type": "application/json"},
    )
    _refused(response, "periodCount", "digits")


@pytest.mark.parametrize(
    "encoded",
    [b'"\\ud800"', b'"x\\uDFFFy"', b'"\xed\xa0\x80"', b'"\\ud83d"'],
    ids=["escape-high", "escape-low", "raw-bytes", "half-pair"],
)
async def test_lone_surrogates_in_any_string_name_the_field(
    api: httpx.AsyncClient, encoded: bytes
) -> None:
    headers = {"Content-Type": "application/json"}
    report = json.dumps(_report(sn="PLACE")).encode().replace(b'"PLACE"', encoded)
    _refused(await api.post("/api/Report/WSJF", content=report, headers=headers), "body.sn")
    asset = b'{"serialNumber": ' + encoded + b"}"
    _refused(await api.put("/api/Asset", content=asset, headers=headers), "serialNumber")


async def test_surrogate_pairs_are_text(api: httpx.AsyncClient) -> None:
    report = json.dumps(_report(sn="PLACE")).replace('"PLACE"', '"\\ud83d\\ude00"')
    response = await api.post(
        "/api/Report/WSJF", content=report, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("key", ["priority", "installOnRoot"])
async def test_null_for_a_column_that_holds_none_is_a_400(api: httpx.AsyncClient, key: str) -> None:
    created = await api.post("/api/Software/Package", json={"name": f"pk-{uuid.uuid4().hex[:8]}"})
    package_id = created.json()["packageId"]
    _refused(await api.put(f"/api/Software/Package/{package_id}", json={key: None}), key, "null")
    kept = await api.put(f"/api/Software/Package/{package_id}", json={"description": None})
    assert kept.status_code == 200, kept.text
    assert kept.json()["priority"] == 0
    assert kept.json()["installOnRoot"] is False


@pytest.mark.parametrize("key", ["runningCount", "totalCount"])
async def test_null_for_a_not_null_column_is_a_400_naming_the_column_on_any_update(
    api: httpx.AsyncClient, key: str
) -> None:
    """The storage-level rule behind `NotNull`: an update model that forgot the marker still
    cannot send a null into a column that holds none."""
    serial = f"null-{uuid.uuid4().hex[:8]}"
    kind = await api.put("/api/Asset/Types", json={"typeName": f"Null test {serial}"})
    type_id = kind.json()["typeId"]
    created = await api.put("/api/Asset", json={"serialNumber": serial, "typeId": type_id})
    assert created.status_code == 200, created.text
    column = {"runningCount": "assets.running_count", "totalCount": "assets.total_count"}[key]
    _refused(await api.put("/api/Asset", json={"serialNumber": serial, key: None}), column, "null")


@pytest.mark.parametrize(
    ("path", "declared"),
    [
        ("/api/Report/WSJF", "text/plain"),
        ("/api/Report/WSJF", "application/xml"),
        ("/api/Report/WSJF", "application/x-www-form-urlencoded"),
        ("/api/Report/WSXF", "application/json"),
        ("/api/Report/WSXF", "multipart/form-data; boundary=x"),
    ],
)
async def test_submits_refuse_an_undocumented_content_type(
    api: httpx.AsyncClient, path: str, declared: str
) -> None:
    body = json.dumps(_report()).encode()
    response = await api.post(path, content=body, headers={"Content-Type": declared})
    assert response.status_code == 415, response.text
    assert declared in response.json()["Message"]


async def test_submits_take_their_documented_types_with_parameters(
    api: httpx.AsyncClient,
) -> None:
    for declared in ("application/json; charset=utf-8", "Application/JSON", "text/json"):
        response = await api.post(
            "/api/Report/WSJF", content=json.dumps(_report()), headers={"Content-Type": declared}
        )
        assert response.status_code == 200, response.text


def test_every_api_route_reads_json_bodies_through_load_json(server_app: Any) -> None:
    from fastapi.routing import APIRoute

    from pywats_server._json import StrictJsonRoute

    loose = [
        route.path
        for route in server_app.routes
        if isinstance(route, APIRoute)
        and route.include_in_schema
        and not isinstance(route, StrictJsonRoute)
    ]
    assert loose == []
