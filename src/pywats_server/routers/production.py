"""`/api/Production`: units, sub-units, phases, history, batches, serial numbers (allocation,
import and export, counts) and unit verification.

pyWATS extensions: `PUT /api/Production/SerialNumbers/Types` defines a type (with its `start`,
`end` range) and `PUT /api/Production/UnitVerificationRules` sets a product's required
operations; WATS configures both in its web application. The serial-number import names its
type with the query parameter `typeName`, as the export does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.concurrency import run_in_threadpool

from .._context import ServerContext, context, require_admin
from .._instants import UtcDateTime
from .._json import StrictJsonRoute
from ..storage.batches import Batch as StoredBatch
from ..storage.batches import BatchDraft
from ..storage.serial_number_ledger import ImportCount as StoredImportCount
from ..storage.serial_number_ledger import SerialStatistics, TakenRange
from ..storage.serial_numbers import SerialType, SerialTypeDraft, TakenSerial
from ..storage.unit_verification import VerificationGrade
from ..storage.unit_verification import VerificationRule as StoredRule
from ..storage.units import ChildCheck as StoredCheck
from ..storage.units import Unit as StoredUnit
from ..storage.units import UnitChange as StoredChange
from ..storage.units import UnitFields, UnitPhase
from ._answer import file_answer
from ._production_answers import (
    BatchAnswer,
    ChildCheck,
    ImportCount,
    PhaseAnswer,
    RangeAnswer,
    SerialNumberAnswer,
    SerialTypeAnswer,
    StatisticsAnswer,
    UnitAnswer,
    UnitChange,
    VerificationAnswer,
    VerificationRuleAnswer,
)
from ._query_options import Skip, Top
from ._updates import sent
from .products import Setting

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, tags=["Production"])
Context = Annotated[ServerContext, Depends(context)]
_MAX_TAKE = 10_000
UnitKey = tuple[str, str]
_FILE_BODY = {
    "requestBody": {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/xml": {"schema": {"type": "string"}},
        }
    }
}
_MEDIA = {"csv": "text/csv; charset=utf-8", "xml": "application/xml"}


def _parent_and_child(
    parentSerialNumber: str, parentPartNumber: str, childSerialNumber: str, childPartNumber: str
) -> tuple[UnitKey, UnitKey]:
    return (parentSerialNumber, parentPartNumber), (childSerialNumber, childPartNumber)


# The (serial number, part number) keys of the units AddChildUnit/RemoveChildUnit join or part.
ParentAndChild = Annotated[tuple[UnitKey, UnitKey], Depends(_parent_and_child)]


class Unit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    serialNumber: str = Field(min_length=1)
    partNumber: str = Field(min_length=1)
    revision: str | None = None
    batchNumber: str | None = None
    serialDate: UtcDateTime | None = None
    currentLocation: str | None = None
    xmlData: str | None = None
    unitPhaseId: int | None = None
    processCode: int | None = None
    tags: list[Setting] | None = None

    def fields(self) -> UnitFields:
        kept = sent(
            self,
            revision="revision",
            batch_number="batchNumber",
            current_location="currentLocation",
            xml_data="xmlData",
            process_code="processCode",
        )
        return UnitFields(
            self.serialNumber,
            self.partNumber,
            **kept,
            unit_phase_id=self.unitPhaseId,
            serial_date=self.serialDate,
            tags=[tag.tag_change() for tag in self.tags or ()],
        )


class SerialNumberType(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    format: str = Field(min_length=1)
    description: str | None = None
    regEx: str | None = None
    identifier: int = Field(default=0, ge=0, le=2)
    start: int = Field(default=1, ge=0)
    end: int = Field(ge=0)

    def draft(self) -> SerialTypeDraft:
        return SerialTypeDraft(
            self.name,
            self.format,
            self.end,
            self.start,
            self.description,
            self.regEx,
            self.identifier,
        )


class Batch(BaseModel):
    """A production batch; the store checks number and size (naming the item) so a missing
    or non-positive value reads the same in a single save and in a list."""

    model_config = ConfigDict(extra="ignore")

    batchId: StrictInt | None = None
    batchNumber: str | None = None
    batchSize: StrictInt | None = None

    def draft(self) -> BatchDraft:
        return BatchDraft(self.batchNumber, self.batchSize, self.batchId)


class VerificationRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partNumber: str = Field(min_length=1)
    processCodes: list[int]


@router.get("/api/Production/Unit/{serialNumber}/{partNumber}", response_model=UnitAnswer)
def get_unit(ctx: Context, serialNumber: str, partNumber: str) -> StoredUnit:
    """The unit with its direct sub-units."""
    return ctx.units.get(serialNumber, partNumber)


@router.put("/api/Production/Units", response_model=list[UnitAnswer])
def save_units(ctx: Context, body: list[Unit]) -> list[StoredUnit]:
    """Create or update units by serial number + part number (all or none)."""
    return ctx.units.save([unit.fields() for unit in body])


@router.post("/api/internal/Production/CreateUnit", response_model=UnitAnswer)
def create_unit(
    ctx: Context,
    serialNumber: str,
    partNumber: str,
    revision: str | None = None,
    batchNumber: str | None = None,
    unitPhase: int | None = None,
) -> StoredUnit:
    """Register a new unit; 409 when it exists."""
    unit = UnitFields(serialNumber, partNumber, revision, batchNumber, unit_phase_id=unitPhase)
    return ctx.units.create(unit)


@router.get("/api/internal/Production/GetUnitHierarchy", response_model=UnitAnswer)
def unit_hierarchy(ctx: Context, serialNumber: str, partNumber: str) -> StoredUnit:
    """The unit with its sub-units to any depth."""
    return ctx.units.hierarchy(serialNumber, partNumber)


@router.get("/api/internal/Mes/GetUnitPhases", response_model=list[PhaseAnswer])
def unit_phases(ctx: Context) -> list[UnitPhase]:
    return ctx.units.phases()


@router.put("/api/Production/SetUnitPhase")
def set_unit_phase(
    ctx: Context, serialNumber: str, partNumber: str, phase: str, comment: str | None = None
) -> None:
    """Move a unit to phase `phase`: its id, or (pyWATS extension) its name or code; 409 for a
    scrapped unit."""
    ctx.units.set_phase(serialNumber, partNumber, phase, comment)


@router.put("/api/Production/SetUnitProcess")
def set_unit_process(
    ctx: Context,
    serialNumber: str,
    partNumber: str,
    processCode: int | None = None,
    comment: str | None = None,
) -> None:
    ctx.units.set_process(serialNumber, partNumber, processCode, comment)


@router.post("/api/Production/AddChildUnit")
def add_child_unit(ctx: Context, units: ParentAndChild) -> None:
    """Build a child unit into a parent, checking the parent's box build."""
    ctx.units.add_child(*units)


