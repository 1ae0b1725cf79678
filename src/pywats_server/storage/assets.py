"""Assets (fixtures, instruments, ...) and their types: a tree of assets with usage counts,
calibration and maintenance dates, a state and a log of everything that happened to them.

An asset is addressed by its id or its serial number; every change is logged (the log types
are in `asset_tables`). A scrapped asset (state 6) cannot change state again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select

from ._asset_usage import count_uses
from ._database import Database
from ._domain import KEEP, Conflict, Invalid, Keep, NotFound, as_utc, new_id, utcnow
from ._odata_options import ODataOptions, apply_odata
from ._tags import Tag, TagChange, apply_tags, read_tags
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
    TYPE_FIELDS,
    UPDATED,
    AssetType,
    asset_files,
    asset_log,
    asset_tags,
    asset_type,
    asset_types,
    assets,
)

__all__ = ["Asset", "AssetFields", "AssetLogEntry", "AssetStatus", "AssetStore", "AssetTypeFields"]


@dataclass(frozen=True, slots=True)
class Asset:
    """An asset with its type and tags; `asset_children` (one generation) where asked for."""

    asset_id: str
    serial_number: str
    type_id: str
    parent_asset_id: str | None
    asset_name: str | None
    part_number: str | None
    revision: str | None
    description: str | None
    location: str | None
    client_id: int | None
    state: int
    first_seen_date: datetime | None
    last_seen_date: datetime | None
    last_calibration_date: datetime | None
    next_calibration_date: datetime | None
    last_maintenance_date: datetime | None
    next_maintenance_date: datetime | None
    total_count: int
    running_count: int
    parent_serial_number: str | None
    asset_type: AssetType
    tags: list[Tag]
    asset_children: list[Asset] | None = None


@dataclass(frozen=True, slots=True)
class AssetLogEntry:
    log_id: int
    asset_id: str
    serial_number: str
    date: datetime
    user: str | None
    type: int
    comment: str | None


@dataclass(frozen=True, slots=True)
class AssetStatus:
    """An asset's derived alarm state (`asset_state`): 0 OK, 1 warning, 2 alarm, with the
    reasons and the dates and counts it was judged on."""

    asset_id: str
    serial_number: str
    state: int
    running_count: int
    total_count: int
    last_calibration_date: datetime | None
    last_maintenance_date: datetime | None
    next_calibration_date: datetime | None
    next_maintenance_date: datetime | None
    alarm_state: int
    alarm_state_name: str
    messages: list[str]


@dataclass(frozen=True, slots=True)
class AssetTypeFields:
    """A type to create or update (by `type_id`, else by name); `KEEP` leaves a stored value."""

    type_name: str
    type_id: str | None = None
    running_count_limit: int | Keep | None = KEEP
    total_count_limit: int | Keep | None = KEEP
    maintenance_interval: float | Keep | None = KEEP
    calibration_interval: float | Keep | None = KEEP
    warning_threshold: float | Keep | None = KEEP
    alarm_threshold: float | Keep | None = KEEP
    is_readonly: bool = False
    icon: str | Keep | None = KEEP


@dataclass(frozen=True, slots=True)
class AssetFields:
    """An asset to create or update (by `asset_id`, else by serial number); `KEEP` leaves a
    stored value. The parent is given by id or serial number; both `KEEP` leave it."""

    serial_number: str
    asset_id: str | None = None
    type_id: str | Keep = KEEP
    parent_asset_id: str | Keep | None = KEEP
    parent_serial_number: str | Keep | None = KEEP
    asset_name: str | Keep | None = KEEP
    part_number: str | Keep | None = KEEP
    revision: str | Keep | None = KEEP
    description: str | Keep | None = KEEP
    location: str | Keep | None = KEEP
    client_id: int | Keep | None = KEEP
    state: int | Keep | None = KEEP
    first_seen_date: datetime | Keep | None = KEEP
    last_seen_date: datetime | Keep | None = KEEP
    last_calibration_date: datetime | Keep | None = KEEP
    next_calibration_date: datetime | Keep | None = KEEP
    last_maintenance_date: datetime | Keep | None = KEEP
    next_maintenance_date: datetime | Keep | None = KEEP
    total_count: int | Keep | None = KEEP
    running_count: int | Keep | None = KEEP
    tags: list[TagChange] = field(default_factory=list)


# AssetFields' fields that are columns of `assets` under the same name.
_ASSET_VALUES = tuple(
    f.name
    for f in fields(AssetFields)
    if f.name
    not in {"serial_number", "asset_id", "parent_asset_id", "parent_serial_number", "tags"}
)
_TYPE_VALUES = tuple(
    f.name for f in fields(AssetTypeFields) if f.name not in {"type_id", "is_readonly"}
)


class AssetStore:
    """Asset types, assets, counts, calibration/maintenance, state and log."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    # -- types --------------------------------------------------------------------------------

    def types(self, filter: str | None = None, top: int | None = None) -> list[AssetType]:
        statement = select(asset_types).order_by(asset_types.c.type_name)
        with self._engine.connect() as connection:
            rows = connection.execute(
                apply_odata(statement, (filter, None, top, None), TYPE_FIELDS)
            )
            return [asset_type(row) for row in rows]

    def save_type(self, given: AssetTypeFields) -> AssetType:
        """Create or update a type by id (or by name when no id is given)."""
        values = {name: getattr(given, name) for name in _TYPE_VALUES}
        values = {name: value for name, value in values.items() if value is not KEEP}
        values["is_readonly"] = given.is_readonly
        t = asset_types.c
        with self._engine.begin() as connection:
            type_id = given.type_id or connection.scalar(
                select(t.type_id).where(t.type_name == given.type_name)
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
            return asset_type(row)

    # -- assets -------------------------------------------------------------------------------

    def query(self, options: ODataOptions) -> list[Asset]:
        statement = select(assets.c.asset_id).join(asset_types)
        statement = apply_odata(statement, options, ASSET_FIELDS)
        if not options[1]:
            statement = statement.order_by(assets.c.serial_number)
        with self._engine.connect() as connection:
            ids = connection.scalars(statement).all()
            return [self._asset(connection, asset_id) for asset_id in ids]

    def get(self, key: str) -> Asset:
        """An asset by id or serial number, with its children and type."""
        with self._engine.connect() as connection:
            return self._asset(connection, self._resolve(connection, key, key), children=True)

    def save(self, given: AssetFields, user: str) -> Asset:
        """Create or update an asset (by id, else by serial number)."""
        serial_number = given.serial_number
        with self._engine.begin() as connection:
            asset_id = given.asset_id or connection.scalar(
                select(assets.c.asset_id).where(assets.c.serial_number == serial_number)
            )
            values: dict[str, Any] = {"serial_number": serial_number}
            for name in _ASSET_VALUES:
                if (value := getattr(given, name)) is not KEEP:
                    values[name] = value
            if "state" in values and values["state"] not in STATES:
                raise Invalid(f"state: expected an asset state 0..6, got {values['state']!r}")
            if "type_id" in values:
                self._check_type(connection, values["type_id"])
            for column in [c for c in values if c.endswith("_date")]:
                values[column] = as_utc(values[column])
            parent = self._parent(connection, given)
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
                    select(assets.c.asset_id).where(assets.c.serial_number == serial_number)
                )
                if holder is not None and holder != asset_id:
                    raise Conflict(f"serialNumber {serial_number!r} belongs to asset {holder}")
                if parent is not None and asset_id in self._lineage(connection, parent):
                    raise Invalid("parentAssetId: an asset cannot be its own ancestor")
                if given.parent_asset_id is not KEEP or given.parent_serial_number is not KEEP:
                    values["parent_asset_id"] = parent
                if values:
                    connection.execute(
                        assets.update().where(assets.c.asset_id == asset_id).values(**values)
                    )
                self._log(connection, asset_id, UPDATED, user, "updated")
            apply_tags(connection, asset_tags, "asset_id", asset_id, given.tags)
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

    def children(self, asset_id: str | None, serial_number: str | None, level: int) -> list[Asset]:
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

    def status(self, asset_id: str | None, serial_number: str | None) -> AssetStatus:
        """The derived alarm state (see `asset_state`) with the reasons and the dates."""
        with self._engine.connect() as connection:
            asset = self._asset(connection, self._resolve(connection, asset_id, serial_number))
        state = evaluate(asset, asset.asset_type, utcnow())
        return AssetStatus(
            asset_id=asset.asset_id,
            serial_number=asset.serial_number,
            state=asset.state,
            running_count=asset.running_count,
            total_count=asset.total_count,
            last_calibration_date=asset.last_calibration_date,
            last_maintenance_date=asset.last_maintenance_date,
            next_calibration_date=asset.next_calibration_date,
            next_maintenance_date=asset.next_maintenance_date,
            alarm_state=state.level,
            alarm_state_name=state.name,
            messages=state.messages,
        )

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

    def log(self, options: ODataOptions) -> list[AssetLogEntry]:
        statement = select(asset_log, assets.c.serial_number).join(assets)
        statement = apply_odata(statement, options, LOG_FIELDS)
        if not options[1]:
            statement = statement.order_by(asset_log.c.log_id)
        with self._engine.connect() as connection:
            return [
                AssetLogEntry(
                    row.log_id,
                    row.asset_id,
                    row.serial_number,
                    row.date,
                    row.user,
                    row.type,
                    row.comment,
                )
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

    def _parent(self, connection: Connection, given: AssetFields) -> str | None:
        if isinstance(given.parent_asset_id, str) and given.parent_asset_id:
            return self._resolve(connection, given.parent_asset_id, None)
        if isinstance(given.parent_serial_number, str) and given.parent_serial_number:
            return self._resolve(connection, None, given.parent_serial_number)
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

    def _asset(self, connection: Connection, asset_id: str, children: bool = False) -> Asset:
        row = connection.execute(select(assets).where(assets.c.asset_id == asset_id)).one()
        parent = (
            connection.scalar(
                select(assets.c.serial_number).where(assets.c.asset_id == row.parent_asset_id)
            )
            if row.parent_asset_id
            else None
        )
        type_row = connection.execute(
            select(asset_types).where(asset_types.c.type_id == row.type_id)
        ).one()
        below = None
        if children:
            keys = connection.scalars(
                select(assets.c.asset_id)
                .where(assets.c.parent_asset_id == asset_id)
                .order_by(assets.c.serial_number)
            ).all()
            below = [self._asset(connection, key) for key in keys]
        return Asset(
            asset_id=row.asset_id,
            **{column: getattr(row, column) for column in ASSET_COLUMNS.values()},
            parent_serial_number=parent,
            asset_type=asset_type(type_row),
            tags=read_tags(connection, asset_tags, "asset_id", asset_id),
            asset_children=below,
        )
