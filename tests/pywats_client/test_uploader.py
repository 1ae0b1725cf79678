"""Delivery decisions of the uploader, with the whole service running against the local server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually

from pywats import AsyncWATS, UUTReport, write_wsjf
from pywats_client._config import load_config
from pywats_client._service import Service

from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


async def test_a_report_breaking_the_submit_rules_is_quarantined_not_retried(
    tmp_path: Path, server_app: object, server_token: str
) -> None:
    good = UUTReport.new(
        operator="operator",
        part_number="UPL-PN",
        serial_number="UPL-1",
        revision="A",
        process_code=100,
        location="Lab",
        purpose="Testing",
    )
    bad = UUTReport.new(
        operator="operator",
        part_number="UPL-PN",
        serial_number="UPL-2",
        revision="A",
        process_code=100,
        location="Lab",
        purpose="Testing",
    )
    bad.serial_number = "UPL*2"  # loads fine (historical data may hold it), refused on submit
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    config_path = write_config(tmp_path, "http://testserver", server_token)
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        (tmp_path / "in" / "wsjf" / "good.json").write_text(write_wsjf(good))
        (tmp_path / "in" / "wsjf" / "bad.json").write_text(write_wsjf(bad))

        def settled() -> bool:
            stats = service.outbox.stats()
            return stats.delivered == 1 and stats.quarantined == 1 and stats.pending == 0

        await eventually(settled)
        [item] = service.outbox.items("quarantined")
        service.stop()

    assert item.id == bad.id
    assert item.attempts == 1  # refused once, never sent again
    assert item.last_error is not None
    assert "sn: 'UPL*2' contains '*'" in item.last_error
    async with AsyncWATS(
        base_url="http://testserver", token=server_token, transport=transport
    ) as client:
        assert (await client.reports.get(good.id)).id == good.id


class _BusyOnce(httpx.AsyncBaseTransport):
    """The local server behind a gateway that answers the first report upload with 429 and a
    `Retry-After` HTTP-date (a busy gateway cannot be made real here)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, retry_at: datetime) -> None:
        self.inner = inner
        self.retry_after = format_datetime(retry_at, usegmt=True)
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not self.refused:
            self.refused += 1
            return httpx.Response(429, headers={"Retry-After": self.retry_after})
        return await self.inner.handle_async_request(request)


async def test_a_retry_after_date_from_the_server_sets_the_pause(
    tmp_path: Path, server_app: object, server_token: str
) -> None:
    report = UUTReport.new(
        operator="operator",
        part_number="UPL-PN",
        serial_number="UPL-3",
        revision="A",
        process_code=100,
        location="Lab",
        purpose="Testing",
    )
    retry_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=40)
    transport = _BusyOnce(httpx.ASGITransport(app=server_app), retry_at)  # type: ignore[arg-type]
    # The test config's pause cap is short; the server's wait must fit under the cap to count.
    settings: dict[str, object] = {"outbox.retry_max_seconds": 120}
    config_path = write_config(tmp_path, "http://testserver", server_token, settings=settings)
    service = Service(load_config(config_path), config_path=config_path, transport=transport)
    inbox = tmp_path / "in" / "wsjf"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "busy.json").write_text(write_wsjf(report))
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        # The pause is set first, then the outbox row is written (in a thread): wait for both.
        await eventually(lambda: any(i.last_error for i in service.outbox.items("pending")))
        paused_until = service.uploader.state.paused_until
        [item] = service.outbox.items("pending")
        service.stop()

    assert transport.refused == 1
    assert item.last_error is not None
    assert "429" in item.last_error
    # The pause ends when the server said, not after the first backoff step (under a second).
    assert paused_until == item.next_attempt
    assert abs(paused_until - retry_at.timestamp()) < 5
