"""The shipped migrations form one chain, build exactly the schema the table definitions
declare, and step down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from pywats_server.storage import Database, migrate, schema_revisions, tables
from pywats_server.storage._migrate import alembic_config


def test_migrations_have_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migration heads {heads}: chain new revisions onto the newest one"


def _differences(database: Database) -> list[object]:
    with database.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), tables.metadata))


def _downgrade(database: Database, revision: str) -> None:
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_migrated_schema_is_the_declared_schema(server_db_url: str) -> None:
    database = Database(server_db_url)
    try:
        assert _differences(database) == [], "a table definition and the migrations disagree"
    finally:
        database.dispose()


@pytest.fixture
def fresh_database(new_database: Database) -> Database:
    """A new database brought to the head, apart from the one the other tests share."""
    migrate(new_database)
    return new_database


def test_the_newest_migration_steps_down_and_up(fresh_database: Database) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_revision(script.get_current_head())
    assert head is not None
    previous = head.down_revision
    assert isinstance(previous, str), "the head has one parent"
    _downgrade(fresh_database, previous)
    # Not every step is one the declared tables show (r10 changes only SQLite's storage).
    assert schema_revisions(fresh_database) == [previous]
    migrate(fresh_database)
    assert _differences(fresh_database) == []
