"""Several servers over one database share nothing but the database: what one replica writes or
revokes, every other replica sees on its next request; schema migration runs once when several
start together; the health check answers without credentials and fails with the database;
`serve --workers` shares one socket among processes and replaces one that dies."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from pywats import UUTReport, write_wsjf
from pywats_server import Settings, create_app
from pywats_server.storage import (
    Database,
    SerialNumberStore,
    UserStore,
    migrate,
    schema_revisions,
)
from pywats_server.storage._migrate import alembic_config
from pywats_server.storage.reference import levels
from pywats_server.storage.report_tables import report_steps, reports
from pywats_server.storage.serial_numbers import SerialTypeDraft

if TYPE_CHECKING:
    from fastapi import FastAPI

_MIGRATE = (
    "import sys; from pywats_server.storage import Database, migrate; "
    "migrate(Database(sys.argv[1]))"
)


@pytest.fixture(scope="module")
def replicas(server_db_url: str) -> Iterator[tuple[FastAPI, FastAPI]]:
    """Two apps over the one database, each with its own engine and stores, as two servers."""
    apps = [create_app(Settings(database_url=server_db_url)) for _ in range(2)]
    yield apps[0], apps[1]
    for app in apps:
        app.state.context.database.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def _client(app: FastAPI, token: str | None) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Referer": "http://wats.test"}
    if token is not None:
        headers["Authorization"] = f"Basic {token}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://wats.test", headers=headers
    ) as client:
        yield client


def test_several_servers_migrating_a_new_database_at_once_migrate_it_once(
    new_database: Database,
) -> None:
    url = new_database.url.render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://")
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    outcomes = [(process.wait(timeout=240), process.communicate()[1]) for process in starts]
    assert [code for code, _ in outcomes] == [0] * 3, [err.decode()[-2000:] for _, err in outcomes]
    assert schema_revisions(new_database) == list(
        ScriptDirectory.from_config(alembic_config()).get_heads()
    )
    with new_database.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        # The seed rows the first migration inserts are there once, not once per server.
        assert connection.scalar(select(func.count()).select_from(levels)) == 3


@pytest.mark.anyio
async def test_a_token_revoked_through_one_replica_is_refused_by_the_other_at_once(
    replicas: tuple[FastAPI, FastAPI], server_db_url: str
) -> None:
    first, second = replicas
    database = Database(server_db_url)
    users = UserStore(database)
    station = f"station-{id(replicas)}"
    users.create_user(station, is_admin=False)
    token = users.issue_token(station)
    database.dispose()
    async with _client(first, token) as on_first, _client(second, token) as on_second:
        # Both replicas have verified the token and remember it.
        assert (await on_first.get("/api/App/Version")).status_code == 200
        assert (await on_second.get("/api/App/Version")).status_code == 200
        revoked = second.state.context.users.revoke_token(token)
        assert revoked
        assert (await on_first.get("/api/App/Version")).status_code == 401
        assert (await on_second.get("/api/App/Version")).status_code == 401


@pytest.mark.anyio
async def test_reference_data_written_through_one_replica_is_read_by_the_other(
    replicas: tuple[FastAPI, FastAPI], server_token: str
) -> None:
    first, second = replicas
    code = 7000 + id(replicas) % 1000
    async with _client(first, server_token) as on_first, _client(second, server_token) as on_second:
        # Read first on the second replica, so a cache there would now hold the old lists.
        before = (await on_second.get("/api/App/Processes")).json()
        assert code not in {p["code"] for p in before}
        groups_before = (await on_second.get("/api/Product/Groups")).json()
        process = {
            "Code": code,
            "Name": f"Burn-in {code}",
            "IsTestOperation": True,
            "IsRepairOperation": False,
            "IsWIPOperation": False,
        }
        saved = await on_first.put("/api/internal/Process/PutProcess", json=process)
        assert saved.status_code == 200, saved.text
        group = await on_first.put("/api/Product/Group", json={"productGroupName": f"Group {code}"})
        assert group.status_code == 200, group.text
        after = (await on_second.get("/api/App/Processes")).json()
        assert {p["code"]: p["name"] for p in after}[code] == f"Burn-in {code}"
        groups_after = (await on_second.get("/api/Product/Groups")).json()
        assert len(groups_after) == len(groups_before) + 1
        # A product renamed through one replica reads renamed through the other.
        part = f"REPLICA-{code}"
        for name in ("First name", "Second name"):
            put = await on_first.put("/api/Product", json={"partNumber": part, "name": name})
            assert put.status_code == 200, put.text
            assert (await on_second.get(f"/api/Product/{part}")).json()["name"] == name


@pytest.mark.anyio
async def test_one_report_sent_to_two_replicas_at_once_is_stored_once_with_every_receipt(
    replicas: tuple[FastAPI, FastAPI], server_token: str, server_db_url: str
) -> None:
    # A station resending after a lost answer can reach another replica while the first still
    # writes; both replace the same rows. On PostgreSQL that used to deadlock (a 500).
    sends = 10
    async with (
        _client(replicas[0], server_token) as first,
        _client(replicas[1], server_token) as second,
    ):
        ids = []
        for round_ in range(6):
            report = UUTReport.new(
                operator="operator",
                part_number="REPLICA-RACE",
                serial_number=f"RACE-{id(replicas)}-{round_}",
                revision="A",
                process_code=10,
                station_name="race",
                location="L",
                purpose="P",
            )
            for step in range(20):
                report.root.add_numeric(f"Step {step}", 1.0, low=0.0, high=2.0)
            body = write_wsjf(report).encode()
            headers = {"Content-Type": "application/json"}
            answers = await asyncio.gather(
                *(
                    (first, second)[n % 2].post("/api/Report/WSJF", content=body, headers=headers)
                    for n in range(sends)
                )
            )
            assert [a.status_code for a in answers] == [200] * sends, answers[0].text
            ids.append(report.id)
    database = Database(server_db_url)
    with database.engine.connect() as connection:
        stored = connection.execute(
            select(reports.c.report_id, reports.c.receive_count, func.count())
            .join(report_steps, report_steps.c.report_pk == reports.c.report_pk)
            .where(reports.c.report_id.in_(ids))
            .group_by(reports.c.report_id, reports.c.receive_count)
        ).all()
    database.dispose()
    # Each stored once, with the steps of one copy, and every receipt counted.
    assert sorted(stored) == sorted((i, sends, stored[0][2]) for i in ids)
    assert stored[0][2] >= 20


def test_serial_numbers_taken_through_two_replicas_at_once_are_all_different(
    server_db_url: str,
) -> None:
    databases = [Database(server_db_url) for _ in range(2)]
    stores = [SerialNumberStore(database) for database in databases]
    name = f"Replica-{threading.get_ident() % 100000}-{id(stores)}"
    stores[0].create_type(SerialTypeDraft(name, "R-######", 999999))
    taken: list[str] = []
    lock = threading.Lock()

    def take(store: SerialNumberStore) -> None:
        for quantity in (1, 3, 2, 1, 4):
            numbers = store.take(name, quantity, station_name="replica-test")
            with lock:
                taken.extend(numbers)

    threads = [threading.Thread(target=take, args=(stores[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in databases:
        database.dispose()
    assert len(taken) == 6 * 11
    assert len(set(taken)) == len(taken)
    # Handed out in one run with no gaps: no replica counted from a value it remembered.
    assert sorted(taken) == [f"R-{value:06d}" for value in range(1, len(taken) + 1)]


@pytest.mark.anyio
async def test_the_health_check_answers_without_credentials(server_app: FastAPI) -> None:
    async with _client(server_app, None) as anonymous:
        health = await anonymous.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        # Only that path: the API around it still wants credentials.
        assert (await anonymous.get("/api/App/Version")).status_code == 401
        assert (await anonymous.get("/healthz")).status_code == 401


@pytest.mark.postgres
@pytest.mark.anyio
async def test_the_health_check_fails_when_the_database_is_gone(
    throwaway_postgres: Callable[[], AbstractContextManager[str]], postgres_admin_url: str
) -> None:
    with throwaway_postgres() as url:
        app = create_app(Settings(database_url=url))
        try:
            async with _client(app, None) as anonymous:
                assert (await anonymous.get("/health")).status_code == 200
                admin = create_engine(
                    Database(postgres_admin_url).url, isolation_level="AUTOCOMMIT"
                )
                name = Database(url).url.database
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                admin.dispose()
                health = await anonymous.get("/health")
                assert health.status_code == 503
                assert health.json() == {"status": "database unavailable"}
                assert name not in health.text
        finally:
            app.state.context.database.dispose()


def _workers(parent: int) -> set[int]:
    """The worker processes `serve --workers` started (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    found = set()
    for child in map(int, children):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command:
            found.add(child)
    return found


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 180  # a loaded 2-core machine imports slowly
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc to find workers")
def test_serve_workers_share_the_socket_and_a_killed_worker_is_replaced(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wats.db'}"
    database = Database(url)
    migrate(database)
    database.dispose()
    port = _free_port()
    command = [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    health = f"http://127.0.0.1:{port}/health"
    try:
        _until(lambda: len(_workers(server.pid)) == 2 and _answers(health), "two workers serve")
        first, second = sorted(_workers(server.pid))
        os.kill(first, signal.SIGKILL)
        assert _answers(health)  # the other worker takes the connections meanwhile
        _until(lambda: len(_workers(server.pid) - {second}) == 1, "the killed worker is replaced")
        (replacement,) = _workers(server.pid) - {second}
        assert replacement != first
        os.kill(second, signal.SIGKILL)
        # Only the replacement is left to accept on the shared socket now.
        _until(lambda: _answers(health), "the replacement serves")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not Path(f"/proc/{replacement}").exists() or _zombie(replacement)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _zombie(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
