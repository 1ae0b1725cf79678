"""Report shapes: the step layout of a report (the path of each step by step order, of each
measurement by measurement index), stored once per distinct layout (see `report_tables`).

A save looks its reports' layouts up in a cache of shapes known to be committed, and only a
layout the cache lacks costs a query; only a layout the database lacks inserts a shape. Shapes
are never changed or deleted, so a cached one stays true for every process sharing the database.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ._bulk_insert import insert_rows
from .report_tables import (
    SHAPE_MEASUREMENT,
    SHAPE_STEP,
    report_measurements,
    report_shape_paths,
    report_shapes,
    report_steps,
    reports,
)

__all__ = [
    "Layout",
    "ShapeCache",
    "fill_shapes",
    "row_layout",
    "shape_digest",
    "shape_layout",
    "shape_path_rows",
    "shape_pks",
]

# ((step order, path), ...), ((measurement index, path), ...), each in order.
Layout = tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]

# Reports whose rows one pass of `fill_shapes` reads.
_FILL_BATCH = 2000


def shape_layout(
    steps: Iterable[tuple[int, str]], measurements: Iterable[tuple[int, str]]
) -> Layout:
    """The layout of a report with these (step order, path) and (measurement index, path)
    pairs, in any order."""
    return tuple(sorted(steps)), tuple(sorted(measurements))


def row_layout(
    steps: Iterable[Mapping[str, Any]], measurements: Iterable[Mapping[str, Any]]
) -> Layout:
    """The layout of a report with these step and measurement rows (`report_steps` and
    `report_measurements` columns)."""
    return shape_layout(
        [(row["step_order"], row["path"]) for row in steps],
        [(row["meas_index"], row["path"]) for row in measurements],
    )


def shape_digest(layout: Layout) -> str:
    """The layout's sha256 in hex: what `report_shapes.digest` holds for it."""
    return hashlib.sha256(repr(layout).encode()).hexdigest()


def shape_path_rows(shape_pk: int, layout: Layout) -> list[dict[str, Any]]:
    """The `report_shape_paths` rows of a shape."""
    steps, measurements = layout
    return [
        {"shape_pk": shape_pk, "kind": kind, "position": position, "path": path}
        for kind, entries in ((SHAPE_STEP, steps), (SHAPE_MEASUREMENT, measurements))
        for position, path in entries
    ]


class ShapeCache:
    """Layout -> shape pk of shapes known to be committed, at most `limit` of them (emptied when
    full: a site runs far fewer test programs). Thread-safe."""

    def __init__(self, limit: int = 4096) -> None:
        self._known: dict[Layout, int] = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, layout: Layout) -> int | None:
        return self._known.get(layout)

    def remember(self, found: Mapping[Layout, int]) -> None:
        """Keep `found`, which a committed transaction wrote or read."""
        with self._lock:
            if len(self._known) + len(found) > self._limit:
                self._known.clear()
            self._known.update(found)


def shape_pks(connection: Connection, layouts: Collection[Layout]) -> dict[Layout, int]:
    """The shape of each layout, inserting those the database lacks in this transaction.

    Writers racing on a new layout (servers sharing a PostgreSQL database) each insert it with
    ON CONFLICT DO NOTHING: one wins, the others wait for its commit and then read its shape.
    New digests go in one order everywhere, so such writers never wait on each other in a cycle.
    """
    by_digest = {shape_digest(layout): layout for layout in layouts}
    found = _stored(connection, by_digest)
    missing = sorted(set(by_digest) - set(found))
    if missing:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        s = report_shapes.c
        insert = (
            dialect.insert(report_shapes)
            .values([{"digest": digest} for digest in missing])
            .on_conflict_do_nothing(index_elements=[s.digest])
            .returning(s.shape_pk, s.digest)
        )
        inserted = {digest: int(pk) for pk, digest in connection.execute(insert)}
        rows = [
            row for digest, pk in inserted.items() for row in shape_path_rows(pk, by_digest[digest])
        ]
        insert_rows(connection, report_shape_paths, rows)
        found.update(inserted)
        if len(inserted) < len(missing):  # inserted by another writer meanwhile
            found.update(_stored(connection, {d: by_digest[d] for d in missing}))
    return {by_digest[digest]: pk for digest, pk in found.items()}


def _stored(connection: Connection, by_digest: Mapping[str, Layout]) -> dict[str, int]:
    s = report_shapes.c
    query = select(s.digest, s.shape_pk).where(s.digest.in_(list(by_digest)))
    return {digest: int(pk) for digest, pk in connection.execute(query)}


def fill_shapes(connection: Connection) -> None:
    """Give every report without a shape the shape of its step and measurement rows."""
    r = reports.c
    low, high = connection.execute(
        select(func.min(r.report_pk), func.max(r.report_pk)).where(r.shape_pk.is_(None))
    ).one()
    if low is None:
        return
    update = (
        reports.update().where(r.report_pk == bindparam("pk")).values(shape_pk=bindparam("shape"))
    )
    for start in range(low, high + 1, _FILL_BATCH):
        end = start + _FILL_BATCH
        pks = connection.scalars(
            select(r.report_pk).where(r.report_pk >= start, r.report_pk < end, r.shape_pk.is_(None))
        ).all()
        if not pks:
            continue
        steps = _pairs_by_report(connection, report_steps, "step_order", start, end)
        measurements = _pairs_by_report(connection, report_measurements, "meas_index", start, end)
        layouts = {pk: shape_layout(steps.get(pk, ()), measurements.get(pk, ())) for pk in pks}
        shapes = shape_pks(connection, set(layouts.values()))
        connection.execute(
            update, [{"pk": pk, "shape": shapes[layout]} for pk, layout in layouts.items()]
        )


def _pairs_by_report(
    connection: Connection, table: Table, position: str, start: int, end: int
) -> dict[int, list[tuple[int, str]]]:
    """Report pk -> (position, path) of its rows in `table`, for the reports from `start` to
    before `end`."""
    c = table.c
    query = select(c.report_pk, c[position], c.path).where(c.report_pk >= start, c.report_pk < end)
    pairs: dict[int, list[tuple[int, str]]] = {}
    for pk, at, path in connection.execute(query):
        pairs.setdefault(pk, []).append((at, path))
    return pairs
