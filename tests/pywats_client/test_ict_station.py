"""The in-circuit converters end to end: `pywats-client run` as a subprocess picks the sample files
up from its watch folder, converts them in its workers and delivers every report to a real
server, where each is exactly the report the converter makes from the file."""

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
from pywats_client.converters import Source, get_converter, report_id

from .conftest import StationProcess, write_config

STATION = Station("TEST-STATION", location="Test lab", purpose="Testing")
NANO_NAME = "A%PCB-7788%20240301%X7700456_OK_20240315103012.csv"
NANO = b"Test,Value,Low,High,Status\nR12[Resistors],10.02kOhm,9.5kOhm,10.5kOhm,PASS\n"
CASES = {
    "takaya": (
        {"revision": "A", "timezone": "UTC"},
        ["takaya/apt94xx-bv0001.atd", "takaya/apt94xx-bm0001.atd", "takaya/atd-v682780-bot.atd",
         "takaya/atd-v682793-top.atd", "takaya/atdx-wo250319-0162.atdx"],
    ),
    "spea": (
        {"part_number": "23462", "revision": "A", "timezone": "UTC"},
        ["spea/spea-3030-sn9871234012.csv"],
    ),
    "teradyne-nano": ({"revision": "B", "timezone": "UTC"}, []),
}  # fmt: skip


def _parameters_toml(parameters: dict[str, str]) -> str:
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in parameters.items())


@pytest.mark.timeout(600)
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", list(CASES))
def test_station_delivers_every_sample(
    tmp_path: Path, samples: Path, live_server: object, kind: str
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    parameters, files = CASES[kind]
    converters = (
        f'[[converters]]\ntype = "{kind}"\nwatch = "in"\n'
        f"[converters.parameters]\n{_parameters_toml(parameters)}"
    )
    config = write_config(
        tmp_path, base_url, token, converters=converters,
        settings={"intake.timeout_seconds": 300},
    )  # fmt: skip
    inbox = tmp_path / "in"
    inbox.mkdir(exist_ok=True)
    sources = [samples / name for name in files]
    if not sources:
        (tmp_path / NANO_NAME).write_bytes(NANO)  # no tester file exists: one written from the spec
        sources = [tmp_path / NANO_NAME]
    expected: dict[str, dict[str, object]] = {}
    converter = get_converter(kind)(parameters)
    for path in sources:
        data = path.read_bytes()
        for index, report in enumerate(converter.convert(Source(path, data, STATION))):
            assert report.id == report_id(STATION.name, hashlib.sha256(data).hexdigest(), index)
            expected[report.id] = json.loads(write_wsjf(report, validate=True))
    station = StationProcess(config)
    try:
        station.wait_ready()
        for path in sources:
            shutil.copy(path, inbox / path.name)
        with WATS(base_url=base_url, token=token) as client:

            def missing() -> list[str]:
                absent = []
                for wanted in expected:
                    try:
                        client.reports.get(wanted)
                    except NotFoundError:
                        absent.append(wanted)
                return absent

            wait_until(lambda: not missing(), 400, f"the {len(expected)} {kind} reports")
            for wanted, document in expected.items():
                assert as_exported(client.reports.get(wanted).raw) == as_exported(document), wanted
    finally:
        assert station.stop() == 0
    assert not (tmp_path / "data" / "quarantine").exists() or not any(
        (tmp_path / "data" / "quarantine").iterdir()
    )
