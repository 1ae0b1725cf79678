"""Key/value tags: one table per tagged kind of record, and the set/delete/read rules they share.

A `TagChange` sets its tag, or deletes it (`delete`, WATS's `change` 3); unmentioned tags stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, ForeignKey, String, Table, Text, select
from sqlalchemy.types import TypeEngine

from ._metadata import metadata

__all__ = [
    "DELETE_CHANGE",
    "Tag",
    "TagChange",
    "apply_tags",
    "read_tags",
    "tag_table",
]

#: WATS's `change` code of a tag to delete.
DELETE_CHANGE = 3


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str | None


@dataclass(frozen=True, slots=True)
class TagChange:
    """Set `key` to `value`, or delete the tag."""

    key: str
    value: str | None = None
    delete: bool = False


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
    connection: Connection,
    table: Table,
    owner: str,
    owner_id: str | int,
    tags: Iterable[TagChange],
) -> None:
    """Set or delete the given tags of one owner."""
    key_column = table.c[owner]
    for tag in tags:
        connection.execute(
            table.delete().where((key_column == owner_id) & (table.c.key == tag.key))
        )
        if not tag.delete:
            connection.execute(
                table.insert().values({owner: owner_id, "key": tag.key, "value": tag.value})
            )


def read_tags(connection: Connection, table: Table, owner: str, owner_id: str | int) -> list[Tag]:
    """The tags of one owner, by key."""
    rows = connection.execute(
        select(table.c.key, table.c.value).where(table.c[owner] == owner_id).order_by(table.c.key)
    )
    return [Tag(key, value) for key, value in rows]
