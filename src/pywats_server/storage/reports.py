"""Storing reports: verbatim documents plus their index rows. The same id, or the same WATS
identity (serial, part number, operation, start), replaces the report.

The first receipt of a report id counts the uses of the registered assets it lists; a
resubmission (a station resending after a lost acknowledgement) replaces the rows only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BindParameter,
    Column,
    Connection,
    Insert,
    Select,
    Table,
    Update,
    and_,
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
from ._prepared import Prepared
from ._report_rows import ReportRows
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


# Reports per shared transaction at most: bounds how long one transaction holds the write lock.
_GROUP_LIMIT = 32

# The statements of a save, built once (see `_prepared`); each takes up to `_CHUNK` keys or
# rows, so a batch of any size runs a few shapes compiled once.
_CHUNK = _GROUP_LIMIT
_HEADER_COLUMNS = tuple(c.name for c in reports.columns if c.name != "report_pk")
_IDENTITY_FIELDS = ("type", "serial", "part", "code", "start")
T = TypeVar("T")


def _chunks(items: list[T]) -> list[list[T]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _numbered(name: str, values: Sequence[Any]) -> dict[str, Any]:
    return {f"{name}{index}": value for index, value in enumerate(values)}


def _keys(name: str, column: Column[Any], size: int) -> list[BindParameter[Any]]:
    return [bindparam(f"{name}{index}", type_=column.type) for index in range(size)]


def _process_names(size: int) -> Select[tuple[int, str]]:
    p = processes.c
    return select(p.code, p.name).where(p.code.in_(_keys("code", p.code, size)))


def _by_id(size: int) -> Select[Any]:
    c = reports.c
    return (
        select(
            c.report_id,
            c.report_pk,
            c.receive_count,
            c.report_type,
            c.serial_number,
            c.part_number,
            c.process_code,
        )
        .where(c.report_id.in_(_keys("id", c.report_id, size)))
        .order_by(c.report_id)
        .with_for_update()
    )


def _by_identity(size: int) -> Select[Any]:
    c = reports.c
    columns = (c.report_type, c.serial_number, c.part_number, c.process_code, c.start_utc)
    condition = or_(
        *(
            and_(
                *(
                    column == bindparam(f"{field}{index}", type_=column.type)
                    for field, column in zip(_IDENTITY_FIELDS, columns, strict=True)
                )
            )
            for index in range(size)
        )
    )
    return (
        select(*columns, c.report_pk, c.receive_count)
        .where(condition)
        .order_by(c.report_pk)
        .with_for_update()
    )


def _insert_headers(size: int) -> Insert:
    c = reports.c
    rows = [
        {name: bindparam(f"{name}_{index}", type_=c[name].type) for name in _HEADER_COLUMNS}
        for index in range(size)
    ]
    return reports.insert().values(rows).returning(c.report_pk, c.report_id)


def _update_header(_: int) -> Update:
    c = reports.c
    values: dict[str, Any] = {
        name: bindparam(f"v_{name}", type_=c[name].type) for name in _HEADER_COLUMNS
    }
    values["receive_count"] = c.receive_count + bindparam("extra", type_=c.receive_count.type)
    return reports.update().where(c.report_pk == bindparam("pk")).values(values)


def _delete_children(table: Table) -> Prepared:
    return Prepared(lambda _: delete(table).where(table.c.report_pk == bindparam("pk")))


_PROCESS_NAMES = Prepared(_process_names)
_BY_ID = Prepared(_by_id)
_BY_IDENTITY = Prepared(_by_identity)
_INSERT_HEADERS = Prepared(_insert_headers)
_UPDATE_HEADER = Prepared(_update_header)
_DELETE_CHILDREN = {table: _delete_children(table) for table in CHILD_TABLES}


class ReportStore:
    """Writes and reads reports. Every write is one transaction: all of a batch, or nothing."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine
        self._group = GroupCommit(self.save_many, limit=_GROUP_LIMIT)

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
                with self._engine.begin() as connection:
                    self._write(connection, submissions)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    def _write(self, connection: Connection, submissions: Sequence[Submission]) -> None:
        by_id: dict[str, Submission] = {s.rows.report_id: s for s in submissions}
        # WATS's identity: a report matching another on serial, part number, operation and start
        # replaces it, whatever its id (wats-rules.md U34); within a batch the later one wins.
        by_key = {_identity(s.rows.header): s for s in by_id.values()}
        latest: dict[str, Submission] = {s.rows.report_id: s for s in by_key.values()}
        unnamed = sorted(
            {
                s.rows.header["process_code"]
                for s in latest.values()
                if s.rows.header["process_name"] is None
            }
        )
        names: dict[int, str] = {}
        for chunk in _chunks(unnamed):  # only reports without a process name need the table
            found = _PROCESS_NAMES.run(connection, _numbered("code", chunk), len(chunk))
            names.update((code, name) for code, name in found)
        existing: dict[str, tuple[int, int]] = {}
        # Units whose outcomes this write changes: those of the reports written and those of
        # the reports they replace (a replacement may name another unit).
        units: set[UnitKey] = set()
        # The rows to replace are locked first, in one order everywhere (no-op on SQLite, whose
        # write lock already serialises writers): servers sharing a PostgreSQL database that
        # replace the same report at once then take turns instead of deadlocking in the deletes.
        for chunk in _chunks(sorted(latest)):
            found = _BY_ID.run(connection, _numbered("id", chunk), len(chunk))
            for report_id, pk, count, kind, serial, part, code in found:
                existing[report_id] = (pk, count)
                if kind == "T":
                    units.add((serial, part, code))
        existing.update(
            self._same_identity(
                connection, [s for s in latest.values() if s.rows.report_id not in existing]
            )
        )
        now = utcnow()
        received = {rid: 1 + sum(s.rows.report_id == rid for s in submissions) for rid in latest}
        new_headers, pks = [], {}
        uses: dict[str, int] = defaultdict(int)
        for report_id, submission in latest.items():
            header = self._header(submission.rows, names, now)
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
        for chunk in _chunks(new_headers):
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

    @staticmethod
    def _same_identity(
        connection: Connection, submissions: Sequence[Submission]
    ) -> dict[str, tuple[int, int]]:
        """For each submission, the stored report with its identity (and another id), if any:
        report id of the submission -> (pk, receive count) of the report it replaces."""
        wanted = {_identity(s.rows.header): s.rows.report_id for s in submissions}
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(list(wanted)):
            values = {
                f"{field}{index}": value
                for index, key in enumerate(chunk)
                for field, value in zip(_IDENTITY_FIELDS, key, strict=True)
            }
            for row in _BY_IDENTITY.run(connection, values, len(chunk)):
                found[wanted[row[:5]]] = (row[5], row[6])
        return found

    @staticmethod
    def _header(rows: ReportRows, names: dict[int, str], now: datetime) -> dict[str, Any]:
        header: dict[str, Any] = dict.fromkeys(_HEADER_COLUMNS)
        header.update(rows.header, received_utc=now)
        if header["process_name"] is None:
            header["process_name"] = names.get(rows.header["process_code"])
        return header

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
