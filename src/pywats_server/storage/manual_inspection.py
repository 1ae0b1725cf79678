"""Manual inspection (rest-api.md §14): test sequence definitions, their relations to products
and operations, their sequence content (XAML) and the runs reported against them.

A definition is versioned by name: creating one with a name in use, or copying one, makes the
next version, as a Draft. Its status moves Draft <-> Pending -> Released -> Revoked; releasing a
version revokes the name's previously released one. Only a Draft is edited (fields, content).
A run of a definition is the UUT report whose root sequence is the definition: its file name
is the definition's name and its version the definition's version (what WATS writes for a
manual inspection). docs/domains.md lists what was inferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)

from ._database import Database
from ._domain import KEEP, Conflict, Invalid, Keep, NotFound, new_id, utcnow, wildcard_match
from ._metadata import metadata
from .report_tables import reports

__all__ = [
    "Definition",
    "DefinitionDraft",
    "DefinitionEdit",
    "Instance",
    "ManualInspectionStore",
    "Relation",
    "RelationOverlap",
    "mi_definitions",
    "mi_relations",
]

DRAFT, PENDING, RELEASED, REVOKED = 0, 1, 2, 3
_STATUS_NAMES = {DRAFT: "Draft", PENDING: "Pending", RELEASED: "Released", REVOKED: "Revoked"}
# Status changes WATS allows (the lifecycle in the module docstring).
_MOVES = {(DRAFT, PENDING), (PENDING, DRAFT), (PENDING, RELEASED), (RELEASED, REVOKED)}

mi_definitions = Table(
    "mi_definitions",
    metadata,
    Column("definition_id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("description", String(1000)),
    Column("virtual_folder_id", String(36)),
    Column("status", Integer, nullable=False),
    Column("is_global", Boolean, nullable=False),
    Column("on_fail_goto_cleanup", Boolean, nullable=False),
    Column("on_fail_require_submit", Boolean, nullable=False),
    Column("on_fail_require_repair", Integer, nullable=False),
    Column("log_operator", Boolean, nullable=False),
    Column("log_description", Boolean, nullable=False),
    Column("create_unsubmitted_report_on_failed_step", Boolean, nullable=False),
    Column("repair_process_id", String(36)),
    Column("add_child_units", Boolean, nullable=False),
    Column("include_uur_misc_info_in_uut", Boolean, nullable=False),
    Column("load_previous_misc_info", Boolean, nullable=False),
    Column("xaml", Text),
    Column("created", DateTime, nullable=False),
    Column("created_by", String(200)),
    Column("modified", DateTime, nullable=False),
    Column("modified_by", String(200)),
    Column("released", DateTime),
    Column("released_by", String(200)),
    Column("revoked", DateTime),
    Column("revoked_by", String(200)),
    UniqueConstraint("name", "version"),
)

mi_relations = Table(
    "mi_relations",
    metadata,
    Column("relation_id", String(36), primary_key=True),
    Column(
        "definition_id",
        String(36),
        ForeignKey("mi_definitions.definition_id"),
        nullable=False,
        index=True,
    ),
    Column("entity_schema", String(100), nullable=False),
    Column("entity_name", String(100), nullable=False),
    Column("entity_key", String(100)),
    Column("entity_value", String(200)),
    Column("status", Integer, nullable=False),
    # Comma-separated GUIDs of the processes and sites the relation is limited to.
    Column("process_ids", Text, nullable=False),
    Column("site_ids", Text, nullable=False),
)


@dataclass(frozen=True, kw_only=True)
class DefinitionDraft:
    """The fields of a definition a client sets: a new one, and what a Draft's edit changes."""

    name: str
    description: str | None = None
    virtual_folder_id: str | None = None
    is_global: bool = False
    on_fail_goto_cleanup: bool = False
    on_fail_require_submit: bool = False
    on_fail_require_repair: int = 0
    log_operator: bool = True
    log_description: bool = False
    create_unsubmitted_report_on_failed_step: bool = False
    repair_process_id: str | None = None
    add_child_units: bool = False
    include_uur_misc_info_in_uut: bool = False
    load_previous_misc_info: bool = False


@dataclass(frozen=True, kw_only=True)
class Definition(DefinitionDraft):
    """A test sequence definition: what its client set and what the server keeps; `xaml` is its
    sequence content (None: none yet)."""

    definition_id: str
    version: int
    status: int = DRAFT
    xaml: str | None = None
    created: datetime = field(default_factory=utcnow)
    created_by: str | None = None
    modified: datetime = field(default_factory=utcnow)
    modified_by: str | None = None
    released: datetime | None = None
    released_by: str | None = None
    revoked: datetime | None = None
    revoked_by: str | None = None


