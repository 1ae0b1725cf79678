"""The shipped migrations form one chain: several engineers add revisions in parallel."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from pywats_server.storage._migrate import MIGRATIONS


def test_migrations_have_exactly_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migration heads {heads}: chain new revisions onto the newest one"
