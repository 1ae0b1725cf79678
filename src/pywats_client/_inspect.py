"""What the CLI shows of a station's queue: one listing of reports and quarantined files,
ids by unique prefix, and a read-only view of a stopped service's data folder."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pywats_client._config import ClientConfig
from pywats_client._control_models import (
    Item,
    OutboxCounts,
    QuarantinedFile,
    StationInfo,
    StoppedStatus,
)
from pywats_client._outbox import Outbox
from pywats_client._quarantine import Quarantine
from pywats_client._store import Store

__all__ = ["Listed", "StoppedStation", "listing", "resolve"]

#: The state shown for a quarantined source file (reports have pending/delivered/quarantined).
FILE_STATE = "quarantined file"


@dataclass(frozen=True)
class Listed:
    """One row of `outbox list`: a queued report (`kind` "report") or a source file set aside
    in quarantine (`kind` "file"), with why and where it is."""

    id: str
    kind: str
    state: str
    converter: str
    source: str
    attempts: int
    reason: str
    path: str
    at: float


def listing(
    items: list[Item], files: list[QuarantinedFile], data: Path, state: str | None
) -> list[Listed]:
    """Rows for `items` (outbox rows) and `files` (quarantine entries) of the service whose
    data folder is `data`; files are included unless `state` asks for pending or delivered."""
    rows = [
        Listed(
            id=item.id,
            kind="report",
            state=item.state,
            converter=item.converter,
            source=item.source,
            attempts=item.attempts,
            reason=item.last_error or "",
            # A document is kept in its row; only reports queued before that have a file.
            path=str(data / "outbox" / item.file) if item.file else "",
            at=item.created,
        )
        for item in items
    ]
    if state in (None, "quarantined"):
        rows += [
            Listed(
                id=entry.name,
                kind="file",
                state=FILE_STATE,
                converter=entry.converter,
                source=entry.origin,
                attempts=0,
                reason=entry.reason,
                path=str(data / "quarantine" / entry.name),
                at=entry.at,
            )
            for entry in files
        ]
    return rows


def resolve(given: str, rows: list[Listed]) -> Listed:
    """The row whose id is `given` or, failing that, the only one starting with it.

    LookupError names what was given and, when several match, lists them.
    """
    exact = [row for row in rows if row.id == given]
    if exact:
        return exact[0]
    hits = [row for row in rows if row.id.lower().startswith(given.lower())] if given else []
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise LookupError(f"no outbox report or quarantined file has an id starting with {given!r}")
    names = "\n".join(f"  {row.id}  ({row.state})" for row in hits)
    raise LookupError(f"{given!r} matches {len(hits)} entries; give more of the id:\n{names}")


class StoppedStation:
    """The data folder of a service that is not running, read without changing anything."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.data = config.paths.data
        self._outbox: Outbox | None = None
        database = self.data / "state.db"
        if database.is_file() and (self.data / "outbox").is_dir():
            try:
                store = Store(database, read_only=True)
            except sqlite3.Error as exc:
                raise OSError(f"{database}: cannot read it: {exc}") from None
            self._outbox = Outbox(self.data / "outbox", store, max_bytes=0)

    def items(self, state: str | None = None, limit: int = 100) -> list[Item]:
        return self._outbox.items(state, limit) if self._outbox else []

    def quarantine(self) -> list[QuarantinedFile]:
        folder = self.data / "quarantine"
        return Quarantine(folder).entries() if folder.is_dir() else []

    def status(self, reason: str) -> StoppedStatus:
        """The parts of the service's status a stopped one has."""
        stats = self._outbox.stats() if self._outbox is not None else None
        station = self.config.identity()
        return StoppedStatus(
            reason=reason,
            station=StationInfo(
                name=station.name, location=station.location, purpose=station.purpose
            ),
            server=self.config.server.url,
            outbox=OutboxCounts(
                pending=stats.pending if stats else 0,
                delivered=stats.delivered if stats else 0,
                quarantined=stats.quarantined if stats else 0,
                queued_bytes=stats.queued_bytes if stats else 0,
                budget_bytes=int(self.config.outbox.max_mb * 1024 * 1024),
                oldest_pending=stats.oldest_pending if stats else None,
            ),
            quarantined_files=len(self.quarantine()),
            data=str(self.data),
        )

    def close(self) -> None:
        if self._outbox is not None:
            self._outbox.store.close()
