"""The rough edges a new operator hits in the first hour, each against the real service:
`pywats-client run` as a subprocess, the real local server, real folders."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually, wait_until
from typer.testing import CliRunner

from pywats_client._cli import app
from pywats_client._config import load_config

from ._chaos import ChaosTransport
from ._harness import Reports, running, tuned_config
from .conftest import StationProcess, write_config

pytestmark = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)

runner = CliRunner(env={"COLUMNS": "400"})  # a whole temporary path per cell


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def status(config: Path) -> dict[str, object]:
    code, output = invoke("status", "--config", str(config), "--json")
    assert code in (0, 1, 3), output
    result: dict[str, object] = json.loads(output)
    return result


def test_run_never_makes_a_watch_folder_and_takes_it_once_it_appears(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    """`C:/...` on Linux once became `./C:/` and status said ready: now the folder is named as
    missing in status and health until it is there, and then its files are delivered."""
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    converters = '[[converters]]\ntype = "wsjf"\nwatch = "C:/station/in"\n'
    config = write_config(tmp_path, base_url, token, converters=converters, make_folders=False)
    folder = tmp_path / "C:" / "station" / "in"
    station = StationProcess(config)
    try:
        station.wait_ready()
        state = status(config)
        assert not (tmp_path / "C:").exists()
        assert state["intake"]["missing_folders"] == [str(folder)]  # type: ignore[index]
        url = json.loads((tmp_path / "data" / "control.json").read_text())["url"]
        health = httpx.get(f"{url}/health", timeout=10)
        assert health.status_code == 503
        assert health.json()["status"] == "degraded"
        assert health.json()["problems"] == [
            f"watch folder {folder} of converters[0] does not exist; its files are taken once "
            "it appears"
        ]
        code, output = invoke("status", "--config", str(config))
        assert code == 1
        assert f"degraded: watch folder {folder} of converters[0] does not exist" in output

        folder.mkdir(parents=True)  # the share is mounted
        shutil.copy(samples / "wats" / "uur-example.json", folder / "uur.json")
        wait_until(
            lambda: status(config)["outbox"]["delivered"] == 1,  # type: ignore[index]
            what="the file in the folder that appeared to be delivered",
        )
        assert httpx.get(f"{url}/health", timeout=10).json() == {
            "ok": True,
            "status": "ok",
            "problems": [],
        }
    finally:
        assert station.stop() == 0


def test_quarantine_from_the_cli_with_id_prefixes_and_a_stopped_service(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    """`outbox list` shows quarantined files (reason and path) beside the reports, also while
    the service is stopped; `retry` and `delete` take them by a unique id prefix."""
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    converters = '[[converters]]\ntype = "wsjf"\nwatch = "in"\nafter = "keep"\n'
    config = write_config(tmp_path, base_url, token, converters=converters)
    shutil.copy(samples / "wats" / "uur-example.json", tmp_path / "in" / "uur.json")
    for name in ("bad-1.json", "bad-2.json"):
        (tmp_path / "in" / name).write_text("[1, 2")

    def listed() -> list[dict[str, object]]:
        code, output = invoke("outbox", "list", "--config", str(config), "--json")
        assert code == 0, output
        rows: list[dict[str, object]] = json.loads(output)
        return rows

    station = StationProcess(config)
    try:
        station.wait_ready()
        wait_until(lambda: len(listed()) == 3, what="one report and two quarantined files")
    finally:
        assert station.stop() == 0

    # Stopped: the same listing, read from the data folder, saying so.
    rows = {row["kind"]: row for row in listed()}
    files = [row for row in listed() if row["kind"] == "file"]
    assert rows["report"]["state"] == "delivered"
    assert [row["state"] for row in files] == ["quarantined file"] * 2
    first = files[0]
    assert str(first["source"]).startswith(str(tmp_path / "in" / "bad-"))
    assert "bad-" in str(first["reason"])
    assert Path(str(first["path"])).read_text() == "[1, 2"
    code, output = invoke("outbox", "list", "--config", str(config))
    assert code == 0
    assert "service stopped (no running service found" in output
    assert str(first["path"]) in output
    code, output = invoke("status", "--config", str(config), "--json")
    assert code == 3
    stopped = json.loads(output)
    assert (stopped["running"], stopped["quarantined_files"]) == (False, 2)
    assert stopped["outbox"]["delivered"] == 1

    station = StationProcess(config)
    try:
        station.wait_ready()
        # Every quarantine entry starts with its time stamp: a short prefix is ambiguous.
        prefix = str(first["id"])[:8]
        code, output = invoke("outbox", "delete", prefix, "--config", str(config))
        assert code == 1
        assert output.startswith(f"{prefix!r} matches 2 entries; give more of the id:")
        assert all(str(row["id"]) in output for row in files)
        unique = str(first["id"])[:-3]
        code, output = invoke("outbox", "retry", unique, "--config", str(config))
        assert code == 0, output
        assert output == f"{first['id']} back in {first['source']}\n"
        second = files[1]
        code, output = invoke("outbox", "delete", str(second["id"]), "--config", str(config))
        assert code == 0, output
        assert not Path(str(second["path"])).exists()
        # The retried file fails again (it is still not a report) and comes back.
        wait_until(
            lambda: (
                [row["source"] for row in listed() if row["kind"] == "file"] == [first["source"]]
            ),
            what="the retried file to be quarantined again, alone",
        )
    finally:
        assert station.stop() == 0


@pytest.mark.anyio
async def test_after_an_outage_status_is_current_and_the_error_is_history(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    """Once everything is delivered, the status shows no error (it is in the history, with its
    time); "retry now" ends the backoff when the operator knows the server is back."""
    chaos = ChaosTransport(httpx.ASGITransport(app=server_app))  # type: ignore[arg-type]
    chaos.mode = "refused"
    # As shipped, uploads resume up to 60 s after the server returns: without "retry now" this
    # test would wait that long.
    settings = {"outbox.retry_base_seconds": 30.0, "outbox.retry_max_seconds": 60.0}
    config = tuned_config(tmp_path, "http://testserver", server_token, station="OUTAGE",
                          settings=settings)  # fmt: skip
    reports = Reports(samples, "OUTAGE")
    async with running(config, transport=chaos) as service:
        reports.write(tmp_path / "in" / "r.json")
        await eventually(lambda: service.status().uploader.error is not None, what="failure")
        during = service.status()
        _, shown_during = await anyio.to_thread.run_sync(invoke, "status", "-c", str(config))
        chaos.mode = None
        code, said = await anyio.to_thread.run_sync(
            invoke, "outbox", "retry-now", "--config", str(config)
        )
        assert (code, said) == (0, "1 pending report(s) being tried now\n")
        # Set together with the current state, after the outbox row (which a poll may see first).
        await eventually(lambda: service.uploader.state.last_success is not None, what="delivery")
        assert service.outbox.stats().delivered == 1
        after = service.status()
        code, shown_after = await anyio.to_thread.run_sync(invoke, "status", "-c", str(config))

    assert (during.uploader.next_try or 0) > time.time() + 10
    assert [e.source for e in during.errors] == ["upload"]
    assert during.errors[0].error == during.uploader.error
    assert f"failing: {during.uploader.error}" in shown_during
    assert "next try" in shown_during
    assert after.uploader.error is None
    assert after.uploader.paused_until == 0.0
    assert after.uploader.next_try is None
    assert after.health == []
    assert after.errors == during.errors  # the history keeps it, with its time
    assert code == 0, shown_after
    assert "failing" not in shown_after
    assert "past errors (newest first):" in shown_after
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(during.errors[0].at))
    assert f"{stamp}  upload: " in shown_after


def test_init_checks_the_token_finds_a_free_port_and_says_where_to_drop_files(
    tmp_path: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = tmp_path / "client.toml"
    args = ("init", "--config", str(config), "--station", "ICT-1")
    code, output = invoke(*args, "--server-url", base_url, "--token", "d3Jvbmc=")
    assert code == 1
    assert output.startswith("the server refused the token: Token rejected (401): ")
    assert f"nothing was written (the token was for {tmp_path / 'secrets' / 'token'})" in output
    assert list(tmp_path.iterdir()) == []

    with socket.socket() as holder:
        try:  # the default control port, taken (by this test, or already by another program)
            holder.bind(("127.0.0.1", 8765))
            holder.listen()
        except OSError:
            pass
        # An empty answer is asked again; the token comes from the option.
        result = runner.invoke(
            app, [*args, "--token", token], input=f"\n  \n{base_url}\n", catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    assert result.output.count("WATS server URL: an answer is needed") == 2
    assert f"{base_url} answers (WATS API " in result.output
    assert "control port 8765 on 127.0.0.1 is in use by another program; using the free port" in (
        result.output
    )
    assert f"drop *.json *.wsjf files for wsjf into {tmp_path / 'in' / 'wsjf'}" in result.output
    port = load_config(config).control.port
    assert port != 8765
    assert f"using the free port {port} " in result.output

    # The file exists: said at once, before any question.
    result = runner.invoke(app, ["init", "--config", str(config)], input="")
    assert result.exit_code == 1
    assert result.output == f"{config} exists (use --force to overwrite)\n"


def test_config_validate_asks_the_server_about_the_token(
    tmp_path: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = write_config(tmp_path, base_url, "d3Jvbmc=")
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 2
    assert (
        f"{config}: server.token_file: {tmp_path / 'secrets' / 'token'}: the server refused the "
        "token: Token rejected (401): "
    ) in output
    (tmp_path / "secrets" / "token").write_text(token)
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 0, output
    assert "accepts the token" in output
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        offline = f"http://127.0.0.1:{closed.getsockname()[1]}"
    config = write_config(tmp_path, offline, token)
    code, output = invoke("config", "validate", "--config", str(config))
    assert code == 0, output  # offline is allowed: a warning
    assert f"warning: cannot reach {offline}" in output


def test_run_prints_the_station_server_folders_and_log(tmp_path: Path, live_server: object) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    config = write_config(tmp_path, base_url, token, station="START-1")
    station = StationProcess(config, keep_stdout=True)
    try:
        station.wait_ready()
    finally:
        assert station.stop() == 0
    printed = station.printed
    assert printed.splitlines()[:4] == [
        f"station START-1 → {base_url}",
        f"watching {tmp_path / 'in' / 'wsjf'} for *.json *.wsjf (wsjf)",
        f"watching {tmp_path / 'in' / 'wsxf'} for *.xml *.wsxf (wsxf)",
        f"log: {tmp_path / 'data' / 'logs' / 'pywats.log'}",
    ]
