"""A local `pywats-server` for the benchmarks: a throwaway database, an admin token, a subprocess.

PostgreSQL databases are created on `PYWATS_BENCH_POSTGRES_URL` (default: the test suite's
`PYWATS_TEST_POSTGRES_URL`, else a throwaway server from the pip-installed PostgreSQL build) and
dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from benchmarks._timing import tree_cpu_seconds
from pywats_server.storage import Database, UserStore, migrate
from pywats_server.testing import embedded_postgres

POSTGRES_URL = os.environ.get("PYWATS_BENCH_POSTGRES_URL") or os.environ.get(
    "PYWATS_TEST_POSTGRES_URL"
)


@contextmanager
def sqlite_database(kept: str | None = None) -> Iterator[str]:
    """Yield the URL of a SQLite file in a temporary folder, or of the file `kept` (kept after)."""
    if kept:
        yield f"sqlite:///{Path(kept).resolve()}"
        return
    with tempfile.TemporaryDirectory(prefix="pywats-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'wats.db'}"


@contextmanager
def postgres_database(kept: str | None = None) -> Iterator[str | None]:
    """Yield the URL of a new PostgreSQL database, or None (with a note) if none is reachable.

    With `kept`, the database of that name (created if missing) is used and kept afterwards.
    """
    if POSTGRES_URL is None:
        with embedded_postgres() as admin_url:
            yield from _database_on(admin_url, kept)
    else:
        yield from _database_on(POSTGRES_URL, kept)


def _database_on(admin_url: str, kept: str | None) -> Iterator[str | None]:
    admin = create_engine(Database(admin_url).url, isolation_level="AUTOCOMMIT")
    name = kept or f"pywats_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        print(f"PostgreSQL skipped: not reachable at {admin_url} ({exc.orig})")
        admin.dispose()
        yield None
        return
    try:
        yield Database(admin_url).url.set(database=name).render_as_string(hide_password=False)
    finally:
        if not kept:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, *, admin: bool = True) -> str:
    """Migrate the database, create the user `bench` (unless it exists) and return its token."""
    database = Database(url)
    migrate(database)
    users = UserStore(database)
    if all(user.name != "bench" for user in users.list_users()):
        users.create_user("bench", is_admin=admin)
    token = users.issue_token("bench", "bench-secret")
    database.dispose()
    return token


@contextmanager
def serve(url: str) -> Iterator[str]:
    """`pywats-server serve` on a free loopback port; yields its base URL once it answers."""
    with server_process(url) as (base_url, _):
        yield base_url


@contextmanager
def server_process(url: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    """As `serve` with `--workers`, yielding the base URL and the server's process id (for
    `tree_cpu_seconds`) once every worker has finished starting."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "pywats_server", "serve", "--db", url, "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base_url}/api/App/Version", timeout=1)  # any answer: it is up
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"server did not start: {process.communicate()[1]!r}") from None
            time.sleep(0.1)
    if workers > 1:
        _settle(process.pid)
    try:
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


def _settle(root: int) -> None:
    """Wait until the processes under `root` are idle: the first worker answering does not
    mean the others have imported the server, and a client that connects meanwhile stays
    with the ready one."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        before = tree_cpu_seconds(root)
        time.sleep(0.5)
        if tree_cpu_seconds(root) - before < 0.05:
            return
