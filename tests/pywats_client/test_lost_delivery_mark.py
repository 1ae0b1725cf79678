"""A delivery mark lost to a power cut: the station sends the report again and the server still
holds it once.

`Outbox.mark_delivered` commits without an fsync of its own (the next durable commit carries
it), so a power cut can undo it and leave the item as its durable acceptance left it: pending.
The cut itself is simulated at its narrowest seam, by putting the stopped station's row back
in that state; everything else is real: the service, its outbox and the local server's app.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from tests._poll import eventually

from pywats import AsyncWATS

from ._harness import Reports, running, tuned_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


def _lose_the_mark(state_db: Path, report_id: str) -> None:
    """The row as the accept's durable commit wrote it (no attempt, no delivery yet)."""
    with sqlite3.connect(state_db) as db:
        changed = db.execute(
            "UPDATE outbox SET state = 'pending', delivered = NULL, attempts = 0,"
            " next_attempt = 0 WHERE id = ? AND state = 'delivered'",
            (report_id,),
        ).rowcount
    assert changed == 1, "the report was not marked delivered before the simulated cut"


async def test_a_lost_delivery_mark_resends_and_the_server_keeps_one_report(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    config = tuned_config(tmp_path, "http://testserver", server_token, station="MARK")
    reports = Reports(samples, "MARK")
    report_id = reports.write(tmp_path / "in" / "r.json")

    async with running(config, transport=transport) as service:
        await eventually(lambda: service.outbox.stats().delivered == 1)
    _lose_the_mark(tmp_path / "data" / "state.db", report_id)

    async with running(config, transport=transport) as service:
        assert service.outbox.stats().pending == 1  # the restart sees the item as queued
        await eventually(lambda: service.outbox.stats().delivered == 1)
        assert service.outbox.stats().pending == 0

    async with AsyncWATS(
        base_url="http://testserver", token=server_token, transport=transport
    ) as client:
        headers = await client.reports.query_headers(
            "startswith(serialNumber,'MARK-')", report_type="U", top=10
        )
    assert [(h.uuid.lower(), h.receive_count) for h in headers] == [(report_id, 2)]
