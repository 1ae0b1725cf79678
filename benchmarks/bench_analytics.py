"""Analytics over 100,000 stored reports (~50 measurements each) on SQLite and PostgreSQL.

Loads the report, step and measurement rows and the reports' shapes in bulk (secondary indexes
dropped first and rebuilt after, as any bulk load does; SQLite `executemany` in one transaction,
PostgreSQL `COPY`), then times through the SDK against the in-process server: dynamic yield by
part number x week, top failed steps, and the same two narrowed to one product and four weeks.
Prints p50/p90 latency and the database size. PostgreSQL is skipped when no server answers at
`PYWATS_BENCH_POSTGRES_URL` (default: the test suite's URL).

    python -m benchmarks analytics     # REPORTS=20000 BACKENDS=sqlite for a quicker run

SQLITE_FILE=path keeps the SQLite database in that file, and POSTGRES_DATABASE=name the PostgreSQL
database of that name; a later run with the same file or name times the queries without loading
again (the reference run drops indexes: use REFERENCE=0).
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx

from benchmarks._server import postgres_database, prepare, sqlite_database

REPORTS = int(os.environ.get("REPORTS", "100000"))
REPEAT = int(os.environ.get("REPEAT", "9"))
# REFERENCE=0 skips the reference run (the same queries after dropping the i6 indexes).
REFERENCE = os.environ.get("REFERENCE", "1") != "0"
SEP = "\u00b6"
ROOT = "MainSequence Callback"
SEQUENCES = ("Power", "Clocks", "Comms", "Sensors", "RF")
PER_SEQUENCE = 10  # 5 x 10 numeric steps = 50 measurements per report
PRODUCTS = tuple(f"BENCH-{n:02d}" for n in range(20))
STATIONS = tuple(f"ST-{n}" for n in range(10))
START = datetime(2026, 5, 4)  # 26 weeks up to the end of October

_REPORT_COLUMNS = (
    "report_pk", "report_id", "report_type", "serial_number", "part_number", "revision",
    "station_name", "location", "purpose", "process_code", "process_name", "result", "start",
    "start_utc", "operator", "caused_uut_failure", "caused_uut_failure_path", "root_node_type",
    "receive_count", "report_size", "received_utc", "shape_pk",
)  # fmt: skip
_STEP_COLUMNS = (
    "report_pk", "step_order", "step_id", "parent_order", "depth", "path", "name", "step_type",
    "step_group", "status", "tot_time", "caused_uut_failure",
)  # fmt: skip
_MEAS_COLUMNS = (
    "report_pk", "meas_index", "step_order", "path", "kind", "comp_op", "status", "value",
    "low_limit", "high_limit", "unit",
)  # fmt: skip


def _layout() -> list[tuple[str, str, str]]:
    """(sequence path, step name, step path) of the 50 numeric steps of every report."""
    return [
        (f"{ROOT}{SEP}{seq}", f"{seq} {n}", f"{ROOT}{SEP}{seq}{SEP}{seq} {n}")
        for seq in SEQUENCES
        for n in range(PER_SEQUENCE)
    ]


def generate(
    count: int,
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(report row, step rows, measurement rows) of `count` reports: units retested until they
    pass (at most three runs), one failing step per failed run, steps failing at skewed rates."""
    rng = random.Random(7)
    layout = _layout()
    weights = [1 / (i + 1) for i in range(len(layout))]
    received = datetime(2026, 11, 29)
    pk, serial = 0, 0
    while pk < count:
        serial += 1
        part_number = rng.choice(PRODUCTS)
        moment = START + timedelta(seconds=rng.randrange(26 * 7 * 86400))
        for run in range(3):
            if pk == count:
                break
            pk += 1
            failed = rng.random() < (0.12 if run == 0 else 0.3)
            failing = rng.choices(range(len(layout)), weights)[0] if failed else -1
            steps: list[tuple[Any, ...]] = [
                (
                    pk,
                    0,
                    0,
                    None,
                    0,
                    ROOT,
                    ROOT,
                    "SequenceCall",
                    "M",
                    "F" if failed else "P",
                    0.0,
                    False,
                )
            ]
            meas = []
            order = 0
            for index, (seq_path, name, path) in enumerate(layout):
                if index % PER_SEQUENCE == 0:
                    order += 1
                    seq_order = order
                    seq_failed = failed and failing // PER_SEQUENCE == index // PER_SEQUENCE
                    seq_status = "F" if seq_failed else "P"
                    seq_name = seq_path.split(SEP)[-1]
                    steps.append(
                        (pk, order, order, 0, 1, seq_path, seq_name, "SequenceCall", "M",
                         seq_status, 0.0, False)
                    )  # fmt: skip
                order += 1
                bad = index == failing
                value = rng.gauss(1.0, 0.02) + (0.5 if bad else 0.0)
                status = "F" if bad else "P"
                steps.append((pk, order, order, seq_order, 2, path, name, "ET_NLT", "M", status,
                              0.01, bad))  # fmt: skip
                meas.append((pk, index, order, path, "N", "GELE", status, value, 0.9, 1.1, "V"))
            cause = layout[failing] if failed else None
            header = (
                pk, str(uuid.UUID(int=rng.getrandbits(128), version=4)), "T", f"SN{serial:07d}",
                part_number, "A", rng.choice(STATIONS), "Plant", "Production", 100,
                "End of line test", "F" if failed else "P", moment.isoformat() + "Z", moment,
                "op", cause[1] if cause else None, cause[2] if cause else None, "SequenceCall",
                0, 40_000, received,
            )  # fmt: skip
            yield header, steps, meas
            if not failed:
                break
            moment += timedelta(minutes=rng.randrange(5, 240))


