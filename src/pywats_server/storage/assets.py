"""Assets (fixtures, instruments, ...) and their types: a tree of assets with usage counts,
calibration and maintenance dates, a state and a log of everything that happened to them.

An asset is addressed by its id or its serial number; every change is logged (the log types
are in `asset_tables`). A scrapped asset (state 6) cannot change state again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select

from ._asset_usage import count_uses
from ._database import Database
from ._domain import Conflict, Invalid, NotFound, as_utc, new_id, utcnow
from ._odata_options import ODataOptions, apply_odata
from ._tags import apply_tags, read_tags, tag_changes
from .asset_state import evaluate
from .asset_tables import (
    ASSET_COLUMNS,
    ASSET_FIELDS,
    CALIBRATION,
    LOG_FIELDS,
    MAINTENANCE,
    MESSAGE,
    REGISTERED,
    RESET,
    SCRAPPED,
    STATE_CHANGE,
    STATES,
    TYPE_COLUMNS,
    TYPE_FIELDS,
    UPDATED,
    asset_files,
    asset_log,
    asset_tags,
    asset_types,
    assets,
    type_dict,
)

__all__ = ["AssetStore"]


class AssetStore:
    """Asset types, assets, counts, calibration/maintenance, state and log."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    # -- types --------------------------------------------------------------------------------

    def types(self, filter: str | None = None, top: int | None = None) -> list[dict[str, Any]]:
        statement = select(asset_types).order_by(asset_types.c.type_name)
        with self._engine.connect() as connection:
            rows = connection.execute(
                apply_odata(statement, (filter, None, top, None), TYPE_FIELDS)
            )
            return [type_dict(row) for row in rows]

    def save_type(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create or update a type by `typeId` (or by `typeName` when no id is given)."""
        values = {column: body.get(key) for key, column in TYPE_COLUMNS.items() if key in body}
        values["is_readonly"] = bool(body.get("isReadonly", False))
        t = asset_types.c
        with self._engine.begin() as connection:
            type_id = body.get("typeId") or connection.scalar(
                select(t.type_id).where(t.type_name == body["typeName"])
            )
            if type_id is None:
                type_id = new_id()
                connection.execute(asset_types.insert().values(type_id=type_id, **values))
            else:
                updated = connection.execute(
                    asset_types.update().where(t.type_id == str(type_id)).values(**values)
                )
                if updated.rowcount == 0:
                    raise NotFound(f"typeId: asset type {type_id!r} not found")
            row = connection.execute(select(asset_types).where(t.type_id == str(type_id))).one()
            return type_dict(row)

    # -- assets -------------------------------------------------------------------------------

    def query(self, options: ODataOptions) -> list[dict[str, Any]]:
        statement = select(assets.c.asset_id).join(asset_types)
        statement = apply_odata(statement, options, ASSET_FIELDS)
        if not options[1]:
            statement = statement.order_by(assets.c.serial_number)
        with self._engine.connect() as connection:
            ids = connection.scalars(statement).all()
            return [self._asset(connection, asset_id) for asset_id in ids]

    def get(self, key: str) -> dict[str, Any]:
        """An asset by id or serial number, with its children and type."""
        with self._engine.connect() as connection:
            return self._asset(connection, self._resolve(connection, key, key), children=True)

    def save(self, body: Mapping[str, Any], user: str) -> dict[str, Any]:
        """Create or update an asset (by `assetId`, else by `serialNumber`)."""
        with self._engine.begin() as connection:
            asset_id = body.get("assetId") or connection.scalar(
                select(assets.c.asset_id).where(assets.c.serial_number == body["serialNumber"])
            )
            values = {
                column: body[key]
                for key, column in ASSET_COLUMNS.items()
                if key in body and key != "parentAssetId"
            }
            if "state" in values and values["state"] not in STATES:
                raise Invalid(f"state: expected an asset state 0..6, got {values['state']!r}")
            if "type_id" in values:
                self._check_type(connection, values["type_id"])
            for column in [c for c in values if c.endswith("_date")]:
                values[column] = as_utc(values[column])
            parent = self._parent(connection, body)
            for kind in ("calibration", "maintenance"):
                last, following = values.get(f"last_{kind}_date"), values.get(f"next_{kind}_date")
                if last is not None and following is not None and following <= last:
                    raise Invalid(f"next{kind.title()}Date: expected a date after the last {kind}")
            if asset_id is None:
                if "type_id" not in values:
                    raise Invalid("typeId: required to register a new asset")
                asset_id = new_id()
                values.setdefault("state", 1)
                now = utcnow()
                connection.execute(
                    assets.insert().values(
                        asset_id=asset_id,
                        parent_asset_id=parent,
                        total_count=values.pop("total_count", 0) or 0,
                        running_count=values.pop("running_count", 0) or 0,
                        first_seen_date=values.pop("first_seen_date", None) or now,
                        **values,
                    )
                )
                self._log(connection, asset_id, REGISTERED, user, "registered")
            else:
                asset_id = str(asset_id)
                self._resolve(connection, asset_id, None)
                holder = connection.scalar(
                    select(assets.c.asset_id).where(assets.c.serial_number == body["serialNumber"])
                )
                if holder is not None and holder != asset_id:
                    raise Conflict(
                        f"serialNumber {body['serialNumber']!r} belongs to asset {holder}"
                    )
                if parent is not None and asset_id in self._lineage(connection, parent):
                    raise Invalid("parentAssetId: an asset cannot be its own ancestor")
                if "parentAssetId" in body or "parentSerialNumber" in body:
                    values["parent_asset_id"] = parent
                if values:
                    connection.execute(
                        assets.update().where(assets.c.asset_id == asset_id).values(**values)
                    )
                self._log(connection, asset_id, UPDATED, user, "updated")
            apply_tags(
                connection, asset_tags, "asset_id", asset_id, tag_changes(body.get("tags") or ())
            )
            return self._asset(connection, asset_id, children=True)

    def delete(self, asset_id: str | None, serial_number: str | None) -> None:
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, serial_number)
            if connection.scalar(select(assets.c.asset_id).where(assets.c.parent_asset_id == key)):
                raise Conflict(f"asset {key!r} has child assets: move or delete them first")
            connection.execute(asset_log.delete().where(asset_log.c.asset_id == key))
            connection.execute(asset_files.delete().where(asset_files.c.asset_id == key))
            connection.execute(asset_tags.delete().where(asset_tags.c.asset_id == key))
            connection.execute(assets.delete().where(assets.c.asset_id == key))

    def children(
        self, asset_id: str | None, serial_number: str | None, level: int
    ) -> list[dict[str, Any]]:
        """Sub-assets `level` generations deep (0 or less: every generation), breadth first."""
        with self._engine.connect() as connection:
            frontier = [self._resolve(connection, asset_id, serial_number)]
            found: list[str] = []
            depth = 0
            while frontier and (level <= 0 or depth < level):
                frontier = list(
                    connection.scalars(
                        select(assets.c.asset_id)
                        .where(assets.c.parent_asset_id.in_(frontier))
                        .order_by(assets.c.serial_number)
                    )
                )
                found.extend(frontier)
                depth += 1
            return [self._asset(connection, key) for key in found]

    # -- usage, state, calibration ------------------------------------------------------------

    def status(self, asset_id: str | None, serial_number: str | None) -> dict[str, Any]:
        """The derived alarm state (see `asset_state`) with the reasons and the dates."""
        with self._engine.connect() as connection:
            asset = self._asset(connection, self._resolve(connection, asset_id, serial_number))
        state = evaluate(asset, asset["assetType"], utcnow())
        keys = ("assetId", "serialNumber", "state", "runningCount", "totalCount")
        dates = [f"{w}{k}Date" for w in ("last", "next") for k in ("Calibration", "Maintenance")]
        return {
            **{key: asset[key] for key in (*keys, *dates)},
            "alarmState": state.level,
            "alarmStateName": state.name,
            "messages": state.messages,
        }

    def set_state(
        self, asset_id: str | None, serial_number: str | None, state: int, user: str
    ) -> None:
        if state not in STATES:
            raise Invalid(f"state: expected an asset state 0..6, got {state}")
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, serial_number)
            current = connection.scalar(select(assets.c.state).where(assets.c.asset_id == key))
            if current == SCRAPPED and state != SCRAPPED:
                raise Conflict(f"asset {key!r} is scrapped: its state cannot change")
            connection.execute(assets.update().where(assets.c.asset_id == key).values(state=state))
            self._log(connection, key, STATE_CHANGE, user, f"state {current} -> {state}")

    def count(
        self,
        asset_id: str | None,
        serial_number: str | None,
        *,
        increment_by: int = 1,
        total_count: int | None = None,
        include_children: bool = True,
    ) -> None:
        """Count uses: add `increment_by` to running and total count (of the sub-assets too),
        or set the total count when `total_count` is given."""
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, serial_number)
            if total_count is not None:
                connection.execute(
                    assets.update().where(assets.c.asset_id == key).values(total_count=total_count)
                )
                return
            count_uses(connection, {key: increment_by}, include_children=include_children)

    def set_counts(
        self,
        asset_id: str | None,
        serial_number: str | None,
        *,
        running: int | None = None,
        total: int | None = None,
        user: str,
        comment: str | None = None,
    ) -> None:
        """Set the running and/or total count; a running count of 0 is logged as a reset."""
        given = {"running_count": running, "total_count": total}
        values = {k: v for k, v in given.items() if v is not None}
        if any(v < 0 for v in values.values()):
            raise Invalid("count: expected a whole number >= 0")
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, serial_number)
            connection.execute(assets.update().where(assets.c.asset_id == key).values(**values))
            if running == 0:
                self._log(connection, key, RESET, user, comment or "running count reset")

    def record_service(
        self,
        kind: str,
        asset_id: str | None,
        serial_number: str | None,
        *,
        done: datetime | None,
        until: datetime | None = None,
        user: str,
        comment: str | None = None,
    ) -> None:
        """Record a calibration or maintenance (`kind`) done at `done` (default now). The next
        one is due at `until` when given (externally managed), else after the type's interval."""
        done = as_utc(done) or utcnow()
        until = as_utc(until)
        if until is not None and until <= done:
            raise Invalid(f"toDate: expected a date after fromDate ({done:%Y-%m-%d})")
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, serial_number)
            interval = connection.scalar(
                select(asset_types.c[f"{kind}_interval"])
                .join(assets, assets.c.type_id == asset_types.c.type_id)
                .where(assets.c.asset_id == key)
            )
            if until is None and interval is not None and interval > 0:
                until = done + timedelta(days=float(interval))
            connection.execute(
                assets.update()
                .where(assets.c.asset_id == key)
                .values({f"last_{kind}_date": done, f"next_{kind}_date": until})
            )
            log_type = CALIBRATION if kind == "calibration" else MAINTENANCE
            self._log(connection, key, log_type, user, comment or f"{kind} recorded")

    # -- log ----------------------------------------------------------------------------------

    def log(self, options: ODataOptions) -> list[dict[str, Any]]:
        statement = select(asset_log, assets.c.serial_number).join(assets)
        statement = apply_odata(statement, options, LOG_FIELDS)
        if not options[1]:
            statement = statement.order_by(asset_log.c.log_id)
        with self._engine.connect() as connection:
            return [
                {
                    "logId": row.log_id,
                    "assetId": row.asset_id,
                    "serialNumber": row.serial_number,
                    "date": row.date,
                    "user": row.user,
                    "type": row.type,
                    "comment": row.comment,
                }
                for row in connection.execute(statement)
            ]

    def message(self, asset_id: str, comment: str, user: str) -> None:
        with self._engine.begin() as connection:
            key = self._resolve(connection, asset_id, None)
            self._log(connection, key, MESSAGE, user, comment)

    # -- internals ----------------------------------------------------------------------------

    def _resolve(
        self, connection: Connection, asset_id: str | None, serial_number: str | None
    ) -> str:
        """The asset id for an id or a serial number (either may be given); NotFound."""
        if asset_id is None and serial_number is None:
            raise Invalid("id or serialNumber: give one to identify the asset")
        a = assets.c
        conditions = []
        if asset_id is not None:
            conditions.append(a.asset_id == asset_id)
        if serial_number is not None:
            conditions.append(a.serial_number == serial_number)
        found = connection.scalar(select(a.asset_id).where(or_(*conditions)))
        if found is None:
            raise NotFound(f"asset {serial_number or asset_id!r} not found")
        return str(found)

    def _check_type(self, connection: Connection, type_id: str) -> None:
        found = connection.scalar(
            select(asset_types.c.type_id).where(asset_types.c.type_id == type_id)
        )
        if found is None:
            raise Invalid(f"typeId: asset type {type_id!r} not found")

    def _parent(self, connection: Connection, body: Mapping[str, Any]) -> str | None:
        if body.get("parentAssetId"):
            return self._resolve(connection, str(body["parentAssetId"]), None)
        if body.get("parentSerialNumber"):
            return self._resolve(connection, None, str(body["parentSerialNumber"]))
        return None

    def _lineage(self, connection: Connection, asset_id: str) -> set[str]:
        """The asset and all its ancestors."""
        seen: set[str] = set()
        current: str | None = asset_id
        while current is not None and current not in seen:
            seen.add(current)
            current = connection.scalar(
                select(assets.c.parent_asset_id).where(assets.c.asset_id == current)
            )
        return seen

    def _log(
        self, connection: Connection, asset_id: str, kind: int, user: str, comment: str
    ) -> None:
        connection.execute(
            asset_log.insert().values(
                asset_id=asset_id, date=utcnow(), user=user, type=kind, comment=comment
            )
        )

    def _asset(
        self, connection: Connection, asset_id: str, children: bool = False
    ) -> dict[str, Any]:
        row = connection.execute(select(assets).where(assets.c.asset_id == asset_id)).one()
        asset = {"assetId": row.asset_id}
        asset.update({key: getattr(row, column) for key, column in ASSET_COLUMNS.items()})
        asset["parentSerialNumber"] = (
            connection.scalar(
                select(assets.c.serial_number).where(assets.c.asset_id == row.parent_asset_id)
            )
            if row.parent_asset_id
            else None
        )
        type_row = connection.execute(
            select(asset_types).where(asset_types.c.type_id == row.type_id)
        ).one()
        asset["assetType"] = type_dict(type_row)
        asset["tags"] = read_tags(connection, asset_tags, "asset_id", asset_id)
        if children:
            keys = connection.scalars(
                select(assets.c.asset_id)
                .where(assets.c.parent_asset_id == asset_id)
                .order_by(assets.c.serial_number)
            ).all()
            asset["assetChildren"] = [self._asset(connection, key) for key in keys]
        return asset
