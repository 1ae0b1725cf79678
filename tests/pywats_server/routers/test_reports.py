"""The report endpoints over the in-process app, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats.report import Report, read_wsxf, report_from_json, write_wsjf, write_wsxf
from pywats_server._formats import submission_origin

pytestmark = pytest.mark.anyio


def _uut(
    serial: str, *, result: str = "P", start: str = "2026-03-02T08:15:30.125+01:00"
) -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "DEMO-PCBA-01",
        "sn": serial,
        "rev": "B",
        "processCode": 100,
        "result": result,
        "machineName": "FCT-3",
        "location": "Line 2",
        "purpose": "Production",
        "start": start,
        "uut": {"user": "op7", "execTime": 1.5},
        "miscInfos": [{"description": "Firmware", "text": f"fw-{serial}", "numeric": None}],
        "subUnits": [
            {"partType": "PSU", "pn": "PSU-200", "rev": "A", "sn": f"P-{serial}", "position": 0}
        ],
        "root": {
            "id": 1,
            "group": "M",
            "stepType": "SequenceCall",
            "name": "MainSequence Callback",
            "status": result,
            "totTime": 1.0,
            "causedUUTFailure": False,
            "steps": [
                {
                    "id": 2,
                    "group": "M",
                    "stepType": "ET_NLT",
                    "name": "3V3",
                    "status": result,
                    "totTime": 0.2,
                    "causedUUTFailure": result == "F",
                    "numericMeas": [
                        {
                            "compOp": "GELE",
                            "name": None,
                            "status": result,
                            "unit": "V",
                            "value": 3.31,
                            "highLimit": 3.4,
                            "lowLimit": 3.2,
                        }
                    ],
                }
            ],
            "seqCall": {
                "path": "C:\\Tests\\Demo.seq",
                "name": "MainSequence Callback",
                "version": "1.0",
            },
        },
    }


async def _submit(api: httpx.AsyncClient, report: dict[str, Any]) -> httpx.Response:
    return await api.post("/api/Report/WSJF", content=json.dumps(report).encode())


async def _headers(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


@pytest.mark.parametrize("name", ["uut-wsjf-export.json", "uur-example.json"])
async def test_a_sample_comes_back_as_exported_with_the_server_derived_fields(
    api: httpx.AsyncClient, samples: Path, name: str
) -> None:
    body = (samples / "wats" / name).read_bytes()
    submitted = await api.post("/api/Report/WSJF", content=body)
    assert submitted.status_code == 200, submitted.text
    sample = json.loads(body)
    assert submitted.json() == {"ID": sample["id"]}
    fetched = await api.get(f"/api/Report/Wsjf/{sample['id'].upper()}")
    assert fetched.headers["content-type"] == "application/json"
    # Both samples name a product this server's register does not have.
    derived = {"origin": submission_origin("admin"), "productName": None}
    assert fetched.json() == {**sample, **derived}


async def test_resubmitting_an_id_replaces_the_report(api: httpx.AsyncClient) -> None:
    report = _uut("SN-REPLACE", result="F")
    assert (await _submit(api, report)).status_code == 200
    report["result"] = "P"
    assert (await _submit(api, report)).status_code == 200
    [header] = await _headers(api, **{"$filter": f"uuid eq {report['id']}"})
    assert header["result"] == "Passed"
    assert header["receiveCount"] == 2
    stored = (await api.get(f"/api/Report/Wsjf/{report['id']}")).json()
    assert stored["result"] == "P"


async def test_a_report_is_listed_with_the_operations_name_whatever_name_it_sent(
    api: httpx.AsyncClient,
) -> None:
    unnamed, named = _uut("SN-UNNAMED"), {**_uut("SN-NAMED"), "processName": "Bench check"}
    for report in (unnamed, named):
        assert (await _submit(api, report)).status_code == 200
    operation = next(
        p["name"] for p in (await api.get("/api/App/Processes")).json() if p["code"] == 100
    )
    [listed] = await _headers(api, **{"$filter": f"uuid eq {unnamed['id']}"})
    assert listed["processName"] == operation
    [kept] = await _headers(api, **{"$filter": f"uuid eq {named['id']}"})
    assert kept["processName"] == operation


async def test_wsxf_is_served_as_exported_in_both_formats(
    api: httpx.AsyncClient, samples: Path
) -> None:
    body = (samples / "wats" / "uut-wsxf-export.xml").read_bytes()
    submitted = await api.post(
        "/api/Report/WSXF", content=body, headers={"Content-Type": "application/xml"}
    )
    assert submitted.status_code == 200, submitted.text
    report = read_wsxf(body)
    assert isinstance(report, Report)
    assert submitted.json() == {"id": report.id}
    report.raw["origin"] = submission_origin("admin")
    fetched = await api.get(f"/api/Report/Wsxf/{report.id.upper()}")
    assert fetched.headers["content-type"] == "application/xml"
    assert fetched.text == write_wsxf(report)
    as_json = await api.get(f"/api/Report/Wsjf/{report.id}")
    # WSXF has no processCodeFormat; a WSJF export always carries the key.
    assert as_json.json() == {**json.loads(write_wsjf(report)), "processCodeFormat": None}


async def test_wsjf_is_served_as_wsxf(api: httpx.AsyncClient, samples: Path) -> None:
    # The two samples are the same report, exported once per format by a real server.
    body = (samples / "wats" / "uut-wsjf-export.json").read_bytes()
    assert (await api.post("/api/Report/WSJF", content=body)).status_code == 200
    fetched = await api.get(f"/api/Report/Wsxf/{json.loads(body)['id']}")
    assert fetched.status_code == 200
    exported = read_wsxf((samples / "wats" / "uut-wsxf-export.xml").read_bytes())
    assert isinstance(exported, Report)
    exported.raw["origin"] = submission_origin("admin")
    assert fetched.text == write_wsxf(exported)


async def test_a_uur_has_no_wsxf_form(api: httpx.AsyncClient, samples: Path) -> None:
    body = (samples / "wats" / "uur-example.json").read_bytes()
    assert (await api.post("/api/Report/WSJF", content=body)).status_code == 200
    fetched = await api.get(f"/api/Report/Wsxf/{json.loads(body)['id']}")
    assert fetched.status_code == 400
    assert "UUR" in fetched.json()["Message"]
    missing = await api.get(f"/api/Report/Wsxf/{uuid.uuid4()}")
    assert missing.status_code == 404


async def test_a_wsxf_document_of_several_reports_stores_each(api: httpx.AsyncClient) -> None:
    reports = [report_from_json(_uut(f"SN-MULTI-{index}")) for index in range(3)]
    reports[2].raw["id"] = reports[0].id  # a repeated id: the later report wins
    response = await api.post("/api/Report/WSXF", content=write_wsxf(reports).encode())
    assert response.json() == [{"id": report.id} for report in reports]
    for report in reports[1:]:
        fetched = read_wsxf((await api.get(f"/api/Report/Wsxf/{report.id}")).content)
        assert isinstance(fetched, Report)
        assert fetched.serial_number == report.serial_number
    [header] = await _headers(api, **{"$filter": f"uuid eq {reports[0].id}"})
    assert header["serialNumber"] == "SN-MULTI-2"


async def test_a_wsxf_document_that_moves_a_reports_id_and_identity_apart_stores_both(
    api: httpx.AsyncClient,
) -> None:
    """One report takes a stored report's id under another serial number, the next takes the
    stored report's identity (serial, part, operation, start) under a new id."""
    tag = uuid.uuid4().hex[:8]
    stored = _uut(f"{tag}-1")
    assert (await _submit(api, stored)).status_code == 200
    moved, taken = report_from_json(_uut(f"{tag}-2")), report_from_json(_uut(f"{tag}-1"))
    moved.raw["id"] = stored["id"]
    response = await api.post("/api/Report/WSXF", content=write_wsxf([moved, taken]).encode())
    assert response.status_code == 200, response.text
    found = await _headers(api, **{"$filter": f"startswith(serialNumber,'{tag}')"})
    assert sorted((h["uuid"], h["serialNumber"]) for h in found) == sorted(
        [(stored["id"], f"{tag}-2"), (taken.id, f"{tag}-1")]
    )