def _chunks(count: int, size: int = 2000) -> Iterator[list[list[tuple[Any, ...]]]]:
    """The generated rows in chunks of `size` reports, in `_TABLES` order: new shapes, their
    paths, reports (each with its shape, as a save gives it), steps, measurements."""
    from pywats_server.storage._report_shapes import shape_digest, shape_layout, shape_path_rows

    shapes: dict[Any, int] = {}
    chunk: list[list[tuple[Any, ...]]] = [[], [], [], [], []]
    for header, steps, meas in generate(count):
        layout = shape_layout([(s[1], s[5]) for s in steps], [(m[1], m[3]) for m in meas])
        shape = shapes.get(layout)
        if shape is None:
            shape = shapes[layout] = len(shapes) + 1
            chunk[0].append((shape, shape_digest(layout)))
            chunk[1].extend(tuple(row.values()) for row in shape_path_rows(shape, layout))
        chunk[2].append((*header, shape))
        chunk[3].extend(steps)
        chunk[4].extend(meas)
        if len(chunk[2]) == size:
            yield chunk
            chunk = [[], [], [], [], []]
    if chunk[2]:
        yield chunk


_TABLES = (
    ("report_shapes", ("shape_pk", "digest")),
    ("report_shape_paths", ("shape_pk", "kind", "position", "path")),
    ("reports", _REPORT_COLUMNS),
    ("report_steps", _STEP_COLUMNS),
    ("report_measurements", _MEAS_COLUMNS),
)


def _sqlite_time(value: datetime) -> str:
    # The text SQLAlchemy writes for a DateTime on SQLite, so comparisons stay exact.
    return value.isoformat(sep=" ", timespec="microseconds")


def _load_sqlite(url: str, count: int) -> None:
    from pywats_server.storage import Database

    database = Database(url)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # A bulk load of rows known to be consistent into a throwaway database: skip per-row
        # foreign-key lookups, give the index B-trees a large page cache, sort new indexes on
        # two threads, and write each page once, without a journal (a WAL would hold the whole
        # load, then be copied into the database: twice the writes and twice the disk).
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA cache_size=-500000")
        cursor.execute("PRAGMA threads=2")
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        tables = ", ".join(f"'{table}'" for table, _ in _TABLES)
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({tables})"
        ).fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        statements = [
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            for table, cols in _TABLES
        ]
        for chunk in _chunks(count):
            chunk[2] = [
                (*h[:13], _sqlite_time(h[13]), *h[14:20], _sqlite_time(h[20]), *h[21:])
                for h in chunk[2]
            ]
            for statement, rows in zip(statements, chunk, strict=True):
                cursor.executemany(statement, rows)
        for _, sql in indexes:
            cursor.execute(sql)
        raw.commit()
        cursor.execute("PRAGMA journal_mode=WAL").fetchall()
    finally:
        raw.close()
    try:
        _rebuild_units(database)
    finally:
        database.dispose()