@router.post("/api/Production/RemoveChildUnit")
def remove_child_unit(ctx: Context, units: ParentAndChild) -> None:
    ctx.units.remove_child(*units)


@router.get("/api/Production/CheckChildUnits", response_model=ChildCheck)
def check_child_units(
    ctx: Context, serialNumber: str, partNumber: str, revision: str | None = None
) -> StoredCheck:
    """Required vs present sub-units per box-build relation, and whether all are present."""
    return ctx.units.check_children(serialNumber, partNumber, revision)


@router.get("/api/Production/Units/Changes", response_model=list[UnitChange])
def unit_changes(
    ctx: Context,
    serialNumber: str | None = None,
    partNumber: str | None = None,
    top: Top = None,
    skip: Skip = None,
) -> list[StoredChange]:
    return ctx.units.changes(serialNumber, partNumber, top, skip)


@router.delete("/api/Production/Units/Changes/{id}")
def delete_unit_change(ctx: Context, id: int) -> None:
    ctx.units.delete_change(id)


@router.get("/api/Production/SerialNumbers/Types", response_model=list[SerialTypeAnswer])
def serial_number_types(ctx: Context) -> list[SerialType]:
    return ctx.serial_numbers.types()


@router.put(
    "/api/Production/SerialNumbers/Types",
    dependencies=[Depends(require_admin)],
    response_model=SerialTypeAnswer,
)
def create_serial_number_type(ctx: Context, body: SerialNumberType) -> SerialType:
    """Define a serial-number type (administrator); 409 when the name exists."""
    return ctx.serial_numbers.create_type(body.draft())


@router.post("/api/Production/SerialNumbers/Take")
def take_serial_numbers(
    ctx: Context,
    serialNumberType: str,
    quantity: Annotated[int, Query(ge=1, le=_MAX_TAKE)] = 1,
    refSN: str | None = None,
    refPN: str | None = None,
    stationName: str | None = None,
) -> list[str]:
    """Allocate the next `quantity` numbers of a type (as a JSON array); 409 when exhausted."""
    return ctx.serial_numbers.take(
        serialNumberType,
        quantity,
        reference_serial_number=refSN,
        reference_part_number=refPN,
        station_name=stationName,
    )


