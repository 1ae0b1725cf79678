"""Connection settings of the server's SQLite database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from pywats_server.storage import Database


def test_sqlite_commits_are_durable_before_the_server_answers(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'wats.db'}")
    try:
        with database.engine.connect() as connection:
            journal = connection.execute(text("PRAGMA journal_mode")).scalar()
            synchronous = connection.execute(text("PRAGMA synchronous")).scalar()
    finally:
        database.dispose()
    assert (journal, synchronous) == ("wal", 2)  # 2 = FULL: the WAL is fsynced at every commit
