"""Production units by (serial number, part number): phases, sub-unit hierarchy and history.

Box-build rules for `add_child`: the child exists and is in no other unit; the parent's product
revision has a relation to the child's product whose revision rule accepts the child's revision;
the relation's quantity is not yet reached; a unit never (indirectly) contains itself.
A scrapped unit's phase cannot change. Every change to revision, parent or phase is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Insert,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    select,
    union_all,
)

from ._database import Database
from ._domain import KEEP, Conflict, Invalid, Keep, NotFound, as_utc, utcnow
from ._metadata import BigId, metadata
from ._prepared import Prepared, chunks
from ._tags import Tag, TagChange, apply_tags, read_tags, tag_table
from .product_structure import ProductStructureStore, RevisionRelation
from .products import ProductStore

__all__ = [
    "PHASES",
    "SCRAPPED",
    "ChildCheck",
    "ChildRequirement",
    "Unit",
    "UnitChange",
    "UnitFields",
    "UnitPhase",
    "UnitStore",
    "register_tested_units",
    "seed_phases",
    "unit_changes",
    "unit_phases",
    "units",
]

unit_phases = Table(
    "unit_phases",
    metadata,
    Column("phase_id", Integer, primary_key=True, autoincrement=False),
    Column("code", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("description", String(500)),
)

units = Table(
    "units",
    metadata,
    Column("unit_pk", BigId, primary_key=True, autoincrement=True),
    Column("serial_number", String(200), nullable=False),
    Column("part_number", String(200), nullable=False),
    Column("revision", String(200)),
    Column("parent_pk", BigId, ForeignKey("units.unit_pk"), index=True),
    Column("batch_number", String(200), index=True),
    Column("serial_date", DateTime, nullable=False),
    Column("current_location", String(200)),
    Column("xml_data", Text),
    Column("phase_id", Integer, ForeignKey("unit_phases.phase_id"), nullable=False),
    Column("process_code", Integer),
    UniqueConstraint("serial_number", "part_number"),
)

unit_tags = tag_table("unit_tags", "unit_pk", "units.unit_pk", BigId)

unit_changes = Table(
    "unit_changes",
    metadata,
    Column("change_id", BigId, primary_key=True, autoincrement=True),
    Column("unit_pk", BigId, ForeignKey("units.unit_pk"), nullable=False, index=True),
    Column("changed_utc", DateTime, nullable=False),
    Column("new_parent_serial_number", String(200)),
    Column("new_part_number", String(200)),
    Column("new_revision", String(200)),
    Column("new_unit_phase_id", Integer),
    Column("comment", Text),
)

PHASES = (
    (1, "Unknown"),
    (2, "Under production"),
    (4, "Production repair"),
    (8, "Service repair"),
    (16, "Finalized"),
    (32, "Scrapped"),
    (64, "Extended test"),
    (128, "Customization"),
    (256, "Repaired"),
    (512, "Missing"),
    (1024, "In storage"),
    (2048, "Shipped"),
)
UNDER_PRODUCTION, SCRAPPED = 2, 32


def seed_phases(connection: Connection) -> None:
    """Insert the WATS unit phases (bit-valued ids, §9.3 of the REST spec)."""
    rows = [{"phase_id": i, "code": n.replace(" ", ""), "name": n} for i, n in PHASES]
    connection.execute(unit_phases.insert(), rows)


def _register(size: int) -> Insert:
    """Insert `size` numbered units (serial, part, revision, date; phase `phase`), each unless
    registered already, in the order given."""
    u = units.c
    columns = (u.serial_number, u.part_number, u.revision, u.serial_date)
    arms = []
    for index in range(size):
        serial, part, revision, date = (
            bindparam(f"{field}{index}", type_=column.type)
            for field, column in zip(("serial", "part", "revision", "date"), columns, strict=True)
        )
        known = select(u.unit_pk).where(u.serial_number == serial, u.part_number == part)
        arms.append(
            select(serial, part, revision, date, bindparam("phase", type_=u.phase_id.type)).where(
                ~known.exists()
            )
        )
    rows = arms[0] if size == 1 else union_all(*arms)
    return units.insert().from_select([*columns, u.phase_id], rows)


_REGISTER = Prepared(_register)


def register_tested_units(
    connection: Connection, tested: Mapping[tuple[str, str], tuple[str, datetime]]
) -> None:
    """Register the units that reports name and production does not know yet, as WATS does with a
    unit's first report: (serial, part) -> (revision, start) of that report; phase Under
    production."""
    # In one order everywhere: servers sharing PostgreSQL that register the same unit at once
    # wait on the unique index in the same order (the loser's batch retries and finds it).
    # The statement goes to the driver, past the engine's width check: the values come from
    # report headers, checked against the same widths by `extract_rows`.
    for chunk in chunks(sorted(tested.items())):
        values: dict[str, Any] = {"phase": UNDER_PRODUCTION}
        for index, ((serial, part), (revision, start)) in enumerate(chunk):
            values.update(
                {
                    f"serial{index}": serial,
                    f"part{index}": part,
                    f"revision{index}": revision,
                    f"date{index}": start,
                }
            )
        _REGISTER.run(connection, values, len(chunk))


@dataclass(frozen=True, slots=True)
class UnitPhase:
    phase_id: int
    code: str
    name: str
    description: str | None


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit with its sub-units (as deep as asked)."""

    serial_number: str
    part_number: str
    revision: str | None
    parent_serial_number: str | None
    batch_number: str | None
    serial_date: datetime | None
    current_location: str | None
    xml_data: str | None
    unit_phase_id: int | None
    unit_phase: str | None
    process_code: int | None
    tags: list[Tag]
    sub_units: list[Unit]


