"""Storing reports: verbatim documents plus their index rows. The same id, or the same WATS
identity (serial, part number, operation, start), replaces the report.

The first receipt of a report id counts the uses of the registered assets it lists; a
resubmission (a station resending after a lost acknowledgement) replaces the rows only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError

from ._asset_usage import count_uses_by_serial
from ._bulk_insert import insert_rows
from ._database import Database
from ._domain import utcnow
from ._group_commit import GroupCommit
from ._prepared import (
    CHUNK,
    Prepared,
    chunks,
    equals_one_of,
    numbered,
    numbered_binds,
    numbered_keys,
)
from ._report_rows import ReportRows
from ._report_shapes import Layout, ShapeCache, row_layout, shape_pks
from ._report_units import UnitKey, refresh_units
from .processes import processes
from .products import products
from .report_tables import (
    CHILD_TABLES,
    report_attachments,
    report_documents,
    reports,
)
from .units import register_tested_units

__all__ = ["Attachment", "ReportStore", "StoredDocument", "Submission"]


@dataclass(frozen=True)
class Submission:
    """One report to store: its index rows and the document exactly as submitted."""

    rows: ReportRows
    document: bytes
    format: str  # "wsjf" or "wsxf"


@dataclass(frozen=True)
class StoredDocument:
    """A report's document as submitted, with the values the server derives for its exports."""

    format: str
    body: bytes
    start_utc: datetime
    process_name: str | None
    product_name: str | None
    origin: str | None


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    step_id: int | None
    name: str
    content_type: str
    description: str | None
    data: bytes


# Reports per shared transaction at most: bounds how long one transaction holds the write lock,
# and makes a batch's statements run in one chunk each (see `_prepared`).
_GROUP_LIMIT = CHUNK

_HEADER_COLUMNS = tuple(c.name for c in reports.columns if c.name != "report_pk")
_IDENTITY_FIELDS = ("type", "serial", "part", "code", "start")


def _stored(size: int) -> Select[Any]:
    """The stored reports with one of `size` numbered ids or identities, locked, by pk."""
    c = reports.c
    columns = (c.report_type, c.serial_number, c.part_number, c.process_code, c.start_utc)
    return (
        select(c.report_id, c.report_pk, c.receive_count, *columns)
        .where(
            or_(
                c.report_id.in_(numbered_binds("id", c.report_id.type, size)),
                equals_one_of(columns, _IDENTITY_FIELDS, size),
            )
        )
        .order_by(c.report_pk)
        .with_for_update()
    )


def _process_name(value: BindParameter[Any], code: BindParameter[Any]) -> ColumnElement[Any]:
    """The sent process name, else the name the server's processes give `code` (else null):
    looked up in the statement that writes it, not in a query of its own."""
    p = processes.c
    return func.coalesce(value, select(p.name).where(p.code == code).scalar_subquery())


def _insert_headers(size: int) -> Insert:
    c = reports.c
    rows = []
    for index in range(size):
        row: dict[str, Any] = {
            name: bindparam(f"{name}_{index}", type_=c[name].type) for name in _HEADER_COLUMNS
        }
        row["process_name"] = _process_name(row["process_name"], row["process_code"])
        rows.append(row)
    return reports.insert().values(rows).returning(c.report_pk, c.report_id)


def _update_header(_: int) -> Update:
    c = reports.c
    values: dict[str, Any] = {
        name: bindparam(f"v_{name}", type_=c[name].type) for name in _HEADER_COLUMNS
    }
    values["process_name"] = _process_name(values["process_name"], values["process_code"])
    values["receive_count"] = c.receive_count + bindparam("extra", type_=c.receive_count.type)
    return reports.update().where(c.report_pk == bindparam("pk")).values(values)


def _delete_children(table: Table) -> Prepared:
    return Prepared(lambda _: delete(table).where(table.c.report_pk == bindparam("pk")))


# The statements of a save, built once (see `_prepared`).
_STORED = Prepared(_stored)
_INSERT_HEADERS = Prepared(_insert_headers)
_UPDATE_HEADER = Prepared(_update_header)
_DELETE_CHILDREN = {table: _delete_children(table) for table in CHILD_TABLES}


