"""Bad report documents, WSJF and WSXF: always a 4xx naming the place, never a 500, nothing
stored; in-process (ASGI) and over a socket, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats_server.storage import Database, ReportStore

pytestmark = pytest.mark.anyio

NS = "http://wats.virinco.com/schemas/WATS/Report/wsxf"
SAMPLE_ID = "33A2D408-3FC8-480B-B554-6866C77FD91C"
LIMIT = 1024 * 1024  # the test servers' body limit


@pytest.fixture(params=["asgi", "socket"])
async def client(
    request: pytest.FixtureRequest, server_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client into the in-process app, then into the server subprocess."""
    headers = {"Authorization": f"Basic {server_token}"}
    if request.param == "asgi":
        transport = request.getfixturevalue("asgi_transport")
        options: dict[str, Any] = {"transport": transport, "base_url": "http://wats.test"}
    else:
        options = {"base_url": request.getfixturevalue("live_server").base_url}
    async with httpx.AsyncClient(headers=headers, timeout=30, **options) as api:
        yield api


@pytest.fixture
def stored(server_db_url: str) -> Iterator[Callable[[], int]]:
    """How many reports the server database holds right now."""
    database = Database(server_db_url)
    store = ReportStore(database)
    yield store.count
    database.dispose()


def _uut() -> dict[str, Any]:
    return {
        "type": "T",
        "id": str(uuid.uuid4()),
        "pn": "FMT-PN",
        "sn": "FMT-SN",
        "rev": "A",
        "processCode": 100,
        "result": "P",
        "start": "2026-03-02T08:15:30.125+01:00",
        "root": {"stepType": "SequenceCall", "name": "Main", "status": "P", "steps": []},
    }


def _json(**changes: Any) -> bytes:
    report = {**_uut(), **changes}
    return json.dumps({k: v for k, v in report.items() if v is not ...}).encode()


BAD_WSJF = {
    "malformed": (
        b"{not json",
        "malformed JSON: Expecting property name enclosed in double quotes at line 1 column 2",
    ),
    "array": (b"[]", "expected one JSON report object, got list"),
    "empty": (b"", "empty body"),
    "not UTF-8": (b"\xff\xfe{", "UTF-8"),
    "nested too deeply": (b"[" * 100_000, "nested too deeply"),
    "empty sn": (_json(sn=""), "sn: expected a non-empty string"),
    "missing pn": (_json(pn=...), "pn: expected a non-empty string, it is missing"),
    "string processCode": (_json(processCode="100"), "processCode: expected an integer"),
    "boolean processCode": (_json(processCode=True), "processCode: expected an integer"),
    "processCode past 32 bits": (
        _json(processCode=2**31),
        "processCode: expected an integer from -2147483648 to 2147483647, got int 2147483648",
    ),
    "error code past 64 bits": (
        _json(uut={"errorCode": 10**30}),
        "uut.errorCode: expected an integer from -2147483648 to 2147483647",
    ),
    "step id past 32 bits": (
        _json(root={"name": "Main", "stepType": "SequenceCall", "id": -(2**31) - 1}),
        "root.id: expected an integer from -2147483648 to 2147483647",
    ),
    "bad start": (_json(start="yesterday"), "start: expected an ISO 8601"),
    "bad id": (_json(id="42"), "id: expected a UUID"),
    "bad type": (_json(type="Q"), "type: expected 'T'"),
    "bad result": (_json(result="Maybe"), "result: expected one of P, F, E, T, D"),
    "root not object": (_json(root=[]), "root: expected an object"),
    "steps not array": (
        _json(root={"name": "Main", "steps": {}}),
        "root.steps: expected an array, got dict {}",
    ),
    "step not object": (
        _json(
            root={
                "name": "Main",
                "steps": [{"name": "a", "stepType": "SequenceCall", "steps": [5]}],
            }
        ),
        "root.steps[0].steps[0]: expected an object, got int 5",
    ),
    "measurement value": (
        _json(
            root={
                "name": "M",
                "steps": [{"name": "a", "stepType": "ET_NLT", "numericMeas": [{"value": []}]}],
            }
        ),
        "root.steps[0].numericMeas[0].value: expected a number",
    ),
    "misc info": (_json(miscInfos=[{"description": 5}]), "miscInfos[0].description"),
    "attachment": (_json(binaryData=[{"name": "a", "data": "@@"}]), "binaryData[0].data"),
}


def _sample_xml(samples: Path, **replace: str) -> bytes:
    """The WSXF sample with a fresh report id and `old=new` text replacements."""
    text = (samples / "wats" / "uut-wsxf-export.xml").read_text(encoding="utf-8")
    text = text.replace(SAMPLE_ID, str(uuid.uuid4()).upper())
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


