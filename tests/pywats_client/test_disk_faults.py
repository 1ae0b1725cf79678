"""Disk faults: the outbox cannot write, so intake waits; nothing is lost.

The outbox writes only its database, so the faults are SQLite's own, on the service's real
connection: its page limit gives the error a full disk gives (SQLITE_FULL), `query_only` the one
a read-only disk gives (SQLITE_READONLY). Everything else is real: the service runs in-process
against the live local server, with real files and worker processes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tests._poll import eventually

from pywats import WATS

from ._harness import Reports, running, tuned_config
from ._proxy import ChaosProxy

# The station does not care which database the server uses: SQLite is enough here.
on_sqlite = pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)


@pytest.mark.anyio
@on_sqlite
async def test_a_read_only_outbox_pauses_intake_until_it_recovers(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "EROFS"
    config = tuned_config(tmp_path, base_url, token, station=station)
    reports = Reports(samples, station)
    async with running(config) as service:
        service.store.query("PRAGMA query_only = ON")
        for n in range(3):
            reports.write(tmp_path / "in" / f"r{n}.json")
        await eventually(lambda: service.intake.state.disk_error is not None, what="a failure")
        assert "readonly database" in (service.intake.state.disk_error or "")
        assert service.status().intake.disk_error == service.intake.state.disk_error
        assert any("outbox cannot be written" in p for p in service.health())
        assert sorted(p.name for p in (tmp_path / "in").glob("*.json")) == [
            "r0.json",
            "r1.json",
            "r2.json",
        ], "sources stay in the watch folder while the outbox cannot take them"
        assert service.outbox.items() == [], "nothing half-accepted"
        service.store.query("PRAGMA query_only = OFF")
        await eventually(lambda: service.outbox.stats().delivered == 3, what="delivery")
        assert service.intake.state.disk_error is None
        assert service.health() == []
        assert service.restarts == {}, "a disk fault is handled, not a task crash"
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


@pytest.mark.anyio
@on_sqlite
async def test_a_full_database_pauses_intake_and_upload_without_restarts(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    station = "SQLITE-full"
    config = tuned_config(tmp_path, base_url, token, station=station)
    reports = Reports(samples, station)
    async with running(config) as service:
        # A full disk reaches the outbox database too. SQLite's own page limit produces the
        # same SQLITE_FULL error as a full disk, on the service's real database connection.
        pages = service.store.query("PRAGMA page_count")[0][0]
        service.store.query(f"PRAGMA max_page_count = {pages}")
        for n in range(30):
            reports.write(tmp_path / "in" / f"r{n:02}.json")
        await eventually(lambda: service.intake.state.disk_error is not None, what="a full db")
        assert "database or disk is full" in " ".join(service.health())
        assert service.restarts == {}, "a full database is a disk fault, not a task crash"
        service.store.query("PRAGMA max_page_count = 1073741823")
        await eventually(lambda: service.outbox.stats().delivered == 30, what="delivery")
        assert service.restarts == {}
        assert service.quarantine.entries() == []
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)


@pytest.mark.anyio
@on_sqlite
async def test_at_the_disk_budget_intake_waits_and_nothing_queued_is_evicted(
    tmp_path: Path, samples: Path, live_server: object
) -> None:
    base_url, token = live_server.base_url, live_server.token  # type: ignore[attr-defined]
    upstream = urlsplit(base_url)
    proxy = ChaosProxy(upstream.hostname or "127.0.0.1", upstream.port or 80)
    proxy.refuse()  # the server is away, so nothing leaves the outbox
    station = "BUDGET"
    budget = 4000  # bytes: two small reports fit, the third reaches the budget
    settings = {"outbox.max_mb": budget / 1024 / 1024}
    config = tuned_config(tmp_path, proxy.url, token, station=station, settings=settings)
    reports = Reports(samples, station)
    try:
        async with running(config) as service:
            for n in range(8):
                reports.write(tmp_path / "in" / f"r{n}.json")
            await eventually(lambda: service.intake.state.paused_for_budget, what="back-pressure")
            queued = {item.id for item in service.outbox.items()}
            waiting = list((tmp_path / "in").glob("*.json"))
            assert 3 <= len(queued) < 8, "intake stopped at the budget"
            assert len(waiting) == 8 - len(queued), "the rest wait in the watch folder"
            assert service.outbox.stats().queued_bytes >= budget
            assert "pywats_client_intake_paused 1" in service.metrics_text()
            proxy.accept()
            await eventually(lambda: service.outbox.stats().delivered == 8, what="delivery")
            assert queued <= {item.id for item in service.outbox.items("delivered")}
            assert service.restarts == {}
    finally:
        proxy.close()
    with WATS(base_url=base_url, token=token) as client:
        reports.check(client)
