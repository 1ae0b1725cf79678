"""Connection settings of the server's SQLite database, and the lock its writers take turns at."""

from __future__ import annotations

import select
import subprocess
import sys
import threading
from pathlib import Path

import pytest
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


# A process that takes the write lock of the database at argv[1], says so, and holds it until
# its standard input closes (or it is killed).
_HOLDER = """
import sys
from pywats_server.storage import Database
database = Database(sys.argv[1])
print("waiting", flush=True)
with database.write_lock():
    print("holding", flush=True)
    sys.stdin.read()
"""


def _holder(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _HOLDER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _takes_the_lock(database: Database) -> bool:
    """Whether this process gets the write lock within 30 s."""
    taken = threading.Event()

    def take() -> None:
        with database.write_lock():
            taken.set()

    threading.Thread(target=take, daemon=True).start()
    return taken.wait(30)


@pytest.mark.skipif(sys.platform == "win32", reason="SQLite's own lock serialises writers there")
def test_server_processes_on_one_sqlite_file_take_turns_at_writing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wats.db'}"
    database = Database(url)
    with _holder(url) as first:
        assert first.stdout is not None
        assert first.stdin is not None
        assert first.stdout.readline() == "waiting\n"
        assert first.stdout.readline() == "holding\n"
        with _holder(url) as second:
            assert second.stdout is not None
            assert second.stdout.readline() == "waiting\n"
            # The second waits while the first holds the lock, and holds it once the first
            # lets go.
            ready, _, _ = select.select([second.stdout], [], [], 0.5)
            assert not ready
            first.stdin.close()
            assert first.wait(30) == 0
            assert second.stdout.readline() == "holding\n"
            # A holder that dies releases the lock with its file descriptor.
            second.kill()
    assert _takes_the_lock(database)
    database.dispose()
