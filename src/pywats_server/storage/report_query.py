"""Report header queries: OData over the indexed header columns, shaped as WATS ReportHeader."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, select

from ..odata import (
    CollectionSpec,
    FieldSpec,
    ODataError,
    compile_filter,
    compile_orderby,
    parse_filter,
)
from ._database import Database
from ._report_assets import report_assets
from ._report_runs import run_columns
from .report_tables import report_attachments, report_misc_infos, report_sub_units, reports

__all__ = ["EXPANSIONS", "HEADER_FIELDS", "RESULT_WORDS", "HeaderQuery", "ReportQuery"]

RESULT_WORDS = {"P": "Passed", "F": "Failed", "E": "Error", "T": "Terminated", "D": "Done"}
_RESULT_LETTERS = {word.lower(): letter for letter, word in RESULT_WORDS.items()}
EXPANSIONS = ("subUnits", "uurSubUnits", "miscInfo", "assets", "attachments")


def _result_letter(value: str) -> str:
    return _RESULT_LETTERS.get(value.lower(), value)


def _report_type(value: str) -> str:
    return {"U": "T"}.get(value.upper(), value.upper())


def _text(column: ColumnElement[Any]) -> FieldSpec:
    return FieldSpec(column, "string")


c = reports.c
HEADER_FIELDS: dict[str, FieldSpec] = {
    "uuid": FieldSpec(c.report_id, "uuid"),
    "id": FieldSpec(c.report_id, "uuid"),
    "reportType": FieldSpec(c.report_type, "string", _report_type),
    "serialNumber": _text(c.serial_number),
    "partNumber": _text(c.part_number),
    "revision": _text(c.revision),
    "batchNumber": _text(c.batch_number),
    "stationName": _text(c.station_name),
    "location": _text(c.location),
    "purpose": _text(c.purpose),
    "processCode": FieldSpec(c.process_code, "int"),
    "processName": _text(c.process_name),
    "testOperation": _text(c.process_name),
    "result": FieldSpec(c.result, "string", _result_letter),
    "start": FieldSpec(c.start_utc, "datetime"),
    "startUtc": FieldSpec(c.start_utc, "datetime"),
    "operator": _text(c.operator),
    "comment": _text(c.comment),
    "executionTime": FieldSpec(c.execution_time, "float"),
    "swFilename": _text(c.sw_filename),
    "swVersion": _text(c.sw_version),
    "testSocketIndex": FieldSpec(c.test_socket_index, "int"),
    "fixtureId": _text(c.fixture_id),
    "errorCode": FieldSpec(c.error_code, "int"),
    "errorMessage": _text(c.error_message),
    "causedUutFailure": _text(c.caused_uut_failure),
    "causedUutFailurePath": _text(c.caused_uut_failure_path),
    "referencedUut": FieldSpec(c.referenced_uut, "uuid"),
    "rootNodeType": _text(c.root_node_type),
    "receiveCount": FieldSpec(c.receive_count, "int"),
    "timeStamp": FieldSpec(c.report_pk, "int"),
}


def _exists_in(table: Any) -> Any:
    def wrap(predicate: ColumnElement[bool] | None) -> ColumnElement[bool]:
        condition = table.c.report_pk == c.report_pk
        if predicate is not None:
            condition = and_(condition, predicate)
        return exists().where(condition)

    return wrap


_SUB_UNIT_FIELDS = {
    "serialNumber": _text(report_sub_units.c.serial_number),
    "partNumber": _text(report_sub_units.c.part_number),
    "revision": _text(report_sub_units.c.revision),
    "partType": _text(report_sub_units.c.part_type),
}
_MISC_FIELDS = {
    "description": _text(report_misc_infos.c.description),
    "value": _text(report_misc_infos.c.text),
    "numeric": FieldSpec(report_misc_infos.c.numeric, "float"),
}
COLLECTIONS = {
    "subUnits": CollectionSpec(_SUB_UNIT_FIELDS, _exists_in(report_sub_units)),
    "uurSubUnits": CollectionSpec(_SUB_UNIT_FIELDS, _exists_in(report_sub_units)),
    "miscInfo": CollectionSpec(_MISC_FIELDS, _exists_in(report_misc_infos)),
}


@dataclass(frozen=True)
class HeaderQuery:
    """The options of `GET /api/Report/Query/Header`. `report_type` is U, R or None (both)."""

    report_type: str | None = None
    filter: str | None = None
    orderby: str | None = None
    top: int = 1000
    skip: int = 0
    expand: Sequence[str] = ()


def _iso_utc(value: datetime) -> str:
    return value.isoformat(timespec="microseconds") + "Z"


class ReportQuery:
    """Runs header queries; bad OData raises ODataError with a message naming the problem."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def headers(self, query: HeaderQuery) -> list[dict[str, Any]]:
        """Report headers matching the query, as WATS ReportHeader objects."""
        expand = self._expansions(query.expand)
        conditions = []
        if query.report_type is not None:
            kind = query.report_type.upper()
            if kind not in ("U", "R", "T"):
                raise ODataError(f"reportType: expected U (UUT) or R (UUR), got {kind!r}")
            conditions.append(c.report_type == _report_type(kind))
        if query.filter:
            conditions.append(
                compile_filter(parse_filter(query.filter), HEADER_FIELDS, COLLECTIONS)
            )
        order = compile_orderby(query.orderby, HEADER_FIELDS) if query.orderby else []
        order += [c.start_utc.desc(), c.report_pk.desc()]
        return self._run(self._page(conditions, order, query.top, query.skip), expand)

    def headers_by_misc_info(
        self, description: str, string_value: str, top: int
    ) -> list[dict[str, Any]]:
        """Headers of reports having a misc info `description` whose text is `string_value`."""
        misc = report_misc_infos.c
        condition = exists().where(
            misc.report_pk == c.report_pk,
            misc.description == description,
            misc.text == string_value,
        )
        order = [c.start_utc.desc(), c.report_pk.desc()]
        return self._run(self._page([condition], order, top, 0), ())

    def headers_where(
        self, conditions: Sequence[ColumnElement[bool]], *, top: int, oldest_first: bool = False
    ) -> list[dict[str, Any]]:
        """Headers of the reports matching SQL `conditions` on `reports` (analytics filters),
        newest first or `oldest_first`, at most `top`."""
        if oldest_first:
            order = (c.start_utc.asc(), c.report_pk.asc())
        else:
            order = (c.start_utc.desc(), c.report_pk.desc())
        return self._run(self._page(conditions, order, top, 0), ())

    @staticmethod
    def _expansions(names: Sequence[str]) -> list[str]:
        chosen = []
        for name in names:
            match = [known for known in EXPANSIONS if known.lower() == name.strip().lower()]
            if not match:
                raise ODataError(f"$expand: {name.strip()!r} is not one of {', '.join(EXPANSIONS)}")
            chosen.append(match[0])
        return chosen

    @staticmethod
    def _select() -> Select[Any]:
        columns = [column for column in reports.columns if column.name != "received_utc"]
        return select(*columns, *run_columns())

    @classmethod
    def _page(
        cls, conditions: Sequence[Any], order: Sequence[Any], top: int, skip: int
    ) -> Select[Any]:
        """The headers of one page. The page's rows are chosen first, so the per-row `run`
        count is computed for them only, not for every match the sort has to see."""
        # correlate(None): the page is chosen from its own `reports`, not the outer query's.
        chosen = (
            select(c.report_pk)
            .where(*conditions)
            .order_by(*order)
            .limit(top)
            .offset(skip)
            .correlate(None)
        )
        return cls._select().where(c.report_pk.in_(chosen)).order_by(*order)

    def _run(self, statement: Select[Any], expand: Sequence[str]) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(statement).all()
            headers = [self._header(row._mapping) for row in rows]
            pks = [row.report_pk for row in rows]
            for name in expand:
                if name == "assets":
                    by_pk = report_assets(connection, pks)
                    for pk, header in zip(pks, headers, strict=True):
                        header["assets"] = by_pk[pk]
                else:
                    self._expand(connection, name, pks, headers)
        return headers

    @staticmethod
    def _header(row: Any) -> dict[str, Any]:
        return {
            "uuid": row["report_id"],
            "reportType": row["report_type"],
            "serialNumber": row["serial_number"],
            "partNumber": row["part_number"],
            "revision": row["revision"],
            "batchNumber": row["batch_number"],
            "stationName": row["station_name"],
            "location": row["location"],
            "purpose": row["purpose"],
            "processCode": row["process_code"],
            "processName": row["process_name"],
            "testOperation": row["process_name"],
            "result": RESULT_WORDS.get(row["result"], row["result"]),
            "start": row["start"],
            "startUtc": _iso_utc(row["start_utc"]),
            "operator": row["operator"],
            "comment": row["comment"],
            "executionTime": row["execution_time"],
            "swFilename": row["sw_filename"],
            "swVersion": row["sw_version"],
            "testSocketIndex": row["test_socket_index"],
            "fixtureId": row["fixture_id"],
            "run": row["run"],
            "passedInRun": row["passed_in_run"],
            "receiveCount": row["receive_count"],
            "reportSize": math.ceil(row["report_size"] / 1024),
            "causedUutFailure": row["caused_uut_failure"],
            "causedUutFailurePath": row["caused_uut_failure_path"],
            "errorCode": row["error_code"],
            "errorMessage": row["error_message"],
            "referencedUut": row["referenced_uut"],
            "rootNodeType": row["root_node_type"],
            "timeStamp": row["report_pk"],
        }

    @staticmethod
    def _expand(connection: Any, name: str, pks: list[int], headers: list[dict[str, Any]]) -> None:
        by_pk: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
        if name in ("subUnits", "uurSubUnits"):
            t = report_sub_units.c
            query = select(t.report_pk, t.serial_number, t.part_number, t.revision, t.part_type)
            order = [t.report_pk, t.idx]
        elif name == "miscInfo":
            m = report_misc_infos.c
            query = select(m.report_pk, m.description, m.text, m.numeric)
            order = [m.report_pk, m.idx]
        else:
            a = report_attachments.c
            query = select(
                a.report_pk, a.attachment_id, a.name, a.content_type, a.size, a.description
            )
            order = [a.report_pk, a.attachment_id]
        table_pk = query.selected_columns[0]
        for row in connection.execute(query.where(table_pk.in_(pks)).order_by(*order)):
            if name in ("subUnits", "uurSubUnits"):
                item = {
                    "serialNumber": row.serial_number,
                    "partNumber": row.part_number,
                    "revision": row.revision,
                    "partType": row.part_type,
                }
            elif name == "miscInfo":
                value = row.text if row.text is not None else row.numeric
                item = {"description": row.description, "value": value}
            else:
                item = {
                    "attachmentId": row.attachment_id,
                    "fileName": row.name,
                    "mimeType": row.content_type,
                    "size": row.size,
                    "description": row.description,
                }
            by_pk[row.report_pk].append(item)
        for pk, header in zip(pks, headers, strict=True):
            header[name] = by_pk[pk]