@dataclass(frozen=True, slots=True)
class DefinitionEdit:
    """What a change of a Draft sets; `KEEP` leaves a field as stored."""

    name: str | Keep = KEEP
    description: str | Keep | None = KEEP
    virtual_folder_id: str | Keep | None = KEEP
    is_global: bool | Keep = KEEP
    on_fail_goto_cleanup: bool | Keep = KEEP
    on_fail_require_submit: bool | Keep = KEEP
    on_fail_require_repair: int | Keep = KEEP
    log_operator: bool | Keep = KEEP
    log_description: bool | Keep = KEEP
    create_unsubmitted_report_on_failed_step: bool | Keep = KEEP
    repair_process_id: str | Keep | None = KEEP
    add_child_units: bool | Keep = KEEP
    include_uur_misc_info_in_uut: bool | Keep = KEEP
    load_previous_misc_info: bool | Keep = KEEP

    def changes(self, current: Definition) -> dict[str, Any]:
        """The fields this edit sets to a value other than `current`'s."""
        given = _values(self, DefinitionEdit)
        return {k: v for k, v in given.items() if v is not KEEP and getattr(current, k) != v}


@dataclass(frozen=True)
class Relation:
    """Which units a definition applies to: `entity_value` is a WATS wildcard pattern over the
    `entity_key` of `entity_name` (e.g. part numbers `PCB-%`), limited to the processes and
    sites listed (none listed: all)."""

    relation_id: str
    definition_id: str
    entity_schema: str
    entity_name: str
    entity_key: str | None = None
    entity_value: str | None = None
    status: int = 1
    process_ids: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationOverlap:
    """Another definition's active relation that selects units this one's relation selects."""

    definition_id: str
    relation_id: str
    name: str
    entity_name: str
    entity_value: str | None
    status: int


@dataclass(frozen=True)
class Instance:
    """A reported run of a definition: the UUT report whose root sequence is the definition."""

    report_id: str
    definition_id: str
    serial_number: str
    part_number: str
    revision: str | None
    created: datetime
    last_event_time: datetime


def _definition(row: Any) -> Definition:
    values = dict(row._mapping)
    return Definition(**values)


def _relation(row: Any) -> Relation:
    values = dict(row._mapping)
    for key in ("process_ids", "site_ids"):
        values[key] = tuple(item for item in values[key].split(",") if item)
    return Relation(**values)


def _relation_row(relation: Relation) -> dict[str, Any]:
    row = {f.name: getattr(relation, f.name) for f in fields(Relation)}
    row["process_ids"] = ",".join(relation.process_ids)
    row["site_ids"] = ",".join(relation.site_ids)
    return row


def _overlap(a: str | None, b: str | None) -> bool:
    """Whether two wildcard patterns can select the same value (None or empty: every value)."""
    if not a or not b:
        return True
    return a.lower() == b.lower() or wildcard_match(a, b) or wildcard_match(b, a)


