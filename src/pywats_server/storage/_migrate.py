"""Apply the Alembic migrations shipped in the package, programmatically (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from ._database import Database, DatabaseUnavailableError

__all__ = ["MIGRATIONS", "alembic_config", "migrate", "schema_revisions"]

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration over the shipped migrations, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(database: Database, revision: str = "head") -> None:
    """Bring the database schema to `revision` (default: the newest); a no-op when it is there.

    Raises DatabaseUnavailableError when the database cannot be reached or opened, or when its
    schema is at a revision these migrations do not know (written by a newer pywats-server).
    """
    database.check()
    config = alembic_config()
    with database.engine.begin() as connection:
        _refuse_unknown_revisions(database, connection, config)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revisions(database: Database) -> list[str]:
    """The schema revisions the database is at; empty when `migrate` never ran on it.

    Raises DatabaseUnavailableError when the database cannot be reached or opened.
    """
    database.check()
    with database.engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def _refuse_unknown_revisions(database: Database, connection: Connection, config: Config) -> None:
    # Alembic would fail deep inside `upgrade` with "Can't locate revision"; say what it means.
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    current = MigrationContext.configure(connection).get_current_heads()
    unknown = sorted(set(current) - known)
    if unknown:
        raise DatabaseUnavailableError(
            f"database {database.name} has schema revision {', '.join(unknown)}, which this "
            "pywats-server does not know: a newer version wrote it; upgrade pywats-server "
            "or use another database"
        )
