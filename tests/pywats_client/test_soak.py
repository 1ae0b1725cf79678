"""Soak: files of every converted format while the station is SIGKILLed every few seconds and
the server is killed, restarted, slow or failing; at the end the server holds exactly the
expected reports and nothing is stuck.

Everything is real: the station is `python -m pywats_client run` (a subprocess, killed with
SIGKILL, restarted), the server a `pywats-server serve` subprocess on its own SQLite file,
killed with SIGKILL and started again on the same port. Between them `ChaosProxy` answers
report submissions with 503s or drips them, and refuses connections, at random. The expected
reports are what each converter makes of each file in this process (real samples of every
format a sample converts with header parameters, plus generated WSJF files with new ids).
The default run is short; the slow mode drops 10,000 files (and the 1,569-report STDF lot).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests._poll import wait_until

from pywats import WATS, ProcessDefinition
from pywats_client._identity import Station
from pywats_client.converters import Source, get_converter

from ._harness import Reports
from ._proxy import ChaosProxy, Fault
from .conftest import StationProcess, write_config

_HEADER = {"part_number": "PN", "revision": "A", "operation_code": 10, "timezone": "UTC"}
# converter → sample files (under tests/data/samples) it converts with `_HEADER`'s parameters
_SAMPLES = {
    "atml": ["atml/atml-2.02.xml"],
    "i3070": ["i3070/i3070-default-sn1.log"],
    "saki": ["saki/saki-aoi.xml"],
    "sigmaquest": ["sigmaquest/sigmaquest-sn651658.xml"],
    "soundcheck": ["soundcheck/soundcheck-us-complete.txt"],
    "spea": ["spea/spea-3030-sn9871234012.csv"],
    "stepwize": ["stepwize/stepwize-sn65632341.xspc"],
    "takaya": ["takaya/atd-v682780-bot.atd"],
    "teradyne-gr228x": ["teradyne-gr228x/43420-bio2.log"],
    "teradyne-spectrum": ["teradyne-spectrum/sample-ict-data.txt"],
    "teststand": ["teststand/ts-with-wats.xml", "teststand/ts-without-wats.xml"],
    "wsjf": ["wats/uur-example.json", "wats/uut-wsjf-export.json"],
    "wsxf": ["wats/uut-wsxf-export.xml"],
    "xjtag": ["xjtag/xjtag-demo-hw.xjlog"],
}
# Large ones (a 4 MB ATDX panel, the 1,569-report STDF lot) only in the slow mode.
_SLOW_SAMPLES = {"stdf": ["stdf/lot2.stdf.gz"], "takaya": ["takaya/atdx-wo250319-0162.atdx"]}
STATION = Station("SOAK", location="Test lab", purpose="Testing")


class ServerProcess:
    """`pywats-server serve` on a fixed port over one SQLite file; killed and started again."""

    def __init__(self, database: Path, port: int) -> None:
        self.url = f"sqlite:///{database}"
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "pywats_server", "serve", "--db", self.url]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_answering(self) -> None:
        def answers() -> bool:
            assert self.process is not None, "server started"
            assert self.process.poll() is None, "server exited"
            try:
                httpx.get(f"{self.base_url}/api/App/Version", timeout=1)
            except httpx.TransportError:
                return False
            return True  # any answer: the server listens

        wait_until(answers, within=120, what="the server to answer")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(10)


def _token(url: str) -> str:
    from pywats_server.storage import Database, UserStore, migrate

    database = Database(url)
    migrate(database)
    users = UserStore(database)
    users.create_user("admin", is_admin=True)
    token = users.issue_token("admin", "soak-secret")
    database.dispose()
    return token


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server_ids(client: WATS) -> set[str]:
    """Every report id on the server (its database is this test's own)."""
    found: set[str] = set()
    for kind in ("U", "R"):
        skip = 0
        while page := client.reports.query_headers(report_type=kind, top=1000, skip=skip):
            found |= {header.uuid.lower() for header in page}
            skip += len(page)
    return found


def _drop_samples(root: Path, samples: Path, kinds: dict[str, list[str]]) -> set[str]:
    """Copy each sample into its converter's watch folder; the ids its reports must get."""
    expected: set[str] = set()
    for kind, names in kinds.items():
        converter = get_converter(kind)(_parameters(kind))
        for name in names:
            data = (samples / name).read_bytes()
            target = root / "in" / kind / Path(name).name
            for report in converter.convert(Source(target, data, STATION)):
                expected.add(report.id or "")
            shutil.copyfile(samples / name, target)
    assert "" not in expected, "every converter names its reports"
    return expected


def _parameters(kind: str) -> dict[str, object]:
    names = {parameter.name for parameter in get_converter(kind).parameters}
    return {key: value for key, value in _HEADER.items() if key in names}


def _config(root: Path, url: str, token: str, kinds: dict[str, list[str]]) -> Path:
    sections = []
    for kind in kinds:
        params = "\n".join(f"{k} = {json.dumps(v)}" for k, v in _parameters(kind).items())
        sections.append(
            f'[[converters]]\ntype = "{kind}"\nwatch = "in/{kind}"\n'
            f"[converters.parameters]\n{params}\n"
        )
    settings: dict[str, object] = {
        "server.timeout": 20,  # a loaded machine answers slowly; a hang still times out
        "outbox.retry_max_seconds": 1.0,
        "intake.workers": 2,
        "intake.rescan_seconds": 1,
        # A file's conversion starts over after each kill; on a loaded machine a 1.4 MB SPEA
        # log took over write_config's 20 s and was quarantined: that is the timeout working,
        # not what this test is about.
        "intake.timeout_seconds": 600,
    }
    return write_config(
        root, url, token, converters="\n".join(sections), station=STATION.name, settings=settings
    )


@pytest.fixture
def proxy_and_server(tmp_path: Path) -> Iterator[tuple[ChaosProxy, ServerProcess, str]]:
    server = ServerProcess(tmp_path / "wats.db", _free_port())
    token = _token(server.url)
    server.start()
    proxy = ChaosProxy("127.0.0.1", server.port)
    try:
        server.wait_answering()
        with WATS(base_url=server.base_url, token=token) as client:
            # The TestStand sample names its own operation, which a new server lacks (a site
            # defines its operations before its stations report them).
            client.processes.save(
                ProcessDefinition(code=60, name="TestStand sample", is_test_operation=True)
            )
        yield proxy, server, token
    finally:
        proxy.close()
        server.kill()


class Trouble:
    """The fault in force between the station and the server; one at a time, at random."""

    def __init__(self, proxy: ChaosProxy, server: ServerProcess, chance: random.Random) -> None:
        self.proxy = proxy
        self.server = server
        self.chance = chance
        self.refused = False
        self.count = 0

    def next(self) -> None:
        """End the current fault and start a random one (or none)."""
        self.end()
        kind = self.chance.choice(("none", "503", "slow", "refuse", "restart", "restart"))
        self.count += kind != "none"
        if kind == "503":
            self.proxy.outage = Fault("status", 503)
        elif kind == "slow":
            self.proxy.script.extend(Fault("drip") for _ in range(5))
        elif kind == "refuse":
            self.proxy.refuse()
            self.refused = True
        elif kind == "restart":
            self.server.kill()  # SIGKILL: whatever it was writing
            self.server.start()  # until it listens, the proxy cannot connect

    def end(self) -> None:
        self.proxy.outage = None
        self.proxy.script.clear()
        if self.refused:
            self.proxy.accept()
            self.refused = False
        if self.server.process is None or self.server.process.poll() is not None:
            self.server.start()


@pytest.mark.parametrize(
    ("files", "seconds"),
    [
        pytest.param(30, 15.0, marks=pytest.mark.timeout(600)),
        pytest.param(10_000, 900.0, marks=[pytest.mark.slow, pytest.mark.timeout(4 * 3600)]),
    ],
    ids=["short", "10k"],
)
def test_soak_station_killed_server_failing_everything_arrives_once(
    tmp_path: Path,
    samples: Path,
    proxy_and_server: tuple[ChaosProxy, ServerProcess, str],
    files: int,
    seconds: float,
) -> None:
    proxy, server, token = proxy_and_server
    chance = random.Random(files)
    kinds = {kind: list(names) for kind, names in _SAMPLES.items()}
    for kind, names in _SLOW_SAMPLES.items() if files > 1000 else ():
        kinds.setdefault(kind, []).extend(names)
    config = _config(tmp_path, proxy.url, token, kinds)
    expected = _drop_samples(tmp_path, samples, kinds)
    generated = Reports(samples, STATION.name)
    batches = [files // 10] * 10
    trouble = Trouble(proxy, server, chance)
    station = StationProcess(config)
    started = time.monotonic()
    kills = 0
    try:
        while batches or time.monotonic() - started < seconds:
            if batches:
                for _ in range(batches.pop()):
                    count = len(generated.expected)
                    generated.write(tmp_path / "in" / "wsjf" / f"gen-{count}.json")
            time.sleep(chance.uniform(2.0, 5.0))
            station.kill()  # SIGKILL: mid-conversion, mid-commit, mid-upload, whatever it was at
            kills += 1
            if chance.random() < 0.5:
                trouble.next()
            station = StationProcess(config)
        trouble.end()
        server.wait_answering()
        expected |= set(generated.expected)
        with WATS(base_url=server.base_url, token=token) as client:

            def arrived() -> bool:
                have = _server_ids(client)
                return have >= expected

            try:
                wait_until(arrived, within=300 + files / 5, what="every expected report")
            except AssertionError as exc:
                missing = sorted(expected - _server_ids(client))
                raise AssertionError(
                    f"{exc}: {len(missing)} missing, e.g. {missing[:5]} (a report the server "
                    "refused is listed by `pywats-client outbox list`)"
                ) from None
            assert _server_ids(client) == expected, "no report that was not expected"
            if files <= 1000:
                generated.check(client)
        station.wait_ready()
        with httpx.Client() as http:
            control = json.loads((station.data / "control.json").read_text())["url"]
            token_file = station.data / "control.token"
            headers = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
            status = http.get(f"{control}/status", headers=headers, timeout=30).json()
        assert status["outbox"]["pending"] == 0, status
        assert status["outbox"]["quarantined"] == 0, status
        assert station.stop(60) == 0
    finally:
        station.kill()
    left = [p for p in (tmp_path / "in").rglob("*") if p.is_file() and "Done" not in p.parts]
    assert left == [], "every source was taken"
    quarantine = tmp_path / "data" / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir()), "nothing quarantined"
    assert kills >= 5, kills
    assert trouble.count >= 1, "the server was made to fail"
