"""The database handle: one engine per URL, SQLite tuned for WAL, PostgreSQL through psycopg."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["Database", "normalise_url"]


def normalise_url(url: str) -> URL:
    """Parse a database URL; `postgres://` and `postgresql://` select the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"database URL {url!r}: expected a sqlite:/// or postgresql:// URL")
    return parsed


def _tune_sqlite(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets queries run while a report is being written. synchronous=FULL fsyncs the WAL at
    # every commit: a report the server has answered 2xx for survives a power loss, because the
    # station deletes or archives its copy on that answer. (NORMAL saves ~3 ms a report on this
    # disk but can undo answered reports since the last checkpoint.) Group commit in
    # `_group_commit` shares one fsync among concurrent submissions.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # A report dirties ~300 index pages (one leaf per step path in each path index) and a
    # checkpoint copies the WAL's pages into the database and fsyncs both. At SQLite's default
    # of 1,000 pages that happened every ~3 reports of 100 steps; at 10,000 (a WAL of ~40 MB,
    # reused) a page rewritten by many reports is copied once and fsyncs are ten times rarer.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # OData contains/startswith are case-sensitive, as LIKE is on PostgreSQL.
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()


class Database:
    """Owns the SQLAlchemy engine for one database URL; `dispose()` closes its connections."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        if self.is_sqlite:
            database = self.url.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(self.engine, "connect", _tune_sqlite)
        else:
            self.engine = create_engine(self.url, pool_size=10, max_overflow=20)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()
