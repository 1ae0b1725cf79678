"""`client.reports` against the local server: in-process (async, ASGI) and over a socket (sync),
each on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats import (
    WATS,
    APIStatusError,
    AsyncWATS,
    BadRequestError,
    HeaderFields,
    NotFoundError,
    ReportValidationError,
    SubUnitFields,
    UUTReport,
    read_wsjf,
    read_wsxf,
    write_wsjf,
    write_wsxf,
)
from pywats.report import Report

# Every WATS export in tests/data/samples/wats/; `test_every_sample_is_covered` keeps it complete.
SAMPLE_NAMES = ["uur-example.json", "uut-wsjf-export.json", "uut-wsxf-export.xml"]


def _new_report(serial: str) -> UUTReport:
    report = UUTReport.new(
        part_number="SDK-PN",
        serial_number=serial,
        revision="A",
        process_code=100,
        location="Line 1",
        purpose="Production",
        operator="sdk-test",
    )
    report.root.add_numeric("3V3", 3.3, low=3.2, high=3.4, unit="V")
    return report


def _expected_json(name: str, text: str) -> Any:
    """What `reports.get` must return for a sample: the WSJF itself, or the WSXF read as WSJF."""
    if name.endswith(".xml"):
        read = read_wsxf(text)
        assert isinstance(read, Report)
        return json.loads(write_wsjf(read))
    return json.loads(text)


def _sample_id(name: str, text: str) -> str:
    read = read_wsxf(text) if name.endswith(".xml") else read_wsjf(text)
    assert isinstance(read, Report)
    return read.id


def test_every_sample_is_covered(samples: Path) -> None:
    assert sorted(path.name for path in (samples / "wats").iterdir()) == SAMPLE_NAMES


@pytest.mark.anyio
@pytest.mark.parametrize("name", SAMPLE_NAMES)
async def test_sample_round_trips_in_process(
    asgi_transport: httpx.ASGITransport,
    server_token: str,
    samples: Path,
    name: str,
    without_server_fields: Callable[[Any], Any],
) -> None:
    text = (samples / "wats" / name).read_text(encoding="utf-8")
    report_id = _sample_id(name, text)
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        by_id = HeaderFields.uuid.eq(uuid.UUID(report_id))

        async def submit() -> None:
            if name.endswith(".xml"):
                assert await client.reports.submit_xml(text) == [report_id]
            else:
                report = read_wsjf(text)
                assert isinstance(report, Report)
                assert await client.reports.submit(report) == report_id

        await submit()
        [first] = await client.reports.query_headers(by_id)
        await submit()  # a retry replaces the report
        [again] = await client.reports.query_headers(by_id)
        assert again.receive_count == (first.receive_count or 0) + 1
        fetched = await client.reports.get(report_id)
        exported = without_server_fields(json.loads(json.dumps(fetched.raw)))
        assert exported == without_server_fields(_expected_json(name, text))
        if name.endswith(".xml"):
            as_xml = read_wsxf(await client.reports.get_xml(report_id))
            assert isinstance(as_xml, Report)
            assert without_server_fields(as_xml.raw) == without_server_fields(
                _expected_json(name, text)
            )


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_round_trips_over_a_socket(
    live_server: Any, samples: Path, name: str, without_server_fields: Callable[[Any], Any]
) -> None:
    text = (samples / "wats" / name).read_text(encoding="utf-8")
    report_id = _sample_id(name, text)
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        for _ in range(2):  # the second submission replaces the first
            if name.endswith(".xml"):
                assert client.reports.submit_xml(text.encode("utf-8")) == [report_id]
            else:
                report = read_wsjf(text)
                assert isinstance(report, Report)
                assert client.reports.submit(report) == report_id
        assert len(client.reports.query_headers(HeaderFields.uuid.eq(uuid.UUID(report_id)))) == 1
        fetched = client.reports.get(report_id)
        expected = without_server_fields(_expected_json(name, text))
        assert without_server_fields(json.loads(json.dumps(fetched.raw))) == expected
        if name.endswith(".xml"):
            as_xml = read_wsxf(client.reports.get_xml(report_id.upper()))
            assert isinstance(as_xml, Report)
            assert without_server_fields(as_xml.raw) == expected
        with pytest.raises(NotFoundError):
            client.reports.get(uuid.uuid4())
        with pytest.raises(NotFoundError):
            client.reports.get_xml(uuid.uuid4())


def test_xml_of_a_json_report_and_several_reports_per_document(
    live_server: Any, without_server_fields: Callable[[Any], Any]
) -> None:
    single, first, second = _new_report("XML-0"), _new_report("XML-1"), _new_report("XML-2")

    def as_wsxf(report: Report) -> Any:
        read = read_wsxf(write_wsxf(report))
        assert isinstance(read, Report)
        return without_server_fields(read.raw)

    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        client.reports.submit(single)
        fetched = read_wsxf(client.reports.get_xml(single.id))
        assert isinstance(fetched, Report)
        assert without_server_fields(fetched.raw) == as_wsxf(single)
        assert client.reports.submit_xml(write_wsxf([first, second])) == [first.id, second.id]
        for report in (first, second):
            fetched = read_wsxf(client.reports.get_xml(report.id))
            assert isinstance(fetched, Report)
            assert without_server_fields(fetched.raw) == as_wsxf(report)
            got = client.reports.get(report.id)
            assert without_server_fields(got.raw) == without_server_fields(report.raw)


@pytest.mark.anyio
async def test_bad_xml_is_a_bad_request_naming_the_place(
    asgi_transport: httpx.ASGITransport, server_token: str, samples: Path
) -> None:
    text = (samples / "wats" / "uut-wsxf-export.xml").read_text(encoding="utf-8")
    fresh = str(uuid.uuid4())
    broken = text.replace("33A2D408-3FC8-480B-B554-6866C77FD91C", fresh).replace(' SN="', ' X="')
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        with pytest.raises(BadRequestError, match=r"sn: .*\(XML attribute SN\)"):
            await client.reports.submit_xml(broken)
        with pytest.raises(BadRequestError, match=r"not well-formed XML: line \d+ column \d+"):
            await client.reports.submit_xml(text[:-5])
        with pytest.raises(NotFoundError):
            await client.reports.get_xml(fresh)


def test_oversized_bodies_are_refused_over_a_socket(live_server: Any) -> None:
    report = _new_report("SDK-BIG")
    report.root.add_numeric("big", 1.0, low=0.0, high=2.0, unit="x" * (2 * 1024 * 1024))
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        with pytest.raises(APIStatusError, match="limit is 1048576 bytes") as json_error:
            client.reports.submit(report)
        with pytest.raises(APIStatusError, match="limit is 1048576 bytes") as xml_error:
            client.reports.submit_xml("<Reports>" + " " * (2 * 1024 * 1024) + "</Reports>")
        assert json_error.value.status_code == xml_error.value.status_code == 413
        with pytest.raises(NotFoundError):
            client.reports.get(report.id)


def test_filter_builder_and_paging_over_a_socket(live_server: Any) -> None:
    tag = uuid.uuid4().hex[:8]
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        for index in range(7):
            client.reports.submit(_new_report(f"{tag}-{index}"))
        since = datetime(2000, 1, 1, tzinfo=timezone.utc)
        mine = HeaderFields.serial_number.startswith(tag) & HeaderFields.start.ge(since)
        assert len(list(client.reports.iter_headers(mine, page_size=3))) == 7
        one = HeaderFields.serial_number.one_of(f"{tag}-1", f"{tag}-4") & ~HeaderFields.result.eq(
            "Failed"
        )
        found = sorted(h.serial_number or "" for h in client.reports.query_headers(one))
        assert found == [f"{tag}-1", f"{tag}-4"]
        none = HeaderFields.sub_units.any(SubUnitFields.part_number.eq("O'Brien")) & mine
        assert client.reports.query_headers(none) == []
        with pytest.raises(BadRequestError, match="expected a literal"):
            client.reports.query_headers("serialNumber eq")
        with pytest.raises(BadRequestError, match="unknown field 'nope'"):
            client.reports.query_headers("nope eq 1")
        with pytest.raises(BadRequestError, match=r"\$orderby"):
            client.reports.query_headers(mine, orderby="start sideways")


@pytest.mark.anyio
async def test_async_iterator_pages(asgi_transport: httpx.ASGITransport, server_token: str) -> None:
    tag = uuid.uuid4().hex[:8]
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        for index in range(5):
            await client.reports.submit(_new_report(f"{tag}-{index}"))
        serials = [
            h.serial_number or ""
            async for h in client.reports.iter_headers(
                HeaderFields.serial_number.startswith(tag), page_size=2
            )
        ]
    assert sorted(serials) == [f"{tag}-{i}" for i in range(5)]


@pytest.mark.anyio
async def test_submit_checks_the_submit_rules_before_sending(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    report = _new_report(f"SDK-RULES-{uuid.uuid4().hex[:8]}")
    report.serial_number = "bad*serial"
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        with pytest.raises(ReportValidationError, match=r"sn.*'\*'"):
            await client.reports.submit(report)
        assert await client.reports.query_headers(HeaderFields.uuid.eq(uuid.UUID(report.id))) == []


@pytest.mark.anyio
async def test_submit_of_a_parsed_json_dict_says_how_to_make_a_report(
    asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    document = json.loads(write_wsjf(_new_report(f"SDK-DICT-{uuid.uuid4().hex[:8]}")))
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=asgi_transport
    ) as client:
        with pytest.raises(
            TypeError, match=r"report: expected a UUTReport .* got dict; .*read_wsjf"
        ):
            await client.reports.submit(document)
        assert (
            await client.reports.query_headers(HeaderFields.uuid.eq(uuid.UUID(document["id"])))
            == []
        )


@pytest.mark.anyio
async def test_header_carries_passed_in_run_and_expanded_assets(aclient: AsyncWATS) -> None:
    serial = f"HDR-{uuid.uuid4().hex[:8]}"
    ids = []
    for hour, result in ((8, "F"), (9, "P")):
        report = _new_report(serial)
        report.start = f"2026-06-02T0{hour}:00:00Z"
        report.result = result
        report.add_asset(f"DMM-{serial}")
        ids.append(await aclient.reports.submit(report))
    headers = await aclient.reports.query_headers(
        HeaderFields.serial_number.eq(serial), orderby="start asc", expand=["assets"]
    )
    assert [(h.run, h.passed_in_run) for h in headers] == [(1, 2), (2, 2)]
    assert [h.uuid for h in headers] == ids
    assert [[a["serialNumber"] for a in h.assets or []] for h in headers] == [[f"DMM-{serial}"]] * 2
    one_name = await aclient.reports.query_headers(
        HeaderFields.serial_number.eq(serial), expand="assets"
    )
    assert [[a["serialNumber"] for a in h.assets or []] for h in one_name] == [
        [f"DMM-{serial}"]
    ] * 2
