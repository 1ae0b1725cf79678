"""`client.assets` against the real server: types, the asset tree, usage counts, calibration,
the derived alarm status, state changes, OData queries and the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from pywats import (
    WATS,
    APIStatusError,
    Asset,
    AssetType,
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
)
from pywats.testing import FakeClock

NOW = datetime.now(timezone.utc)


async def _fixture_type(client: AsyncWATS, unique: str) -> AssetType:
    return await client.assets.save_type(
        AssetType(
            type_name=f"Fixture {unique}",
            running_count_limit=100,
            calibration_interval=30,
            warning_threshold=80,
        )
    )


@pytest.mark.anyio
async def test_asset_tree_counts_and_status(aclient: AsyncWATS, unique: str) -> None:
    kind = await _fixture_type(aclient, unique)
    assert kind.type_id
    fixture, probe = f"FX-{unique}", f"PR-{unique}"
    await aclient.assets.save(Asset(serial_number=fixture, type_id=kind.type_id, location="L1"))
    await aclient.assets.save(
        Asset(serial_number=probe, type_id=kind.type_id, parent_serial_number=fixture)
    )
    tree = await aclient.assets.get(fixture)
    assert [child.serial_number for child in tree.asset_children] == [probe]
    assert tree.asset_type is not None
    assert tree.asset_type.running_count_limit == 100
    assert [a.serial_number for a in await aclient.assets.sub_assets(fixture)] == [probe]

    never = await aclient.assets.status(fixture)
    assert (never.alarm_state_name, never.messages) == (
        "Alarm",
        ["calibration: no calibration date recorded"],
    )
    await aclient.assets.record_calibration(fixture, NOW - timedelta(days=10))
    calibrated = await aclient.assets.status(fixture)
    assert calibrated.alarm_state == 0, calibrated.messages
    assert calibrated.next_calibration_date is not None
    assert calibrated.next_calibration_date.date() == (NOW + timedelta(days=20)).date()

    await aclient.assets.count_use(fixture, 85)
    warned = await aclient.assets.status(fixture)
    assert (warned.alarm_state, warned.messages) == (1, ["running count 85 of 100 (85%)"])
    assert (await aclient.assets.get(probe)).running_count == 85  # counted with its parent
    await aclient.assets.count_use(fixture, 15, include_children=False)
    alarmed = await aclient.assets.status(fixture)
    assert alarmed.alarm_state == 2
    assert (alarmed.running_count, alarmed.total_count) == (100, 100)

    await aclient.assets.reset_running_count(fixture, comment="new pins")
    reset = await aclient.assets.get(fixture)
    assert (reset.running_count, reset.total_count) == (0, 100)
    await aclient.assets.record_calibration(fixture, NOW - timedelta(days=29))
    due = await aclient.assets.status(fixture)
    assert due.alarm_state == 1
    assert "calibration due" in due.messages[0]


@pytest.mark.anyio
async def test_external_calibration_state_and_failures(aclient: AsyncWATS, unique: str) -> None:
    kind = await aclient.assets.save_type(
        AssetType(type_name=f"Meter {unique}", calibration_interval=-2)
    )
    meter = f"DMM-{unique}"
    with pytest.raises(BadRequestError, match="typeId: required to register a new asset"):
        await aclient.assets.save(Asset(serial_number=meter))
    saved = await aclient.assets.save(Asset(serial_number=meter, type_id=kind.type_id))
    assert saved.state == 1

    with pytest.raises(BadRequestError, match="fromDate"):
        await aclient.assets.record_calibration(meter, until=NOW + timedelta(days=365))
    with pytest.raises(BadRequestError, match="toDate: expected a date after fromDate"):
        await aclient.assets.record_calibration(meter, NOW, until=NOW - timedelta(days=1))
    await aclient.assets.record_calibration(
        meter, NOW - timedelta(days=300), until=NOW - timedelta(days=2), comment="by the lab"
    )
    overdue = await aclient.assets.status(meter)
    assert overdue.alarm_state == 2
    assert overdue.messages[0].startswith("calibration overdue by 2 day(s)")

    with pytest.raises(NotFoundError, match=f"asset 'NOPE-{unique}' not found"):
        await aclient.assets.status(f"NOPE-{unique}")
    with pytest.raises(BadRequestError, match=r"expected an asset state 0\.\.6, got 9"):
        await aclient.assets.set_state(meter, 9)
    await aclient.assets.set_state(meter, 6)
    with pytest.raises(ConflictError, match="is scrapped: its state cannot change"):
        await aclient.assets.set_state(meter, 1)

    entries = await aclient.assets.log(f"serialNumber eq '{meter}'")
    assert [e.type for e in entries] == [1, 4, 6]
    assert entries[1].comment == "by the lab"
    assert entries[0].user == "admin"
    await aclient.assets.add_message(saved.asset_id or "", "sent for repair")
    latest = await aclient.assets.log(f"serialNumber eq '{meter}'", orderby="logId desc", top=1)
    assert [(e.type, e.comment) for e in latest] == [(0, "sent for repair")]


@pytest.mark.anyio
async def test_odata_queries_and_deletion(aclient: AsyncWATS, unique: str) -> None:
    kind = await _fixture_type(aclient, unique)
    for index in range(3):
        await aclient.assets.save(
            Asset(serial_number=f"Q{index}-{unique}", type_id=kind.type_id, location=f"L{index}")
        )
    await aclient.assets.count_use(f"Q2-{unique}", 7)
    found = await aclient.assets.query(
        f"typeName eq 'Fixture {unique}' and runningCount gt 0", orderby="serialNumber desc"
    )
    assert [a.serial_number for a in found] == [f"Q2-{unique}"]
    paged = await aclient.assets.query(
        f"startswith(serialNumber,'Q') and endswith(serialNumber,'{unique}')",
        orderby="location desc",
        top=2,
        skip=1,
    )
    assert [a.location for a in paged] == ["L1", "L0"]
    with pytest.raises(BadRequestError, match="unknown field 'colour'"):
        await aclient.assets.query("colour eq 'red'")
    assert [t.type_name for t in await aclient.assets.types(f"typeName eq 'Fixture {unique}'")] == [
        f"Fixture {unique}"
    ]

    await aclient.assets.save(
        Asset(serial_number=f"Q0-{unique}", parent_serial_number=f"Q1-{unique}")
    )
    with pytest.raises(BadRequestError, match="cannot be its own ancestor"):
        await aclient.assets.save(
            Asset(serial_number=f"Q1-{unique}", parent_serial_number=f"Q0-{unique}")
        )
    q2 = await aclient.assets.get(f"Q2-{unique}")
    q2.serial_number = f"Q1-{unique}"
    with pytest.raises(ConflictError, match=f"serialNumber 'Q1-{unique}' belongs to asset"):
        await aclient.assets.save(q2)
    with pytest.raises(ConflictError, match="has child assets"):
        await aclient.assets.delete(f"Q1-{unique}")
    await aclient.assets.delete(f"Q0-{unique}")
    with pytest.raises(NotFoundError):
        await aclient.assets.get(f"Q0-{unique}")


def test_assets_over_a_socket(client: WATS, unique: str) -> None:
    kind = client.assets.save_type(AssetType(type_name=f"Socket {unique}", total_count_limit=10))
    client.assets.save(Asset(serial_number=f"S-{unique}", type_id=kind.type_id))
    client.assets.count_use(f"S-{unique}", 10)
    assert client.assets.status(f"S-{unique}").messages == ["total count 10 of 10 (100%)"]
    with pytest.raises(BadRequestError, match="fromDate"):
        client.assets.record_maintenance(f"S-{unique}", until=NOW)
    with pytest.raises(NotFoundError, match=f"asset 'NOPE-{unique}' not found"):
        client.assets.get(f"NOPE-{unique}")


# -- files ------------------------------------------------------------------------------------

EVERY_BYTE = bytes(range(256)) * 3


async def _registered(client: AsyncWATS, unique: str) -> str:
    kind = await _fixture_type(client, unique)
    saved = await client.assets.save(Asset(serial_number=f"F-{unique}", type_id=kind.type_id))
    assert saved.asset_id
    return saved.asset_id


@pytest.mark.anyio
async def test_asset_files_round_trip(aclient: AsyncWATS, unique: str, tmp_path: Path) -> None:
    asset_id = await _registered(aclient, unique)
    drawing = tmp_path / "drawing.bin"
    drawing.write_bytes(EVERY_BYTE)
    certificate = "Kalibrering Ø 2026-11-29\r\nOK\n".encode()
    await aclient.assets.upload_file(asset_id, "drawing.bin", drawing)
    await aclient.assets.upload_file(asset_id, "Sertifikat Ø.txt", certificate)
    await aclient.assets.upload_file(asset_id, "empty.log", b"")
    assert await aclient.assets.list_files(asset_id) == [
        "Sertifikat Ø.txt",
        "drawing.bin",
        "empty.log",
    ]
    assert await aclient.assets.download_file(asset_id, "drawing.bin") == EVERY_BYTE
    assert await aclient.assets.download_file(asset_id, "Sertifikat Ø.txt") == certificate
    assert await aclient.assets.download_file(asset_id, "empty.log") == b""

    await aclient.assets.upload_file(asset_id, "drawing.bin", EVERY_BYTE[::-1])
    assert await aclient.assets.download_file(asset_id, "drawing.bin") == EVERY_BYTE[::-1]
    assert len(await aclient.assets.list_files(asset_id)) == 3

    with pytest.raises(NotFoundError, match=r"'missing\.pdf': nothing was deleted"):
        await aclient.assets.delete_files(asset_id, ["drawing.bin", "missing.pdf"])
    assert len(await aclient.assets.list_files(asset_id)) == 3
    await aclient.assets.delete_files(asset_id, ["drawing.bin", "empty.log"])
    assert await aclient.assets.list_files(asset_id) == ["Sertifikat Ø.txt"]
    with pytest.raises(NotFoundError, match=r"has no file 'drawing\.bin'"):
        await aclient.assets.download_file(asset_id, "drawing.bin")


@pytest.mark.anyio
async def test_asset_file_failures(aclient: AsyncWATS, unique: str) -> None:
    asset_id = await _registered(aclient, unique)
    unknown = f"00000000-0000-0000-0000-{unique:0>12}"
    for attempt in (
        aclient.assets.upload_file(unknown, "a.txt", b"x"),
        aclient.assets.download_file(unknown, "a.txt"),
        aclient.assets.list_files(unknown),
        aclient.assets.delete_files(unknown, "a.txt"),
    ):
        with pytest.raises(NotFoundError, match=f"assetId: asset '{unknown}' not found"):
            await attempt
    for name in ("../x", "a/b", "nul\x00.txt", "x" * 256, ""):
        with pytest.raises(BadRequestError, match="filename: expected a plain file name"):
            await aclient.assets.upload_file(asset_id, name, b"x")
    with pytest.raises(BadRequestError, match=r"body\[1\]: expected a plain file name"):
        await aclient.assets.delete_files(asset_id, ["a.txt", "../a.txt"])
    assert await aclient.assets.list_files(asset_id) == []


def test_asset_files_over_a_socket(client: WATS, unique: str) -> None:
    kind = client.assets.save_type(AssetType(type_name=f"Files {unique}"))
    saved = client.assets.save(Asset(serial_number=f"SF-{unique}", type_id=kind.type_id))
    asset_id = saved.asset_id or ""
    client.assets.upload_file(asset_id, "calibration.pdf", EVERY_BYTE)
    client.assets.upload_file(asset_id, "calibration.pdf", EVERY_BYTE + b"v2")
    assert client.assets.list_files(asset_id) == ["calibration.pdf"]
    assert client.assets.download_file(asset_id, "calibration.pdf") == EVERY_BYTE + b"v2"
    with pytest.raises(APIStatusError, match="request body too large") as raised:
        client.assets.upload_file(asset_id, "huge.bin", bytes(1024 * 1024 + 1))
    assert raised.value.status_code == 413
    client.assets.delete_files(asset_id, "calibration.pdf")
    assert client.assets.list_files(asset_id) == []
    with pytest.raises(NotFoundError, match=r"has no file 'calibration\.pdf'"):
        client.assets.download_file(asset_id, "calibration.pdf")


class _LostFirstAnswer(httpx.AsyncBaseTransport):
    """The real in-process server, but the first answer is lost after the server acted on the
    request (a connection reset), as when a network drops mid-response."""

    def __init__(self, server: httpx.ASGITransport) -> None:
        self.server = server
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = await self.server.handle_async_request(request)
        if len(self.requests) == 1:
            await response.aclose()
            raise httpx.ReadError("connection reset by peer")
        return response


@pytest.mark.anyio
async def test_an_upload_whose_answer_was_lost_is_retried(
    aclient: AsyncWATS, asgi_transport: httpx.ASGITransport, server_token: str, unique: str
) -> None:
    asset_id = await _registered(aclient, unique)
    transport = _LostFirstAnswer(asgi_transport)
    clock = FakeClock()
    async with AsyncWATS(
        base_url="http://wats.test", token=server_token, transport=transport, clock=clock
    ) as flaky:
        await flaky.assets.upload_file(asset_id, "log.txt", b"serviced")
    assert [r.method for r in transport.requests] == ["POST", "POST"]
    assert len(clock.sleeps) == 1
    assert await aclient.assets.list_files(asset_id) == ["log.txt"]
    assert await aclient.assets.download_file(asset_id, "log.txt") == b"serviced"
