"""`client.reports` against the local server: in-process (async, ASGI) and over a socket (sync)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from pywats import WATS, AsyncWATS, Header, NotFoundError, SubUnitField, UUTReport, read_wsjf

SAMPLE_NAMES = ["uut-wsjf-export.json", "uur-example.json"]


def _new_report(serial: str) -> UUTReport:
    report = UUTReport.new(
        part_number="SDK-PN",
        serial_number=serial,
        revision="A",
        process_code=100,
        location="Line 1",
        purpose="Production",
    )
    report.root.add_numeric("3V3", 3.3, low=3.2, high=3.4, unit="V")
    return report


@pytest.mark.anyio
async def test_samples_round_trip_in_process(
    asgi_transport: httpx.ASGITransport, server_token: str, samples: Path
) -> None:
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        for name in SAMPLE_NAMES:
            text = (samples / "wats" / name).read_text(encoding="utf-8")
            report = read_wsjf(text)
            assert not isinstance(report, list)
            assert await client.reports.submit(report) == report.id
            assert await client.reports.submit(report) == report.id  # a retry replaces
            fetched = await client.reports.get(report.id)
            assert json.loads(json.dumps(fetched.raw)) == json.loads(text)
            [header] = await client.reports.query_headers(Header.uuid.eq(uuid.UUID(report.id)))
            assert header.receive_count == 2


def test_samples_round_trip_over_a_socket(live_server: object, samples: Path) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    with WATS(base_url=base_url, token=token) as client:
        for name in SAMPLE_NAMES:
            text = (samples / "wats" / name).read_text(encoding="utf-8")
            report = read_wsjf(text)
            assert not isinstance(report, list)
            client.reports.submit(report)
            assert json.loads(json.dumps(client.reports.get(report.id).raw)) == json.loads(text)
            assert len(client.reports.query_headers(Header.uuid.eq(uuid.UUID(report.id)))) == 1
        with pytest.raises(NotFoundError):
            client.reports.get(uuid.uuid4())


def test_filter_builder_and_paging_over_a_socket(live_server: object) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    tag = uuid.uuid4().hex[:8]
    with WATS(base_url=base_url, token=token) as client:
        for index in range(7):
            client.reports.submit(_new_report(f"{tag}-{index}"))
        since = datetime(2000, 1, 1, tzinfo=timezone.utc)
        mine = Header.serial_number.startswith(tag) & Header.start.ge(since)
        assert len(list(client.reports.iter_headers(mine, page_size=3))) == 7
        one = Header.serial_number.one_of(f"{tag}-1", f"{tag}-4") & ~Header.result.eq("Failed")
        found = sorted(h.serial_number or "" for h in client.reports.query_headers(one))
        assert found == [f"{tag}-1", f"{tag}-4"]
        none = Header.sub_units.any(SubUnitField.part_number.eq("O'Brien")) & mine
        assert client.reports.query_headers(none) == []


@pytest.mark.anyio
async def test_async_iterator_pages(asgi_transport: httpx.ASGITransport, server_token: str) -> None:
    tag = uuid.uuid4().hex[:8]
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        for index in range(5):
            await client.reports.submit(_new_report(f"{tag}-{index}"))
        serials = [
            h.serial_number
            async for h in client.reports.iter_headers(
                Header.serial_number.startswith(tag), page_size=2
            )
        ]
    assert sorted(serials) == [f"{tag}-{i}" for i in range(5)]
