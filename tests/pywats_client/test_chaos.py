"""Network chaos: the station subprocess uploads through a fault-injecting proxy to the live
local server. Whatever the network does, everything arrives once it recovers, under the ids the
station gave it, and an outage costs little CPU.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pywats import WATS

from ._harness import Reports, tuned_config, wait_until
from ._proxy import ChaosProxy, Fault
from .conftest import StationProcess

pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)


@pytest.fixture
def proxy(live_server: object) -> Iterator[ChaosProxy]:
    upstream = urlsplit(live_server.base_url)  # type: ignore[attr-defined]
    chaos = ChaosProxy(upstream.hostname or "127.0.0.1", upstream.port or 80)
    yield chaos
    chaos.close()


def test_every_fault_once_then_everything_arrives(
    tmp_path: Path, samples: Path, live_server: object, proxy: ChaosProxy
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "CHAOS-script"
    faults = [
        Fault("status", 429, retry_after=1),
        Fault("status", 500),
        Fault("status", 502),
        Fault("status", 503),
        Fault("hang"),
        Fault("reset"),
        Fault("close"),
        Fault("drip"),
    ]
    proxy.script.extend(faults)
    config = tuned_config(
        tmp_path, proxy.url, token, station=station, timeout=2, retry_max_seconds=1.0
    )
    reports = Reports(samples, station)
    for n in range(6):
        reports.write(tmp_path / "in" / f"r{n}.json")
    service = StationProcess(config)
    try:
        with WATS(base_url=base_url, token=token) as client:
            wait_until(lambda: not reports.missing_on(client), what="every report on the server")
            service.wait_ready()
            assert service.stop() == 0
            reports.check(client)
    finally:
        service.kill()
    assert [a.fault for a in proxy.faulted()] == faults, "every fault was applied"
    first, second = proxy.attempts[:2]
    assert second.at - first.at >= 0.9, "Retry-After: 1 was honoured"
    assert os.listdir(tmp_path / "data" / "quarantine") == [], "transient errors never quarantine"