class ReportStore:
    """Writes and reads reports. Every write is one transaction: all of a batch, or nothing."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        self._database = database
        self._group = GroupCommit(self.save_many, limit=_GROUP_LIMIT)
        self._shapes = ShapeCache()

    def save(self, submission: Submission) -> None:
        """Store one report, replacing any earlier report with the same id.

        Reports saved concurrently (several clients submitting) share a transaction; each call
        returns once its report is committed and raises only for its own report.
        """
        self._group.write(submission)

    def save_many(self, submissions: Sequence[Submission]) -> None:
        """Store reports in one transaction; ids that already exist are replaced.

        Two writers racing on a new id both try to insert it; the loser retries as a replacement
        (so only the winner counts its asset uses).
        """
        for attempt in range(3):
            try:
                with self._database.write_lock(), self._engine.begin() as connection:
                    shapes = self._write(connection, submissions)
                self._shapes.remember(shapes)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def _write(
        self, connection: Connection, submissions: Sequence[Submission]
    ) -> dict[Layout, int]:
        """Write the batch; returns the shapes of its reports (to cache once committed)."""
        by_id: dict[str, Submission] = {s.rows.report_id: s for s in submissions}
        # WATS's identity: a report matching another on serial, part number, operation and start
        # replaces it, whatever its id (wats-rules.md U34); within a batch the later one wins.
        by_key = {_identity(s.rows.header): s for s in by_id.values()}
        latest: dict[str, Submission] = {s.rows.report_id: s for s in by_key.values()}
        existing = self._existing(connection, latest)
        layouts = {rid: row_layout(s.rows.steps, s.rows.measurements) for rid, s in latest.items()}
        shapes = self._shape_pks(connection, set(layouts.values()))
        # Units whose outcomes this write changes: those of the reports written and those of
        # the reports they replace (a replacement may name another unit).
        units: set[UnitKey] = {unit for _, _, unit in existing.values() if unit is not None}
        now = utcnow()
        received = {rid: 1 + sum(s.rows.report_id == rid for s in submissions) for rid in latest}
        new_headers, pks = [], {}
        uses: dict[str, int] = defaultdict(int)
        for report_id, submission in latest.items():
            header: dict[str, Any] = dict.fromkeys(_HEADER_COLUMNS)
            header.update(submission.rows.header, received_utc=now)
            header["shape_pk"] = shapes[layouts[report_id]]
            if header["report_type"] == "T":
                units.add((header["serial_number"], header["part_number"], header["process_code"]))
            if report_id in existing:
                pk = existing[report_id][0]
                pks[report_id] = pk
                for table in CHILD_TABLES:
                    _DELETE_CHILDREN[table].run(connection, {"pk": pk})
                # Added in SQL, not from the count read above: on SQLite another process may
                # have counted a receipt since (that read takes no lock there).
                values = {f"v_{name}": value for name, value in header.items()}
                _UPDATE_HEADER.run(
                    connection, {**values, "pk": pk, "extra": received[report_id] - 1}
                )
            else:
                header["receive_count"] = received[report_id] - 1
                new_headers.append(header)
                for asset in submission.rows.assets:
                    count = asset["usage_count"]
                    uses[asset["serial_number"]] += 1 if count is None else count
        # New ids in one order everywhere too: two servers inserting the same new ids wait
        # on the unique index in the same order, and the later one retries as a replacement.
        new_headers.sort(key=lambda header: str(header["report_id"]))
        for chunk in chunks(new_headers):
            values = {
                f"{name}_{index}": value
                for index, header in enumerate(chunk)
                for name, value in header.items()
            }
            inserted = _INSERT_HEADERS.run(connection, values, len(chunk))
            pks.update({report_id: pk for pk, report_id in inserted})
        self._insert_children(connection, [(pks[rid], s) for rid, s in latest.items()])
        count_uses_by_serial(connection, uses)
        refresh_units(connection, units)
        tested: dict[tuple[str, str], tuple[str, datetime]] = {}
        for submission in sorted(latest.values(), key=lambda s: s.rows.header["start_utc"]):
            header = submission.rows.header
            key = (header["serial_number"], header["part_number"])
            tested.setdefault(key, (header["revision"], header["start_utc"]))
        register_tested_units(connection, tested)
        return shapes

    def _shape_pks(self, connection: Connection, layouts: set[Layout]) -> dict[Layout, int]:
        """The shape of each layout: from the cache, else read or inserted (`shape_pks`)."""
        found = {layout: self._shapes.get(layout) for layout in layouts}
        known = {layout: pk for layout, pk in found.items() if pk is not None}
        if len(known) < len(found):
            missing = [layout for layout, pk in found.items() if pk is None]
            known.update(shape_pks(connection, missing))
        return known

    @staticmethod
    def _existing(
        connection: Connection, latest: Mapping[str, Submission]
    ) -> dict[str, tuple[int, int, UnitKey | None]]:
        """The stored report each submission replaces: the one with its id, else the last one
        stored with its identity, unless another submission of the batch replaces that one by
        its id (then this one is new, as it would be if they came one after the other). Report
        id of the submission -> (pk, receive count, unit of that report if it is a UUT)."""
        # The rows to replace are locked first, in one order everywhere (no-op on SQLite, whose
        # write lock already serialises writers): servers sharing a PostgreSQL database that
        # replace the same report at once then take turns instead of deadlocking in the deletes.
        stored: list[tuple[Any, ...]] = []
        for chunk in chunks(sorted(latest)):
            values = numbered("id", chunk)
            identities = [_identity(latest[report_id].rows.header) for report_id in chunk]
            values.update(numbered_keys(_IDENTITY_FIELDS, identities))
            stored.extend(_STORED.run(connection, values, len(chunk)))
        stored.sort(key=lambda row: row[1])  # by pk across chunks too: the last stored wins
        by_id = {row[0]: row for row in stored}
        by_identity = {row[3:]: row for row in stored}
        claimed = {row[1] for report_id, row in by_id.items() if report_id in latest}
        existing: dict[str, tuple[int, int, UnitKey | None]] = {}
        for report_id, submission in latest.items():
            row = by_id.get(report_id)
            if row is None:
                row = by_identity.get(_identity(submission.rows.header))
                if row is not None and row[1] in claimed:
                    continue
            if row is not None:
                _, pk, count, kind, serial, part, code, _ = row
                claimed.add(pk)
                existing[report_id] = (pk, count, (serial, part, code) if kind == "T" else None)
        return existing

    @staticmethod
    def _insert_children(connection: Connection, items: list[tuple[int, Submission]]) -> None:
        batches: dict[Any, list[dict[str, Any]]] = {table: [] for table in CHILD_TABLES}
        for pk, submission in items:
            rows = submission.rows
            batches[report_documents].append(
                {"report_pk": pk, "format": submission.format, "body": submission.document}
            )
            for table, records in rows.child_rows():
                # The rows are this submission's own: stamping the key in place saves a copy
                # of each (a retry of the write stamps them again).
                for record in records:
                    record["report_pk"] = pk
                batches[table].extend(records)
        for table, records in batches.items():
            insert_rows(connection, table, records)

    def document(self, report_id: str) -> StoredDocument | None:
        """The stored document of a report (id compared case-insensitively), or None."""
        query = (
            select(
                report_documents.c.format,
                report_documents.c.body,
                reports.c.start_utc,
                reports.c.process_name,
                products.c.name.label("product_name"),
                reports.c.origin,
            )
            .join(reports, reports.c.report_pk == report_documents.c.report_pk)
            .outerjoin(products, products.c.part_number == reports.c.part_number)
            .where(reports.c.report_id == report_id.lower())
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return StoredDocument(
            row.format,
            bytes(row.body),
            row.start_utc,
            row.process_name,
            row.product_name,
            row.origin,
        )

    def attachment(self, attachment_id: str) -> Attachment | None:
        """One attachment by its id, or None."""
        query = select(report_attachments).where(
            report_attachments.c.attachment_id == attachment_id.lower()
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else self._attachment(row._mapping)

    def step_attachments(
        self, step_id: int, *, report_id: str | None, limit: int
    ) -> list[Attachment]:
        """At most `limit` attachments of steps whose id is `step_id`, in the report `report_id`
        or (None) in any report."""
        query = (
            select(report_attachments)
            .where(report_attachments.c.step_id == step_id)
            .order_by(report_attachments.c.attachment_id)
            .limit(limit)
        )
        if report_id is not None:
            query = query.join(
                reports, reports.c.report_pk == report_attachments.c.report_pk
            ).where(reports.c.report_id == report_id.lower())
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [self._attachment(row._mapping) for row in rows]

    def attachments(self, report_id: str) -> list[Attachment] | None:
        """All attachments of a report in document order; None when the report does not exist."""
        with self._engine.connect() as connection:
            pk = connection.scalar(
                select(reports.c.report_pk).where(reports.c.report_id == report_id.lower())
            )
            if pk is None:
                return None
            rows = connection.execute(
                select(report_attachments).where(report_attachments.c.report_pk == pk)
            ).all()
        return [self._attachment(row._mapping) for row in rows]

    @staticmethod
    def _attachment(row: Any) -> Attachment:
        return Attachment(
            row["attachment_id"],
            row["step_id"],
            row["name"],
            row["content_type"],
            row["description"],
            bytes(row["data"]),
        )

    def count(self) -> int:
        """How many reports are stored."""
        with self._engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(reports)) or 0)


def _identity(header: dict[str, Any]) -> tuple[Any, ...]:
    """What WATS treats as one report: type, serial, part number, operation and start."""
    return (
        header["report_type"],
        header["serial_number"],
        header["part_number"],
        header["process_code"],
        header["start_utc"],
    )
