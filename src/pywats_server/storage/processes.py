"""Processes (test, repair and WIP operations) and the fail-code trees of repair operations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    select,
)

from pywats.report import Operations

from ._database import Database
from ._metadata import metadata
from ._prepared import Prepared

__all__ = [
    "SEED_PROCESSES",
    "SEED_REPAIR_TREE",
    "Process",
    "ProcessStore",
    "RepairCategory",
    "RepairOperation",
    "processes",
    "repair_categories",
    "repair_operations",
]

processes = Table(
    "processes",
    metadata,
    Column("code", Integer, primary_key=True, autoincrement=False),
    Column("process_id", String(36), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("description", String(500), nullable=True),
    Column("is_test", Boolean, nullable=False),
    Column("is_repair", Boolean, nullable=False),
    Column("is_wip", Boolean, nullable=False),
    Column("process_index", Integer, nullable=False),
    Column("state", Integer, nullable=False),
)

repair_operations = Table(
    "repair_operations",
    metadata,
    Column("code", Integer, ForeignKey("processes.code"), primary_key=True, autoincrement=False),
    Column("description", String(500), nullable=True),
    Column("uut_required", Integer, nullable=False),
    Column("comp_ref_mask", String(500), nullable=True),
    Column("comp_ref_mask_description", String(500), nullable=True),
    Column("bom_constraint", String(100), nullable=True),
    Column("bom_required", Integer, nullable=False),
    Column("vendor_required", Integer, nullable=False),
)

repair_categories = Table(
    "repair_categories",
    metadata,
    Column("guid", String(36), primary_key=True),
    Column("code", Integer, ForeignKey("repair_operations.code"), nullable=False, index=True),
    Column("parent_guid", String(36), nullable=True),
    Column("description", String(200), nullable=False),
    Column("selectable", Boolean, nullable=False),
    Column("sort_order", Integer, nullable=False),
    Column("failure_type", Integer, nullable=False),
    Column("image_constraint", String(100), nullable=True),
    Column("status", Integer, nullable=False),
)


@dataclass(frozen=True)
class Process:
    """A process; `state` 1 is active. Exactly the flags it has decide where it may be used."""

    code: int
    name: str
    description: str | None = None
    is_test: bool = False
    is_repair: bool = False
    is_wip: bool = False
    process_index: int = 0
    state: int = 1
    process_id: str = ""


@dataclass(frozen=True)
class RepairCategory:
    """A node of a fail-code tree: categories at the top, fail codes below."""

    description: str
    guid: str = ""
    selectable: bool = True
    sort_order: int = 0
    failure_type: int = 0
    image_constraint: str | None = None
    status: int = 1
    children: tuple[RepairCategory, ...] = ()


@dataclass(frozen=True)
class RepairOperation:
    """The configuration of one repair process, with its fail-code tree."""

    code: int
    description: str | None = None
    uut_required: int = 1
    comp_ref_mask: str | None = None
    comp_ref_mask_description: str | None = None
    bom_constraint: str | None = None
    bom_required: int = 0
    vendor_required: int = 0
    categories: tuple[RepairCategory, ...] = field(default_factory=tuple)


_NAMESPACE = uuid.UUID("5d1c3a52-7f0e-4b8e-9a57-3c1f6f0b2a10")


def _stable_id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(part) for part in parts)))


SEED_PROCESSES = (
    Process(10, "SW Debug", "Software debugging runs", is_test=True, process_index=10),
    Process(50, "PCBA test", "Board-level functional test", is_test=True, process_index=50),
    Process(90, "Burn In test", "Burn-in under temperature", is_test=True, process_index=90),
    Process(100, "End of line test", "Final test of the product", is_test=True, process_index=100),
    Process(500, "Repair", "Production repair", is_repair=True, process_index=500),
    Process(510, "RMA repair", "Repair of returned units", is_repair=True, process_index=510),
)

SEED_REPAIR_TREE = (
    RepairCategory(
        "Component",
        children=tuple(
            RepairCategory(code)
            for code in ("Burned Component", "Wrong value", "Missing component", "Wrong component")
        ),
    ),
    RepairCategory(
        "Soldering",
        children=tuple(
            RepairCategory(code) for code in ("Short circuit", "Open joint", "Cold solder joint")
        ),
    ),
    RepairCategory("Other", children=(RepairCategory("No fault found"),)),
)


def _flatten(
    code: int, nodes: Sequence[RepairCategory], parent: str | None
) -> Iterable[dict[str, object]]:
    for order, node in enumerate(nodes):
        guid = node.guid or _stable_id(code, parent, node.description)
        yield {
            "guid": guid,
            "code": code,
            "parent_guid": parent,
            "description": node.description,
            "selectable": node.selectable,
            "sort_order": node.sort_order or order,
            "failure_type": node.failure_type,
            "image_constraint": node.image_constraint,
            "status": node.status,
        }
        yield from _flatten(code, node.children, guid)


def _process_row(process: Process) -> dict[str, object]:
    return {
        "code": process.code,
        "process_id": process.process_id or _stable_id("process", process.code),
        "name": process.name,
        "description": process.description,
        "is_test": process.is_test,
        "is_repair": process.is_repair,
        "is_wip": process.is_wip,
        "process_index": process.process_index,
        "state": process.state,
    }


def _repair_row(operation: RepairOperation) -> dict[str, object]:
    return {
        "code": operation.code,
        "description": operation.description,
        "uut_required": operation.uut_required,
        "comp_ref_mask": operation.comp_ref_mask,
        "comp_ref_mask_description": operation.comp_ref_mask_description,
        "bom_constraint": operation.bom_constraint,
        "bom_required": operation.bom_required,
        "vendor_required": operation.vendor_required,
    }


def seed_processes(connection: Connection) -> None:
    """Insert the seed processes and a fail-code tree for each seeded repair operation."""
    connection.execute(processes.insert(), [_process_row(p) for p in SEED_PROCESSES])
    for process in SEED_PROCESSES:
        if process.is_repair:
            operation = RepairOperation(
                process.code, process.description, categories=SEED_REPAIR_TREE
            )
            connection.execute(repair_operations.insert(), [_repair_row(operation)])
            connection.execute(
                repair_categories.insert(), list(_flatten(process.code, SEED_REPAIR_TREE, None))
            )


_OPERATION_ROWS = (
    Prepared(lambda _: select(processes.c.code, processes.c.is_test, processes.c.is_repair)),
    Prepared(lambda _: select(repair_operations.c.code, repair_operations.c.uut_required)),
    Prepared(
        lambda _: select(
            repair_categories.c.code,
            repair_categories.c.guid,
            repair_categories.c.parent_guid,
            repair_categories.c.description,
        ).order_by(repair_categories.c.sort_order, repair_categories.c.description)
    ),
)


def _operations(
    process_rows: Sequence[tuple[Any, ...]],
    repair_rows: Sequence[tuple[Any, ...]],
    category_rows: Sequence[tuple[Any, ...]],
) -> Operations:
    """`Operations` from the rows of `_OPERATION_ROWS`: every fail code of a repair operation
    under the description of its top category."""
    children: dict[tuple[int, str | None], list[tuple[str, str]]] = {}
    for code, guid, parent, description in category_rows:
        children.setdefault((code, parent), []).append((guid, description))

    def below(code: int, guid: str) -> frozenset[str]:
        nodes = children.get((code, guid), [])
        return frozenset(d for _, d in nodes).union(*(below(code, g) for g, _ in nodes))

    return Operations(
        test=frozenset(code for code, is_test, _ in process_rows if is_test),
        repair=frozenset(code for code, _, is_repair in process_rows if is_repair),
        fail_codes={
            code: {d: below(code, guid) for guid, d in children.get((code, None), [])}
            for code, _ in repair_rows
        },
        uut_required=frozenset(code for code, required in repair_rows if required),
    )


class ProcessStore:
    """Reads and edits processes and repair-operation configurations."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        # The rows `operations` last read and what it built from them, replaced as one value
        # (no lock: threads that race build the same thing).
        self._operations: tuple[tuple[tuple[tuple[Any, ...], ...], ...], Operations] | None = None

    def all(self) -> list[Process]:
        """Every process, ordered by process index then code."""
        query = select(processes).order_by(processes.c.process_index, processes.c.code)
        with self._engine.connect() as connection:
            return [Process(**row._mapping) for row in connection.execute(query)]

    def get(self, *, code: int | None = None, process_id: str | None = None) -> Process | None:
        """One process by code or by process id (case-insensitive); None when absent."""
        query = select(processes)
        if code is not None:
            query = query.where(processes.c.code == code)
        if process_id is not None:
            query = query.where(processes.c.process_id == process_id.lower())
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else Process(**row._mapping)

    def names(self) -> dict[int, str]:
        """Process names by code."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(processes.c.code, processes.c.name))
            return {int(code): str(name) for code, name in rows}

    def save(self, process: Process) -> Process:
        """Create or update the process with `process.code`; returns it as stored."""
        existing = self.get(code=process.code)
        if existing is not None:
            process = replace(process, process_id=existing.process_id)
        row = _process_row(process)
        with self._engine.begin() as connection:
            if existing is None:
                connection.execute(processes.insert().values(**row))
            else:
                connection.execute(
                    processes.update().where(processes.c.code == process.code).values(**row)
                )
        stored = self.get(code=process.code)
        assert stored is not None
        return stored

    def delete(self, code: int) -> bool:
        """Delete a process and its repair configuration; False when it does not exist."""
        with self._engine.begin() as connection:
            connection.execute(delete(repair_categories).where(repair_categories.c.code == code))
            connection.execute(delete(repair_operations).where(repair_operations.c.code == code))
            result = connection.execute(delete(processes).where(processes.c.code == code))
        return result.rowcount > 0

    def operations(self) -> Operations:
        """What the submit rules check process codes and fail codes against.

        Read for every submitted report, so that an edit through any server over the database
        counts from the next report on: the few columns the rules need are read on the
        driver's cursor, and the `Operations` are built again only when those rows changed.
        """
        with self._engine.connect() as connection:
            rows = tuple(tuple(query.run(connection, {})) for query in _OPERATION_ROWS)
        remembered = self._operations
        if remembered is not None and remembered[0] == rows:
            return remembered[1]
        built = _operations(*rows)
        self._operations = (rows, built)
        return built

    def repair_operations(self) -> list[RepairOperation]:
        """The configuration of every repair operation that has one, by code."""
        with self._engine.connect() as connection:
            configs = connection.execute(
                select(repair_operations).order_by(repair_operations.c.code)
            ).all()
            nodes = connection.execute(
                select(repair_categories).order_by(
                    repair_categories.c.sort_order, repair_categories.c.description
                )
            ).all()
        children: dict[tuple[int, str | None], list[dict[str, object]]] = {}
        for node in nodes:
            children.setdefault((node.code, node.parent_guid), []).append(dict(node._mapping))

        def build(code: int, parent: str | None) -> tuple[RepairCategory, ...]:
            return tuple(
                RepairCategory(
                    description=str(n["description"]),
                    guid=str(n["guid"]),
                    selectable=bool(n["selectable"]),
                    sort_order=int(str(n["sort_order"])),
                    failure_type=int(str(n["failure_type"])),
                    image_constraint=None
                    if n["image_constraint"] is None
                    else str(n["image_constraint"]),
                    status=int(str(n["status"])),
                    children=build(code, str(n["guid"])),
                )
                for n in children.get((code, parent), [])
            )

        return [
            RepairOperation(**config._mapping, categories=build(config.code, None))
            for config in configs
        ]

    def save_repair_operation(self, operation: RepairOperation) -> RepairOperation:
        """Replace the configuration and fail-code tree of a repair operation."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(repair_categories).where(repair_categories.c.code == operation.code)
            )
            connection.execute(
                delete(repair_operations).where(repair_operations.c.code == operation.code)
            )
            connection.execute(repair_operations.insert().values(**_repair_row(operation)))
            rows = list(_flatten(operation.code, operation.categories, None))
            if rows:
                connection.execute(repair_categories.insert(), rows)
        return next(op for op in self.repair_operations() if op.code == operation.code)
