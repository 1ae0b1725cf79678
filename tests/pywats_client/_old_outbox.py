"""The outbox as a service from before documents moved into the database left it."""

from __future__ import annotations

import sqlite3
from hashlib import sha256
from pathlib import Path

from pywats_client._outbox import Entry

__all__ = ["file_name", "queue_in_old_layout"]


def file_name(entry: Entry) -> str:
    return f"{entry.id}-{sha256(entry.data).hexdigest()[:16]}.json"


def queue_in_old_layout(folder: Path, database: Path, entries: list[Entry]) -> None:
    """What a service from before documents moved into the database left queued: its table
    (no `document` column), a row per report naming its file, and the files."""
    folder.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
            " file TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'delivered',"
            " 'quarantined')), priority INTEGER NOT NULL, converter TEXT NOT NULL,"
            " source TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
            " created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " next_attempt REAL NOT NULL DEFAULT 0, last_error TEXT, delivered REAL)"
        )
        for entry in entries:
            (folder / file_name(entry)).write_bytes(entry.data)
            db.execute(
                "INSERT INTO outbox (id, file, state, priority, converter, source, size, sha256,"
                " created) VALUES (?, ?, 'pending', 0, 'wsjf', 'old.json', ?, ?, 1.0)",
                (entry.id, file_name(entry), len(entry.data), sha256(entry.data).hexdigest()),
            )
