"""In-circuit tester logs end to end: `pywats-client run` picks up each sample, converts it and
delivers every report to a real `pywats-server` over HTTP."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import httpx
import pytest
from tests._poll import wait_until

from pywats_client.converters import report_id

from .conftest import StationProcess, write_config

CASES = [
    ("i3070", "i3070/i3070-38258378-board2.log", "", ["38258378-007-12151210"]),
    (
        "teradyne-spectrum",
        "teradyne-spectrum/sample-ict-data.txt",
        'revision = "A"',
        ["1111111111"],
    ),
    (
        "teradyne-gr228x",
        "teradyne-gr228x/43420-bio2.log",
        "",
        ["65428553938829725787", "24422984989544535753", "42842937739687688567"],
    ),
]


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("kind", "sample", "parameters", "serials"), CASES, ids=[c[0] for c in CASES]
)
def test_the_station_delivers_every_report_of_the_sample(
    tmp_path: Path,
    samples: Path,
    live_server: object,
    kind: str,
    sample: str,
    parameters: str,
    serials: list[str],
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    converters = f'[[converters]]\ntype = "{kind}"\nwatch = "in"\n'
    if parameters:
        converters += f"[converters.parameters]\n{parameters}\n"
    config = write_config(tmp_path, base_url, token, converters=converters, station="ICT-LINE")
    source = samples / sample
    (tmp_path / "in").mkdir(exist_ok=True)
    shutil.copy(source, tmp_path / "in" / source.name)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    expected = [report_id("ICT-LINE", digest, index) for index in range(len(serials))]
    headers = {"Authorization": f"Basic {token}"}
    station = StationProcess(config)
    try:
        station.wait_ready()

        def stored(report: str) -> bool:
            answer = httpx.get(f"{base_url}/api/Report/Wsjf/{report}", headers=headers)
            return answer.status_code == 200

        wait_until(lambda: all(stored(i) for i in expected), 90, f"{expected} delivered")
    finally:
        assert station.stop() == 0
    delivered = [
        httpx.get(f"{base_url}/api/Report/Wsjf/{i}", headers=headers).json()["sn"] for i in expected
    ]
    assert delivered == serials
