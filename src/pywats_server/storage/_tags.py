"""Key/value tags: one table per tagged kind of record, and the set/delete/read rules they share.

Tags given with `change` 3 are deleted, other given tags are set, unmentioned tags stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Column, Connection, ForeignKey, String, Table, Text, select
from sqlalchemy.types import TypeEngine

from ._domain import Invalid
from ._metadata import metadata

__all__ = ["apply_tags", "read_tags", "tag_table"]

_DELETE = 3


def tag_table(name: str, owner: str, references: str, owner_type: TypeEngine[Any]) -> Table:
    """The tags of one kind of record: (`owner`, `key`) -> `value`, `owner` referring to
    `references` (a "table.column")."""
    return Table(
        name,
        metadata,
        Column(owner, owner_type, ForeignKey(references), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("value", Text),
    )


def apply_tags(
    connection: Connection, table: Table, owner: str, owner_id: str | int, tags: Iterable[Any]
) -> None:
    """Set (or, for `change` 3, delete) the given `{key, value, change}` tags of one owner."""
    key_column = table.c[owner]
    for index, tag in enumerate(tags):
        if not isinstance(tag, Mapping) or not isinstance(tag.get("key"), str):
            raise Invalid(f"tags[{index}]: expected an object with a string 'key'")
        where = (key_column == owner_id) & (table.c.key == tag["key"])
        connection.execute(table.delete().where(where))
        if tag.get("change") != _DELETE:
            row = {owner: owner_id, "key": tag["key"], "value": tag.get("value")}
            connection.execute(table.insert().values(row))


def read_tags(
    connection: Connection, table: Table, owner: str, owner_id: str | int
) -> list[dict[str, Any]]:
    """The tags of one owner as `{key, value}` objects, by key."""
    rows = connection.execute(
        select(table.c.key, table.c.value).where(table.c[owner] == owner_id).order_by(table.c.key)
    )
    return [{"key": key, "value": value} for key, value in rows]
