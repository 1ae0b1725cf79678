"""End to end: `pywats-client run` delivers every XJTAG, SAKI, SigmaQuest, StepWize and ATML
sample to the live local server, each report exactly as the converter makes it in process.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from tests._documents import as_exported
from tests._poll import wait_until

from pywats import WATS, NotFoundError
from pywats.report import write_wsjf
from pywats_client._identity import Station
from pywats_client.converters import Source, get_converter

from .conftest import StationProcess, write_config

pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)

STATION = Station("TEST-STATION", location="Test lab", purpose="Testing")
# type → (sample folder, file pattern, converter parameters as TOML)
CONVERTERS = {
    "xjtag": ("xjtag", "*.xjlog", 'part_number = "PN"\nrevision = "1.0"\noperation_code = 10'),
    "saki": ("saki", "*.xml", 'revision = "A"\noperation_code = 10\ntimezone = "UTC"'),
    "sigmaquest": ("sigmaquest", "*.xml", 'revision = "A"\noperation_code = 10'),
    "stepwize": ("stepwize", "*.xspc", 'operation_code = 10\ntimezone = "UTC"'),
    "atml": ("atml", "*.xml", 'revision = "A"\noperation_code = 10\ntimezone = "UTC"'),
}


def _parameters(toml: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for line in toml.splitlines():
        key, _, value = line.partition(" = ")
        values[key] = json.loads(value)
    return values


def test_the_station_delivers_every_sample(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    sections = []
    expected: dict[str, dict[str, object]] = {}
    for kind, (folder, pattern, params) in CONVERTERS.items():
        inbox = tmp_path / "in" / kind
        inbox.mkdir(parents=True)
        sections.append(
            f'[[converters]]\ntype = "{kind}"\nwatch = "in/{kind}"\n'
            f"[converters.parameters]\n{params}\n"
        )
        converter = get_converter(kind)(_parameters(params))
        for sample in sorted((samples / folder).glob(pattern)):
            data = sample.read_bytes()
            source = Source(inbox / sample.name, data, STATION)
            assert source.sha256 == hashlib.sha256(data).hexdigest()
            for report in converter.convert(source):
                expected[report.id] = json.loads(write_wsjf(report))
            shutil.copy(sample, inbox / sample.name)
    assert len(expected) == 9 + 1 + 1 + 1 + 3  # xjtag: 4 files, 9 runs; saki; sq; sw; atml
    config = write_config(tmp_path, base_url, token, converters="\n".join(sections))
    station = StationProcess(config)
    try:
        with WATS(base_url=base_url, token=token) as client:

            def missing() -> list[str]:
                absent = []
                for report_id in expected:
                    try:
                        client.reports.get(report_id)
                    except NotFoundError:
                        absent.append(report_id)
                return absent

            wait_until(lambda: not missing(), within=120, what="every sample's reports")
            for report_id, document in expected.items():
                assert as_exported(client.reports.get(report_id).raw) == as_exported(document), (
                    report_id
                )
        assert station.stop() == 0
    finally:
        station.kill()
    quarantine = tmp_path / "data" / "quarantine"
    assert not quarantine.exists() or not list(quarantine.iterdir()), "nothing quarantined"
