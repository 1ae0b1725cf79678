"""SCIM 2.0 users (RFC 7643): the directory an identity provider keeps in sync.

`userName` is unique without regard to case, as SCIM requires. PATCH supports the `replace`,
`add` and `remove` operations on `active`, `displayName`, `externalId`, `userName`, `name`,
`name.givenName`, `name.familyName`, `name.formatted` and `emails`, or `replace` without a path
and an object of those attributes (as Azure AD sends it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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

__all__ = ["USER_SCHEMA", "ScimUserStore", "scim_users"]

_LARGEST = 2**31 - 1

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"

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

_NAME_PARTS = {
    "givenName": "given_name",
    "familyName": "family_name",
    "formatted": "formatted_name",
}
_TOP = {"displayName": "display_name", "externalId": "external_id", "active": "active"}
_PATHS = {*_TOP, "userName", "emails", "name", *(f"name.{part}" for part in _NAME_PARTS)}


def _columns(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Column values for SCIM attributes (only those given)."""
    values: dict[str, Any] = {}
    for key, value in attributes.items():
        if key == "userName":
            if not isinstance(value, str) or not value.strip():
                raise Invalid("userName: expected a non-empty string")
            values["user_name"], values["user_name_key"] = value, value.lower()
        elif key in _TOP:
            if key == "active" and not isinstance(value, bool):
                raise Invalid(f"active: expected true or false, got {value!r}")
            values[_TOP[key]] = value
        elif key == "name":
            for part, column in _NAME_PARTS.items():
                values[column] = (value or {}).get(part)
        elif key.startswith("name.") and key[5:] in _NAME_PARTS:
            values[_NAME_PARTS[key[5:]]] = value
        elif key == "emails":
            if value is not None and not isinstance(value, list):
                raise Invalid("emails: expected a list of {value, type, primary}")
            values["emails"] = json.dumps(value or [])
    return values


class ScimUserStore:
    """SCIM users; results are SCIM resources (dicts) with `meta`."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def page(self, start_index: int, count: int, user_name: str | None) -> dict[str, Any]:
        """A ListResponse page (`start_index` 1-based), optionally `userName eq` a name."""
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
            total_results = connection.scalar(total)
        return {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": total_results,
            "itemsPerPage": len(rows),
            "startIndex": max(start_index, 1),
            "Resources": [self._resource(row) for row in rows],
        }

    def get(self, user_id: str) -> dict[str, Any]:
        with self._engine.connect() as connection:
            return self._resource(self._row(connection, user_id))

    def get_by_user_name(self, user_name: str) -> dict[str, Any]:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(scim_users).where(scim_users.c.user_name_key == user_name.lower())
            ).one_or_none()
        if row is None:
            raise NotFound(f"SCIM user with userName {user_name!r} not found")
        return self._resource(row)

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Provision a user; Conflict when the userName (any case) exists."""
        if "userName" not in body:
            raise Invalid("userName: required")
        values = _columns({"active": True, "emails": [], **body})
        now = utcnow()
        user_id = new_id()
        with self._engine.begin() as connection:
            self._check_unique(connection, values["user_name_key"], None)
            connection.execute(
                scim_users.insert().values(
                    id=user_id, created=now, last_modified=now, version=1, **values
                )
            )
            return self._resource(self._row(connection, user_id))

    def replace(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT: the given resource replaces the user's attributes."""
        if "userName" not in body:
            raise Invalid("userName: required")
        full: dict[str, Any] = {
            "displayName": None,
            "externalId": None,
            "name": None,
            "emails": [],
            "active": True,
        }
        return self._change(user_id, _columns({**full, **body}))

    def patch(self, user_id: str, operations: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Apply PatchOp operations in order."""
        attributes: dict[str, Any] = {}
        for index, operation in enumerate(operations):
            op = str(operation.get("op", "")).lower()
            path, value = operation.get("path"), operation.get("value")
            if op not in ("replace", "add", "remove"):
                raise Invalid(
                    f"Operations[{index}].op: expected add, replace or remove, got {op!r}"
                )
            if path is None:
                if op == "remove" or not isinstance(value, Mapping):
                    raise Invalid(f"Operations[{index}]: without a path, value must be an object")
                attributes.update(value)
            elif path in _PATHS:
                attributes[str(path)] = None if op == "remove" else value
            else:
                raise Invalid(f"Operations[{index}].path: unsupported attribute {path!r}")
        if attributes.get("userName", "") is None:
            raise Invalid("userName: cannot be removed")
        if "active" in attributes and attributes["active"] is None:
            attributes["active"] = False
        return self._change(user_id, _columns(attributes))

    def delete(self, user_id: str) -> None:
        with self._engine.begin() as connection:
            deleted = connection.execute(scim_users.delete().where(scim_users.c.id == user_id))
        if deleted.rowcount == 0:
            raise NotFound(f"SCIM user {user_id!r} not found")

    # -- internals ----------------------------------------------------------------------------

    def _change(self, user_id: str, values: dict[str, Any]) -> dict[str, Any]:
        with self._engine.begin() as connection:
            row = self._row(connection, user_id)
            if "user_name_key" in values:
                self._check_unique(connection, values["user_name_key"], user_id)
            connection.execute(
                scim_users.update()
                .where(scim_users.c.id == user_id)
                .values(last_modified=utcnow(), version=row.version + 1, **values)
            )
            return self._resource(self._row(connection, user_id))

    def _check_unique(self, connection: Connection, key: str, own_id: str | None) -> None:
        found = connection.scalar(select(scim_users.c.id).where(scim_users.c.user_name_key == key))
        if found is not None and found != own_id:
            raise Conflict(f"userName {key!r} is already used by SCIM user {found}")

    def _row(self, connection: Connection, user_id: str) -> Any:
        row = connection.execute(select(scim_users).where(scim_users.c.id == user_id)).one_or_none()
        if row is None:
            raise NotFound(f"SCIM user {user_id!r} not found")
        return row

    def _resource(self, row: Any) -> dict[str, Any]:
        name = {part: getattr(row, column) for part, column in _NAME_PARTS.items()}
        return {
            "schemas": [USER_SCHEMA],
            "id": row.id,
            "externalId": row.external_id,
            "userName": row.user_name,
            "displayName": row.display_name,
            "name": {k: v for k, v in name.items() if v is not None},
            "emails": json.loads(row.emails),
            "active": row.active,
            "meta": {
                "resourceType": "User",
                "created": row.created.isoformat() + "Z",
                "lastModified": row.last_modified.isoformat() + "Z",
                "location": f"/api/SCIM/v2/Users/{row.id}",
                "version": f'W/"{row.version}"',
            },
        }
