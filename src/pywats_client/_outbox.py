"""The durable outbox: reports waiting for delivery, in the service's database.

A report is a row (size, sha256, delivery state) and its WSJF document (table `documents`, by
id). It is accepted once both, with the source file's ledger entry, are committed: one
transaction, fsynced with the database's WAL, so acceptance costs one fsync however many reports
and sources it holds (`accept_all`), and no file of its own.

Rows written before documents moved into the database name a file `<id>-<sha256[:16]>.json` in
the outbox folder instead (`Item.file`, empty for the others); those are read, verified,
recovered and removed as they always were, so reports queued before an upgrade are still
delivered. Nothing new is written in that layout.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pywats._clock import SYSTEM_CLOCK, Clock
from pywats_client._control_models import Item
from pywats_client._durable import DiskIO
from pywats_client._faults import NO_FAULTS, Faults
from pywats_client._store import LedgerEntry, Store

__all__ = ["Acceptance", "CorruptItemError", "Entry", "Item", "Outbox", "OutboxStats"]

_ITEM_NAME = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([0-9a-f]{16})\.json$"
)
_TMP_PREFIX = ".tmp-"
RECOVERED = "(recovered)"


@dataclass(frozen=True)
class Entry:
    """A report to accept: its id (lower-case uuid) and its WSJF document as UTF-8 bytes."""

    id: str
    data: bytes


@dataclass(frozen=True)
class Acceptance:
    """One source file's reports to accept, with what the rows record about them and the
    source's ledger entry (committed in the same transaction)."""

    entries: Sequence[Entry]
    converter: str
    source: str
    priority: int = 0
    ledger: LedgerEntry | None = None


#: A report to commit: the entry, its sha256 hex digest and the acceptance it belongs to.
_Fresh = tuple[Entry, str, Acceptance]


@dataclass(frozen=True)
class OutboxStats:
    """Counts by state, queued bytes (pending + quarantined), and the oldest pending item's
    creation time (None when nothing is pending)."""

    pending: int
    delivered: int
    quarantined: int
    queued_bytes: int
    oldest_pending: float | None