BAD_WSXF: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "empty": (lambda _: b"", "empty body"),
    "not XML": (lambda _: b"{}", "not well-formed XML: line 1 column 1"),
    "truncated": (lambda s: _sample_xml(s)[:4000], "not well-formed XML: line 1 column"),
    "not UTF-8": (lambda _: b"\xff\xfe<Reports/>", "not well-formed XML"),
    "wrong root": (lambda _: b"<Report/>", "root element: expected"),
    "no report": (lambda _: f'<Reports xmlns="{NS}"/>'.encode(), "at least one Report"),
    "missing SN": (
        lambda s: _sample_xml(s, **{' SN="': ' Serial="'}),
        "sn: expected a non-empty string, it is missing (XML attribute SN)",
    ),
    "missing ID": (
        lambda s: _sample_xml(s, **{' ID="': ' Guid="'}),
        "id: expected a non-empty string, it is missing (XML attribute ID)",
    ),
    "bad ID": (
        lambda s: _sample_xml(s, **{' ID="': ' ID="x'}),
        "id: expected a UUID (8-4-4-4-12 hex digits), got str 'x",
    ),
    "bad Result": (
        lambda s: _sample_xml(s, **{'Result="Failed"': 'Result="Maybe"'}),
        "result: expected one of P, F, E, T, D, got str 'Maybe' (XML attribute Result)",
    ),
    "bad Process Code": (
        lambda s: _sample_xml(s, **{'<Process Code="': '<Process Code="x'}),
        "processCode: expected an integer in XML attribute Code",
    ),
    "missing Process": (
        lambda s: _sample_xml(s, **{"<Process ": "<Proc "}),
        "processCode: expected an integer, it is missing (XML element Process, attribute Code)",
    ),
    "bad step time": (
        lambda s: _sample_xml(s, **{'total_time="': 'total_time="abc'}),
        "root.totTime: expected a number in XML attribute total_time, got 'abc",
    ),
    "UUR": (
        lambda s: _sample_xml(s, **{'type="UUT"': 'type="UUR"'}),
        "type: expected 'UUT'",
    ),
    "steps nested too deeply": (
        lambda _: (
            f'<Reports xmlns="{NS}"><Report type="UUT">'
            + '<Step Name="s">' * 5000
            + "</Step>" * 5000
            + "</Report></Reports>"
        ).encode(),
        "nested too deeply",
    ),
    "entity expansion": (
        lambda _: (
            '<?xml version="1.0"?><!DOCTYPE r ['
            + '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
            + "".join(
                f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            )
            + f']><Reports xmlns="{NS}">&h;</Reports>'
        ).encode(),
        "not well-formed XML",
    ),
}


@pytest.mark.parametrize(("body", "message"), BAD_WSJF.values(), ids=BAD_WSJF.keys())
async def test_bad_wsjf_is_400_naming_the_field(
    client: httpx.AsyncClient, stored: Callable[[], int], body: bytes, message: str
) -> None:
    before = stored()
    response = await client.post(
        "/api/Report/WSJF", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert message in response.json()["Message"]
    assert response.json()["message"] == response.json()["Message"]
    assert stored() == before


@pytest.mark.parametrize(("make", "message"), BAD_WSXF.values(), ids=BAD_WSXF.keys())
async def test_bad_wsxf_is_400_naming_the_place(
    client: httpx.AsyncClient,
    stored: Callable[[], int],
    samples: Path,
    make: Callable[[Path], bytes],
    message: str,
) -> None:
    before = stored()
    response = await client.post(
        "/api/Report/WSXF", content=make(samples), headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 400, response.text
    assert message in response.json()["Message"]
    assert stored() == before


async def test_one_bad_report_stores_none_of_the_document(
    client: httpx.AsyncClient, stored: Callable[[], int], samples: Path
) -> None:
    good = _sample_xml(samples).decode()
    bad = _sample_xml(samples, **{' PN="': ' Part="'}).decode()
    reports = [
        text.split("?>", 1)[1].split(">", 1)[1].removesuffix("</Reports>") for text in (good, bad)
    ]
    document = good.replace("</Reports>", "") + reports[1] + "</Reports>"
    before = stored()
    response = await client.post("/api/Report/WSXF", content=document.encode())
    assert response.status_code == 400
    assert "Report[1]: pn: expected a non-empty string" in response.json()["Message"]
    assert stored() == before


def _chunks(body: bytes) -> Callable[[], AsyncIterator[bytes]]:
    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    return stream


@pytest.mark.parametrize("path", ["/api/Report/WSJF", "/api/Report/WSXF"])
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
async def test_oversized_bodies_are_413_and_store_nothing(
    client: httpx.AsyncClient,
    stored: Callable[[], int],
    samples: Path,
    path: str,
    declared: bool,
) -> None:
    if path.endswith("WSJF"):
        body = _json(comment="x" * 2 * LIMIT)
    else:
        body = _sample_xml(samples, **{"<Comment>": "<Comment>" + "x" * 2 * LIMIT})
    before = stored()
    content: Any = body if declared else _chunks(body)()
    response = await client.post(path, content=content)
    assert response.status_code == 413
    assert f"limit is {LIMIT} bytes" in response.json()["Message"]
    assert stored() == before
