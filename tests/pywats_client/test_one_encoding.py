"""One representation from converter to wire: a report is encoded once, in the worker, and the
outbox's bytes are what the server receives; the station-name rule is the converters' own."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually

from pywats import UUTReport, write_wsjf
from pywats.report import _wsjf, read_wsjf
from pywats_client import Station
from pywats_client._config import load_config
from pywats_client._outbox import Entry
from pywats_client._service import Service
from pywats_client._workers import Converted, Job, convert_job

from .conftest import write_config

STATION = Station("ICT-01", "Line 1", "Production")
TESTSTAND = {"part_number": "MOTHERBOARD-1", "revision": "A", "operation_code": 10}


class _Counted:
    """How often a report is written as WSJF text (`write_wsjf`'s encoder) and how often any
    JSON text is parsed (the decoder every `json.loads` goes through). The submit-rule check
    (`Report.validate`) scans a JSON rendering of its own; it writes nothing that is sent."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.encodes = self.decodes = 0
        encode, decode = _wsjf._ENCODER.encode, json.JSONDecoder.decode

        def counted_encode(value: object) -> str:
            self.encodes += 1
            return encode(value)

        def counted_decode(decoder: json.JSONDecoder, text: str, **kwargs: object) -> object:
            self.decodes += 1
            return decode(decoder, text, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(_wsjf._ENCODER, "encode", counted_encode)
        monkeypatch.setattr(json.JSONDecoder, "decode", counted_decode)


def test_a_converted_report_is_encoded_once_and_never_decoded(
    samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (samples / "teststand" / "ts-without-wats.xml").read_bytes()
    job = Job("teststand", TESTSTAND, "in/ts.xml", data, STATION)
    counted = _Counted(monkeypatch)
    outcome = convert_job(job)
    assert isinstance(outcome, Converted), outcome
    assert (counted.encodes, counted.decodes) == (len(outcome.reports), 0)
    [(report_id, document)] = outcome.reports
    report = read_wsjf(document)
    assert report.id == report_id
    assert (report.station_name, report.location) == ("TS-2021-BETA", "Line 1")  # the file's
    assert document == write_wsjf(report).encode()  # the same compact text, not a re-encoding


@pytest.mark.parametrize(
    ("in_file", "override", "expected"),
    [("TESTER-7", None, "TESTER-7"), ("TESTER-7", "OVERRIDE", "OVERRIDE"), ("", None, "ICT-01")],
)
def test_the_station_name_rule_is_the_same_for_every_converter(
    samples: Path, in_file: str, override: str | None, expected: str
) -> None:
    """The `station_name` parameter wins, then the file's station, then this station: for a
    converter that reads the name itself (csv-like `station_name` call) and one that passes a
    WSJF file through (the worker's finishing step), alike."""
    document = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    document["machineName"] = in_file
    parameters = {"station_name": override} if override else {}
    job = Job("wsjf", parameters, "in/r.json", json.dumps(document).encode(), STATION)
    outcome = convert_job(job)
    assert isinstance(outcome, Converted), outcome
    assert read_wsjf(outcome.reports[0][1]).station_name == expected


class _Recording(httpx.AsyncBaseTransport):
    """The local server, keeping every report body it is sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.lower() == "/api/report/wsjf":
            self.bodies.append(await request.aread())
        return await self.inner.handle_async_request(request)


@pytest.mark.anyio
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
async def test_the_outbox_bytes_are_what_goes_on_the_wire(
    tmp_path: Path, server_app: object, server_token: str
) -> None:
    report = UUTReport.new(
        part_number="ENC-PN", serial_number="ENC-1", revision="A", process_code=100,
        station_name="ENC", location="Lab", purpose="Testing", operator="operator",
    )  # fmt: skip
    # Not the compact form write_wsjf makes: a re-encoding on the way would show.
    stored = json.dumps(report.raw, indent=2).encode()
    transport = _Recording(httpx.ASGITransport(app=server_app))  # type: ignore[arg-type]
    config_path = write_config(tmp_path, "http://testserver", server_token)
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    service.outbox.accept([Entry(report.id, stored)], converter="wsjf", source="r.json")
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await eventually(lambda: service.outbox.stats().delivered == 1)
        service.stop()
    assert transport.bodies == [stored]
