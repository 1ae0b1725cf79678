"""The OpenHTF output callback with real OpenHTF test runs: to the service's folder, direct to
a real server, and to the folder when the direct submit fails."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from pywats import WATS
from pywats_client._identity import Station
from pywats_client.converters import Source
from pywats_client.converters.openhtf import OpenHtfConverter
from pywats_client.openhtf_output import WatsOutput

htf = pytest.importorskip("openhtf")

PARAMETERS = {"part_number": "PSU-200", "revision": "B", "operation_code": 100}
STATION = Station("HTF-STATION", location="Lab", purpose="Development")


@htf.measures(htf.Measurement("rail").in_range(3.2, 3.4).with_units(htf.units.VOLT))
def power(test: Any) -> None:
    test.measurements.rail = 3.31


def _run(output: WatsOutput, serial: str) -> None:
    test = htf.Test(power, test_name="psu")
    test.add_output_callbacks(output)
    test.execute(test_start=lambda: serial)


def test_records_land_complete_in_the_service_folder(tmp_path: Path) -> None:
    _run(WatsOutput(folder=tmp_path), "PSU-1")
    [written] = list(tmp_path.iterdir())  # no temporary file is left behind
    assert written.name.startswith("PSU-1-")
    assert written.suffix == ".json"
    source = Source(written, written.read_bytes(), STATION)
    [report] = OpenHtfConverter(PARAMETERS).convert(source)
    assert (report.serial_number, report.result) == ("PSU-1", "P")
    [meas] = report.root.steps[1].steps[0].raw["numericMeas"]
    assert (meas["value"], meas["unit"], meas["compOp"]) == (3.31, "V", "GELE")


def test_direct_submit_reaches_the_server(tmp_path: Path, live_server: Any) -> None:
    with WATS(base_url=live_server.base_url, token=live_server.token) as client:
        output = WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS, station=STATION)
        _run(output, "PSU-2")
    assert list(tmp_path.iterdir()) == []
    query = {"$filter": "serialNumber eq 'PSU-2'"}
    headers = {"Authorization": f"Basic {live_server.token}"}
    found = httpx.get(f"{live_server.base_url}/api/Report/Query/Header", params=query,
                      headers=headers).json()  # fmt: skip
    assert [h["serialNumber"] for h in found] == ["PSU-2"]


def test_failed_direct_submit_keeps_the_record_in_the_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on `port` now: the submit fails at once.
    client = WATS(base_url=f"http://127.0.0.1:{port}", token="x", max_retries=0, timeout=2)
    output = WatsOutput(folder=tmp_path, client=client, parameters=PARAMETERS, station=STATION)
    with caplog.at_level(logging.WARNING, logger="pywats_client.openhtf_output"):
        _run(output, "PSU-3")
    client.close()
    [kept] = list(tmp_path.iterdir())
    assert kept.name.startswith("PSU-3-")
    assert "direct submit" in caplog.text
