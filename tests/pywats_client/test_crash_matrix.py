"""The crash-point matrix: SIGKILL at every named point, restart, and nothing is lost.

Each case runs the real service as a subprocess with `PYWATS_FAULT=<point>`, so the process
kills itself with SIGKILL the first time it gets there (no cleanup, no flush). A restart without
the fault must then deliver every input with the expected content, or quarantine it with a
reason, and the server must hold no other report: a resend after the crash reuses the same id.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from pywats import WATS
from pywats_client._faults import FAULT_POINTS

from ._inputs import Inputs
from .conftest import StationProcess, write_config

pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)

CONVERTER = '[[converters]]\ntype = "wsjf"\nwatch = "in"\nafter = "move"\n'


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_sigkill_at_point_then_restart_loses_nothing(
    tmp_path: Path, samples: Path, live_server: object, point: str
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = f"CRASH-{point}"
    config = write_config(tmp_path, base_url, token, converters=CONVERTER, station=station)
    inputs = Inputs(station)
    inputs.write(tmp_path / "in", samples)

    crashed = StationProcess(config, env={"PYWATS_FAULT": point})
    try:
        code = crashed.process.wait(60)
    finally:
        crashed.kill()
    assert code == -signal.SIGKILL, f"the fault point {point} was never reached"

    restarted = StationProcess(config)
    try:
        with WATS(base_url=base_url, token=token) as client:
            deadline = time.monotonic() + 60
            while inputs.missing_on(client) and time.monotonic() < deadline:
                time.sleep(0.2)
            restarted.wait_ready()
            assert restarted.stop() == 0
            inputs.check(client, tmp_path / "data" / "quarantine")
    finally:
        restarted.kill()
    leftovers = sorted(p.name for p in (tmp_path / "in").iterdir() if p.name != "Done")
    assert leftovers == [], "every accepted source is moved to Done"
