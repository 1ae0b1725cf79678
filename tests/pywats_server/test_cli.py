"""The `pywats-server` command, run as a real subprocess against a fresh SQLite database."""

from __future__ import annotations

import base64
import subprocess
import sys
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