@dataclass(frozen=True, slots=True)
class UnitFields:
    """A unit to create or update, by serial number and part number. `KEEP` leaves a stored
    field as it is; the phase (default: under production) and serial date (default: now) are
    used when the unit is created."""

    serial_number: str
    part_number: str
    revision: str | Keep | None = KEEP
    batch_number: str | Keep | None = KEEP
    current_location: str | Keep | None = KEEP
    xml_data: str | Keep | None = KEEP
    process_code: int | Keep | None = KEEP
    unit_phase_id: int | None = None
    serial_date: datetime | None = None
    tags: list[TagChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChildRequirement:
    """One box-build relation of a unit: the sub-units it requires and holds."""

    child_part_number: str
    revision_mask: str | None
    required: int
    present: int


@dataclass(frozen=True, slots=True)
class ChildCheck:
    serial_number: str
    part_number: str
    is_complete: bool
    items: list[ChildRequirement]


@dataclass(frozen=True, slots=True)
class UnitChange:
    """A recorded change of a unit; the `new_…` fields that changed are set."""

    id: int
    unit_serial_number: str
    part_number: str
    changed_utc: datetime
    new_parent_serial_number: str | None
    new_part_number: str | None
    new_revision: str | None
    new_unit_phase_id: int | None
    comment: str | None


class UnitStore:
    """Units and their structure."""

    def __init__(
        self, database: Database, products: ProductStore, structure: ProductStructureStore
    ) -> None:
        self._engine = database.engine
        self._products = products
        self._structure = structure

    def phases(self) -> list[UnitPhase]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(unit_phases).order_by(unit_phases.c.phase_id))
            return [UnitPhase(r.phase_id, r.code, r.name, r.description) for r in rows]

    def get(self, serial_number: str, part_number: str) -> Unit:
        with self._engine.connect() as connection:
            return self._unit(connection, self._pk(connection, serial_number, part_number), 1)

    def hierarchy(self, serial_number: str, part_number: str) -> Unit:
        """The unit with its sub-units to any depth."""
        with self._engine.connect() as connection:
            return self._unit(connection, self._pk(connection, serial_number, part_number), None)

    def save(self, units_: Sequence[UnitFields]) -> list[Unit]:
        """Create or update units by (serial number, part number), all or none."""
        with self._engine.begin() as connection:
            pks = [self._save(connection, unit) for unit in units_]
            return [self._unit(connection, pk, 1) for pk in pks]

    def create(self, unit: UnitFields) -> Unit:
        """Register a new unit; Conflict when the serial number is taken for that product."""
        with self._engine.begin() as connection:
            if self._find(connection, unit.serial_number, unit.part_number) is not None:
                name = f"unit {unit.serial_number!r} of product {unit.part_number!r}"
                raise Conflict(f"{name} already exists")
            return self._unit(connection, self._save(connection, unit), 1)

    def set_phase(
        self, serial_number: str, part_number: str, phase: str, comment: str | None
    ) -> None:
        """Move a unit to a phase given by id (`"16"`), name or code (`"Finalized"`)."""
        with self._engine.begin() as connection:
            pk = self._pk(connection, serial_number, part_number)
            phase_id = self._phase_id(connection, phase)
            current = connection.scalar(select(units.c.phase_id).where(units.c.unit_pk == pk))
            if current == SCRAPPED and phase_id != SCRAPPED:
                raise Conflict(f"unit {serial_number!r} is scrapped: its phase cannot change")
            if current != phase_id:
                connection.execute(
                    units.update().where(units.c.unit_pk == pk).values(phase_id=phase_id)
                )
                self._record(connection, pk, new_unit_phase_id=phase_id, comment=comment)

    def set_process(
        self, serial_number: str, part_number: str, process_code: int | None, comment: str | None
    ) -> None:
        with self._engine.begin() as connection:
            pk = self._pk(connection, serial_number, part_number)
            connection.execute(
                units.update().where(units.c.unit_pk == pk).values(process_code=process_code)
            )
            self._record(connection, pk, comment=comment or f"process set to {process_code}")

    def add_child(self, parent: tuple[str, str], child: tuple[str, str]) -> None:
        """Build unit `child` into unit `parent` (each `(serial number, part number)`)."""
        with self._engine.begin() as connection:
            parent_pk, child_pk = self._pk(connection, *parent), self._pk(connection, *child)
            child_row = connection.execute(select(units).where(units.c.unit_pk == child_pk)).one()
            if child_row.parent_pk is not None:
                holder = connection.execute(
                    select(units.c.serial_number, units.c.part_number).where(
                        units.c.unit_pk == child_row.parent_pk
                    )
                ).one()
                raise Conflict(
                    f"unit {child[0]!r} is already in unit {holder[0]!r} ({holder[1]}); "
                    "remove it there first"
                )
            if parent_pk == child_pk or child_pk in self._ancestors(connection, parent_pk):
                raise Invalid(f"unit {child[0]!r} contains unit {parent[0]!r}: no cycles")
            relation = self._relation_for(connection, parent_pk, parent, child)
            if not self._structure.accepts(relation, child_row.revision):
                rule = relation.revision_mask or relation.child_revision
                raise Invalid(
                    f"unit {child[0]!r} has revision {child_row.revision!r}; the box build of "
                    f"{parent[1]!r} accepts {rule!r}"
                )
            present = (
                connection.scalar(
                    select(func.count()).where(
                        units.c.parent_pk == parent_pk, units.c.part_number == child[1]
                    )
                )
                or 0
            )
            if present >= relation.quantity:
                raise Conflict(
                    f"unit {parent[0]!r} already holds {present} of {relation.quantity} "
                    f"{child[1]!r} allowed by its box build"
                )
            connection.execute(
                units.update().where(units.c.unit_pk == child_pk).values(parent_pk=parent_pk)
            )
            self._record(connection, child_pk, new_parent_serial_number=parent[0])

    def remove_child(self, parent: tuple[str, str], child: tuple[str, str]) -> None:
        with self._engine.begin() as connection:
            parent_pk, child_pk = self._pk(connection, *parent), self._pk(connection, *child)
            removed = connection.execute(
                units.update()
                .where(units.c.unit_pk == child_pk, units.c.parent_pk == parent_pk)
                .values(parent_pk=None)
            )
            if removed.rowcount == 0:
                raise NotFound(f"unit {child[0]!r} is not a sub-unit of unit {parent[0]!r}")
            self._record(connection, child_pk, new_parent_serial_number="", comment="removed")

    def check_children(
        self, serial_number: str, part_number: str, revision: str | None
    ) -> ChildCheck:
        """Compare the unit's sub-units with its box build: required vs present per child."""
        with self._engine.connect() as connection:
            pk = self._pk(connection, serial_number, part_number)
            revision = revision or connection.scalar(
                select(units.c.revision).where(units.c.unit_pk == pk)
            )
            if not revision:
                raise Invalid(f"revision: unit {serial_number!r} has none; give one to check")
            revision_id = self._products.revision_id(connection, part_number, revision)
            items = []
            for relation in self._structure.relations(connection, revision_id):
                present = connection.scalar(
                    select(func.count()).where(
                        units.c.parent_pk == pk, units.c.part_number == relation.child_part_number
                    )
                )
                items.append(
                    ChildRequirement(
                        relation.child_part_number,
                        relation.revision_mask or relation.child_revision,
                        relation.quantity,
                        present or 0,
                    )
                )
        complete = all(item.present >= item.required for item in items)
        return ChildCheck(serial_number, part_number, complete, items)

    def changes(
        self, serial_number: str | None, part_number: str | None, top: int | None, skip: int | None
    ) -> list[UnitChange]:
        """Recorded changes, oldest first, optionally of one unit."""
        c = unit_changes.c
        query = (
            select(unit_changes, units.c.serial_number, units.c.part_number)
            .join(units, units.c.unit_pk == c.unit_pk)
            .order_by(c.change_id)
        )
        if serial_number is not None:
            query = query.where(units.c.serial_number == serial_number)
        if part_number is not None:
            query = query.where(units.c.part_number == part_number)
        query = query.offset(skip or 0).limit(top)
        with self._engine.connect() as connection:
            return [
                UnitChange(
                    id=row.change_id,
                    unit_serial_number=row.serial_number,
                    part_number=row.part_number,
                    changed_utc=row.changed_utc,
                    new_parent_serial_number=row.new_parent_serial_number,
                    new_part_number=row.new_part_number,
                    new_revision=row.new_revision,
                    new_unit_phase_id=row.new_unit_phase_id,
                    comment=row.comment,
                )
                for row in connection.execute(query)
            ]

    def delete_change(self, change_id: int) -> None:
        with self._engine.begin() as connection:
            deleted = connection.execute(
                unit_changes.delete().where(unit_changes.c.change_id == change_id)
            )
        if deleted.rowcount == 0:
            raise NotFound(f"unit change {change_id} not found")

    # -- internals ----------------------------------------------------------------------------

    def _phase_id(self, connection: Connection, phase: str) -> int:
        p = unit_phases.c
        wanted = phase.strip()
        if wanted.isdigit():
            condition = p.phase_id == int(wanted)
        else:
            key = wanted.replace(" ", "").lower()
            condition = (func.lower(p.code) == key) | (func.lower(p.name) == wanted.lower())
        found = connection.scalar(select(p.phase_id).where(condition))
        if found is None:
            known = ", ".join(f"{i} {n}" for i, n in PHASES)
            raise Invalid(f"phase: unknown unit phase {phase!r}; expected an id or name of {known}")
        return int(found)

    def _find(self, connection: Connection, serial_number: str, part_number: str) -> int | None:
        found = connection.scalar(
            select(units.c.unit_pk).where(
                units.c.serial_number == serial_number, units.c.part_number == part_number
            )
        )
        return None if found is None else int(found)

    def _pk(self, connection: Connection, serial_number: str, part_number: str) -> int:
        found = self._find(connection, serial_number, part_number)
        if found is None:
            raise NotFound(f"unit {serial_number!r} of product {part_number!r} not found")
        return found

    def _save(self, connection: Connection, unit: UnitFields) -> int:
        serial_number, part_number = unit.serial_number, unit.part_number
        self._products.product_id(connection, part_number)
        revision = unit.revision
        if isinstance(revision, str):
            self._products.revision_id(connection, part_number, revision)
        given = {
            "revision": revision,
            "batch_number": unit.batch_number,
            "current_location": unit.current_location,
            "xml_data": unit.xml_data,
            "process_code": unit.process_code,
        }
        values = {column: value for column, value in given.items() if value is not KEEP}
        pk = self._find(connection, serial_number, part_number)
        if pk is None:
            phase = (
                UNDER_PRODUCTION
                if unit.unit_phase_id is None
                else self._phase_id(connection, str(unit.unit_phase_id))
            )
            key = connection.execute(
                units.insert().values(
                    serial_number=serial_number,
                    part_number=part_number,
                    serial_date=as_utc(unit.serial_date) or utcnow(),
                    phase_id=phase,
                    **values,
                )
            ).inserted_primary_key
            assert key is not None
            pk = int(key[0])
            self._record(
                connection,
                pk,
                new_part_number=part_number,
                new_revision=values.get("revision"),
                new_unit_phase_id=phase,
                comment="created",
            )
        else:
            old = connection.execute(select(units).where(units.c.unit_pk == pk)).one()
            if values:
                connection.execute(units.update().where(units.c.unit_pk == pk).values(**values))
            if isinstance(revision, str) and revision != old.revision:
                self._record(connection, pk, new_revision=revision)
        apply_tags(connection, unit_tags, "unit_pk", pk, unit.tags)
        return pk

    def _record(self, connection: Connection, pk: int, **values: Any) -> None:
        connection.execute(unit_changes.insert().values(unit_pk=pk, changed_utc=utcnow(), **values))

    def _ancestors(self, connection: Connection, pk: int) -> set[int]:
        seen: set[int] = set()
        current = connection.scalar(select(units.c.parent_pk).where(units.c.unit_pk == pk))
        while current is not None and current not in seen:
            seen.add(int(current))
            current = connection.scalar(select(units.c.parent_pk).where(units.c.unit_pk == current))
        return seen

    def _relation_for(
        self,
        connection: Connection,
        parent_pk: int,
        parent: tuple[str, str],
        child: tuple[str, str],
    ) -> RevisionRelation:
        revision = connection.scalar(select(units.c.revision).where(units.c.unit_pk == parent_pk))
        if not revision:
            raise Invalid(f"unit {parent[0]!r} has no revision, so no box build to check against")
        revision_id = self._products.revision_id(connection, parent[1], revision)
        for relation in self._structure.relations(connection, revision_id):
            if relation.child_part_number == child[1]:
                return relation
        raise Invalid(
            f"the box build of {parent[1]!r} revision {revision!r} has no {child[1]!r} sub-assembly"
        )

    def _unit(self, connection: Connection, pk: int, depth: int | None) -> Unit:
        row = connection.execute(
            select(units, unit_phases.c.name.label("phase_name"))
            .join(unit_phases, unit_phases.c.phase_id == units.c.phase_id)
            .where(units.c.unit_pk == pk)
        ).one()
        parent = None
        if row.parent_pk is not None:
            parent = connection.scalar(
                select(units.c.serial_number).where(units.c.unit_pk == row.parent_pk)
            )
        sub_units = []
        if depth is None or depth > 0:
            children = connection.scalars(
                select(units.c.unit_pk).where(units.c.parent_pk == pk).order_by(units.c.unit_pk)
            ).all()
            deeper = None if depth is None else depth - 1
            sub_units = [self._unit(connection, child, deeper) for child in children]
        return Unit(
            serial_number=row.serial_number,
            part_number=row.part_number,
            revision=row.revision,
            parent_serial_number=parent,
            batch_number=row.batch_number,
            serial_date=row.serial_date,
            current_location=row.current_location,
            xml_data=row.xml_data,
            unit_phase_id=row.phase_id,
            unit_phase=row.phase_name,
            process_code=row.process_code,
            tags=read_tags(connection, unit_tags, "unit_pk", pk),
            sub_units=sub_units,
        )
