"""Through the whole service: a converter that crashes its worker process or hangs past the
per-file timeout costs that one file, while other folders keep flowing to the server.

The misbehaving converters are a real entry-point plug-in (conftest `misbehaving`); the server is
the real local server over ASGI; the service's health and metrics are read from its control API.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from tests._documents import as_exported
from tests._poll import eventually

from pywats import AsyncWATS

from ._harness import Reports, running
from .conftest import write_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]

CONVERTERS = """
[[converters]]
type = "wsjf"
watch = "in/wsjf"

[[converters]]
type = "crash"
watch = "in/crash"

[[converters]]
type = "hang"
watch = "in/hang"
"""

TIMEOUT = 6  # seconds per file: the WSJF files must get through meanwhile, even on a busy CI


async def test_crash_and_hang_cost_one_file_each_while_other_folders_flow(
    tmp_path: Path, samples: Path, server_app: object, server_token: str, misbehaving: Path
) -> None:
    settings = {"intake.workers": 2, "intake.timeout_seconds": TIMEOUT}
    config_path = write_config(
        tmp_path,
        "http://testserver",
        server_token,
        converters=CONVERTERS,
        station="ISOLATION",
        settings=settings,
    )
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    inbox = tmp_path / "in"
    reports = Reports(samples, "ISOLATION")
    async with running(config_path, transport=transport) as service:

        def delivered() -> int:
            return service.outbox.stats().delivered

        (inbox / "hang").mkdir(parents=True, exist_ok=True)
        (inbox / "crash").mkdir(parents=True, exist_ok=True)
        (inbox / "hang" / "stuck.hang").write_text("never converts")
        (inbox / "crash" / "dies.crash").write_text("kills its worker")
        for n in range(2):
            reports.write(inbox / "wsjf" / f"before-{n}.json")
        await eventually(lambda: delivered() == 2, what="2 reports delivered beside the bad files")
        # While one worker sits in the hanging converter, the other kept the WSJF folder moving.
        hang_still_running = not any(e.converter == "hang" for e in service.quarantine.entries())
        await eventually(
            lambda: len(service.quarantine.entries()) == 2, what="crash and hang quarantined"
        )
        # The killed and timed-out workers were replaced: conversion still works afterwards.
        for n in range(2):
            reports.write(inbox / "wsjf" / f"after-{n}.json")
        await eventually(lambda: delivered() == 4, what="reports after the failures delivered")
        endpoint = json.loads((tmp_path / "data" / "control.json").read_text())
        async with httpx.AsyncClient(base_url=endpoint["url"], timeout=10) as api:
            health = await api.get("/health")
            metrics = (await api.get("/metrics")).text
        async with AsyncWATS(
            base_url="http://testserver",
            token=server_token,
            transport=httpx.ASGITransport(app=server_app),  # type: ignore[arg-type]
        ) as client:
            stored = {rid: (await client.reports.get(rid)).raw for rid in reports.expected}

    assert hang_still_running, "the WSJF reports waited for the hanging converter"
    entries = {e.converter: e for e in service.quarantine.entries()}
    assert set(entries) == {"crash", "hang"}
    assert "crashed its worker process" in entries["crash"].reason
    assert "dies.crash" in entries["crash"].reason
    assert f"conversion took longer than {TIMEOUT} s" in entries["hang"].reason
    assert "stuck.hang" in entries["hang"].reason
    folder = tmp_path / "data" / "quarantine"
    for entry in entries.values():
        assert (folder / entry.name).is_file()  # the source itself, set aside
        assert (folder / f"{entry.name}.log").is_file()  # its conversion log beside it
    assert (folder / entries["hang"].name).read_text() == "never converts"
    assert not (inbox / "hang" / "stuck.hang").exists()
    assert not (inbox / "crash" / "dies.crash").exists()
    expected = {rid: as_exported(document) for rid, document in reports.expected.items()}
    assert {rid: as_exported(raw) for rid, raw in stored.items()} == expected  # as written
    assert health.status_code == 200, health.text
    assert 'pywats_client_failed_total{converter="crash",kind="crash"} 1' in metrics
    assert 'pywats_client_failed_total{converter="hang",kind="timeout"} 1' in metrics
    assert 'pywats_client_delivered_total{converter="wsjf"} 4' in metrics
    assert "pywats_client_quarantined_files 2" in metrics
    assert "pywats_client_pending 0" in metrics
    assert "pywats_client_quarantined 0" in metrics  # the server refused nothing
