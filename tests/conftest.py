"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from tests import _documents

if TYPE_CHECKING:
    from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "data" / "samples"

# The CLI's tables fit the terminal; a test has none (its output is a pipe, in a pytest-xdist
# worker too), so give every console the same wide page before any CLI module makes one.
os.environ.setdefault("COLUMNS", "200")


@pytest.fixture(scope="session")
def samples() -> Path:
    """The read-only folder of real sample files, with their provenance (`tests/data/samples`)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"sample files not found at {SAMPLES}: the checkout is incomplete")
    return SAMPLES


@pytest.fixture(scope="session")
def without_server_fields() -> Callable[[Any], Any]:
    """A report document (or list of them) without the server-derived envelope keys: what an
    export and its submission share when the submission numbered its steps as WATS does."""
    return _documents.without_server_fields


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- pywats_server fixtures -------------------------------------------------------------------
# `server_db_url` runs a test once on SQLite and once on PostgreSQL (a throwaway database per
# session on the server at PYWATS_TEST_POSTGRES_URL, or else on a throwaway server started from
# the pip-installed PostgreSQL build). No PostgreSQL test is ever skipped: an unreachable server
# fails them. `server_token` is an admin token in that database, `server_app` the in-process app
# over it, `live_server` a `pywats-server serve` subprocess on a free port over the same database.


@dataclass(frozen=True)
class LiveServer:
    """A server subprocess: `base_url` to connect to, `token` of its admin."""

    base_url: str
    token: str


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A skipped PostgreSQL test is a failure: a quiet skip would hide half the server's tests."""
    report = yield
    if report.skipped and item.get_closest_marker("postgres") is not None:
        report.outcome = "failed"
        report.longrepr = f"a PostgreSQL test may not skip: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL URL allowed to create databases: PYWATS_TEST_POSTGRES_URL, or a new server."""
    configured = os.environ.get("PYWATS_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    from pywats_server.testing import embedded_postgres

    with embedded_postgres() as url:
        yield url


@contextmanager
def _throwaway_postgres(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from pywats_server.storage import Database

    admin = create_engine(Database(admin_url).url, isolation_level="AUTOCOMMIT")
    name = f"pywats_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL not reachable at {admin_url}: {exc.orig}")
    try:
        yield Database(admin_url).url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def throwaway_postgres(postgres_admin_url: str) -> Callable[[], AbstractContextManager[str]]:
    """`with throwaway_postgres() as url:` an empty PostgreSQL database, dropped afterwards."""
    return partial(_throwaway_postgres, postgres_admin_url)


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty-but-seeded server database URL: SQLite file, then PostgreSQL."""
    from pywats_server.storage import Database, migrate

    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('server') / 'wats.db'}"
        else:
            url = stack.enter_context(
                _throwaway_postgres(request.getfixturevalue("postgres_admin_url"))
            )
        database = Database(url)
        migrate(database)
        database.dispose()
        yield url


@pytest.fixture(scope="session")
def server_token(server_db_url: str) -> str:
    """The token of user `admin` (an administrator) in the server database."""
    from pywats_server.storage import Database, UserStore

    database = Database(server_db_url)
    users = UserStore(database)
    if "admin" not in {user.name for user in users.list_users()}:
        users.create_user("admin", is_admin=True)
    token = users.issue_token("admin", "admin-secret")
    database.dispose()
    return token


@pytest.fixture(scope="session")
def server_app(server_db_url: str, server_token: str) -> Iterator[FastAPI]:
    """The server app in-process over `server_db_url` (request bodies up to 1 MiB)."""
    from pywats_server import Settings, create_app

    app = create_app(Settings(database_url=server_db_url, max_body_bytes=1024 * 1024))
    yield app
    app.state.context.database.dispose()  # ASGITransport does not run the lifespan


@pytest.fixture
def asgi_transport(server_app: FastAPI) -> httpx.ASGITransport:
    """An httpx transport into the in-process server (use with async clients)."""
    return httpx.ASGITransport(app=server_app)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _serving(db_url: str, token: str, *options: str) -> Iterator[LiveServer]:
    """`pywats-server serve` with `options` as a subprocess on a free loopback port, from the
    moment it answers until the block ends."""
    port = _free_port()
    command = [sys.executable, "-m", "pywats_server", "serve", "--db", db_url, *options]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--max-body-mb", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded 2-core machine importing the server alone can take half a minute.
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"{base_url}/api/App/Version", timeout=1)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _, errors = process.communicate()
                pytest.fail(f"pywats-server did not start: {errors.decode(errors='replace')}")
            time.sleep(0.1)
    try:
        yield LiveServer(base_url, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture(scope="session")
def live_server(server_db_url: str, server_token: str) -> Iterator[LiveServer]:
    """`pywats-server serve` as a subprocess on a free loopback port; waits until it answers."""
    with _serving(server_db_url, server_token) as server:
        yield server


@pytest.fixture
def serve_with(
    server_db_url: str, server_token: str
) -> Callable[..., AbstractContextManager[LiveServer]]:
    """Start a `pywats-server serve` subprocess of the test's own, with extra command options."""
    return lambda *options: _serving(server_db_url, server_token, *options)


# --- service manager ---------------------------------------------------------------------------


@dataclass
class ServiceManager:
    """A stand-in `systemctl` first on PATH, and HOME in a temporary folder: registering a real
    service would change the machine. `calls` are the argument lists it was run with;
    setting `failure` makes it print that to stderr and exit 1."""

    home: Path
    log: Path
    failure: Path

    @property
    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def fail_with(self, message: str) -> None:
        self.failure.write_text(message)


@pytest.fixture
def service_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ServiceManager:
    tools = tmp_path / "service-manager"
    tools.mkdir()
    manager = ServiceManager(tmp_path / "home", tools / "calls.log", tools / "failure.txt")
    script = tools / "systemctl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{manager.log}"\n'
        f'if [ -f "{manager.failure}" ]; then cat "{manager.failure}" >&2; exit 1; fi\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(manager.home))
    return manager