class ManualInspectionStore:
    """NotFound for an unknown definition or relation, Conflict for a change the lifecycle
    forbids, Invalid for a value that breaks a rule."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    # Definitions

    def definitions(self, is_global: bool) -> list[Definition]:
        """The global (or the standard) definitions, by name then version."""
        d = mi_definitions.c
        query = select(mi_definitions).where(d.is_global == is_global).order_by(d.name, d.version)
        with self._engine.connect() as connection:
            return [_definition(row) for row in connection.execute(query)]

    def definition(self, definition_id: str) -> Definition:
        with self._engine.connect() as connection:
            return self._get(connection, definition_id)

    @staticmethod
    def _get(connection: Connection, definition_id: str) -> Definition:
        row = connection.execute(
            select(mi_definitions).where(mi_definitions.c.definition_id == definition_id.lower())
        ).one_or_none()
        if row is None:
            raise NotFound(f"test sequence definition {definition_id!r} not found")
        return _definition(row)

    @staticmethod
    def _next_version(connection: Connection, name: str) -> int:
        latest = connection.execute(
            select(func.max(mi_definitions.c.version)).where(mi_definitions.c.name == name)
        ).scalar()
        return int(latest or 0) + 1

    def create(self, draft: DefinitionDraft, user: str | None) -> Definition:
        """A new Draft definition: version 1, or the next version when the name is in use."""
        _check(draft.name, draft.on_fail_require_repair)
        name = draft.name.strip()
        with self._engine.begin() as connection:
            now = utcnow()
            definition = Definition(
                definition_id=new_id(),
                **{**_values(draft, DefinitionDraft), "name": name},
                version=self._next_version(connection, name),
                created=now,
                created_by=user,
                modified=now,
                modified_by=user,
            )
            connection.execute(mi_definitions.insert().values(**_values(definition, Definition)))
        return definition

    def update(
        self, definition_id: str, edit: DefinitionEdit, status: int | None, user: str | None
    ) -> Definition:
        """Change the fields `edit` sets to new values (a Draft only) and/or move to `status`.
        A renamed Draft keeps its version, which must be free under the new name."""
        _check(edit.name, edit.on_fail_require_repair)
        with self._engine.begin() as connection:
            current = self._get(connection, definition_id)
            edits = edit.changes(current)
            if edits and current.status != DRAFT:
                raise Conflict(
                    f"definition {current.name!r} version {current.version} is "
                    f"{_STATUS_NAMES[current.status]}: only a Draft is edited (copy it instead)"
                )
            if "name" in edits:
                d = mi_definitions.c
                taken = connection.scalar(
                    select(d.definition_id).where(
                        d.name == edits["name"], d.version == current.version
                    )
                )
                if taken is not None:
                    raise Conflict(
                        f"definition {edits['name']!r} version {current.version} exists already"
                    )
            now = utcnow()
            changed = replace(current, **edits, modified=now, modified_by=user)
            if status is not None and status != current.status:
                if (current.status, status) not in _MOVES:
                    raise Conflict(
                        f"definition {current.name!r} version {current.version}: "
                        f"{_STATUS_NAMES[current.status]} cannot become "
                        f"{_STATUS_NAMES.get(status, str(status))}"
                    )
                changed = replace(changed, status=status)
                if status == RELEASED:
                    changed = replace(changed, released=now, released_by=user)
                    self._revoke_released(connection, current.name, now, user)
                elif status == REVOKED:
                    changed = replace(changed, revoked=now, revoked_by=user)
            connection.execute(
                mi_definitions.update()
                .where(mi_definitions.c.definition_id == current.definition_id)
                .values(**_values(changed, Definition))
            )
        return changed

    @staticmethod
    def _revoke_released(
        connection: Connection, name: str, now: datetime, user: str | None
    ) -> None:
        d = mi_definitions.c
        connection.execute(
            mi_definitions.update()
            .where(d.name == name, d.status == RELEASED)
            .values(status=REVOKED, revoked=now, revoked_by=user)
        )

    def copy(self, definition_id: str, user: str | None) -> Definition:
        """The next version of the definition's name, a Draft with its fields, content and
        relations."""
        with self._engine.begin() as connection:
            source = self._get(connection, definition_id)
            now = utcnow()
            copied = replace(
                source,
                definition_id=new_id(),
                version=self._next_version(connection, source.name),
                status=DRAFT,
                created=now,
                created_by=user,
                modified=now,
                modified_by=user,
                released=None,
                released_by=None,
                revoked=None,
                revoked_by=None,
            )
            connection.execute(mi_definitions.insert().values(**_values(copied, Definition)))
            for relation in self._relations(connection, source.definition_id):
                row = _relation_row(
                    replace(relation, relation_id=new_id(), definition_id=copied.definition_id)
                )
                connection.execute(mi_relations.insert().values(**row))
        return copied

    # Content

    def set_content(self, definition_id: str, xaml: str | None, user: str | None) -> Definition:
        """Replace (None: remove) a Draft definition's sequence content."""
        with self._engine.begin() as connection:
            current = self._get(connection, definition_id)
            if current.status != DRAFT:
                raise Conflict(
                    f"definition {current.name!r} version {current.version} is "
                    f"{_STATUS_NAMES[current.status]}: its sequence changes only in a Draft"
                )
            changed = replace(current, xaml=xaml, modified=utcnow(), modified_by=user)
            connection.execute(
                mi_definitions.update()
                .where(mi_definitions.c.definition_id == current.definition_id)
                .values(xaml=xaml, modified=changed.modified, modified_by=user)
            )
        return changed

    def with_content(self) -> list[Definition]:
        """The definitions that have sequence content, by name then version."""
        d = mi_definitions.c
        query = select(mi_definitions).where(d.xaml.is_not(None)).order_by(d.name, d.version)
        with self._engine.connect() as connection:
            return [_definition(row) for row in connection.execute(query)]

    # Relations

    @staticmethod
    def _relations(connection: Connection, definition_id: str) -> list[Relation]:
        query = (
            select(mi_relations)
            .where(mi_relations.c.definition_id == definition_id)
            .order_by(mi_relations.c.entity_name, mi_relations.c.entity_value)
        )
        return [_relation(row) for row in connection.execute(query)]

    def relations(self, definition_id: str) -> list[Relation]:
        with self._engine.connect() as connection:
            definition = self._get(connection, definition_id)
            return self._relations(connection, definition.definition_id)

    def add_relation(self, relation: Relation) -> Relation:
        _check_relation(relation)
        with self._engine.begin() as connection:
            definition = self._get(connection, relation.definition_id)
            relation = replace(
                relation, relation_id=new_id(), definition_id=definition.definition_id
            )
            connection.execute(mi_relations.insert().values(**_relation_row(relation)))
        return relation

    def _relation_of(self, connection: Connection, relation_id: str) -> Relation:
        row = connection.execute(
            select(mi_relations).where(mi_relations.c.relation_id == relation_id.lower())
        ).one_or_none()
        if row is None:
            raise NotFound(f"test sequence relation {relation_id!r} not found")
        return _relation(row)

    def update_relation(self, relation: Relation) -> Relation:
        """Replace the relation with `relation_id`; it stays with its definition."""
        _check_relation(relation)
        with self._engine.begin() as connection:
            current = self._relation_of(connection, relation.relation_id)
            relation = replace(
                relation, relation_id=current.relation_id, definition_id=current.definition_id
            )
            connection.execute(
                mi_relations.update()
                .where(mi_relations.c.relation_id == current.relation_id)
                .values(**_relation_row(relation))
            )
        return relation

    def delete_relation(self, relation_id: str) -> Relation:
        with self._engine.begin() as connection:
            current = self._relation_of(connection, relation_id)
            connection.execute(
                delete(mi_relations).where(mi_relations.c.relation_id == current.relation_id)
            )
        return current

    def conflicts(self, definition_id: str) -> list[RelationOverlap]:
        """Active relations of other definitions (other names, not revoked) on the same entity
        whose values can select a unit this definition's active relations select."""
        with self._engine.connect() as connection:
            definition = self._get(connection, definition_id)
            own = [r for r in self._relations(connection, definition.definition_id) if r.status]
            d, r = mi_definitions.c, mi_relations.c
            others = connection.execute(
                select(mi_relations, d.name)
                .join(mi_definitions, d.definition_id == r.definition_id)
                .where(d.name != definition.name, d.status != REVOKED, r.status != 0)
                .order_by(d.name, r.entity_value)
            ).all()
        return [
            RelationOverlap(
                definition_id=row.definition_id,
                relation_id=row.relation_id,
                name=row.name,
                entity_name=row.entity_name,
                entity_value=row.entity_value,
                status=row.status,
            )
            for row in others
            if any(
                mine.entity_name.lower() == row.entity_name.lower()
                and (mine.entity_key or "").lower() == (row.entity_key or "").lower()
                and _overlap(mine.entity_value, row.entity_value)
                for mine in own
            )
        ]

    # Runs

    def instances_count(self, definition_id: str) -> int:
        definition = self.definition(definition_id)
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).where(*self._runs_of(definition))
                ).scalar_one()
            )

    @staticmethod
    def _runs_of(definition: Definition) -> list[Any]:
        r = reports.c
        return [
            r.report_type == "T",
            r.sw_filename == definition.name,
            r.sw_version == str(definition.version),
        ]

    def instance(self, report_id: str) -> Instance:
        """The run reported as `report_id`; NotFound when that report is no definition's run."""
        r, d = reports.c, mi_definitions.c
        query = (
            select(
                r.report_id,
                d.definition_id,
                r.serial_number,
                r.part_number,
                r.revision,
                r.start_utc,
                r.execution_time,
            )
            .join(
                mi_definitions,
                (d.name == r.sw_filename) & (func.cast(d.version, String) == r.sw_version),
            )
            .where(r.report_id == report_id.lower(), r.report_type == "T")
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise NotFound(f"report {report_id!r} is no run of a manual inspection definition")
        seconds = row.execution_time or 0.0
        return Instance(
            report_id=row.report_id,
            definition_id=row.definition_id,
            serial_number=row.serial_number,
            part_number=row.part_number,
            revision=row.revision,
            created=row.start_utc,
            last_event_time=row.start_utc + timedelta(seconds=seconds),
        )


def _check(name: str | Keep, on_fail_require_repair: int | Keep) -> None:
    if name is not KEEP and not name.strip():
        raise Invalid("Name: required, expected the definition's name")
    if on_fail_require_repair is not KEEP and on_fail_require_repair not in (0, 1, 2):
        raise Invalid(
            "OnFailRequireRepair: expected 0 (disabled), 1 (optional) or 2 (required), got "
            f"{on_fail_require_repair!r}"
        )


def _values(record: object, kind: type) -> dict[str, Any]:
    """The fields `kind` declares, read from `record`, by name."""
    return {f.name: getattr(record, f.name) for f in fields(kind)}


def _check_relation(relation: Relation) -> None:
    if not relation.entity_schema.strip():
        raise Invalid("EntitySchema: required, e.g. 'product'")
    if not relation.entity_name.strip():
        raise Invalid("EntityName: required, e.g. 'product'")
