"""The database handle: one engine per URL, SQLite tuned for WAL, PostgreSQL through psycopg."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from pywats._extras import missing_extra

from ._widths import install_column_checks

__all__ = ["Database", "DatabaseUnavailableError", "masked_url", "normalise_url"]


class DatabaseUnavailableError(Exception):
    """The database cannot be created, reached or used; the message names it and says why."""


def normalise_url(url: str) -> URL:
    """Parse a database URL; `postgres://` and `postgresql://` select the psycopg 3 driver.

    Raises ValueError naming the URL when it is not a sqlite:/// or postgresql:// URL.
    """
    expected = f"database URL {url!r}: expected a sqlite:/// or postgresql:// URL"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(expected) from None
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(expected)
    return parsed


def masked_url(url: str) -> str:
    """The URL as given, for messages, with its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _tune_sqlite(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets queries run while a report is being written. synchronous=FULL fsyncs the WAL at
    # every commit: a report the server has answered 2xx for survives a power loss, because the
    # station deletes or archives its copy on that answer. (NORMAL saves ~3 ms a report on this
    # disk but can undo answered reports since the last checkpoint.) Group commit in
    # `_group_commit` shares one fsync among concurrent submissions.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # A report dirties the pages of its own rows and the newest leaf of each index it enters,
    # and a checkpoint copies the WAL's pages into the database and fsyncs both. At 10,000
    # pages (a WAL of ~40 MB, reused) rather than SQLite's default of 1,000, a page rewritten
    # by many reports is copied once and fsyncs are ten times rarer.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # OData contains/startswith are case-sensitive, as LIKE is on PostgreSQL.
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()


class Database:
    """Owns the SQLAlchemy engine for one database URL; `dispose()` closes its connections.

    Raises ValueError for a URL of another kind, DatabaseUnavailableError when the folder of a
    SQLite file cannot be made, MissingExtraError for a PostgreSQL URL without psycopg.
    """

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.name = masked_url(url)
        if self.is_sqlite:
            database = self.url.database or ""
            if database and database != ":memory:":
                folder = Path(database).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseUnavailableError(
                        f"database {self.name}: cannot create the folder {folder}: {exc.strerror}"
                    ) from None
            self.engine: Engine = create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(self.engine, "connect", _tune_sqlite)
        else:
            missing = missing_extra("postgres", f"database URL {self.name}")
            if missing is not None:
                raise missing
            self.engine = create_engine(self.url, pool_size=10, max_overflow=20)
        install_column_checks(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def check(self) -> None:
        """Connect once; DatabaseUnavailableError with the driver's reason when that fails
        (server down, wrong password, a file that is not a SQLite database)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            raise DatabaseUnavailableError(f"database {self.name}: {reason}") from None

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold, around a write transaction, the lock several server processes on one SQLite
        file (`serve --workers N`) take in turn (a no-op on PostgreSQL and on Windows).

        SQLite lets one connection write at a time; another that finds the file locked polls
        it in sleeps of 1 to 100 ms (`busy_timeout`), so two processes writing reports
        wasted much of their time asleep. A waiter on this lock (`flock` on `<file>-writer`)
        wakes as soon as the holder releases it. It is released with the file descriptor,
        so a process that dies holding it does not block the others.
        """
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:" or sys.platform == "win32":
            yield
            return
        import fcntl

        with open(f"{database}-writer", "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def dispose(self) -> None:
        self.engine.dispose()
