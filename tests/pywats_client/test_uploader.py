"""Delivery decisions of the uploader, with the whole service running against the local server."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest

from pywats import AsyncWATS, UUTReport, write_wsjf
from pywats_client._config import load_config
from pywats_client._service import Service

from .conftest import write_config
from .test_service import eventually

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


async def test_a_report_breaking_the_submit_rules_is_quarantined_not_retried(
    tmp_path: Path, server_app: object, server_token: str
) -> None:
    good = UUTReport.new(
        part_number="UPL-PN",
        serial_number="UPL-1",
        revision="A",
        process_code=100,
        location="Lab",
        purpose="Testing",
    )
    bad = UUTReport.new(
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
        await eventually(service.is_ready)
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
