"""The crash-point matrix: SIGKILL at every named point, restart, and nothing is lost.

Each case runs the real service as a subprocess with `PYWATS_FAULT=<point>`, so the process
kills itself with SIGKILL the first time it gets there (no cleanup, no flush). A restart without
the fault must then deliver every input with the expected content, or quarantine it with a
reason, and the server must hold no other report: a resend after the crash reuses the same id.
The eight cases are independent (own folders, own station name) and run four at a time.
"""

from __future__ import annotations

import signal
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from tests._poll import wait_until

from pywats import WATS
from pywats_client._faults import FAULT_POINTS

from ._harness import tuned_config
from ._inputs import Inputs
from .conftest import StationProcess


def crash_and_recover(folder: Path, samples: Path, base_url: str, token: str, point: str) -> None:
    station = f"CRASH-{point}"
    config = tuned_config(folder, base_url, token, station=station)
    inputs = Inputs(station)
    inputs.write(folder / "in", samples)

    crashed = StationProcess(config, env={"PYWATS_FAULT": point})
    try:
        code = crashed.process.wait(90)
    finally:
        crashed.kill()
    assert code == -signal.SIGKILL, f"the fault point was never reached (exit code {code})"

    def leftovers() -> list[str]:
        return sorted(p.name for p in (folder / "in").iterdir() if p.name != "Done")

    restarted = StationProcess(config)
    try:
        with WATS(base_url=base_url, token=token) as client:
            wait_until(lambda: not inputs.missing_on(client), 90, "every report on the server")
            restarted.wait_ready()
            # A crash between a file's commit and its move leaves the file in the folder with
            # its reports already delivered: the restart finds it in the ledger and moves it.
            wait_until(lambda: not leftovers(), 90, "every accepted source moved to Done")
            assert restarted.stop() == 0, "clean exit after SIGTERM"
            inputs.check(client)
            inputs.check_quarantined(folder / "data" / "quarantine")
    finally:
        restarted.kill()


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_sigkill_at_every_point_then_restart_loses_nothing(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]

    def case(point: str) -> str | None:
        try:
            crash_and_recover(tmp_path / point, samples, base_url, token, point)
        except Exception:
            return f"{point}: {traceback.format_exc()}"
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(case, FAULT_POINTS) if f is not None]
    assert not failures, "\n\n".join(failures)