@router.get("/api/Production/SerialNumbers/ByRange", response_model=list[SerialNumberAnswer])
def serial_numbers_by_range(
    ctx: Context, typeName: str, from_: Annotated[int, Query(alias="from")], to: int
) -> list[TakenSerial]:
    return ctx.serial_numbers.taken(typeName, value_range=(from_, to))


@router.get("/api/Production/SerialNumbers/ByReference", response_model=list[SerialNumberAnswer])
def serial_numbers_by_reference(
    ctx: Context,
    typeName: str,
    referenceSerialNumber: str | None = None,
    referencePartNumber: str | None = None,
) -> list[TakenSerial]:
    reference = (referenceSerialNumber, referencePartNumber)
    return ctx.serial_numbers.taken(typeName, reference=reference)


@router.get("/api/Production/Batches", response_model=list[BatchAnswer])
def batches(
    ctx: Context, partNumber: str | None = None, batchId: int | None = None
) -> list[StoredBatch]:
    """Batches by number: all, those units of `partNumber` name, or the one `batchId`."""
    return ctx.batches.query(partNumber, batchId)


@router.put("/api/Production/Batch", response_model=BatchAnswer)
def save_batch(ctx: Context, batch: Batch) -> StoredBatch:
    """Create or update a batch by `batchId`, else by `batchNumber`."""
    return ctx.batches.save([batch.draft()])[0]


@router.put("/api/Production/Batches", response_model=list[BatchAnswer])
def save_batches(ctx: Context, body: list[Batch]) -> list[StoredBatch]:
    return ctx.batches.save([batch.draft() for batch in body])


@router.put("/api/Production/SerialNumbers", openapi_extra=_FILE_BODY, response_model=ImportCount)
async def import_serial_numbers(
    ctx: Context, request: Request, typeName: str | None = None
) -> StoredImportCount:
    """Import a CSV or XML file of numbers into the type it names, all or none (see `storage`);
    `typeName` (a pyWATS extension) imports into that type whatever the file names."""
    body = await request.body()
    return await run_in_threadpool(ctx.serial_ledger.import_file, typeName, body)


@router.get("/api/Production/SerialNumbers", responses=file_answer("text/csv", "application/xml"))
def export_serial_numbers(
    ctx: Context, typeName: str, state: str | None = None, format: str = "csv"
) -> Response:
    """A type's taken and/or free numbers as a CSV or XML file that imports back."""
    format = format.lower()
    data = ctx.serial_ledger.export_file(typeName, state and state.lower(), format)
    return Response(data, media_type=_MEDIA[format])


@router.get("/api/internal/Production/SerialNumbers/Count")
def count_serial_numbers(
    ctx: Context,
    serialNumberType: str,
    startAddress: str | None = None,
    endAddress: str | None = None,
    fromDate: UtcDateTime | None = None,
    toDate: UtcDateTime | None = None,
) -> int:
    """How many numbers of a type are taken, between two numbers and/or dates."""
    return ctx.serial_ledger.count(serialNumberType, startAddress, endAddress, fromDate, toDate)


@router.get("/api/internal/Production/SerialNumbers/Ranges", response_model=list[RangeAnswer])
def serial_number_ranges(ctx: Context, serialNumberType: str | None = None) -> list[TakenRange]:
    """The runs of consecutive taken numbers, per type."""
    return ctx.serial_ledger.ranges(serialNumberType)


@router.get(
    "/api/internal/Production/SerialNumbers/Statistics", response_model=list[StatisticsAnswer]
)
def serial_number_statistics(
    ctx: Context, serialNumberType: str | None = None
) -> list[SerialStatistics]:
    """Per type: range, next counter value, and how many numbers are taken, free and left."""
    return ctx.serial_ledger.statistics(serialNumberType)


@router.get("/api/Production/UnitVerification", response_model=VerificationAnswer)
def unit_verification(
    ctx: Context, serialNumber: str, partNumber: str, revision: str | None = None
) -> VerificationGrade:
    """Grade a unit against its product's required operations, from its stored reports."""
    return ctx.verifier.verify(serialNumber, partNumber, revision)


@router.put(
    "/api/Production/UnitVerificationRules",
    dependencies=[Depends(require_admin)],
    response_model=VerificationRuleAnswer,
)
def set_verification_rule(ctx: Context, rule: VerificationRule) -> StoredRule:
    """Set the operations (process codes, in order) units of a product must pass."""
    return ctx.verifier.set_rule(rule.partNumber, rule.processCodes)
