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
    "StatisticsAnswer",
    "UnitAnswer",
    "UnitChange",
    "UnitInfoAnswer",
    "VerificationAnswer",
    "VerificationRuleAnswer",
]


class UnitAnswer(Answer):
    serialNumber: str
    partNumber: str
    revision: str | None
    parentSerialNumber: str | None
    batchNumber: str | None
    serialDate: Instant | None
    currentLocation: str | None
    xmlData: str | None
    unitPhaseId: int | None
    unitPhase: str | None
    processCode: int | None
    tags: list[TagAnswer]
    subUnits: list[UnitAnswer]


class LastReport(Answer):
    reportId: str
    reportType: str
    processCode: int
    processName: str | None
    result: str
    startUtc: Instant


class UnitInfoAnswer(UnitAnswer):
    """A unit with how many reports it has and the latest of them."""

    reportCount: int
    lastReport: LastReport | None


class PhaseAnswer(Answer):
    UnitPhaseId: int
    Code: str
    Name: str
    Description: str | None


class ChildRequirement(Answer):
    childPartNumber: str
    revisionMask: str | None
    required: int
    present: int


class ChildCheck(Answer):
    serialNumber: str
    partNumber: str
    isComplete: bool
    items: list[ChildRequirement]


class UnitChange(Answer):
    id: int
    unitSerialNumber: str
    partNumber: str
    changedUtc: Instant
    newParentSerialNumber: str | None
    newPartNumber: str | None
    newRevision: str | None
    newUnitPhaseId: int | None
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
