"""Apply the Alembic migrations shipped in the package, programmatically (no alembic.ini).

Several servers may start together on one database (replicas behind a load balancer, the
workers of `serve --workers`): each migrates inside one transaction that first takes a database
lock, so one of them applies the migrations and the others wait, then find nothing to do.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from ._database import Database, DatabaseUnavailableError

__all__ = ["MIGRATIONS", "alembic_config", "migrate", "pending_revisions", "schema_revisions"]

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# The PostgreSQL advisory lock key of schema migration: any fixed 64-bit number, the same in
# every pywats-server ("pyWATSmg" in ASCII).
_MIGRATION_LOCK = 0x7079574154536D67


def alembic_config() -> Config:
    """An Alembic configuration over the shipped migrations, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(database: Database, revision: str = "head") -> None:
    """Bring the database schema to `revision` (default: the newest); a no-op when it is there.

    Safe to call from several processes at once: they migrate one after the other under a
    database lock. Raises DatabaseUnavailableError when the database cannot be reached or
    opened, or when its schema is at a revision these migrations do not know (written by a
    newer pywats-server).
    """
    database.check()
    config = alembic_config()
    with database.engine.begin() as connection:
        _lock_schema(connection)
        _refuse_unknown_revisions(database, connection, config)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _lock_schema(connection: Connection) -> None:
    """Hold the database's migration lock until the transaction ends (waiting for it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    else:
        # Python's sqlite3 runs DDL outside any transaction unless one is open, so two servers
        # would both see an empty schema and both create it. BEGIN IMMEDIATE takes SQLite's write
        # lock now (waiting up to the busy timeout) and makes the whole migration one transaction.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def schema_revisions(database: Database) -> list[str]:
    """The schema revisions the database is at; empty when `migrate` never ran on it.

    Raises DatabaseUnavailableError when the database cannot be reached or opened.
    """
    database.check()
    with database.engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def pending_revisions(revisions: list[str]) -> list[str]:
    """The revisions `migrate` would apply to a database at `revisions`, oldest first (empty
    when it is at the newest or at one these migrations do not know)."""
    script = ScriptDirectory.from_config(alembic_config())
    if not set(revisions) <= _known(script):
        return []
    ahead = script.iterate_revisions("heads", tuple(revisions) or "base")
    return [s.revision for s in reversed(list(ahead)) if s.revision not in revisions]


def _refuse_unknown_revisions(database: Database, connection: Connection, config: Config) -> None:
    # Alembic would fail deep inside `upgrade` with "Can't locate revision"; say what it means.
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = sorted(set(current) - _known(ScriptDirectory.from_config(config)))
    if unknown:
        raise DatabaseUnavailableError(
            f"database {database.name} has schema revision {', '.join(unknown)}, which this "
            "pywats-server does not know: a newer version wrote it; upgrade pywats-server "
            "or use another database"
        )


def _known(script: ScriptDirectory) -> set[str]:
    """Every revision the shipped migrations define."""
    return {revision.revision for revision in script.walk_revisions()}
