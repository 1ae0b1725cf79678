"""Report certificates, OEE analysis and SCIM provisioning tokens through the SDK against the
in-process server (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from pywats import AsyncWATS, BadRequestError, NotFoundError, WATSFilter
from pywats.report import UUTReport

START = datetime(2026, 10, 5, 8, tzinfo=timezone.utc)


def _uut(pn: str, sn: str, minutes: int, passed: bool, seconds: float) -> UUTReport:
    uut = UUTReport.new(
        operator="operator",
        part_number=pn,
        serial_number=sn,
        revision="A",
        process_code=50,
        station_name="ST-OEE",
        location="Lab",
        purpose="Test",
        start=START + timedelta(minutes=minutes),
        exec_time=seconds,
    )
    uut.root.add_sequence("Power").add_numeric("5V", 5.0 if passed else 9.0, low=4.5, high=5.5)
    uut.propagate_failures()
    return uut


def _pdf_objects_where_xref_says(pdf: bytes) -> list[bytes]:
    """The object headers at the offsets the cross-reference table lists (a PDF reader's view)."""
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))  # type: ignore[union-attr]
    table = pdf[start:].split(b"trailer")[0].splitlines()[3:]
    return [pdf[int(line[:10]) :].split(b"\n")[0] for line in table]


@pytest.mark.anyio
async def test_certificate_is_a_pdf_naming_the_unit(aclient: AsyncWATS, unique: str) -> None:
    submitted = await aclient.reports.submit(_uut(f"CERT-{unique}", "SN(1)", 0, True, 12.0))
    pdf = await aclient.reports.get_certificate(submitted)

    assert pdf.startswith(b"%PDF-1.4")
    assert _pdf_objects_where_xref_says(pdf) == [f"{n} 0 obj".encode() for n in range(1, 6)]
    assert b"(Serial number: SN\\(1\\)) Tj" in pdf
    assert f"(Part number: CERT-{unique}) Tj".encode() in pdf
    assert b"(Result: Passed) Tj" in pdf
    with pytest.raises(NotFoundError, match="report 'no-such-report' not found"):
        await aclient.reports.get_certificate("no-such-report")


@pytest.mark.anyio
async def test_oee_from_run_times_and_results(aclient: AsyncWATS, unique: str) -> None:
    pn = f"OEE-{unique}"
    for sn, minutes, passed, seconds in (
        ("A", 0, True, 60),
        ("B", 5, False, 120),
        ("C", 10, True, 60),
    ):
        await aclient.reports.submit(_uut(pn, sn, minutes, passed, seconds))
    window = WATSFilter(part_number=pn, date_from=START, date_to=START + timedelta(minutes=20))
    oee = await aclient.analytics.oee_analysis(window)

    assert (oee.total_count, oee.good_count, oee.reject_count) == (3, 2, 1)
    assert (oee.planned_production_time, oee.run_time, oee.down_time) == (20.0, 4.0, 16.0)
    assert oee.ideal_cycle_time == 1.0  # the fastest passing run
    assert (oee.availability, oee.performance) == (20.0, 75.0)
    assert oee.quality == pytest.approx(200 / 3, abs=1e-3)
    assert oee.oee == pytest.approx(20.0 * 75.0 * (200 / 3) / 10_000, abs=1e-3)
    empty = await aclient.analytics.oee_analysis(WATSFilter(part_number=f"{pn}-none"))
    assert (empty.total_count, empty.oee, empty.quality) == (0, None, None)
    with pytest.raises(BadRequestError, match="level"):
        await aclient.analytics.oee_analysis(WATSFilter(level="PCBA"))


@pytest.mark.anyio
async def test_scim_token_authenticates_as_bearer_on_scim_only(
    aclient: AsyncWATS, asgi_transport: httpx.ASGITransport
) -> None:
    issued = await aclient.scim.get_token(duration_days=30)
    assert issued.duration_days == 30
    remaining = issued.expires_utc - datetime.now(timezone.utc)
    assert timedelta(days=29) < remaining <= timedelta(days=30)
    assert issued.token.count(".") == 2

    async with httpx.AsyncClient(transport=asgi_transport, base_url="http://wats.test") as http:
        bearer = {"Authorization": f"Bearer {issued.token}"}
        users = await http.get("/api/SCIM/v2/Users", headers=bearer)
        assert users.status_code == 200
        assert "Resources" in users.json()
        assert (await http.get("/api/App/Version", headers=bearer)).status_code == 401
        head, payload, signature = issued.token.split(".")
        forged = {"Authorization": f"Bearer {head}.{payload}.{signature[::-1]}"}
        assert (await http.get("/api/SCIM/v2/Users", headers=forged)).status_code == 401
    with pytest.raises(BadRequestError, match="duration"):
        await aclient.scim.get_token(duration_days=0)


@pytest.mark.anyio
async def test_station_heartbeat_and_versions(aclient: AsyncWATS) -> None:
    before = datetime.now(timezone.utc)
    ping = await aclient.ping()
    assert before - timedelta(seconds=5) <= ping.server_time <= datetime.now(timezone.utc)
    assert ping.server_name
    versions = {v.name: v.version for v in await aclient.get_module_versions()}
    assert versions["WATS API"] == await aclient.get_version()
