"""A log sink that stops taking lines never stops delivery, and a stuck pipeline is unhealthy.

The first test is the field report: the station runs under a supervisor that no longer reads
its standard error. The pipe is real (shrunk to one page so it fills after a few lines), the
station is a real subprocess, the server a real one. The health tests stop delivery at the
transport seam with an upload that never returns: the one thing that cannot be made to happen
on demand from the outside.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import anyio
import httpx
import pytest
from tests._poll import eventually, wait_until

from pywats import WATS
from pywats_client._log_sink import QueuedSink, console_handler, dropped_lines
from pywats_client._stall import DeliveryClock, stall_problem

from ._chaos import ChaosTransport
from ._harness import Reports, running, tuned_config

_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux; Python 3.10+ names it


def _control_url(data: Path) -> str:
    url: str = json.loads((data / "control.json").read_text())["url"]
    return url


@pytest.mark.skipif(sys.platform != "linux", reason="shrinks the pipe with F_SETPIPE_SZ")
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_an_unread_stderr_pipe_does_not_stop_delivery(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "LOG-BLOCKED"
    settings: dict[str, object] = {"logging.level": "DEBUG"}
    config = tuned_config(tmp_path, base_url, token, station=station, settings=settings)
    text = config.read_text()  # as a supervisor runs it: the log on standard error too
    config.write_text(text.replace("\nconsole = false\n", "\nconsole = true\n"))
    reports = Reports(samples, station)
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, _F_SETPIPE_SZ, 4096)  # the smallest pipe: full after ~30 lines
    process = subprocess.Popen(
        [sys.executable, "-m", "pywats_client", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=write_end,
    )
    os.close(write_end)  # the read end stays open and is never read: writes block, not fail
    try:
        for n in range(60):
            reports.write(tmp_path / "in" / f"r{n}.json")
        with WATS(base_url=base_url, token=token) as client:
            wait_until(
                lambda: not reports.missing_on(client),
                within=120,
                what="every report on the server while nobody reads the station's stderr",
            )
            reports.check(client)
        control = _control_url(tmp_path / "data")
        status = httpx.get(f"{control}/status", headers=_auth(tmp_path), timeout=10).json()
        assert status["outbox"]["pending"] == 0
        assert status["log"]["queued"] + status["log"]["dropped"] > 0, "the pipe really is full"
        metrics = httpx.get(f"{control}/metrics", timeout=10).text
        for name in ("log_queued", "log_dropped_total"):
            assert re.search(rf"^pywats_client_{name} \d+$", metrics, re.MULTILINE), name
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, "a clean stop, although the last lines cannot be written"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        os.close(read_end)


def _auth(folder: Path) -> dict[str, str]:
    token = (folder / "data" / "control.token").read_text().strip()
    return {"Authorization": f"Bearer {token}"}


class _Gate(httpx.AsyncBaseTransport):
    """Report submissions wait at the gate while it is closed: an upload that never returns
    (httpx's timeouts live in the real transport, which it has not reached yet)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.opened = anyio.Event()
        self.waiting = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.waiting += 1
            await self.opened.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
async def test_health_fails_while_delivery_is_stuck_and_recovers_after(
    tmp_path: Path, samples: Path, asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    station = "STALL"
    settings = {"outbox.health_stall_seconds": 1.0, "outbox.upload_concurrency": 1}
    config = tuned_config(tmp_path, "http://wats.test", server_token, station=station,
                          settings=settings)  # fmt: skip
    reports = Reports(samples, station)
    gate = _Gate(asgi_transport)
    async with running(config, transport=gate) as service:
        reports.write(tmp_path / "in" / "r0.json")
        reports.write(tmp_path / "in" / "r1.json")
        await eventually(lambda: service.outbox.stats().pending == 2, what="both accepted")
        await eventually(
            lambda: any("delivery stalled" in p for p in service.health()),
            what="health to report the stall",
        )
        assert gate.waiting == 1, "the stuck upload is the only one"
        assert service.status().health == service.health()
        gate.opened.set()
        await eventually(lambda: service.outbox.stats().delivered == 2, what="delivery")
        assert service.health() == []


@pytest.mark.anyio
@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
async def test_an_outage_is_not_a_stall(
    tmp_path: Path, samples: Path, asgi_transport: httpx.ASGITransport, server_token: str
) -> None:
    """Refused connections end every attempt: the uploader moves, so health stays clear of a
    stall (the outage itself shows in status and, when it lasts, in the age rule)."""
    station = "OUTAGE-NO-STALL"
    settings = {"outbox.health_stall_seconds": 1.0, "outbox.retry_max_seconds": 0.4}
    config = tuned_config(tmp_path, "http://wats.test", server_token, station=station,
                          settings=settings)  # fmt: skip
    reports = Reports(samples, station)
    chaos = ChaosTransport(asgi_transport)
    chaos.mode = "refused"
    async with running(config, transport=chaos) as service:
        reports.write(tmp_path / "in" / "r0.json")
        await eventually(lambda: service.outbox.stats().pending == 1, what="accepted")
        # Attempts spread over three stall windows: a stall rule that ignored them would fire.
        await eventually(
            lambda: len(chaos.attempts) >= 2 and chaos.attempts[-1][0] - chaos.attempts[0][0] > 3,
            what="failed attempts over three windows",
        )
        assert not any("stalled" in p for p in service.health())
        chaos.mode = None
        await eventually(lambda: service.outbox.stats().delivered == 1, what="delivery")


def test_the_stall_rule() -> None:
    now, window = 10_000.0, 60.0
    moving = DeliveryClock(due_since=now - 500, last_attempt=now - 5, started=0, paused_until=0)
    assert stall_problem(moving, now, window) is None, "a long backlog that moves"
    just_due = DeliveryClock(due_since=now - 1, last_attempt=None, started=0, paused_until=0)
    assert stall_problem(just_due, now, window) is None, "a new report after a quiet day"
    pausing = DeliveryClock(due_since=now - 500, last_attempt=now - 90, started=0,
                            paused_until=now + 20)  # fmt: skip
    assert stall_problem(pausing, now, window) is None, "waiting out a backoff"
    stuck = DeliveryClock(due_since=now - 500, last_attempt=now - 90, started=0, paused_until=0)
    problem = stall_problem(stuck, now, window)
    assert problem is not None
    assert "90 s" in problem
    assert "health_stall_seconds" in problem
    fresh = DeliveryClock(due_since=now - 500, last_attempt=None, started=now - 30, paused_until=0)
    assert stall_problem(fresh, now, window) is None, "the service started a moment ago"


def test_a_blocked_sink_drops_and_counts_instead_of_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logging, "raiseExceptions", False)  # the broken pipe at the end
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as stream:
        sink = QueuedSink(console_handler(stream), capacity=10)
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "%s", ("x" * 4096,), None)
        before = dropped_lines()
        for _ in range(200):  # far more than the pipe and the queue hold: emit must not wait
            sink.emit(logging.makeLogRecord(record.__dict__))
        assert dropped_lines() - before >= 150, "the pipe holds ~16 records, the queue 10"
        assert 0 < sink.queued <= 10
        os.close(read_end)  # the blocked write fails; the sink's thread moves on and ends
        sink.close()