async def test_header_filters(api: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:8]
    reports = [
        _uut(f"{tag}-1", result="P", start="2026-04-01T08:00:00+02:00"),
        _uut(f"{tag}-2", result="F", start="2026-04-02T08:00:00Z"),
        _uut(f"{tag}-O'3", result="P", start="2026-04-03T08:00:00.1234567-05:00"),
    ]
    for report in reports:
        assert (await _submit(api, report)).status_code == 200

    async def serials(expression: str, **extra: Any) -> list[str]:
        found = await _headers(
            api, **{"$filter": f"startswith(serialNumber,'{tag}') and ({expression})", **extra}
        )
        return [h["serialNumber"] for h in found]

    assert await serials("result eq 'Failed'") == [f"{tag}-2"]
    assert await serials("result ne 'Failed'", **{"$orderby": "start asc"}) == [
        f"{tag}-1",
        f"{tag}-O'3",
    ]
    assert await serials(f"serialNumber eq '{tag}-O''3'") == [f"{tag}-O'3"]
    assert await serials("start ge 2026-04-02T00:00:00Z and start lt 2026-04-03T00:00:00Z") == [
        f"{tag}-2"
    ]
    assert await serials(
        "not (result eq 'Passed') or endswith(serialNumber,'-1')", **{"$orderby": "serialNumber"}
    ) == [f"{tag}-1", f"{tag}-2"]
    assert await serials(f"subUnits/any(s: s/serialNumber eq 'P-{tag}-2')") == [f"{tag}-2"]
    assert await serials("contains(serialNumber,'O''3') and processCode eq 100") == [f"{tag}-O'3"]
    page = await serials(
        "true eq true" if False else "processCode eq 100",
        **{"$orderby": "start desc", "$top": 1, "$skip": 1},
    )
    assert page == [f"{tag}-2"]


