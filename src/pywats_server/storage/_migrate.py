"""Apply the Alembic migrations shipped in the package, programmatically (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from ._database import Database

__all__ = ["MIGRATIONS", "alembic_config", "migrate"]

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration over the shipped migrations, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(database: Database, revision: str = "head") -> None:
    """Bring the database schema to `revision` (default: the newest); a no-op when it is there."""
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
