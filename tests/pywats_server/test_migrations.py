"""The shipped migrations form one chain: several engineers add revisions in parallel."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from pywats_server.storage._migrate import alembic_config


def test_migrations_have_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migration heads {heads}: chain new revisions onto the newest one"
