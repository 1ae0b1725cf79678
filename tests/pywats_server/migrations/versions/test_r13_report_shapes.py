"""Migration `r13_report_shapes` gives the stored reports the shapes their rows have and drops
the path indexes; every row survives and the step and measurement analytics answer as before."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import func, inspect, select
from tests.pywats_server._report_layouts import PART_NUMBER, START, submissions
from tests.pywats_server.storage.test_report_shapes import stored_layouts

from pywats_server.analytics import AnalyticsStore, WatsFilter
from pywats_server.storage import Database, ReportStore, migrate
from pywats_server.storage._migrate import alembic_config
from pywats_server.storage.report_tables import (
    report_measurements,
    report_shapes,
    report_steps,
    reports,
)

BEFORE = "r12_report_row_statistics"
_GAIN = "Gain¶¶Ch2"
_RETRY = "MainSequence Callback¶RF¶Retry"


def _rounded(value: Any) -> Any:
    """`value` with its floats to 12 significant digits: PostgreSQL sums in the order it reads
    rows, which rewriting the reports changes, so a mean may differ in its last bit."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def _answers(database: Database) -> dict[str, Any]:
    """What the analytics that read steps and measurements by path answer over the reports
    (floats rounded, see `_rounded`)."""
    store = AnalyticsStore(database, now=lambda: START + timedelta(days=30))
    every = WatsFilter(date_from=START - timedelta(days=1), date_to=datetime(2027, 1, 1))
    product = WatsFilter(part_number=PART_NUMBER, date_from=START, date_to=datetime(2027, 1, 1))
    paths = f"%¶RF¶Retry;%{_GAIN};MainSequence Callback¶Power¶3V3 rail"
    return _rounded(
        {
            "top failed": store.top_failed(every),
            "top failed, product": store.top_failed(product),
            "step analysis": store.step_analysis(every),
            "measurements": store.measurements(product, paths),
            "aggregated": store.aggregated_measurements(every, paths),
            "measurement list": store.measurement_list(every, [], []),
            "step status list": store.step_status_list(every, [], []),
        }
    )


def _rows(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))))
            for table in (report_steps, report_measurements)
        }


def _shapes(database: Database) -> dict[str, str]:
    """Report id -> the digest of its shape."""
    query = select(reports.c.report_id, report_shapes.c.digest).join(
        report_shapes, report_shapes.c.shape_pk == reports.c.shape_pk
    )
    with database.engine.connect() as connection:
        return {report_id: digest for report_id, digest in connection.execute(query)}


def _indexes(database: Database) -> set[str]:
    inspector = inspect(database.engine)
    return {
        str(index["name"])
        for table in ("report_steps", "report_measurements")
        for index in inspector.get_indexes(table)
    }


def test_the_upgrade_rebuilds_the_shapes_and_the_answers(new_database: Database) -> None:
    migrate(new_database)
    ReportStore(new_database).save_many(submissions())
    answers, rows, shapes = _answers(new_database), _rows(new_database), _shapes(new_database)
    config = alembic_config()
    with new_database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, BEFORE)
    assert {"ix_analytics_step_runs", "ix_report_measurements_path"} <= _indexes(new_database)

    migrate(new_database)

    assert _rows(new_database) == rows
    assert _shapes(new_database) == shapes
    with new_database.engine.connect() as connection:
        assert all(a == b for a, b in stored_layouts(connection).values())
    assert _answers(new_database) == answers
    assert all(answers.values())
    # A path run twice in a report counts twice, as its step rows do.
    retry = next(row for row in answers["top failed"] if row["stepPath"] == _RETRY)
    s, r = report_steps.c, reports.c
    runs = (
        select(func.count())
        .select_from(report_steps.join(reports, r.report_pk == s.report_pk))
        .where(s.path == _RETRY, r.report_type == "T", r.revision == retry["revision"])
    )
    with new_database.engine.connect() as connection:
        assert retry["totalCount"] == connection.scalar(runs) > retry["failCount"]
    assert not {"ix_analytics_step_runs", "ix_report_measurements_path"} & _indexes(new_database)
