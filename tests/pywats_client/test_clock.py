"""The service reads time from one injected clock, and says when it is ready instead of being
polled for it."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually

from pywats.testing import FakeClock
from pywats_client._config import load_config
from pywats_client._service import Service

from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

WALL = 1_900_000_000.0


async def test_outbox_uploader_and_watcher_run_on_the_injected_clock(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    clock = FakeClock(wall_start=WALL)
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    config_path = write_config(tmp_path, "http://testserver", server_token)
    service = Service(
        load_config(config_path), config_path=config_path, transport=transport, clock=clock
    )
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        await service.wait_ready()
        assert service.is_ready()
        shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "wsjf" / "r.json")
        # The file is stable only once the clock says stable_seconds have passed.
        await anyio.sleep(0.5)
        assert service.outbox.stats().pending + service.outbox.stats().delivered == 0
        clock.advance(1.0)
        await eventually(lambda: service.outbox.stats().delivered == 1, 30, "the delivery")
        status = service.status()
        [item] = service.outbox.items("delivered")
        service.stop()
    assert (item.created, item.delivered) == (WALL + 1.0, WALL + 1.0)
    assert status.uploader.last_success == WALL + 1.0
    assert status.uptime_seconds == 1.0
