"""The service's SQLite database: outbox rows, their documents and the ledger of processed
files.

One connection, used from worker threads under a lock. WAL journal with `synchronous=FULL`: a
committed transaction survives power loss, which is what "accepted" promises.
"""

from __future__ import annotations

import errno
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LedgerEntry", "Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    file TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'quarantined')),
    priority INTEGER NOT NULL,
    converter TEXT NOT NULL,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered REAL
);
CREATE INDEX IF NOT EXISTS outbox_queue ON outbox (state, priority DESC, seq);
-- Apart from the rows, so that the queue's scans and sums do not page through documents.
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at REAL NOT NULL
);
"""


def _errno(error: sqlite3.OperationalError) -> int:
    message = str(error)
    if "full" in message:
        return errno.ENOSPC
    return errno.EROFS if "readonly" in message else errno.EIO


@dataclass(frozen=True)
class LedgerEntry:
    """A processed source file: where it was, what it was, and what became of it."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    outcome: str
    at: float


class Store:
    """The database file; `transaction()` yields a cursor and commits on success."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Open (or create) the database; `read_only` opens an existing one without writing
        anything (to inspect a stopped service's data folder)."""
        self.path = path
        self._lock = threading.RLock()
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            return
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Cursor]:
        """Run statements atomically; roll back if the block raises.

        A durable transaction is on disk when this returns (the WAL fsynced). One that is not
        (`durable=False`) is atomic and ordered but may be lost to a power cut, until the next
        durable commit syncs it too: only for facts whose loss costs a repeat, never data
        (a delivery mark: the report is sent again, and the server replaces it by id).

        A database that cannot be written (disk full, read-only, I/O error) raises OSError,
        like every other failed write of the service, so callers back off instead of crashing.
        """
        with self._lock:
            try:
                cursor = self._db.cursor()
                if not durable:
                    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync at commit
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    try:
                        yield cursor
                        cursor.execute("COMMIT")
                    except BaseException:
                        if self._db.in_transaction:  # SQLite rolls back itself on SQLITE_FULL
                            self._db.execute("ROLLBACK")
                        raise
                finally:
                    if not durable:
                        cursor.execute("PRAGMA synchronous=FULL")
            except sqlite3.OperationalError as exc:
                raise OSError(_errno(exc), f"{self.path.name}: {exc}") from exc

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run a read-only statement and return all rows."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def ledger_get(self, path: str) -> LedgerEntry | None:
        rows = self.query("SELECT * FROM ledger WHERE path = ?", (path,))
        return LedgerEntry(**dict(rows[0])) if rows else None

    @staticmethod
    def ledger_put(cursor: sqlite3.Cursor, entry: LedgerEntry) -> None:
        """Record `entry` inside an open transaction (so it commits with the outbox rows)."""
        cursor.execute(
            "INSERT OR REPLACE INTO ledger (path, size, mtime_ns, sha256, outcome, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (entry.path, entry.size, entry.mtime_ns, entry.sha256, entry.outcome, entry.at),
        )

    def ledger_record(self, entry: LedgerEntry) -> None:
        with self.transaction() as cursor:
            self.ledger_put(cursor, entry)

    def ledger_prune(self, before: float) -> int:
        """Forget files recorded before `before` (Unix time) that are no longer there (moved to
        Done or deleted): only a file still in its folder needs its entry. Returns how many."""
        rows = self.query("SELECT path FROM ledger WHERE at < ?", (before,))
        gone = [(row["path"],) for row in rows if not Path(row["path"]).exists()]
        if gone:
            with self.transaction() as cursor:
                cursor.executemany("DELETE FROM ledger WHERE path = ?", gone)
        return len(gone)

    def close(self) -> None:
        with self._lock:
            self._db.close()
