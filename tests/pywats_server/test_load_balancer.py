"""Three `pywats-server serve` replicas on one PostgreSQL behind a real HAProxy, while stations
submit reports (some resent) and take serial numbers and one replica is killed and restarted.

Every report must be stored exactly once, every serial number handed out once, and every error a
station saw must have been absorbed by its retry. The replicas start together on a database one
migration behind, so they also race to migrate it.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from pywats import WATS, UUTReport
from pywats._exceptions import APIConnectionError, APIStatusError, CircuitOpenError, WATSError
from pywats._retry import is_retryable_status
from pywats_server.storage import Database, SerialNumberStore, UserStore, migrate
from pywats_server.storage._migrate import alembic_config
from pywats_server.storage.report_tables import report_steps, reports
from pywats_server.storage.serial_numbers import SerialTypeDraft, serial_numbers

T = TypeVar("T")

STATIONS = 16
RESEND_SHARE = 0.1
SERIAL_TYPE = "PCB"
_POST_REPORT = re.compile(r'"POST /api/Report/WSJF HTTP/1\.1" 200')


@dataclass
class Station:
    """What one station sent and got back."""

    name: str
    token: str
    acknowledged: Counter[str] = field(default_factory=Counter)  # report id -> 2xx answers
    resent: Counter[str] = field(default_factory=Counter)
    serials: list[str] = field(default_factory=list)
    absorbed: list[str] = field(default_factory=list)  # failures a retry got past
    errors: list[str] = field(default_factory=list)  # failures no retry got past


@dataclass
class Replica:
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def served_reports(self) -> int:
        return len(_POST_REPORT.findall(self.log.read_text(errors="replace")))


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    # Generous: on a loaded 2-core machine importing the server alone can take half a minute.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"{url} did not become healthy: {log.read_text(errors='replace')[-3000:]}")


def _start_replica(db_url: str, port: int, log: Path) -> Replica:
    # Access log on (info), so the test can see which replica served what.
    command = [sys.executable, "-m", "pywats_server", "serve", "--db", db_url]
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--log-level", "info"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Replica(port, log, process)


def _haproxy_config(port: int, replicas: list[int]) -> str:
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p} check" for i, p in enumerate(replicas))
    return f"""\
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 2s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
    option forwardfor

frontend wats
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    default-server inter 300ms fall 2 rise 1
{servers}
"""


def _haproxy() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if found is None:
        if os.environ.get("PYWATS_REQUIRE_HAPROXY"):
            pytest.fail("haproxy is required here (PYWATS_REQUIRE_HAPROXY) but not installed")
        pytest.skip("haproxy is not installed (Debian: apt-get install haproxy; .ci/run does)")
    return found


def _retrying(station: Station, what: str, call: Callable[[], T], deadline: float) -> T | None:
    """`call()`, retried after transient failures as a station's uploader retries them."""
    attempt = 0
    while True:
        try:
            return call()
        except (APIConnectionError, CircuitOpenError) as exc:
            failure: WATSError = exc
        except APIStatusError as exc:
            if not is_retryable_status(exc.status_code):
                station.errors.append(f"{what}: {exc}")
                return None
            failure = exc
        attempt += 1
        if time.monotonic() > deadline:
            station.errors.append(f"{what}: still failing after {attempt} tries: {failure}")
            return None
        station.absorbed.append(f"{what}: {type(failure).__name__}: {failure}")
        time.sleep(min(0.1 * attempt, 1.0))


def _run_station(
    station: Station, base_url: str, index: int, stop: threading.Event, deadline: float
) -> None:
    rng = random.Random(index)
    sent: list[UUTReport] = []
    with WATS(base_url=base_url, token=station.token, timeout=30, max_retries=2) as client:
        for number in range(1_000):  # bounded in count as well as in time
            if stop.is_set() or time.monotonic() > deadline:
                return
            if sent and rng.random() < RESEND_SHARE:
                report = rng.choice(sent)
                station.resent[report.id] += 1
            else:
                report = UUTReport.new(
                    operator="operator",
                    part_number="PCBA-100",
                    serial_number=f"{station.name}-{number:05d}",
                    revision="A",
                    process_code=10,
                    station_name=station.name,
                    location="Line 1",
                    purpose="Production",
                )
                for step in range(3):
                    report.root.add_numeric(f"Voltage {step}", 3.3, low=3.0, high=3.6, unit="V")
                sent.append(report)
            answer = _retrying(
                station, f"submit {report.id}", partial(client.reports.submit, report), deadline
            )
            if answer is None:
                return
            station.acknowledged[report.id] += 1
            if number % 4 == 3:
                quantity = 1 + number % 3
                numbers = _retrying(
                    station,
                    "take serial numbers",
                    partial(
                        client.production.take_serial_numbers,
                        SERIAL_TYPE,
                        quantity,
                        station_name=station.name,
                    ),
                    deadline,
                )
                if numbers is None:
                    return
                assert len(numbers) == quantity
                station.serials.extend(numbers)
            time.sleep(rng.uniform(0.0, 0.05))


@dataclass(frozen=True)
class Run:
    """How long the stations keep going after each restart, and how many kill cycles."""

    kills: int
    settle_seconds: float
    deadline_seconds: float


@pytest.fixture
def cluster_database(
    throwaway_postgres: Callable[[], AbstractContextManager[str]],
) -> Iterator[str]:
    """A PostgreSQL database one migration behind the newest, with a serial-number type."""
    with throwaway_postgres() as url:
        database = Database(url)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert head is not None
        previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
        assert isinstance(previous, str)
        migrate(database, previous)
        SerialNumberStore(database).create_type(SerialTypeDraft(SERIAL_TYPE, "PCB-######", 999_999))
        database.dispose()
        yield url