class CorruptItemError(Exception):
    """An outbox document is missing (`missing`), truncated or does not match its recorded
    checksum."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


class Outbox:
    """Reports in the database, in FIFO order within descending priority, until delivered.

    `max_bytes` is the budget for queued bytes: `has_room()` turns false at it, and intake waits
    (back-pressure). Nothing queued is ever deleted to make room.
    """

    def __init__(
        self,
        folder: Path,
        store: Store,
        *,
        max_bytes: int,
        disk: DiskIO | None = None,
        faults: Faults = NO_FAULTS,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.folder = folder
        self.store = store
        self.max_bytes = max_bytes
        self.disk = disk or DiskIO()
        self.faults = faults
        self.clock = clock
        folder.mkdir(parents=True, exist_ok=True)
        # Ids being accepted right now. Two accepts of the same report take turns, so each
        # compares with what the other committed and an identical resend counts as no change.
        self._accepting: set[str] = set()
        self._turns = threading.Condition()

    def accept(
        self,
        entries: Sequence[Entry],
        *,
        converter: str,
        source: str,
        priority: int = 0,
        ledger: LedgerEntry | None = None,
    ) -> int:
        """Queue `entries` durably; record `ledger` in the same transaction.

        Returns how many entries were new or changed (an identical resend is a no-op). Raises
        OSError (e.g. ENOSPC, EROFS) with nothing committed; the caller retries later.
        """
        return self.accept_all([Acceptance(entries, converter, source, priority, ledger)])[0]

    def accept_all(self, acceptances: Sequence[Acceptance]) -> list[int]:
        """`accept` for several sources at once, all or nothing: one transaction, one fsync.
        Returns the counts in order."""
        with self._turn({e.id for a in acceptances for e in a.entries}):
            return self._accept(acceptances)

    @contextlib.contextmanager
    def _turn(self, ids: set[str]) -> Iterator[None]:
        with self._turns:
            self._turns.wait_for(lambda: self._accepting.isdisjoint(ids))
            self._accepting |= ids
        try:
            yield
        finally:
            with self._turns:
                self._accepting -= ids
                self._turns.notify_all()

    def _accept(self, acceptances: Sequence[Acceptance]) -> list[int]:
        known = self._existing({e.id for a in acceptances for e in a.entries})
        fresh: list[_Fresh] = []
        counts = []
        for acceptance in acceptances:
            before = len(fresh)
            for entry in acceptance.entries:
                digest = hashlib.sha256(entry.data).hexdigest()
                old = known.get(entry.id)
                if old is None or old.sha256 != digest:
                    fresh.append((entry, digest, acceptance))
            counts.append(len(fresh) - before)
        self._commit(fresh, [a.ledger for a in acceptances if a.ledger is not None])
        self.faults.reached("after_commit")
        for entry, _, _ in fresh:
            old = known.get(entry.id)
            if old is not None and old.file:
                self._discard(self.folder / old.file)  # the replaced version's file (old layout)
        return counts

    def _commit(self, fresh: list[_Fresh], ledgers: list[LedgerEntry]) -> None:
        now = self.clock.time()
        with self.store.transaction() as cursor:
            for entry, digest, acceptance in fresh:
                cursor.execute(
                    "INSERT INTO outbox (id, file, state, priority, converter, source, size,"
                    " sha256, created) VALUES (?, '', 'pending', ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET file = '', state = 'pending',"
                    " priority = excluded.priority, converter = excluded.converter,"
                    " source = excluded.source, size = excluded.size, sha256 = excluded.sha256,"
                    " attempts = 0, next_attempt = 0, last_error = NULL, delivered = NULL",
                    (
                        entry.id,
                        acceptance.priority,
                        acceptance.converter,
                        acceptance.source,
                        len(entry.data),
                        digest,
                        now,
                    ),
                )
                cursor.execute(
                    "INSERT OR REPLACE INTO documents (id, data) VALUES (?, ?)",
                    (entry.id, entry.data),
                )
            for ledger in ledgers:
                Store.ledger_put(cursor, ledger)

    def _existing(self, ids: set[str]) -> dict[str, Item]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.store.query(f"SELECT * FROM outbox WHERE id IN ({marks})", tuple(ids))
        return {row["id"]: Item(**dict(row)) for row in rows}

    def _discard(self, path: Path) -> None:
        # Best effort: recover() removes leftovers at the next start.
        with contextlib.suppress(OSError):
            self.disk.remove(path)

    def has_room(self) -> bool:
        """False when queued bytes reached the budget (intake should wait). Reads only the
        queued rows (by the state index), not the delivered ones kept for the record."""
        rows = self.store.query(
            "SELECT COALESCE(SUM(size), 0) FROM outbox WHERE state IN ('pending', 'quarantined')"
        )
        return int(rows[0][0]) < self.max_bytes

    def get(self, report_id: str) -> Item | None:
        return self._existing({report_id}).get(report_id)

    def next_due(self, busy: set[str]) -> Item | None:
        """The first pending item that is due and not in `busy`: highest priority, then FIFO."""
        marks = ",".join("?" * len(busy))
        exclude = f" AND id NOT IN ({marks})" if busy else ""
        rows = self.store.query(
            "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt <= ?"
            f"{exclude} ORDER BY priority DESC, seq LIMIT 1",
            (self.clock.time(), *busy),
        )
        return Item(**dict(rows[0])) if rows else None

    def next_wakeup(self) -> float | None:
        """When the earliest pending item becomes due (None when nothing is pending)."""
        rows = self.store.query("SELECT MIN(next_attempt) FROM outbox WHERE state = 'pending'")
        value = rows[0][0]
        return float(value) if value is not None else None

    def due_since(self) -> float | None:
        """Since when the longest-waiting due item has been due (None when none is due)."""
        rows = self.store.query(
            "SELECT MIN(MAX(next_attempt, created)) FROM outbox"
            " WHERE state = 'pending' AND next_attempt <= ?",
            (self.clock.time(),),
        )
        value = rows[0][0]
        return float(value) if value is not None else None

    def make_due(self) -> int:
        """Make every pending item due now (an operator's "retry now"); returns how many."""
        with self.store.transaction() as cursor:
            cursor.execute(
                "UPDATE outbox SET next_attempt = ? WHERE state = 'pending'", (self.clock.time(),)
            )
            return cursor.rowcount

    def read(self, item: Item) -> bytes:
        """The item's document as it is now, checked against its recorded size and checksum."""
        rows = self.store.query(
            "SELECT file, data, size, sha256 FROM outbox LEFT JOIN documents USING (id)"
            " WHERE id = ?",
            (item.id,),
        )
        if not rows:
            raise CorruptItemError(f"outbox item {item.id} no longer exists", missing=True)
        file, data, size, sha256 = rows[0]
        where = f"outbox file {file}" if file else f"outbox item {item.id}"
        if file:  # queued before documents moved into the database
            try:
                data = (self.folder / file).read_bytes()
            except FileNotFoundError:
                raise CorruptItemError(f"{where} is missing", missing=True) from None
        elif data is None:
            raise CorruptItemError(f"{where} has no document", missing=True)
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise CorruptItemError(
                f"{where} is corrupt: {len(data)} bytes, expected "
                f"{size} bytes with sha256 {sha256[:16]}..."
            )
        return bytes(data)

    def _update(self, sql: str, params: tuple[object, ...], *, durable: bool = True) -> bool:
        with self.store.transaction(durable=durable) as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def mark_delivered(self, report_id: str) -> None:
        """Record a delivery. Not fsynced on its own (the next durable commit syncs it): a
        power cut may undo it, and the report is then sent again, which the server's
        replace-by-id makes harmless, as after a crash between the 2xx and this mark."""
        self._update(
            "UPDATE outbox SET state = 'delivered', delivered = ?, last_error = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            (self.clock.time(), report_id),
            durable=False,
        )

    def mark_failed(self, report_id: str, error: str, retry_at: float) -> None:
        """A transient failure: keep pending, try again at `retry_at`."""
        self._update(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ?"
            " WHERE id = ? AND state = 'pending'",
            (error, retry_at, report_id),
        )

    def quarantine(self, report_id: str, reason: str) -> None:
        """A permanent failure: park the item with `reason` until an operator retries it."""
        self._update(
            "UPDATE outbox SET state = 'quarantined', last_error = ?, attempts = attempts + 1"
            " WHERE id = ?",
            (reason, report_id),
        )

    def retry(self, report_id: str) -> bool:
        """Queue a quarantined or delivered item again; False when there is no such item."""
        return self._update(
            "UPDATE outbox SET state = 'pending', next_attempt = 0, delivered = NULL WHERE id = ?",
            (report_id,),
        )

    def delete(self, report_id: str) -> bool:
        """Remove an item (and its file, in the old layout); False when there is no such item."""
        item = self.get(report_id)
        if item is None:
            return False
        with self.store.transaction() as cursor:
            cursor.execute("DELETE FROM outbox WHERE id = ?", (report_id,))
            cursor.execute("DELETE FROM documents WHERE id = ?", (report_id,))
        if item.file:
            self._discard(self.folder / item.file)
        return True

    def items(self, state: str | None = None, limit: int = 100, offset: int = 0) -> list[Item]:
        """Items in queue order, optionally of one state."""
        where, params = ("WHERE state = ?", (state,)) if state else ("", ())
        rows = self.store.query(
            f"SELECT * FROM outbox {where} ORDER BY priority DESC, seq LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [Item(**dict(row)) for row in rows]

    def stats(self) -> OutboxStats:
        counts = dict.fromkeys(("pending", "delivered", "quarantined"), 0)
        queued = 0
        for row in self.store.query(
            "SELECT state, COUNT(*), COALESCE(SUM(size), 0) FROM outbox GROUP BY state"
        ):
            counts[row[0]] = row[1]
            queued += row[2] if row[0] != "delivered" else 0
        oldest = self.store.query("SELECT MIN(created) FROM outbox WHERE state = 'pending'")[0][0]
        return OutboxStats(
            pending=counts["pending"],
            delivered=counts["delivered"],
            quarantined=counts["quarantined"],
            queued_bytes=queued,
            oldest_pending=oldest,
        )

    def prune(self, keep_seconds: float) -> int:
        """Delete delivered items older than `keep_seconds`; returns how many."""
        cutoff = self.clock.time() - keep_seconds
        rows = self.store.query(
            "SELECT id, file FROM outbox WHERE state = 'delivered' AND delivered < ?", (cutoff,)
        )
        if rows:
            with self.store.transaction() as cursor:
                ids = [(row["id"],) for row in rows]
                cursor.executemany("DELETE FROM outbox WHERE id = ?", ids)
                cursor.executemany("DELETE FROM documents WHERE id = ?", ids)
            for row in rows:
                if row["file"]:
                    self._discard(self.folder / row["file"])
        return len(rows)

    def problems(self) -> list[tuple[str, str]]:
        """Check documents against their rows without changing anything: `(name, problem)`
        pairs, named by file (old layout, and files nothing refers to) or by report id."""
        found: list[tuple[str, str]] = []
        files = {r["file"] for r in self.store.query("SELECT file FROM outbox WHERE file != ''")}
        for path in sorted(self.folder.iterdir()):
            if path.name not in files:
                kind = "unreferenced report file" if _ITEM_NAME.match(path.name) else "foreign file"
                found.append((path.name, kind))
        for item in self.items(limit=1_000_000_000):
            if item.state == "delivered":
                continue
            try:
                self.read(item)
            except CorruptItemError as exc:
                problem = "data file missing" if exc.missing else "checksum mismatch"
                found.append((item.file or item.id, problem))
        return found

    def recover(self, set_aside: Callable[[Path, str], None]) -> dict[str, int]:
        """Bring folder and rows into agreement at start-up, before intake and upload run.

        In the folder, only the old layout can have left something: half-written temporaries
        are removed (their source was never accepted and will be processed again), and a
        complete report file without a row (crash between rename and commit) is adopted into
        the database: resending it is harmless. Anything else in the folder, and pending
        rows whose file is missing or corrupt, are handed to `set_aside(path, reason)` or
        quarantined; nothing is deleted that could hold data.
        """
        summary = dict.fromkeys(("temporaries", "adopted", "set_aside", "stale", "broken"), 0)
        rows = self.store.query("SELECT file, id FROM outbox")
        known = {r["file"]: r["id"] for r in rows if r["file"]}
        ids = {r["id"] for r in rows}
        for path in sorted(self.folder.iterdir()):
            if path.name in known:
                continue
            if path.name.startswith(_TMP_PREFIX) and path.is_file():
                self._discard(path)
                summary["temporaries"] += 1
                continue
            match = _ITEM_NAME.match(path.name)
            if match and match.group(1) in ids:
                self._discard(path)  # an older or uncommitted version of a queued report
                summary["stale"] += 1
            elif match and self._adoptable(path, match.group(1), match.group(2)):
                entry = Entry(match.group(1), path.read_bytes())
                digest = hashlib.sha256(entry.data).hexdigest()
                adopted = Acceptance([entry], RECOVERED, RECOVERED)
                self._commit([(entry, digest, adopted)], [])
                self._discard(path)  # committed with the row: the file is no longer needed
                summary["adopted"] += 1
            else:
                reason = "unreadable report file" if match else "foreign file in the outbox folder"
                set_aside(path, reason)
                summary["set_aside"] += 1
        for item in self.items("pending", limit=1_000_000_000):
            try:
                self.read(item)
            except CorruptItemError as exc:
                self.quarantine(item.id, str(exc))
                summary["broken"] += 1
        return summary

    @staticmethod
    def _adoptable(path: Path, report_id: str, digest: str) -> bool:
        try:
            data = path.read_bytes()
            document = json.loads(data)
        except (OSError, ValueError):
            return False
        return (
            isinstance(document, dict)
            and str(document.get("id", "")).lower() == report_id
            and hashlib.sha256(data).hexdigest().startswith(digest)
        )