def _load_postgres(url: str, count: int) -> None:
    from pywats_server.storage import Database

    database = Database(url)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        tables = [table for table, _ in _TABLES]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            (tables,),
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for chunk in _chunks(count, 10_000):
            for (table, columns), rows in zip(_TABLES, chunk, strict=True):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        for _, sql in indexes:
            cursor.execute(sql)
        cursor.execute("SELECT setval('reports_report_pk_seq', %s)", (count,))
        cursor.execute(
            "SELECT setval('report_shapes_shape_pk_seq', (SELECT MAX(shape_pk) FROM report_shapes))"
        )
        raw.commit()
        _rebuild_units(database)
        driver = raw.driver_connection
        assert driver is not None
        driver.autocommit = True  # VACUUM cannot run inside a transaction
        driver.execute("VACUUM ANALYZE")
    finally:
        raw.close()
        database.dispose()


def _rebuild_units(database: Any) -> None:
    """Fill `report_units` from the loaded reports, as saves would have kept it, and gather
    planner statistics (on SQLite from a sample of each index: a full ANALYZE reads them all)."""
    from sqlalchemy import text

    from pywats_server.storage._report_units import rebuild_units

    with database.engine.begin() as connection:
        rebuild_units(connection)
        if not database.is_sqlite:
            connection.execute(text("ANALYZE report_units"))
    if database.is_sqlite:
        raw = database.engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None
            driver.execute("PRAGMA analysis_limit=2000").fetchall()
            driver.execute("ANALYZE")
            driver.commit()
        finally:
            raw.close()


def _size(url: str) -> int:
    from sqlalchemy import text

    from pywats_server.storage import Database

    database = Database(url)
    try:
        if database.is_sqlite:
            path = Path(database.url.database or "")
            with database.engine.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            return path.stat().st_size
        with database.engine.connect() as connection:
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
    finally:
        database.dispose()


ANALYTICS_INDEXES = (
    "ix_analytics_failed_steps",
    "ix_analytics_unit_runs",
)


async def _time_queries(url: str, token: str) -> list[tuple[str, list[float], int]]:
    """(query, latency samples in seconds, rows answered) through the SDK, in-process server."""
    from pywats import AsyncWATS, Dimensions, WATSFilter
    from pywats_server import Settings, create_app

    app = create_app(Settings(database_url=url))
    recent = WATSFilter(
        part_number="BENCH-03",
        date_from=datetime(2026, 10, 5, tzinfo=timezone.utc),
        date_to=datetime(2026, 11, 1, tzinfo=timezone.utc),
    )
    weekly = Dimensions().part_number().period("week")
    every_run = WATSFilter(test_operation="End of line test")
    results = []
    transport = httpx.ASGITransport(app=app)
    async with AsyncWATS(
        base_url="http://bench.test", token=token, transport=transport, timeout=600
    ) as client:
        analytics = client.analytics
        picks = random.Random(11)
        units = max(1, int(REPORTS / 1.16))  # the generator makes ~1.16 reports a unit

        def serial() -> str:
            return f"SN{picks.randrange(1, units):07d}"

        def unit() -> Any:
            return WATSFilter(serial_number=serial())

        def headers(odata: str) -> Any:
            return client.reports.query_headers(odata)

        queries: list[tuple[str, Callable[[], Any]]] = [
            ("dynamic yield, part number x week, all", lambda: analytics.dynamic_yield(weekly)),
            # The same answer computed from every run at query time (what dynamic yield did
            # before `report_units`): a filter on the operation name takes that path.
            (
                "dynamic yield, part x week, recomputed",
                lambda: analytics.dynamic_yield(weekly, every_run),
            ),
            ("top failed steps (10), all", lambda: analytics.top_failed()),
            (
                "dynamic yield, one product, 4 weeks",
                lambda: analytics.dynamic_yield(weekly, recent),
            ),
            ("top failed steps, one product, 4 weeks", lambda: analytics.top_failed(recent)),
            # A different unit at each call, so no call reads pages the previous one warmed.
            ("unit history (serial number)", lambda: analytics.serial_number_history(unit())),
            ("headers: serialNumber eq", lambda: headers(f"serialNumber eq '{serial()}'")),
            (
                "headers: partNumber + 7 days",
                lambda: headers(
                    "partNumber eq 'BENCH-07' and start ge 2026-10-05T00:00:00Z"
                    " and start lt 2026-10-12T00:00:00Z"
                ),
            ),
            (
                "headers: newest 100",
                lambda: client.reports.query_headers(None, orderby="start desc", top=100),
            ),
        ]
        for name, query in queries:
            rows = await query()  # warm-up, and the row count
            samples = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                await query()
                samples.append(time.perf_counter() - started)
            results.append((name, samples, len(rows)))
    app.state.context.database.dispose()
    return results


