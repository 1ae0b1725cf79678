"""The `pywats-server` command, run as a real subprocess against a fresh SQLite database."""

from __future__ import annotations

import base64
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pywats_server import Settings, create_app


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pywats_server", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.anyio
async def test_init_tokens_and_users(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'wats.db'}"
    init = _cli("init", "--db", db, "--admin-user", "api", "--admin-password", "secret")
    assert init.returncode == 0, init.stderr
    assert init.stdout.strip() == base64.b64encode(b"api:secret").decode() == "YXBpOnNlY3JldA=="
    again = _cli("init", "--db", db, "--admin-user", "api", "--admin-password", "x")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    station = _cli("token", "create", "--db", db, "--user", "station1").stdout.strip()
    listing = _cli("users", "list", "--db", db).stdout.splitlines()
    assert listing == ["api\tadmin\t1 active token(s)", "station1\tuser\t1 active token(s)"]

    app = create_app(Settings(database_url=db))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        ok = await client.get("/api/App/Version", headers={"Authorization": f"Basic {station}"})
        assert ok.status_code == 200
        assert _cli("token", "revoke", "--db", db, station).returncode == 0
        revoked = await client.get(
            "/api/App/Version", headers={"Authorization": f"Basic {station}"}
        )
        assert revoked.status_code == 401
    app.state.context.database.dispose()
    assert _cli("token", "revoke", "--db", db, station).returncode == 1


def test_bad_database_url_is_reported() -> None:
    result = _cli("users", "list", "--db", "mysql://nowhere/db")
    assert result.returncode != 0
    assert "expected a sqlite:/// or postgresql:// URL" in result.stderr


def _future_database(folder: Path) -> str:
    """A database whose schema revision no shipped migration knows, as a newer server leaves it."""
    db = f"sqlite:///{folder / 'future.db'}"
    assert _cli("token", "create", "--db", db, "--user", "station1").returncode == 0
    with sqlite3.connect(folder / "future.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'r99_from_the_future'")
    return db


def _corrupt_database(folder: Path) -> str:
    (folder / "corrupt.db").write_bytes(b"this is not a SQLite database" * 200)
    return f"sqlite:///{folder / 'corrupt.db'}"


def _blocked_folder(folder: Path) -> str:
    (folder / "plain-file").write_text("in the way", encoding="utf-8")
    return f"sqlite:///{folder / 'plain-file' / 'wats.db'}"


@pytest.mark.parametrize(
    ("make_db", "expected"),
    [
        (_future_database, "has schema revision r99_from_the_future, which this pywats-server"),
        (_corrupt_database, "corrupt.db: file is not a database"),
        (_blocked_folder, "cannot create the folder"),
        (lambda folder: str(folder / "wats.db"), "expected a sqlite:/// or postgresql:// URL"),
        (lambda _: "postgresql://pywats:s3cret@127.0.0.1:1/postgres", "pywats:***@127.0.0.1:1"),
    ],
    ids=["newer-schema", "not-sqlite", "folder-is-a-file", "plain-path", "unreachable-postgres"],
)
def test_unusable_database_is_one_line_naming_it(
    tmp_path: Path, make_db: Callable[[Path], str], expected: str
) -> None:
    db = make_db(tmp_path)
    for command in (["users", "list"], ["serve", "--port", "0"]):
        result = _cli(*command, "--db", db)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: database")
        assert expected in result.stderr
        assert "s3cret" not in result.stderr


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--port", "99999"], "'--port'"),
        (["--log-level", "loud"], "'loud' is not one of"),
        (["--max-body-mb", "0"], "'--max-body-mb'"),
    ],
)
def test_serve_refuses_bad_options_before_starting(
    tmp_path: Path, option: list[str], expected: str
) -> None:
    result = _cli("serve", "--db", f"sqlite:///{tmp_path / 'wats.db'}", *option)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert not (tmp_path / "wats.db").exists()  # refused before touching the database


def test_serve_announces_the_port_it_got_and_names_an_address_in_use(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'wats.db'}"
    token = _cli("init", "--db", db, "--admin-user", "api", "--admin-password", "pw").stdout.strip()
    server = subprocess.Popen(
        [sys.executable, "-m", "pywats_server", "serve", "--db", db, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        announced = server.stderr.readline().strip()
        assert announced.startswith("pywats-server listening on http://127.0.0.1:")
        url = announced.rsplit(" ", 1)[1]
        port = url.rsplit(":", 1)[1]
        assert port != "0"
        answer = httpx.get(f"{url}/api/App/Version", headers={"Authorization": f"Basic {token}"})
        assert answer.status_code == 200
        taken = _cli("serve", "--db", db, "--port", port)
        assert taken.returncode == 1
        assert taken.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_served_connections_send_small_writes_at_once() -> None:
    """TCP_NODELAY on the listening socket, inherited by each connection: otherwise a response
    written in parts waits for the client's delayed acknowledgement (~40 ms per request)."""
    from pywats_server._cli import _listen

    with _listen("127.0.0.1", 0) as listener, socket.create_connection(listener.getsockname()):
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
