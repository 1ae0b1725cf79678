"""Network chaos at the SDK's transport seam: everything arrives after recovery.

The service runs in-process; its SDK client talks to a `pywats-server` subprocess over a real
socket through `ChaosTransport`, which refuses connections or answers with an injected status.
Complements `test_chaos.py` (every wire fault through a TCP proxy, station as a subprocess):
here each upload attempt is seen, so a 4xx's message and the pace of retries during a refused
outage can be checked exactly.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually

from pywats import WATS

from ._chaos import ChaosTransport
from ._harness import running, tuned_config
from ._inputs import Inputs

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


async def test_a_4xx_quarantines_with_the_servers_message_and_retry_delivers(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    chaos.plan = ["400"]
    inputs = Inputs("CHAOS-400")
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = tuned_config(tmp_path, base_url, token, station=inputs.station)
    async with running(config, transport=chaos) as service:
        inputs.write(tmp_path / "in", samples)
        await eventually(lambda: service.outbox.stats().quarantined == 1)
        (rejected,) = service.outbox.items("quarantined")
        assert "injected 400" in (rejected.last_error or "")
        assert service.outbox.retry(rejected.id)
        service.retried()
        with WATS(base_url=base_url, token=token) as client:
            await eventually(lambda: not inputs.missing_on(client))
            inputs.check(client)
            inputs.check_quarantined(tmp_path / "data" / "quarantine")


async def test_a_report_that_always_breaks_its_connection_does_not_hold_up_the_rest(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    """One upload task, and the first report in the queue resets the connection every time:
    the server still answers, so that report waits its own backoff and the rest go by."""
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    inputs = Inputs("CHAOS-POISON")
    chaos.poison = f'"{inputs.station}-uut-0"'.encode()  # that report's serial number
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = tuned_config(
        tmp_path, base_url, token, station=inputs.station,
        settings={"outbox.upload_concurrency": 1},
    )  # fmt: skip
    async with running(config, transport=chaos):
        inputs.write(tmp_path / "in", samples, copies=3)
        (poisoned,) = (i for i, d in inputs.expected.items() if d["sn"].endswith("-uut-0"))
        with WATS(base_url=base_url, token=token) as client:
            await eventually(lambda: inputs.missing_on(client) == [poisoned])
            assert sum(fault == "poisoned" for _, fault in chaos.attempts) >= 2
            chaos.poison = None
            await eventually(lambda: not inputs.missing_on(client))
            inputs.check(client)


@pytest.mark.parametrize(
    "outage", [4.0, pytest.param(30.0, marks=pytest.mark.slow)], ids=["4s", "30s"]
)
async def test_an_outage_backs_off_capped_without_busy_looping(
    tmp_path: Path,
    samples: Path,
    live_server: object,
    outage: float,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The pauses the uploader chooses are read from its log, so the cap is checked exactly and
    a slow machine cannot fail it; the attempt count bounds the pace from the other side. The
    service's CPU during an outage is measured on its own process in `test_chaos.py`."""
    caplog.set_level(logging.WARNING, logger="pywats_client._uploader")
    chaos = ChaosTransport(httpx.AsyncHTTPTransport())
    chaos.mode = "refused"
    inputs = Inputs(f"CHAOS-OUTAGE-{outage:.0f}")
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = tuned_config(tmp_path, base_url, token, station=inputs.station)
    async with running(config, transport=chaos) as service:
        inputs.write(tmp_path / "in", samples, copies=3)
        await eventually(lambda: service.outbox.stats().pending == len(inputs.expected))
        chaos.attempts.clear()
        caplog.clear()
        wall = time.monotonic()
        await anyio.sleep(outage)
        wall = time.monotonic() - wall
        attempts = len(chaos.attempts)
        pauses = [_pause(record) for record in caplog.records if _pause(record) is not None]
        chaos.mode = None
        with WATS(base_url=base_url, token=token) as client:
            await eventually(lambda: not inputs.missing_on(client))
            inputs.check(client)
            inputs.check_quarantined(tmp_path / "data" / "quarantine")
    cap = 0.5  # write_config's retry_max_seconds
    print(f"outage {wall:.1f} s: {attempts} attempts, longest chosen pause {max(pauses):.2f} s")
    assert attempts >= 2, "the uploader kept trying during the outage"
    assert pauses, "failed attempts chose pauses"
    assert max(pauses) <= cap, f"the wait between attempts is capped at {cap} s: {pauses}"
    # Two upload tasks share one pause of at least cap/2 once the backoff has reached its cap.
    assert attempts <= wall / (cap / 2) * 2 + 4, "attempts are paced by the backoff"


def _pause(record: logging.LogRecord) -> float | None:
    """The pause an upload failure chose, from the uploader's "...; pausing %.1f s" record."""
    if not (isinstance(record.msg, str) and record.msg.endswith("pausing %.1f s")):
        return None
    return float(record.args[-1])  # type: ignore[index]
