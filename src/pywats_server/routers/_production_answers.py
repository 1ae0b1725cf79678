"""Response models of `/api/Production` (units, batches, serial numbers, verification)."""

from __future__ import annotations

from pydantic import Field

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = [
    "BatchAnswer",
    "ChildCheck",
    "ImportCount",
    "PhaseAnswer",
    "RangeAnswer",
    "SerialNumberAnswer",
    "SerialTypeAnswer",
    "StateChange",
    "StatisticsAnswer",
    "UnitAnswer",
    "UnitChange",
    "UnitInfoAnswer",
    "UnitProcess",
    "VerificationAnswer",
    "VerificationRuleAnswer",
]


class UnitAnswer(Answer):
    serial_number: str
    part_number: str
    revision: str | None
    parent_serial_number: str | None
    batch_number: str | None
    serial_date: Instant | None
    current_location: str | None
    xml_data: str | None
    unit_phase_id: int | None
    unit_phase: str | None
    process_code: int | None
    tags: list[TagAnswer]
    sub_units: list[UnitAnswer]


class LastReport(Answer):
    report_id: str
    report_type: str
    process_code: int
    process_name: str | None
    result: str
    start_utc: Instant


class UnitInfoAnswer(UnitAnswer):
    """A unit with how many reports it has and the latest of them."""

    report_count: int
    last_report: LastReport | None


class PhaseAnswer(Answer):
    """A unit phase, in GetUnitPhases' PascalCase."""

    phase_id: int = Field(serialization_alias="UnitPhaseId")
    code: str = Field(serialization_alias="Code")
    name: str = Field(serialization_alias="Name")
    description: str | None = Field(serialization_alias="Description")


class ChildRequirement(Answer):
    child_part_number: str
    revision_mask: str | None
    required: int
    present: int


class ChildCheck(Answer):
    serial_number: str
    part_number: str
    is_complete: bool
    items: list[ChildRequirement]


class UnitProcess(Answer):
    serial_number: str
    part_number: str
    process_code: int | None
    process_name: str | None


class StateChange(Answer):
    change_id: int
    changed_utc: Instant
    unit_phase_id: int
    unit_phase: str
    comment: str | None


class UnitChange(Answer):
    id: int
    unit_serial_number: str
    part_number: str
    changed_utc: Instant
    new_parent_serial_number: str | None
    new_part_number: str | None
    new_revision: str | None
    new_unit_phase_id: int | None
    comment: str | None


class SerialTypeAnswer(Answer):
    name: str
    description: str | None
    format: str
    reg_ex: str | None
    identifier: int
    identifier_name: str
    start: int
    end: int
    available: int


class SerialNumberAnswer(Answer):
    serial_number: str
    type_name: str
    value: int
    reference_serial_number: str | None
    reference_part_number: str | None
    station_name: str | None
    taken_utc: Instant


class BatchAnswer(Answer):
    batch_id: int
    batch_number: str
    batch_size: int
    unit_count: int


class ImportCount(Answer):
    type_name: str
    taken: int
    free: int


class RangeAnswer(Answer):
    type_name: str
    # `from` is a Python keyword: the attribute is `from_`, the wire name `from`.
    from_: int = Field(serialization_alias="from")
    to: int
    from_serial_number: str
    to_serial_number: str
    count: int


class StatisticsAnswer(Answer):
    type_name: str
    start: int
    end: int
    next_value: int
    taken: int
    free: int
    available: int


class ProcessResult(Answer):
    process_code: int
    process_name: str | None
    process_index: int
    status: str
    start_utc: Instant | None
    station_name: str | None
    total_count: int
    non_passed_count: int
    repair_count: int


class VerificationAnswer(Answer):
    serial_number: str
    part_number: str
    status: str
    grade: str
    all_processes_executed_in_correct_order: bool
    all_processes_passed_first_run: bool
    all_processes_passed_any_run: bool
    all_processes_passed_last_run: bool
    no_repairs: bool
    results: list[ProcessResult]


class VerificationRuleAnswer(Answer):
    part_number: str
    process_codes: list[int]