async def test_expand_and_misc_info_lookup(api: httpx.AsyncClient) -> None:
    report = _uut("SN-EXPAND")
    report["binaryData"] = [
        {
            "name": "log.txt",
            "contentType": "text/plain",
            "data": base64.b64encode(b"hello").decode(),
        }
    ]
    assert (await _submit(api, report)).status_code == 200
    [header] = await _headers(
        api, **{"$filter": f"uuid eq {report['id']}", "$expand": "subUnits,miscInfo,attachments"}
    )
    assert header["subUnits"] == [
        {"serialNumber": "P-SN-EXPAND", "partNumber": "PSU-200", "revision": "A", "partType": "PSU"}
    ]
    assert header["miscInfo"] == [{"description": "Firmware", "value": "fw-SN-EXPAND"}]
    [attachment] = header["attachments"]
    data = await api.get(
        "/api/Report/Attachment", params={"attachmentId": attachment["attachmentId"]}
    )
    assert data.content == b"hello"
    assert data.headers["content-type"].startswith("text/plain")
    archive = await api.get(f"/api/Report/Attachments/{report['id']}")
    assert zipfile.ZipFile(io.BytesIO(archive.content)).read("log.txt") == b"hello"
    by_misc = await api.get(
        "/api/Report/Query/HeaderByMiscInfo",
        params={"description": "Firmware", "stringValue": "fw-SN-EXPAND"},
    )
    assert [h["uuid"] for h in by_misc.json()] == [report["id"]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"$filter": "serialNumber eq"}, "expected a literal"),
        ({"$filter": "nope eq 1"}, "unknown field 'nope'"),
        ({"$filter": "processCode eq 'ten'"}, "expects a int value"),
        ({"$filter": "serialNumber eq 'x' and"}, "expected"),
        ({"$filter": "(serialNumber eq 'x'"}, "expected ')'"),
        ({"$orderby": "start sideways"}, "$orderby"),
        ({"$expand": "everything"}, "$expand"),
        ({"$top": "-1"}, "$top"),
        ({"reportType": "Z"}, "reportType"),
    ],
)
async def test_bad_queries_are_400(
    api: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await api.get("/api/Report/Query/Header", params=params)
    assert response.status_code == 400
    assert message in response.json()["Message"]


async def test_paths_match_case_insensitively_and_need_credentials(
    api: httpx.AsyncClient, asgi_transport: httpx.ASGITransport
) -> None:
    assert (await api.get("/API/app/VERSION")).json() == "2025.3.0.0"
    missing = await api.get("/api/report/wsjf/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "not found" in missing.json()["Message"]
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test"
    ) as anonymous:
        for path in (
            "/api/App/Version",
            "/api/Report/Query/Header",
            "/api/Nothing",
            "/openapi.json",
        ):
            response = await anonymous.get(path)
            assert response.status_code == 401
            assert response.headers["www-authenticate"].startswith("Basic")
        wrong = await anonymous.get(
            "/api/App/Version", headers={"Authorization": "Basic YWRtaW46bm8="}
        )
        assert wrong.status_code == 401


async def test_openapi_document_lists_the_report_endpoints(api: httpx.AsyncClient) -> None:
    paths = (await api.get("/openapi.json")).json()["paths"]
    assert {
        "/api/Report/WSJF",
        "/api/Report/WSXF",
        "/api/Report/Wsxf/{id}",
        "/api/Report/Query/Header",
        "/api/App/Processes",
    } <= set(paths)
    assert "application/xml" in paths["/api/Report/WSXF"]["post"]["requestBody"]["content"]


async def test_attachment_by_step_id(api: httpx.AsyncClient) -> None:
    def with_step_attachment(serial: str, content: bytes) -> dict[str, Any]:
        report = _uut(serial)
        step = report["root"]["steps"][0]
        step["id"] = 9_999  # the server numbers steps itself: this is step 2 of the export
        step["attachment"] = {
            "name": "scope.png",
            "contentType": "image/png",
            "data": base64.b64encode(content).decode(),
            "description": "trace",
        }
        return report

    async def by_step(value: str, report_id: str | None = None) -> httpx.Response:
        params = {"stepId": value} | ({"reportId": report_id} if report_id else {})
        return await api.get("/api/Report/Attachment", params=params)

    first, second = (
        with_step_attachment("SN-STEP-1", b"one"),
        with_step_attachment("SN-STEP-2", b"two"),
    )
    assert (await by_step("2", first["id"])).status_code == 404
    assert (await _submit(api, first)).status_code == 200
    assert (await by_step("9999", first["id"])).status_code == 404
    found = await by_step("2", first["id"])
    assert found.status_code == 200, found.text
    assert (found.content, found.headers["content-type"]) == (b"one", "image/png")
    assert (await _submit(api, second)).status_code == 200
    assert (await by_step("2", second["id"])).content == b"two"
    ambiguous = await by_step("2")
    assert ambiguous.status_code == 409
    assert "attachmentId" in ambiguous.json()["Message"]
    bad = await by_step("first")
    assert bad.status_code == 400
    assert "stepId: expected an integer" in bad.json()["Message"]
    neither = await api.get("/api/Report/Attachment")
    assert neither.status_code == 400
    assert "attachmentId or stepId" in neither.json()["Message"]


async def test_a_skip_past_what_the_database_binds_is_400_naming_it(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/Report/Query/Header", params={"$skip": 10**30})
    assert response.status_code == 400
    assert "'$skip'" in response.json()["Message"]


async def test_a_report_with_the_same_identity_replaces_the_earlier_one(
    api: httpx.AsyncClient,
) -> None:
    # WATS's identity is serial + part number + operation + start (the instant, whatever offset).
    first = _uut("SN-IDENTITY", start="2026-05-04T10:00:00.000+02:00")
    second = {**_uut("SN-IDENTITY", result="F"), "start": "2026-05-04T08:00:00.000Z"}
    later = _uut("SN-IDENTITY", start="2026-05-04T10:00:01.000+02:00")
    other_operation = {**first, "id": str(uuid.uuid4()), "processCode": 10}
    for report in (first, second, later, other_operation):
        assert (await _submit(api, report)).status_code == 200
    headers = await _headers(api, **{"$filter": "serialNumber eq 'SN-IDENTITY'"})
    assert sorted(h["uuid"] for h in headers) == sorted(
        [second["id"], later["id"], other_operation["id"]]
    )
    replaced = next(h for h in headers if h["uuid"] == second["id"])
    assert (replaced["result"], replaced["receiveCount"]) == ("Failed", 2)
    assert (await api.get(f"/api/Report/Wsjf/{first['id']}")).status_code == 404
    assert (await api.get(f"/api/Report/Wsjf/{second['id']}")).json()["result"] == "F"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"start": "2026-03-02T08:15:30"}, "start"),
        ({"miscInfos": [{"description": "Slot", "numeric": 40000}]}, "miscInfos[0].numeric"),
        ({"pn": "P" * 51}, "pn"),
    ],
)
async def test_the_server_gives_the_models_verdict(
    api: httpx.AsyncClient, change: dict[str, Any], path: str
) -> None:
    report = {**_uut("SN-RULES"), **change}
    [(problem_path, message)] = report_from_json(report).problems()
    assert problem_path == path
    response = await _submit(api, report)
    assert response.status_code == 400
    assert f"{path}: {message}" in response.json()["Message"]
