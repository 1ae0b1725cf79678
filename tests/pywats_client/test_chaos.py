"""Network chaos on real sockets: the station runs as a subprocess and uploads through a
fault-injecting TCP proxy to the live local server.

Complements `test_network_chaos.py` (faults at the transport seam, service in-process): here the
faults are what the kernel and the wire do (a closed port, an RST in the middle of a body, a
server that committed and then never answers, bytes that drip), and the CPU an outage costs is
the station process's own, read from /proc. Whatever the network does, everything arrives once
it recovers, under the ids the station gave it.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tests._poll import wait_until

from pywats import WATS
from pywats_client import ControlClient

from ._harness import Reports, tuned_config
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
        Fault("status", 200),  # a 2xx that is not the server's answer (a portal, a proxy)
    ]
    proxy.script.extend(faults)
    settings = {"server.timeout": 2, "outbox.retry_max_seconds": 1.0}
    # One upload at a time, so the attempt after the 429 is the one Retry-After delays.
    settings["outbox.upload_concurrency"] = 1
    config = tuned_config(tmp_path, proxy.url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    for n in range(6):
        reports.write(tmp_path / "in" / f"r{n}.json")
    service = StationProcess(config)
    try:
        with WATS(base_url=base_url, token=token) as client:
            wait_until(lambda: not reports.missing_on(client), what="every report on the server")
            service.wait_ready()
            with ControlClient.for_data_folder(service.data) as control:
                assert control.status().restarts == {}, "every fault handled, none a crash"
            assert service.stop() == 0
            reports.check(client)
            headers = client.reports.query_headers(
                f"startswith(serialNumber,'{station}-')", report_type="U", top=100
            )
    finally:
        service.kill()
    # Faults after the server committed made resends of the same id (check() found no others).
    assert max(h.receive_count or 0 for h in headers) >= 2
    assert [a.fault for a in proxy.faulted()] == faults, "every fault was applied"
    first, second = proxy.attempts[:2]
    assert second.at - first.at >= 0.9, "Retry-After: 1 was honoured"
    assert os.listdir(tmp_path / "data" / "quarantine") == [], "transient errors never quarantine"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` and its live children (the converter
    workers), from /proc/<pid>/stat."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited while we looked
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # the process or a child
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
@pytest.mark.parametrize(
    "outage", [5.0, pytest.param(30.0, marks=pytest.mark.slow)], ids=["5s", "30s"]
)
def test_an_outage_costs_little_cpu_then_retries_at_a_capped_pace(
    tmp_path: Path, samples: Path, live_server: object, proxy: ChaosProxy, outage: float
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = f"CHAOS-outage-{outage:.0f}"
    cap = 0.5  # write_config's retry_max_seconds
    config = tuned_config(tmp_path, proxy.url, token, station=station)
    reports = Reports(samples, station)
    for n in range(6):
        reports.write(tmp_path / "in" / f"r{n}.json")
    proxy.refuse()  # the server's port is closed: connection refused
    service = StationProcess(config)
    try:
        service.wait_ready()
        done = tmp_path / "in" / "Done"
        wait_until(lambda: len(list(done.glob("*.json"))) == 6, what="all files accepted")
        pid = service.process.pid
        before, started = cpu_seconds(pid), time.monotonic()
        time.sleep(outage)  # the outage itself: the service is left alone
        cpu, wall = cpu_seconds(pid) - before, time.monotonic() - started
        # A busy loop burns most of a core; the figure itself is measured by bench_station.
        assert cpu < 0.25 * wall, f"busy loop: {cpu:.2f} s CPU in {wall:.1f} s of outage"

        # The server answers again, but with 503: the retries are visible at the proxy.
        proxy.outage = Fault("status", 503)
        proxy.accept()
        wait_until(lambda: len(proxy.faulted()) >= 8, what="retries during the 503 phase")
        times = [a.at for a in proxy.faulted()[:8]]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert max(gaps) <= cap + 3, f"waits between retries are capped near {cap} s: {gaps}"
        # Two upload tasks, each waiting at least cap/2 once the backoff reached its cap.
        assert times[-1] - times[0] >= 7 * (cap / 2) / 2, f"retries are paced: {gaps}"

        proxy.outage = None
        with WATS(base_url=base_url, token=token) as client:
            wait_until(lambda: not reports.missing_on(client), what="every report on the server")
            assert service.stop() == 0
            reports.check(client)
    finally:
        service.kill()
