"""The report tables: a compact indexed header per report, its verbatim document apart, and
one row per step, measurement, misc info, sub-unit, failure, attachment and asset used.

Index choices serve the header query (time range, unit, product) and the analytics that read
steps and measurements by path for a product and process over a period.

A report's shape is its step layout: the path of each step (by step order) and of each
measurement (by measurement index). Reports of one test program share it, so each distinct
shape is stored once (`report_shapes`, `report_shape_paths`) and a report names its own
(`shape_pk`). Analytics find the steps and measurements of a path through the shapes that
contain it: path -> shapes -> the period's reports of those shapes -> rows by primary key, and
how often a step ran is the reports of each shape times the path's count in it. The step and
measurement rows keep their path but have no index on it: such an index has a hot leaf per
distinct path, so a save touched (and its commit wrote) one page per step in each.

The rows keyed by (report_pk, index) lie together on SQLite (`sqlite_with_rowid=False`): a table
WITHOUT ROWID is the B-tree of its primary key, so a report's steps are one range, read once (not
an index entry and a table row each), and an insert writes one B-tree less
(migration r10_clustered_report_rows).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

from ._metadata import BigId, metadata

__all__ = [
    "CHILD_TABLES",
    "SHAPE_MEASUREMENT",
    "SHAPE_STEP",
    "report_assets",
    "report_attachments",
    "report_documents",
    "report_failures",
    "report_measurements",
    "report_misc_infos",
    "report_shape_paths",
    "report_shapes",
    "report_steps",
    "report_sub_units",
    "report_units",
    "reports",
]


def _report_fk() -> Column[int]:
    return Column("report_pk", BigId, ForeignKey("reports.report_pk"), primary_key=True)


# Shape kinds in `report_shape_paths.kind`: a step (position = step order) or a measurement
# (position = measurement index).
SHAPE_STEP = "S"
SHAPE_MEASUREMENT = "M"

report_shapes = Table(
    "report_shapes",
    metadata,
    Column("shape_pk", BigId, primary_key=True, autoincrement=True),
    # sha256 (hex) of the layout, see `_report_shapes.shape_digest`.
    Column("digest", String(64), nullable=False, unique=True),
)

report_shape_paths = Table(
    "report_shape_paths",
    metadata,
    Column("shape_pk", BigId, ForeignKey("report_shapes.shape_pk"), primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("path", Text, nullable=False),
    # The shapes holding a path, and where in them, from the index alone.
    Index("ix_report_shape_paths_path", "path", "kind", "shape_pk", "position"),
    sqlite_with_rowid=False,
)

reports = Table(
    "reports",
    metadata,
    Column("report_pk", BigId, primary_key=True, autoincrement=True),
    Column("report_id", String(36), nullable=False, unique=True),
    Column("report_type", String(1), nullable=False),
    Column("serial_number", String(200), nullable=False),
    Column("part_number", String(200), nullable=False),
    Column("revision", String(200), nullable=False),
    Column("batch_number", String(200)),
    Column("station_name", String(200)),
    Column("location", String(200)),
    Column("purpose", String(200)),
    Column("origin", String(100)),
    Column("process_code", Integer, nullable=False),
    Column("process_name", String(100)),
    Column("result", String(1), nullable=False),
    Column("start", String(40), nullable=False),
    Column("start_utc", DateTime, nullable=False, index=True),
    Column("operator", String(200)),
    Column("comment", Text),
    Column("execution_time", Float),
    Column("sw_filename", String(500)),
    Column("sw_version", String(100)),
    Column("test_socket_index", Integer),
    Column("fixture_id", String(200)),
    Column("error_code", Integer),
    Column("error_message", Text),
    Column("caused_uut_failure", String(500)),
    Column("caused_uut_failure_path", Text),
    Column("referenced_uut", String(36), index=True),
    Column("root_node_type", String(100)),
    Column("receive_count", Integer, nullable=False),
    Column("report_size", Integer, nullable=False),
    Column("received_utc", DateTime, nullable=False),
    # No foreign key: SQLite cannot add one to a stored table, and shapes are never deleted.
    Column("shape_pk", BigId),
    # A product over a period (the process, when asked, is checked in the index): the range of
    # one part number's reports, not every report of the period. With the report type and
    # revision, analytics find a product's UUT reports and their revisions in the index alone;
    # with the shape, also which steps and measurements each report holds.
    Index(
        "ix_reports_part_start",
        "part_number",
        "start_utc",
        "process_code",
        "report_type",
        "revision",
        "shape_pk",
    ),
    # Numbering a unit's runs (analytics) reads this index alone, in order.
    Index(
        "ix_analytics_unit_runs",
        "serial_number",
        "part_number",
        "process_code",
        "start_utc",
        "report_pk",
        "report_type",
        "result",
    ),
)

report_documents = Table(
    "report_documents",
    metadata,
    _report_fk(),
    Column("format", String(4), nullable=False),
    Column("body", LargeBinary, nullable=False),
)

report_steps = Table(
    "report_steps",
    metadata,
    _report_fk(),
    Column("step_order", Integer, primary_key=True, autoincrement=False),
    Column("step_id", Integer),
    Column("parent_order", Integer),
    Column("depth", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("name", String(500), nullable=False),
    Column("step_type", String(100)),
    Column("step_group", String(1)),
    Column("status", String(1)),
    Column("tot_time", Float),
    Column("caused_uut_failure", Boolean, nullable=False),
    Column("error_code", Integer),
    Column("loop_index", Integer),
    # Top failed steps read only the failed rows, a few percent of all.
    Index(
        "ix_analytics_failed_steps",
        "report_pk",
        sqlite_where=text("status = 'F'"),
        postgresql_where=text("status = 'F'"),
    ),
    sqlite_with_rowid=False,
)

report_measurements = Table(
    "report_measurements",
    metadata,
    _report_fk(),
    Column("meas_index", Integer, primary_key=True, autoincrement=False),
    Column("step_order", Integer, nullable=False),
    Column("path", Text, nullable=False),
    Column("name", String(500)),
    Column("kind", String(1), nullable=False),
    Column("comp_op", String(20)),
    Column("status", String(1)),
    Column("value", Float),
    Column("text_value", Text),
    Column("low_limit", Float),
    Column("high_limit", Float),
    Column("text_limit", Text),
    Column("unit", String(100)),
    sqlite_with_rowid=False,
)

report_misc_infos = Table(
    "report_misc_infos",
    metadata,
    _report_fk(),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("description", String(500), nullable=False),
    Column("text", Text),
    Column("numeric", Float),
    Index(None, "description", "text"),
    sqlite_with_rowid=False,
)

report_sub_units = Table(
    "report_sub_units",
    metadata,
    _report_fk(),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("part_type", String(200)),
    Column("part_number", String(200)),
    Column("serial_number", String(200)),
    Column("revision", String(200)),
    Index(None, "serial_number"),
    Index(None, "part_number"),
    sqlite_with_rowid=False,
)

report_failures = Table(
    "report_failures",
    metadata,
    _report_fk(),
    Column("sub_unit_idx", Integer, primary_key=True, autoincrement=False),
    Column("failure_idx", Integer, primary_key=True, autoincrement=False),
    Column("category", String(200)),
    Column("code", String(200)),
    Column("comment", Text),
    Column("com_ref", String(200)),
    Column("func_block", String(200)),
    Column("ref_step_id", Integer),
    Column("art_number", String(200)),
    sqlite_with_rowid=False,
)

report_attachments = Table(
    "report_attachments",
    metadata,
    Column("attachment_id", String(36), primary_key=True),
    Column("report_pk", BigId, ForeignKey("reports.report_pk"), nullable=False, index=True),
    Column("step_id", Integer),
    Column("name", String(500), nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("description", Text),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# The assets a report lists (wsjf.md §7.2), for the asset filter keys and dimensions of analytics.
report_assets = Table(
    "report_assets",
    metadata,
    _report_fk(),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("serial_number", String(200), nullable=False),
    Column("usage_count", Integer),  # as submitted; None when the report left it out
    Index(None, "serial_number"),
    sqlite_with_rowid=False,
)

# One row per unit at an operation (serial number, part number, process code) over its UUT
# reports, kept up to date at every save (`_report_units`): what dynamic yield would otherwise
# recompute from every run of every unit. Outcomes are 0/1: passed at run 1 (fp), by run 2
# (sp), by run 3 (tp), at its last run (lp). `first_utc` (its first run's start) places the unit
# in a period: yield over a date range reads the units of that range through its indexes
# without visiting their first reports.
_UNIT_SUMS = ("process_code", "fp", "sp", "tp", "lp", "reports", "passed", "last_utc")
report_units = Table(
    "report_units",
    metadata,
    Column("serial_number", String(200), primary_key=True),
    Column("part_number", String(200), primary_key=True),
    Column("process_code", Integer, primary_key=True, autoincrement=False),
    Column("first_pk", BigId, nullable=False, index=True),
    Column("first_utc", DateTime, nullable=False),
    Column("fp", Integer, nullable=False),
    Column("sp", Integer, nullable=False),
    Column("tp", Integer, nullable=False),
    Column("lp", Integer, nullable=False),
    Column("reports", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("last_utc", DateTime, nullable=False),
    # Yield over a period (all products, or one) and the report counts per product read these
    # indexes alone: each holds every column those queries sum.
    Index("ix_report_units_first_utc", "first_utc", "part_number", *_UNIT_SUMS),
    Index("ix_report_units_part_first_utc", "part_number", "first_utc", *_UNIT_SUMS),
)

CHILD_TABLES = (
    report_documents,
    report_steps,
    report_measurements,
    report_misc_infos,
    report_sub_units,
    report_failures,
    report_attachments,
    report_assets,
)
