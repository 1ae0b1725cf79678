"""Report shapes: a save gives each report the shape of its step and measurement rows, one
shape per distinct layout, also when writers race on a new layout."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Connection, func, select
from tests.pywats_server._report_layouts import PART_NUMBER, submissions

from pywats_server.storage import Database, ReportStore, migrate
from pywats_server.storage._report_shapes import Layout, shape_digest, shape_layout, shape_pks
from pywats_server.storage.report_tables import (
    SHAPE_MEASUREMENT,
    SHAPE_STEP,
    report_measurements,
    report_shape_paths,
    report_shapes,
    report_steps,
    reports,
)


@pytest.fixture
def database(new_database: Database) -> Database:
    migrate(new_database)
    return new_database


@pytest.fixture
def postgres_database(
    throwaway_postgres: Callable[[], AbstractContextManager[str]],
) -> Iterator[Database]:
    with throwaway_postgres() as url:
        database = Database(url)
        migrate(database)
        yield database
        database.dispose()


def stored_layouts(connection: Connection) -> dict[int, tuple[Layout, Layout]]:
    """Report pk -> (the layout of its shape, the layout of its step and measurement rows)."""
    paths: dict[int, dict[str, list[tuple[int, str]]]] = {}
    sp = report_shape_paths.c
    for shape, kind, position, path in connection.execute(
        select(sp.shape_pk, sp.kind, sp.position, sp.path)
    ):
        paths.setdefault(shape, {SHAPE_STEP: [], SHAPE_MEASUREMENT: []})[kind].append(
            (position, path)
        )
    rows: dict[int, dict[str, list[tuple[int, str]]]] = {}
    for table, position, kind in (
        (report_steps, "step_order", SHAPE_STEP),
        (report_measurements, "meas_index", SHAPE_MEASUREMENT),
    ):
        c = table.c
        for pk, at, path in connection.execute(select(c.report_pk, c[position], c.path)):
            rows.setdefault(pk, {SHAPE_STEP: [], SHAPE_MEASUREMENT: []})[kind].append((at, path))
    empty: dict[str, list[tuple[int, str]]] = {SHAPE_STEP: [], SHAPE_MEASUREMENT: []}
    result = {}
    for pk, shape in connection.execute(select(reports.c.report_pk, reports.c.shape_pk)):
        of_shape = paths.get(shape, empty)
        of_rows = rows.get(pk, empty)
        result[pk] = (
            shape_layout(of_shape[SHAPE_STEP], of_shape[SHAPE_MEASUREMENT]),
            shape_layout(of_rows[SHAPE_STEP], of_rows[SHAPE_MEASUREMENT]),
        )
    return result


def test_saved_shapes_equal_a_recomputation_from_the_rows(database: Database) -> None:
    store = ReportStore(database)
    batch = submissions()
    for start in range(0, len(batch), 8):
        store.save_many(batch[start : start + 8])

    with database.engine.connect() as connection:
        layouts = stored_layouts(connection)
        shapes = connection.execute(select(report_shapes.c.shape_pk, report_shapes.c.digest))
        digests = {pk: digest for pk, digest in shapes}
        unset = connection.scalar(
            select(func.count()).select_from(reports).where(reports.c.shape_pk.is_(None))
        )

    assert unset == 0
    assert all(of_shape == of_rows for of_shape, of_rows in layouts.values())
    distinct = {of_rows for _, of_rows in layouts.values()}
    # Three programs, the repair's layout, and no shape twice.
    assert len(distinct) == len(digests) == 4
    assert {shape_digest(layout) for layout in distinct} == set(digests.values())


def test_a_new_store_finds_the_shapes_another_one_wrote(database: Database) -> None:
    first, second = submissions(6), submissions(12)[6:]
    ReportStore(database).save_many(first)
    ReportStore(database).save_many(second)

    with database.engine.connect() as connection:
        assert all(a == b for a, b in stored_layouts(connection).values())
        shapes = connection.scalar(select(func.count()).select_from(report_shapes))
    assert shapes == 4


@pytest.mark.postgres
def test_writers_racing_on_a_new_layout_share_one_shape(postgres_database: Database) -> None:
    # SQLite's one write lock serialises writers; on PostgreSQL two servers can insert the same
    # new layout at once: the second waits for the first to commit, then reads its shape.
    layout = shape_layout([(0, "Race"), (1, f"Race¶{PART_NUMBER}")], [(0, "Race")])
    found: list[int] = []
    with postgres_database.engine.connect() as first:
        first.begin()
        mine = shape_pks(first, [layout])[layout]

        def second_writer() -> None:
            with postgres_database.engine.begin() as second:
                found.append(shape_pks(second, [layout])[layout])

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second writer waits for the first one's commit"
        first.commit()
    thread.join(timeout=30)
    assert found == [mine]
    with postgres_database.engine.connect() as connection:
        rows = connection.scalar(
            select(func.count())
            .select_from(report_shape_paths)
            .where(report_shape_paths.c.shape_pk == mine)
        )
    assert rows == 3
