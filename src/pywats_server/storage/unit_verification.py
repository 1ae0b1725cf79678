"""Unit verification: has a unit passed the operations its product requires, from its reports?

The required operations of a product are a stored list of process codes (a pyWATS rule set via
`PUT /api/Production/UnitVerificationRules`); without one, every test operation the unit has UUT
reports for is required, in the order first run. Per operation: `status` is `Passed` when its
last UUT run passed, `Failed` when not, `Missing` without runs; `repairCount` counts UUR reports
of the unit between that operation's first and last run. The grade:

- `A`: every operation passed its first run, in the required order, with no repairs;
- `B`: every operation passed its last run, without repairs;
- `C`: every operation passed its last run, with repairs;
- `F`: an operation is missing or failed its last run (overall `status` `Failed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, String, Table, Text, select

from ._database import Database
from ._domain import Invalid
from ._metadata import metadata
from .processes import processes
from .products import ProductStore
from .report_tables import reports

__all__ = [
    "OperationResult",
    "UnitVerifier",
    "VerificationGrade",
    "VerificationRule",
    "verification_rules",
]

verification_rules = Table(
    "unit_verification_rules",
    metadata,
    Column("part_number", String(200), primary_key=True),
    Column("process_codes", Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class VerificationRule:
    """The operations (process codes, in order) units of a product must pass."""

    part_number: str
    process_codes: list[int]


@dataclass(frozen=True, slots=True)
class OperationResult:
    """One required operation of a unit: its status, last run and counts."""

    process_code: int
    process_name: str | None
    process_index: int
    status: str
    start_utc: datetime | None
    station_name: str | None
    total_count: int
    non_passed_count: int
    repair_count: int


@dataclass(frozen=True, slots=True)
class VerificationGrade:
    """A unit against its product's required operations (see the module docstring)."""

    serial_number: str
    part_number: str
    status: str
    grade: str
    all_processes_executed_in_correct_order: bool
    all_processes_passed_first_run: bool
    all_processes_passed_any_run: bool
    all_processes_passed_last_run: bool
    no_repairs: bool
    results: list[OperationResult]


class UnitVerifier:
    """Grades units against their product's required operations."""

    def __init__(self, database: Database, products: ProductStore) -> None:
        self._engine = database.engine
        self._products = products

    def set_rule(self, part_number: str, process_codes: Sequence[int]) -> VerificationRule:
        """Require `process_codes` (in this order) for units of `part_number`."""
        if not process_codes:
            raise Invalid("processCodes: expected at least one process code")
        with self._engine.begin() as connection:
            self._products.product_id(connection, part_number)
            known = set(connection.scalars(select(processes.c.code)))
            unknown = [code for code in process_codes if code not in known]
            if unknown:
                raise Invalid(f"processCodes: unknown process code(s) {unknown}")
            text = ",".join(str(code) for code in process_codes)
            table = verification_rules
            connection.execute(table.delete().where(table.c.part_number == part_number))
            connection.execute(table.insert().values(part_number=part_number, process_codes=text))
        return VerificationRule(part_number, list(process_codes))

    def verify(
        self, serial_number: str, part_number: str, revision: str | None
    ) -> VerificationGrade:
        """The UnitVerificationGrade of one unit (see the module docstring for the rules)."""
        r = reports.c
        query = (
            select(r.report_type, r.process_code, r.result, r.start_utc, r.station_name)
            .where(r.serial_number == serial_number, r.part_number == part_number)
            .order_by(r.start_utc)
        )
        if revision is not None:
            query = query.where(r.revision == revision)
        with self._engine.connect() as connection:
            runs = connection.execute(query).all()
            required = self._required(connection, part_number, runs)
            names = {
                code: name
                for code, name in connection.execute(select(processes.c.code, processes.c.name))
            }
        repairs = [run.start_utc for run in runs if run.report_type == "R"]
        results = []
        firsts = []
        for index, code in enumerate(required):
            own = [run for run in runs if run.report_type == "T" and run.process_code == code]
            status = "Missing" if not own else "Passed" if own[-1].result == "P" else "Failed"
            between = [t for t in repairs if own and own[0].start_utc <= t <= own[-1].start_utc]
            results.append(
                OperationResult(
                    process_code=code,
                    process_name=names.get(code),
                    process_index=index,
                    status=status,
                    start_utc=own[-1].start_utc if own else None,
                    station_name=own[-1].station_name if own else None,
                    total_count=len(own),
                    non_passed_count=sum(run.result != "P" for run in own),
                    repair_count=len(between),
                )
            )
            firsts.append(own[0] if own else None)
        passed_last = all(result.status == "Passed" for result in results)
        passed_first = all(first is not None and first.result == "P" for first in firsts)
        starts = [first.start_utc for first in firsts if first is not None]
        in_order = starts == sorted(starts) and all(first is not None for first in firsts)
        no_repairs = not repairs
        if passed_first and in_order and no_repairs:
            grade = "A"
        elif passed_last:
            grade = "B" if no_repairs else "C"
        else:
            grade = "F"
        return VerificationGrade(
            serial_number=serial_number,
            part_number=part_number,
            status="Passed" if passed_last and results else "Failed",
            grade=grade if results else "F",
            all_processes_executed_in_correct_order=in_order,
            all_processes_passed_first_run=passed_first,
            all_processes_passed_any_run=all(r.total_count > r.non_passed_count for r in results),
            all_processes_passed_last_run=passed_last,
            no_repairs=no_repairs,
            results=results,
        )

    def _required(self, connection: Connection, part_number: str, runs: Sequence[Any]) -> list[int]:
        stored = connection.scalar(
            select(verification_rules.c.process_codes).where(
                verification_rules.c.part_number == part_number
            )
        )
        if stored:
            return [int(code) for code in stored.split(",")]
        tests = set(connection.scalars(select(processes.c.code).where(processes.c.is_test)))
        return list(
            dict.fromkeys(
                run.process_code
                for run in runs
                if run.report_type == "T" and run.process_code in tests
            )
        )
