"""Through the whole service: conversion workers start when a file needs one, retire when idle,
and what the service says about them (status, metrics, health) is true at every step.

The server is the real local server over ASGI; worker processes are read from /proc.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from tests._poll import eventually

from ._harness import Reports, running, tuned_config
from .test_workers import needs_proc, worker_pids

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
    needs_proc,
]

IDLE = 1.0  # seconds before an unused worker retires


def _workers_gauge(metrics: str) -> float:
    (line,) = [x for x in metrics.splitlines() if x.startswith("pywats_client_workers_running ")]
    return float(line.split()[1])


async def test_no_worker_while_idle_one_per_file_retired_and_started_again(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    settings = {"intake.workers": 2, "intake.worker_idle_seconds": IDLE}
    config = tuned_config(
        tmp_path, "http://testserver", server_token, station="LAZY", settings=settings
    )
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    reports = Reports(samples, "LAZY")
    before = worker_pids()
    async with running(config, transport=transport) as service:

        def delivered() -> int:
            return service.outbox.stats().delivered

        status = service.status()
        assert (status.intake.workers, status.intake.workers_max) == (0, 2)
        assert _workers_gauge(service.metrics_text()) == 0
        assert worker_pids() == before, "the service starts no worker before a file arrives"

        reports.write(tmp_path / "in" / "first.json")
        await eventually(lambda: delivered() == 1, what="first report delivered")
        (first,) = worker_pids() - before
        assert service.status().intake.workers == 1
        assert _workers_gauge(service.metrics_text()) == 1

        await eventually(lambda: worker_pids() == before, what="the idle worker exits")
        assert service.status().intake.workers == 0
        assert _workers_gauge(service.metrics_text()) == 0

        reports.write(tmp_path / "in" / "second.json")
        await eventually(lambda: delivered() == 2, what="second report delivered")
        (second,) = worker_pids() - before
        assert second != first
        assert service.status().intake.workers == 1
        assert service.health() == []
    assert worker_pids() == before, "no worker outlives the service"


async def test_a_worker_that_cannot_start_leaves_the_file_and_says_so(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    config = tuned_config(tmp_path, "http://testserver", server_token, station="NOSTART")
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    reports = Reports(samples, "NOSTART")
    async with running(config, transport=transport) as service:
        working = service.pool.command
        # What an interpreter that dies during start-up looks like to the service.
        service.pool.command = (sys.executable, "-c", "import os; os._exit(5)")
        source = tmp_path / "in" / "waits.json"
        reports.write(source)
        await eventually(lambda: service.health(), what="health names the start failure")
        (problem,) = service.health()
        assert problem.startswith("files wait for conversion: a conversion worker did not start")
        assert "exited with code 5" in problem
        assert source.exists(), "the file stays in its folder"
        assert service.quarantine.entries() == []
        assert service.status().intake.workers == 0

        service.pool.command = working
        await eventually(lambda: service.outbox.stats().delivered == 1, what="file delivered")
        assert service.health() == []
        assert service.quarantine.entries() == []
        assert not source.exists()


async def test_a_reload_applies_the_worker_limits_at_once(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    settings = {"intake.workers": 2, "intake.worker_idle_seconds": 600.0}
    config = tuned_config(
        tmp_path, "http://testserver", server_token, station="RELOAD", settings=settings
    )
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    reports = Reports(samples, "RELOAD")
    before = worker_pids()
    async with running(config, transport=transport) as service:
        reports.write(tmp_path / "in" / "first.json")
        await eventually(lambda: service.outbox.stats().delivered == 1, what="delivered")
        assert len(worker_pids() - before) == 1  # and it would stay ten minutes

        text = config.read_text()
        assert "worker_idle_seconds = 600.0" in text
        assert "workers = 2" in text
        text = text.replace("worker_idle_seconds = 600.0", f"worker_idle_seconds = {IDLE}")
        config.write_text(text.replace("workers = 2", "workers = 1"))
        result = await service.reload()

        assert "intake" in result.applied
        assert service.status().intake.workers_max == 1
        await eventually(
            lambda: worker_pids() == before, within=30, what="retired by the new limit"
        )
        assert service.status().intake.workers == 0
