"""Network chaos between the station and a real server: everything arrives after recovery.

The service runs in-process; its SDK client talks to a `pywats-server` subprocess over a real
socket through `ChaosTransport`, which injects refused connections, 5xx, 429 with Retry-After,
timeouts after the server committed, resets and slow drips.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
import httpx
import pytest

from pywats import WATS
from pywats_client._config import load_config
from pywats_client._service import Service

from ._chaos import FAULTS, ChaosTransport
from ._inputs import Inputs
from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

CONVERTER = '[[converters]]\ntype = "wsjf"\nwatch = "in"\n'


async def eventually(check: Callable[[], bool], within: float = 60.0) -> None:
    with anyio.fail_after(within):
        while True:
            if await anyio.to_thread.run_sync(check):
                return
            await anyio.sleep(0.1)


@asynccontextmanager
async def station(
    tmp_path: Path, server: object, chaos: ChaosTransport, name: str
) -> AsyncIterator[Service]:
    base_url, token = server.base_url, server.token  # type: ignore[attr-defined]
    # write_config sets retry_base_seconds 0.05 and retry_max_seconds 0.5 (the cap below).
    config_path = write_config(tmp_path, base_url, token, converters=CONVERTER, station=name)
    service = Service(load_config(config_path), transport=chaos)
    async with anyio.create_task_group() as group:
        group.start_soon(partial(service.run, handle_signals=False))
        yield service
        service.stop()


async def test_every_fault_kind_then_everything_is_delivered_once(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    chaos.plan = [*FAULTS, *FAULTS]
    inputs = Inputs("CHAOS-KINDS")
    async with station(tmp_path, live_server, chaos, inputs.station) as service:
        inputs.write(tmp_path / "in", samples, copies=2)
        with WATS(base_url=live_server.base_url, token=live_server.token) as client:  # type: ignore[attr-defined]
            await eventually(lambda: not inputs.missing_on(client))
            await eventually(lambda: service.outbox.stats().pending == 0)
            inputs.check(client, tmp_path / "data" / "quarantine")
            headers = client.reports.query_headers(
                f"startswith(serialNumber,'{inputs.station}-')", report_type="U", top=100
            )
        quarantined = service.outbox.stats().quarantined
    seen = [fault for _, fault in chaos.attempts]
    assert set(FAULTS) <= set(seen)
    assert quarantined == 0  # transient faults never quarantine
    # Faults after the server committed made resends of the same id (check() found no others).
    assert max(h.receive_count or 0 for h in headers) >= 2
    gaps = [
        b[0] - a[0]
        for a, b in zip(chaos.attempts, chaos.attempts[1:], strict=False)
        if a[1] == "429"
    ]
    assert min(gaps) >= 0.5, "Retry-After (1 s, capped at retry_max 0.5 s) was honoured"


async def test_a_4xx_quarantines_with_the_servers_message_and_retry_delivers(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    chaos.plan = ["400"]
    inputs = Inputs("CHAOS-400")
    async with station(tmp_path, live_server, chaos, inputs.station) as service:
        inputs.write(tmp_path / "in", samples)
        await eventually(lambda: service.outbox.stats().quarantined == 1)
        (rejected,) = service.outbox.items("quarantined")
        assert "injected 400" in (rejected.last_error or "")
        assert service.outbox.retry(rejected.id)
        service.retried()
        with WATS(base_url=live_server.base_url, token=live_server.token) as client:  # type: ignore[attr-defined]
            await eventually(lambda: not inputs.missing_on(client))
            inputs.check(client, tmp_path / "data" / "quarantine")


@pytest.mark.parametrize(
    "outage", [4.0, pytest.param(30.0, marks=pytest.mark.slow)], ids=["4s", "30s"]
)
async def test_an_outage_backs_off_capped_without_busy_looping(
    tmp_path: Path, samples: Path, live_server: object, outage: float
) -> None:
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    chaos.mode = "refused"
    inputs = Inputs(f"CHAOS-OUTAGE-{outage:.0f}")
    async with station(tmp_path, live_server, chaos, inputs.station) as service:
        inputs.write(tmp_path / "in", samples, copies=3)
        await eventually(lambda: service.outbox.stats().pending == len(inputs.expected))
        chaos.attempts.clear()
        cpu, wall = time.process_time(), time.monotonic()
        await anyio.sleep(outage)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        attempts = [t for t, _ in chaos.attempts]
        chaos.mode = None
        with WATS(base_url=live_server.base_url, token=live_server.token) as client:  # type: ignore[attr-defined]
            await eventually(lambda: not inputs.missing_on(client))
            inputs.check(client, tmp_path / "data" / "quarantine")
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    cap = 0.5
    print(f"outage {wall:.1f} s: {len(attempts)} attempts, service CPU {cpu:.3f} s")
    assert gaps, "the uploader kept trying during the outage"
    assert max(gaps) <= cap + 0.3, "the wait between attempts is capped"
    assert len(attempts) <= wall / (cap / 2) * 2 + 4, "attempts are paced by the backoff"
    assert cpu < 0.2 * wall, f"no busy loop: {cpu:.2f} s CPU in {wall:.1f} s of outage"