@pytest.mark.parametrize(
    "run",
    [
        # Starting four servers dominates the short run; on a loaded machine each can take a minute.
        pytest.param(
            Run(kills=1, settle_seconds=4, deadline_seconds=300),
            id="short",
            marks=pytest.mark.timeout(600),
        ),
        pytest.param(
            Run(kills=3, settle_seconds=20, deadline_seconds=900),
            id="long",
            marks=[pytest.mark.slow, pytest.mark.timeout(1500)],
        ),
    ],
)
def test_stations_behind_haproxy_lose_nothing_while_a_replica_is_killed(
    cluster_database: str, tmp_path: Path, run: Run
) -> None:
    haproxy = _haproxy()
    database = Database(cluster_database)
    users = UserStore(database)
    stations = []
    for index in range(STATIONS):
        name = f"station-{index:02d}"
        users.create_user(name, is_admin=False)
        stations.append(Station(name, users.issue_token(name)))
    ports = [_free_port() for _ in range(3)]
    began = time.monotonic()
    lb_port = _free_port()
    lb_url = f"http://127.0.0.1:{lb_port}"
    with ExitStack() as cleanup:
        # All three start at once on the database one migration behind: they race to migrate.
        replicas = [_start_replica(cluster_database, p, tmp_path / f"r{p}-0.log") for p in ports]
        for replica in replicas:
            cleanup.callback(_stop, replica.process)
        for replica in replicas:
            _wait_healthy(f"http://127.0.0.1:{replica.port}", replica.process, replica.log)
        print(f"replicas up after {time.monotonic() - began:.1f} s")
        config = tmp_path / "haproxy.cfg"
        config.write_text(_haproxy_config(lb_port, ports))
        haproxy_log = tmp_path / "haproxy.log"
        with haproxy_log.open("wb") as sink:
            balancer = subprocess.Popen(
                [haproxy, "-f", str(config), "-db"], stdout=sink, stderr=subprocess.STDOUT
            )
        cleanup.callback(_stop, balancer)
        _wait_healthy(lb_url, balancer, haproxy_log)

        stop = threading.Event()
        deadline = time.monotonic() + run.deadline_seconds
        threads = [
            threading.Thread(target=_run_station, args=(s, lb_url, i, stop, deadline))
            for i, s in enumerate(stations)
        ]
        for thread in threads:
            thread.start()
        cleanup.callback(stop.set)
        restarted: list[Replica] = []
        for cycle in range(run.kills):
            time.sleep(run.settle_seconds)
            victim_index = (cycle + 1) % len(replicas)
            victim = replicas[victim_index]
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait()
            time.sleep(1.5)  # stations keep going on the other two meanwhile
            log = tmp_path / f"r{victim.port}-{cycle + 1}.log"
            replacement = _start_replica(cluster_database, victim.port, log)
            cleanup.callback(_stop, replacement.process)
            _wait_healthy(f"http://127.0.0.1:{victim.port}", replacement.process, log)
            replicas[victim_index] = replacement
            print(f"replica restarted at {time.monotonic() - began:.1f} s")
            restarted.append(replacement)
            # The balancer must bring the restarted replica back into rotation.
            while replacement.served_reports() < 5 and time.monotonic() < deadline:
                time.sleep(0.2)
        print(f"restarted replica in rotation at {time.monotonic() - began:.1f} s")
        time.sleep(run.settle_seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)

        errors = [error for s in stations for error in s.errors]
        assert errors == [], errors
        for replacement in restarted:
            assert replacement.served_reports() >= 5, replacement.log.read_text()[-2000:]
        _assert_stored_once(database, stations)
        _assert_serials_handed_out_once(database, stations)
        absorbed = sum(len(s.absorbed) for s in stations)
        reports_sent = sum(len(s.acknowledged) for s in stations)
        print(f"{reports_sent} reports, {absorbed} failures absorbed by retries")
    database.dispose()


def _assert_stored_once(database: Database, stations: list[Station]) -> None:
    acknowledged = Counter[str]()
    resent = Counter[str]()
    for station in stations:
        acknowledged.update(station.acknowledged)
        resent.update(station.resent)
    assert len(acknowledged) >= 100, "too few reports for the test to mean anything"
    assert resent, "no report was resent"
    with database.engine.connect() as connection:
        stored = {
            row.report_id: row.receive_count
            for row in connection.execute(select(reports.c.report_id, reports.c.receive_count))
        }
        steps_per_report = Counter(
            count
            for (count,) in connection.execute(
                select(func.count()).select_from(report_steps).group_by(report_steps.c.report_pk)
            )
        )
    assert set(stored) == set(acknowledged)
    # Resubmissions replaced the report: each is stored with the steps of one copy, not two.
    assert len(steps_per_report) == 1, steps_per_report
    assert sum(steps_per_report.values()) == len(stored)
    for report_id, times in resent.items():
        assert stored[report_id] >= 1 + times, report_id  # receipts: the first and each resend


def _assert_serials_handed_out_once(database: Database, stations: list[Station]) -> None:
    handed = [(serial, station.name) for station in stations for serial in station.serials]
    assert len(handed) >= 50, "too few serial numbers for the test to mean anything"
    duplicates = [serial for serial, n in Counter(s for s, _ in handed).items() if n > 1]
    assert duplicates == []
    with database.engine.connect() as connection:
        recorded = dict(
            connection.execute(
                select(serial_numbers.c.serial_number, serial_numbers.c.station_name).where(
                    serial_numbers.c.type_name == SERIAL_TYPE
                )
            ).all()
        )
    # Each number a station got is recorded as taken by that station. (A take whose answer
    # was lost with a killed replica leaves numbers recorded but handed to nobody: never twice.)
    assert {serial: recorded.get(serial) for serial, _ in handed} == dict(handed)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
