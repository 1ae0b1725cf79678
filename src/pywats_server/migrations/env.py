"""Alembic environment: runs on the connection the server hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from pywats_server.storage import tables

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=tables.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
