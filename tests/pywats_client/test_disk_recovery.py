"""Outbox trouble beyond an unwritable disk (see `test_disk_faults.py`): corrupt or truncated
items and foreign files found at start are set aside. Nothing is lost, nothing crash-loops.

Service, server and files are real; the server runs in-process behind the SDK's ASGI transport.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest
from tests._poll import eventually

from ._harness import running, tuned_config

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True),
]


async def test_corrupt_items_and_foreign_files_are_set_aside_at_start(
    tmp_path: Path, samples: Path, server_app: object, server_token: str
) -> None:
    # Fill the outbox while the server is unreachable, so the items stay queued.
    config = tuned_config(tmp_path, "http://127.0.0.1:9", server_token, station="DISK")
    uut = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
    for n in range(3):
        (tmp_path / "in" / f"r{n}.json").write_text(
            json.dumps(dict(uut, id=f"00000000-0000-4000-8000-00000000000{n}", sn=f"DISK-{n}"))
        )
    async with running(config) as offline:
        await eventually(lambda: offline.outbox.stats().pending == 3, what="three queued items")
    outbox = tmp_path / "data" / "outbox"
    with sqlite3.connect(tmp_path / "data" / "state.db") as db:
        (first, document), (second, _), _ = db.execute(
            "SELECT id, data FROM outbox JOIN documents USING (id) ORDER BY seq"
        ).fetchall()
        db.execute("UPDATE documents SET data = ? WHERE id = ?", (document[:100], first))
        # Corrupt in place, same size: what rot on the disk would do to the document's bytes.
        db.execute("UPDATE documents SET data = zeroblob(length(data)) WHERE id = ?", (second,))
    (outbox / "desktop.ini").write_text("[.ShellClassInfo]")  # foreign
    transport = httpx.ASGITransport(app=server_app)  # type: ignore[arg-type]
    async with running(config, transport=transport) as service:
        await eventually(lambda: service.outbox.stats().delivered == 1, what="the intact item")
        stats = service.outbox.stats()
        quarantined = {i.id: i.last_error for i in service.outbox.items("quarantined")}
        foreign = [e for e in service.quarantine.entries() if e.converter == "outbox"]
    assert (stats.pending, stats.quarantined) == (0, 2)
    assert all("corrupt" in (reason or "") for reason in quarantined.values())
    assert [e.reason for e in foreign] == ["foreign file in the outbox folder"]
    assert not (outbox / "desktop.ini").exists()
    assert (tmp_path / "data" / "quarantine" / foreign[0].name).read_text() == "[.ShellClassInfo]"
