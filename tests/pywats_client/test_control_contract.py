"""The control API's typed contract: its error bodies, and a client that never loads the server
stack. The app is served in-process (ASGI) by a real, not started, service."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pywats_client._config import load_config
from pywats_client._control import create_app
from pywats_client._control_models import ErrorBody, Health, ServiceStatus
from pywats_client._service import Service

from .conftest import write_config

TOKEN = "the-token"


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = load_config(write_config(tmp_path, "http://127.0.0.1:9", "server-token"))
    service = Service(config)
    transport = httpx.ASGITransport(app=create_app(service, TOKEN))
    async with httpx.AsyncClient(transport=transport, base_url="http://control") as client:
        yield client
    service.store.close()


def _error(response: httpx.Response) -> str:
    return ErrorBody.model_validate_json(response.content).error


@pytest.mark.anyio
async def test_the_token_guards_everything_but_monitoring(api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "wrong"}):
        refused = await api.get("/status", headers=headers)
        assert refused.status_code == 401
        assert _error(refused) == "missing or wrong control token"
    assert (await api.get("/ready")).status_code == 503  # not started; no token needed
    health = Health.model_validate_json((await api.get("/health")).content)
    assert health.problems == []
    assert health.ok
    answer = await api.get("/status", headers={"Authorization": f"Bearer {TOKEN}"})
    status = ServiceStatus.model_validate_json(answer.content)
    assert status.station.name == "TEST-STATION"
    assert status.outbox.pending == 0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "body", "status", "names"),
    [
        ("GET", "/outbox?state=lost", None, 400, "state"),
        ("GET", "/outbox?limit=many", None, 400, "limit"),
        ("GET", "/outbox?colour=red", None, 400, "colour"),
        ("POST", "/dry-run", b"{not json", 400, "body"),
        ("POST", "/dry-run", b'{"converter": "wsjf"}', 400, "content_base64"),
        ("POST", "/dry-run", b'{"converter": "wsjf", "content_base64": "***"}', 400, "base64"),
        ("POST", "/outbox/nope/retry", None, 404, "no outbox item nope"),
        ("DELETE", "/quarantine/nope", None, 404, "no quarantined file nope"),
        ("GET", "/quarantine/nope/log", None, 404, "no quarantined file nope"),
        ("GET", "/nowhere", None, 404, "Not Found"),
    ],
)
async def test_bad_requests_get_an_error_body_naming_what_is_wrong(
    api: httpx.AsyncClient, method: str, path: str, body: bytes | None, status: int, names: str
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    answer = await api.request(method, path, content=body, headers=auth)
    assert answer.status_code == status
    assert names in _error(answer)


@pytest.mark.anyio
async def test_a_dry_run_of_an_unknown_converter_is_refused_with_the_result_model(
    api: httpx.AsyncClient,
) -> None:
    body = {"converter": "nope", "content_base64": "e30="}
    answer = await api.post("/dry-run", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 422
    assert answer.json()["ok"] is False
    assert "nope" in answer.json()["error"]


def test_the_client_and_the_cli_never_import_the_server_stack(tmp_path: Path) -> None:
    """`import` of the control client, `pywats-client --help` and `pywats-client status` (the
    service stopped) leave Starlette and uvicorn unloaded."""
    config = write_config(tmp_path, "http://127.0.0.1:9", "server-token")
    probe = textwrap.dedent(
        f"""
        import sys
        import pywats_client._control_client
        from pywats_client._cli import app
        for argv in (["--help"], ["status", "--config", {str(config)!r}]):
            try:
                app(argv, standalone_mode=True)
            except SystemExit:
                pass
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("starlette", "uvicorn"))
        print("LOADED", loaded)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
    assert "service stopped" in done.stdout  # `status` really ran