def _drop_analytics_indexes(url: str) -> None:
    """The reference: the same database without the indexes of migration i6_analytics."""
    from sqlalchemy import text

    from pywats_server.storage import Database

    database = Database(url)
    with database.engine.begin() as connection:
        for name in ANALYTICS_INDEXES:
            connection.execute(text(f"DROP INDEX {name}"))
        connection.execute(text("ANALYZE"))
    database.dispose()


def _p50_p90(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


def _loaded(url: str) -> int:
    """How many reports the database holds (a kept SQLite file may be loaded already)."""
    from sqlalchemy import func, select

    from pywats_server.storage import Database
    from pywats_server.storage.report_tables import reports

    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(reports)) or 0)
    finally:
        database.dispose()


def _run(backend: str, url: str) -> None:
    token = prepare(url, admin=False)
    print(f"\n## {backend}: {REPORTS:,} reports, {REPORTS * 50:,} measurements")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if _loaded(url) == 0:
        started, cpu = time.perf_counter(), time.process_time()
        (_load_sqlite if backend == "sqlite" else _load_postgres)(url, REPORTS)
        loaded, cpu = time.perf_counter() - started, time.process_time() - cpu
        rate = REPORTS / loaded
        print(
            f"bulk load {loaded:.1f} s ({rate:,.0f} reports/s; this process used {cpu:.1f} s CPU)"
        )
        print(f"load average {os.getloadavg()[0]:.1f}")
    else:
        print(f"kept database: {_loaded(url):,} reports already loaded")
    size = _size(url)
    print(f"database size {size / 2**20:,.0f} MiB ({size / REPORTS / 1024:.1f} KiB a report)")
    indexed = anyio.run(_time_queries, url, token)
    plain = None
    if REFERENCE:
        _drop_analytics_indexes(url)
        plain = anyio.run(_time_queries, url, token)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'query':40} {'rows':>5} {'p50':>9} {'p90':>9} {'p50 no i6 index':>16} {'ratio':>6}")
    for index, (name, samples, rows) in enumerate(indexed):
        p50, p90 = _p50_p90(samples)
        line = f"{name:40} {rows:>5} {p50 * 1e3:>6.0f} ms {p90 * 1e3:>6.0f} ms"
        if plain is not None:
            ref50, _ = _p50_p90(plain[index][1])
            line += f" {ref50 * 1e3:>13.0f} ms {p50 / ref50:>5.2f}x"
        print(line)


def main() -> None:
    backends = os.environ.get("BACKENDS", "sqlite,postgresql").split(",")
    if "sqlite" in backends:
        with sqlite_database(os.environ.get("SQLITE_FILE")) as url:
            _run("sqlite", url)
    if "postgresql" in backends:
        with postgres_database(os.environ.get("POSTGRES_DATABASE")) as url:
            if url is not None:
                _run("postgresql", url)
