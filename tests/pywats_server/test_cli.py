"""The `pywats-server` command, run as a real subprocess against a fresh SQLite database."""

from __future__ import annotations

import base64
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from pywats_server import Settings, create_app
from pywats_server.storage import Database, masked_url, migrate, schema_revisions


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
    assert "pywats-server token create --name STATION" in init.stderr
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
    assert _cli("init", "--db", db, "--admin-user", "a", "--admin-password", "b").returncode == 0
    with sqlite3.connect(folder / "future.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'r99_from_the_future'")
    return db


def _corrupt_database(folder: Path) -> str:
    (folder / "corrupt.db").write_bytes(b"this is not a SQLite database" * 200)
    return f"sqlite:///{folder / 'corrupt.db'}"


@pytest.mark.parametrize(
    ("make_db", "expected"),
    [
        (_future_database, "has schema revision r99_from_the_future, which this pywats-server"),
        (_corrupt_database, "corrupt.db: file is not a database"),
        (lambda folder: str(folder / "wats.db"), "expected a sqlite:/// or postgresql:// URL"),
        (lambda _: "postgresql://pywats:s3cret@127.0.0.1:1/postgres", "pywats:***@127.0.0.1:1"),
    ],
    ids=["newer-schema", "not-sqlite", "plain-path", "unreachable-postgres"],
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


def test_init_names_a_folder_it_cannot_create(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("in the way", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'plain-file' / 'wats.db'}"
    result = _cli("init", "--db", db, "--admin-user", "a", "--admin-password", "b")
    assert result.returncode == 1
    assert result.stderr.startswith("error: database")
    assert "cannot create the folder" in result.stderr


def _typo(folder: Path) -> str:
    (folder / "wats.db").write_bytes(b"")  # the real one; the command names another folder
    return f"sqlite:///{folder / 'wtas' / 'wats.db'}"


def _empty_file(folder: Path) -> str:
    (folder / "wats.db").write_bytes(b"")  # a valid, empty SQLite database
    return f"sqlite:///{folder / 'wats.db'}"


@pytest.mark.parametrize("make_db", [_typo, _empty_file], ids=["typo-in-path", "empty-file"])
@pytest.mark.parametrize(
    "command",
    [["serve", "--port", "0"], ["token", "create", "--name", "s1"]],
    ids=["serve", "token"],
)
def test_commands_refuse_a_database_init_never_made(
    tmp_path: Path, make_db: Callable[[Path], str], command: list[str]
) -> None:
    db = make_db(tmp_path)
    result = _cli(*command, "--db", db)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: no pywats-server database at {db}; create it with: "
        f"pywats-server init --db {db} --admin-user NAME --admin-password PASSWORD\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wats.db"]  # nothing created
    assert (tmp_path / "wats.db").read_bytes() == b""


@pytest.mark.postgres
def test_serve_refuses_an_empty_postgres_database(
    throwaway_postgres: Callable[[], AbstractContextManager[str]],
) -> None:
    with throwaway_postgres() as url:
        result = _cli("serve", "--port", "0", "--db", url)
        assert result.returncode == 2
        shown = masked_url(url)
        assert result.stderr.startswith(f"error: no pywats-server database at {shown}; ")
        assert f"pywats-server init --db {shown} " in result.stderr
        database = Database(url)
        try:
            assert schema_revisions(database) == []  # refused before migrating anything
        finally:
            database.dispose()


@pytest.mark.anyio
async def test_each_station_has_its_own_revocable_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'wats.db'}"
    admin = _cli("init", "--db", db, "--admin-user", "admin", "--admin-password", "pw")
    assert admin.returncode == 0, admin.stderr
    line1 = _cli("token", "create", "--db", db, "--name", "LINE1-ICT").stdout.strip()
    line2 = _cli("token", "create", "--db", db, "--name", "LINE2-FCT").stdout.strip()
    assert base64.b64decode(line1).startswith(b"LINE1-ICT:")
    listed = [row.split("\t") for row in _cli("token", "list", "--db", db).stdout.splitlines()]
    assert [(r[0], r[1], r[2], r[4]) for r in listed] == [
        ("1", "admin", "admin", "active"),
        ("2", "LINE1-ICT", "user", "active"),
        ("3", "LINE2-FCT", "user", "active"),
    ]
    assert line1 not in "\n".join("\t".join(r) for r in listed)  # never the secret

    revoke = _cli("token", "revoke", "--db", db, "--id", "2")
    assert revoke.returncode == 0, revoke.stderr
    app = create_app(Settings(database_url=db))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:

        async def status(token: str) -> int:
            answer = await client.get(
                "/api/App/Version", headers={"Authorization": f"Basic {token}"}
            )
            return answer.status_code

        assert await status(line1) == 401
        assert await status(line2) == 200
        assert await status(admin.stdout.strip()) == 200
    app.state.context.database.dispose()
    assert (
        _cli("token", "list", "--db", db)
        .stdout.splitlines()[1]
        .split("\t")[4]
        .startswith("revoked 20")
    )
    assert _cli("token", "revoke", "--db", db, "--id", "2").returncode == 1  # already revoked
    neither = _cli("token", "revoke", "--db", db)
    assert neither.returncode == 1
    assert "token list" in neither.stderr


def test_an_older_schema_is_upgraded_saying_so_first(tmp_path: Path) -> None:
    """An upgrade that rebuilds tables takes minutes on a large database: the command names
    the revisions it applies before it starts, then works on the upgraded database."""
    db = f"sqlite:///{tmp_path / 'wats.db'}"
    database = Database(db)
    migrate(database, "r9_unit_periods")
    database.dispose()
    listed = _cli("users", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    first_line = listed.stderr.splitlines()[0]
    assert first_line.startswith(f"upgrading the schema of {db} (r10_clustered_report_rows, ")
    assert "takes minutes" in first_line
    again = _cli("users", "list", "--db", db)
    assert again.returncode == 0
    assert "upgrading" not in again.stderr  # at the newest revision: nothing to say


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
