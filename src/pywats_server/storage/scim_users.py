"""SCIM 2.0 users (RFC 7643): the directory an identity provider keeps in sync.

`userName` is unique without regard to case, as SCIM requires. The store takes a user's
attributes as `ScimAttributes` and answers `ScimUserRecord`s; the SCIM JSON (resources, list
responses, PatchOp) is the router's (`routers/scim.py`, `routers/_scim_answers.py`). A change
is a function of the current attributes, applied inside the transaction that writes it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
)

from ._database import Database
from ._domain import Conflict, Invalid, NotFound, new_id, utcnow
from ._metadata import metadata

__all__ = [
    "ScimAttributes",
    "ScimEmail",
    "ScimName",
    "ScimPage",
    "ScimUserRecord",
    "ScimUserStore",
    "scim_users",
]

_LARGEST = 2**31 - 1

scim_users = Table(
    "scim_users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_name", String(200), nullable=False),
    Column("user_name_key", String(200), nullable=False, unique=True),
    Column("display_name", String(200)),
    Column("external_id", String(200)),
    Column("given_name", String(200)),
    Column("family_name", String(200)),
    Column("formatted_name", String(400)),
    Column("emails", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("last_modified", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True)
class ScimName:
    """The parts of a user's name (None: not known)."""

    given_name: str | None = None
    family_name: str | None = None
    formatted: str | None = None


@dataclass(frozen=True, slots=True)
class ScimEmail:
    """An e-mail address as the identity provider sent it."""

    value: str
    type: str | None = None
    primary: bool | None = None


@dataclass(frozen=True, slots=True)
class ScimAttributes:
    """What an identity provider says about a user (`userName` is not empty)."""

    user_name: str
    display_name: str | None = None
    external_id: str | None = None
    name: ScimName = ScimName()
    emails: list[ScimEmail] = field(default_factory=list)
    active: bool = True


@dataclass(frozen=True, slots=True)
class ScimUserRecord:
    """A stored user: its attributes, id, times (naive UTC) and version (counts changes)."""

    id: str
    attributes: ScimAttributes
    created: datetime
    last_modified: datetime
    version: int


@dataclass(frozen=True, slots=True)
class ScimPage:
    """One page of users: `start_index` is 1-based, `total` counts every match."""

    total: int
    start_index: int
    users: list[ScimUserRecord]


def _columns(attributes: ScimAttributes) -> dict[str, Any]:
    """Column values of the attributes; Invalid for an empty userName."""
    if not attributes.user_name.strip():
        raise Invalid("userName: expected a non-empty string")
    return {
        "user_name": attributes.user_name,
        "user_name_key": attributes.user_name.lower(),
        "display_name": attributes.display_name,
        "external_id": attributes.external_id,
        "given_name": attributes.name.given_name,
        "family_name": attributes.name.family_name,
        "formatted_name": attributes.name.formatted,
        "emails": json.dumps([dataclasses.asdict(email) for email in attributes.emails]),
        "active": attributes.active,
    }


def _record(row: Any) -> ScimUserRecord:
    emails = [
        ScimEmail(email.get("value"), email.get("type"), email.get("primary"))
        for email in json.loads(row.emails)
    ]
    name = ScimName(row.given_name, row.family_name, row.formatted_name)
    attributes = ScimAttributes(
        row.user_name, row.display_name, row.external_id, name, emails, row.active
    )
    return ScimUserRecord(row.id, attributes, row.created, row.last_modified, row.version)


class ScimUserStore:
    """SCIM users by id and by userName (without regard to case)."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def page(self, start_index: int, count: int, user_name: str | None) -> ScimPage:
        """A page of users (`start_index` 1-based) in creation order, optionally only the one
        whose userName is `user_name`."""
        u = scim_users.c
        condition = u.user_name_key == user_name.lower() if user_name is not None else None
        query = select(scim_users).order_by(u.created, u.id)
        total = select(func.count()).select_from(scim_users)
        if condition is not None:
            query, total = query.where(condition), total.where(condition)
        with self._engine.connect() as connection:
            # SCIM clamps out-of-range paging instead of refusing it (RFC 7644 §3.4.2.4);
            # the upper bound is what the databases can bind.
            offset = min(max(start_index, 1) - 1, _LARGEST)
            rows = connection.execute(query.offset(offset).limit(min(count, _LARGEST))).all()
            total_results = connection.scalar(total) or 0
        return ScimPage(total_results, max(start_index, 1), [_record(row) for row in rows])

    def get(self, user_id: str) -> ScimUserRecord:
        with self._engine.connect() as connection:
            return _record(self._row(connection, user_id))

    def get_by_user_name(self, user_name: str) -> ScimUserRecord:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(scim_users).where(scim_users.c.user_name_key == user_name.lower())
            ).one_or_none()
        if row is None:
            raise NotFound(f"SCIM user with userName {user_name!r} not found")
        return _record(row)

    def create(self, attributes: ScimAttributes) -> ScimUserRecord:
        """Provision a user; Conflict when the userName (any case) exists."""
        values = _columns(attributes)
        now = utcnow()
        user_id = new_id()
        with self._engine.begin() as connection:
            self._check_unique(connection, values["user_name_key"], None)
            connection.execute(
                scim_users.insert().values(
                    id=user_id, created=now, last_modified=now, version=1, **values
                )
            )
            return _record(self._row(connection, user_id))

    def replace(self, user_id: str, attributes: ScimAttributes) -> ScimUserRecord:
        """PUT: `attributes` replace the user's."""
        return self.change(user_id, lambda _current: attributes)

    def change(
        self, user_id: str, change: Callable[[ScimAttributes], ScimAttributes]
    ) -> ScimUserRecord:
        """The user's attributes become `change(current attributes)` (PATCH), read and written
        in one transaction; Conflict when the new userName is another user's."""
        with self._engine.begin() as connection:
            row = self._row(connection, user_id)
            values = _columns(change(_record(row).attributes))
            self._check_unique(connection, values["user_name_key"], user_id)
            connection.execute(
                scim_users.update()
                .where(scim_users.c.id == user_id)
                .values(last_modified=utcnow(), version=row.version + 1, **values)
            )
            return _record(self._row(connection, user_id))

    def delete(self, user_id: str) -> None:
        with self._engine.begin() as connection:
            deleted = connection.execute(scim_users.delete().where(scim_users.c.id == user_id))
        if deleted.rowcount == 0:
            raise NotFound(f"SCIM user {user_id!r} not found")

    # -- internals ----------------------------------------------------------------------------

    def _check_unique(self, connection: Connection, key: str, own_id: str | None) -> None:
        found = connection.scalar(select(scim_users.c.id).where(scim_users.c.user_name_key == key))
        if found is not None and found != own_id:
            raise Conflict(f"userName {key!r} is already used by SCIM user {found}")

    def _row(self, connection: Connection, user_id: str) -> Any:
        row = connection.execute(select(scim_users).where(scim_users.c.id == user_id)).one_or_none()
        if row is None:
            raise NotFound(f"SCIM user {user_id!r} not found")
        return row
