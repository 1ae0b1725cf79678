"""`client.production`: units, sub-units, phases, history, batches, serial numbers (allocation,
import and export) and verification.

Units are keyed by (serial number, part number). Box-build rules are checked by the server when
a child is added: a child already in another unit, a product the parent's box build does not
list, a revision its rule rejects or a full quantity raise ConflictError or BadRequestError with
the server's explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, NamedTuple

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params, Tag, WireModel, dump, segment

__all__ = [
    "ChildUnitCheck",
    "ChildUnitRequirement",
    "ProductionBatch",
    "ProductionService",
    "SerialNumberImport",
    "SerialNumberRange",
    "SerialNumberRecord",
    "SerialNumberStatistics",
    "SerialNumberType",
    "Unit",
    "UnitChange",
    "UnitKey",
    "UnitPhase",
    "UnitVerification",
    "UnitVerificationGrade",
]


class UnitKey(NamedTuple):
    """A unit's identity: serial number and part number (a plain `(sn, pn)` tuple also works)."""

    serial_number: str
    part_number: str


class Unit(WireModel):
    """A produced unit; `sub_units` are the units built into it."""

    serial_number: str
    part_number: str
    revision: str | None = None
    parent_serial_number: str | None = None
    batch_number: str | None = None
    serial_date: datetime | None = None
    current_location: str | None = None
    xml_data: str | None = None
    unit_phase_id: int | None = None
    unit_phase: str | None = None
    process_code: int | None = None
    tags: list[Tag] = Field(default_factory=list)
    sub_units: list[Unit] = Field(default_factory=list)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


SavedUnit = Annotated[Unit, BeforeValidator(_first)]


class UnitPhase(WireModel):
    """A unit phase; ids are bit values (2 under production, 16 finalized, 32 scrapped, ...)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    unit_phase_id: int
    code: str
    name: str
    description: str | None = None


class UnitChange(WireModel):
    """One recorded change of a unit (creation, revision, parent or phase)."""

    id: int
    unit_serial_number: str
    part_number: str | None = None
    changed_utc: datetime | None = None
    new_parent_serial_number: str | None = None
    new_part_number: str | None = None
    new_revision: str | None = None
    new_unit_phase_id: int | None = None
    comment: str | None = None


class ChildUnitRequirement(WireModel):
    child_part_number: str
    revision_mask: str | None = None
    required: int
    present: int


class ChildUnitCheck(WireModel):
    """A unit's sub-units compared with its box build."""

    serial_number: str
    part_number: str
    is_complete: bool
    items: list[ChildUnitRequirement] = Field(default_factory=list)


class SerialNumberType(WireModel):
    """A source of serial numbers: `format` (`#` decimal / `$` hex run), range `start..end`."""

    name: str
    format: str
    end: int
    start: int = 1
    description: str | None = None
    reg_ex: str | None = None
    identifier: int = 0
    identifier_name: str | None = None
    available: int | None = None


class SerialNumberRecord(WireModel):
    """A serial number taken from a type, with the unit and station it was taken for."""

    serial_number: str
    type_name: str
    value: int
    reference_serial_number: str | None = None
    reference_part_number: str | None = None
    station_name: str | None = None
    taken_utc: datetime | None = None


class SerialNumberImport(WireModel):
    """What an import stored: how many numbers became taken and how many free."""

    type_name: str
    taken: int
    free: int


class SerialNumberRange(WireModel):
    """A run of consecutive taken values `first..last` of a type (`from`/`to` on the wire)."""

    type_name: str
    first: int = Field(alias="from")
    last: int = Field(alias="to")
    from_serial_number: str
    to_serial_number: str
    count: int


class SerialNumberStatistics(WireModel):
    """A type's range, its counter's next value and how many numbers are taken, free (imported
    and not yet handed out) and still available to takes."""

    type_name: str
    start: int
    end: int
    next_value: int
    taken: int
    free: int
    available: int


class ProductionBatch(WireModel):
    """A batch number with its planned size; `unit_count` counts the units that name it."""

    batch_number: str
    batch_size: int
    batch_id: int | None = None
    unit_count: int | None = None


class UnitVerification(WireModel):
    """How a unit did at one required operation; `status` Passed, Failed or Missing."""

    process_code: int
    process_name: str | None = None
    process_index: int = 0
    status: str
    start_utc: datetime | None = None
    station_name: str | None = None
    total_count: int = 0
    non_passed_count: int = 0
    repair_count: int = 0


class UnitVerificationGrade(WireModel):
    """Whether a unit passed its required operations; `grade` A, B, C or F (see docs)."""

    status: str
    grade: str
    all_processes_executed_in_correct_order: bool
    all_processes_passed_first_run: bool
    all_processes_passed_any_run: bool
    all_processes_passed_last_run: bool
    no_repairs: bool
    results: list[UnitVerification] = Field(default_factory=list)


def _pair(prefix: str, key: UnitKey | tuple[str, str]) -> dict[str, str]:
    serial_number, part_number = key
    return {f"{prefix}SerialNumber": serial_number, f"{prefix}PartNumber": part_number}


class ProductionService(Service[M]):
    """Units and serial numbers. Unknown units raise NotFoundError naming the serial number."""

    @endpoint
    def get_unit(self, serial_number: str, part_number: str) -> Call[Unit]:
        """The unit with its direct sub-units."""
        path = f"/api/Production/Unit/{segment(serial_number)}/{segment(part_number)}"
        return Call("GET", path, returns=Unit)

    @endpoint
    def hierarchy(self, serial_number: str, part_number: str) -> Call[Unit]:
        """The unit with its sub-units to any depth."""
        params = {"serialNumber": serial_number, "partNumber": part_number}
        path = "/api/internal/Production/GetUnitHierarchy"
        return Call("GET", path, params=params, returns=Unit)

    @endpoint
    def save_units(self, units: Sequence[Unit]) -> Call[list[Unit]]:
        """Create or update units (all or none); the product (and revision) must exist."""
        body = [dump(unit) for unit in units]
        return Call("PUT", "/api/Production/Units", json=body, returns=list[Unit])

    @endpoint
    def save_unit(self, unit: Unit) -> Call[Unit]:
        """Create or update one unit."""
        return Call("PUT", "/api/Production/Units", json=[dump(unit)], returns=SavedUnit)

    @endpoint
    def create_unit(
        self,
        serial_number: str,
        part_number: str,
        revision: str | None = None,
        *,
        batch_number: str | None = None,
        phase: int | None = None,
    ) -> Call[Unit]:
        """Register a new unit; ConflictError when that serial number exists for the product."""
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "revision": revision,
            "batchNumber": batch_number,
            "unitPhase": phase,
        }
        path = "/api/internal/Production/CreateUnit"
        return Call("POST", path, params=params, returns=Unit)

    @endpoint
    def phases(self) -> Call[list[UnitPhase]]:
        return Call("GET", "/api/internal/Mes/GetUnitPhases", returns=list[UnitPhase])

    @endpoint
    def set_phase(
        self, serial_number: str, part_number: str, phase: int | str, comment: str | None = None
    ) -> Call[None]:
        """Move a unit to a phase by id (16) or name (`"Finalized"`; a pyWATS server resolves
        names, WATS needs the id from `phases()`). ConflictError for a scrapped unit."""
        params: Params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "phase": phase,
            "comment": comment,
        }
        return Call("PUT", "/api/Production/SetUnitPhase", params=params)

    @endpoint
    def set_process(
        self,
        serial_number: str,
        part_number: str,
        process_code: int | None,
        comment: str | None = None,
    ) -> Call[None]:
        """Set the unit's current/next process."""
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "processCode": process_code,
            "comment": comment,
        }
        return Call("PUT", "/api/Production/SetUnitProcess", params=params)

    @endpoint
    def add_child(
        self, parent: UnitKey | tuple[str, str], child: UnitKey | tuple[str, str]
    ) -> Call[None]:
        """Build unit `child` into unit `parent`, each given as (serial number, part number)."""
        params = {**_pair("parent", parent), **_pair("child", child)}
        return Call("POST", "/api/Production/AddChildUnit", params=params)

    @endpoint
    def remove_child(
        self, parent: UnitKey | tuple[str, str], child: UnitKey | tuple[str, str]
    ) -> Call[None]:
        params = {**_pair("parent", parent), **_pair("child", child)}
        return Call("POST", "/api/Production/RemoveChildUnit", params=params)

    @endpoint
    def check_children(
        self, serial_number: str, part_number: str, revision: str | None = None
    ) -> Call[ChildUnitCheck]:
        """Which sub-units the box build still needs."""
        params = {"serialNumber": serial_number, "partNumber": part_number, "revision": revision}
        return Call("GET", "/api/Production/CheckChildUnits", params=params, returns=ChildUnitCheck)

    @endpoint
    def changes(
        self,
        serial_number: str | None = None,
        part_number: str | None = None,
        *,
        top: int | None = None,
        skip: int | None = None,
    ) -> Call[list[UnitChange]]:
        """Recorded unit changes, oldest first."""
        params = {
            "serialNumber": serial_number,
            "partNumber": part_number,
            "$top": top,
            "$skip": skip,
        }
        path = "/api/Production/Units/Changes"
        return Call("GET", path, params=params, returns=list[UnitChange])

    @endpoint
    def delete_change(self, change_id: int) -> Call[None]:
        """Acknowledge (remove) one change record."""
        return Call("DELETE", f"/api/Production/Units/Changes/{change_id}")

    @endpoint
    def serial_number_types(self) -> Call[list[SerialNumberType]]:
        path = "/api/Production/SerialNumbers/Types"
        return Call("GET", path, returns=list[SerialNumberType])

    @endpoint
    def create_serial_number_type(self, type: SerialNumberType) -> Call[SerialNumberType]:
        """Define a serial-number type (administrator); ConflictError when the name exists."""
        path = "/api/Production/SerialNumbers/Types"
        return Call("PUT", path, json=dump(type), returns=SerialNumberType)

    @endpoint
    def take_serial_numbers(
        self,
        type_name: str,
        quantity: int = 1,
        *,
        reference: UnitKey | tuple[str, str] | None = None,
        station_name: str | None = None,
    ) -> Call[list[str]]:
        """Allocate the next `quantity` numbers of a type; ConflictError when exhausted.

        Not retried: a retry after a lost answer would allocate again.
        """
        ref_sn, ref_pn = reference if reference is not None else (None, None)
        params: Params = {
            "serialNumberType": type_name,
            "quantity": quantity,
            "refSN": ref_sn,
            "refPN": ref_pn,
            "stationName": station_name,
        }
        path = "/api/Production/SerialNumbers/Take"
        return Call("POST", path, params=params, returns=list[str])

    @endpoint
    def serial_numbers_in_range(
        self, type_name: str, first: int, last: int
    ) -> Call[list[SerialNumberRecord]]:
        """Numbers taken from a type whose counter value lies in `first..last`."""
        params: Params = {"typeName": type_name, "from": first, "to": last}
        path = "/api/Production/SerialNumbers/ByRange"
        return Call("GET", path, params=params, returns=list[SerialNumberRecord])

    @endpoint
    def serial_numbers_for(
        self, type_name: str, unit: UnitKey | tuple[str, str]
    ) -> Call[list[SerialNumberRecord]]:
        """Numbers taken from a type for reference unit `unit`."""
        params = {"typeName": type_name, **_pair("reference", unit)}
        path = "/api/Production/SerialNumbers/ByReference"
        return Call("GET", path, params=params, returns=list[SerialNumberRecord])

    @endpoint
    def import_serial_numbers(self, type_name: str, data: bytes | str) -> Call[SerialNumberImport]:
        """Import a CSV or XML file of numbers into a type (format in docs/guides/production.md):
        all or none; a repeated or known number, a misfit or a bad line raises naming the line.

        Not retried: a retry after a lost answer would be refused as a duplicate.
        """
        body = data.encode("utf-8") if isinstance(data, str) else data
        kind = "application/xml" if body.lstrip().startswith(b"<") else "text/csv"
        return Call(
            "PUT",
            "/api/Production/SerialNumbers",
            params={"typeName": type_name},
            content=body,
            headers={"Content-Type": kind},
            returns=SerialNumberImport,
            idempotent=False,
        )

    @endpoint
    def export_serial_numbers(
        self, type_name: str, *, state: str | None = None, format: str = "csv"
    ) -> Call[bytes]:
        """A type's `"taken"` or `"free"` numbers (default both) as a `csv` or `xml` file."""
        params: Params = {"typeName": type_name, "state": state, "format": format}
        return Call("GET", "/api/Production/SerialNumbers", params=params, returns=bytes)

    @endpoint
    def count_serial_numbers(
        self,
        type_name: str,
        *,
        first: str | None = None,
        last: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Call[int]:
        """How many numbers of a type are taken, between serial numbers `first` and `last`
        and/or taken between `since` and `until`."""
        params: Params = {
            "serialNumberType": type_name,
            "startAddress": first,
            "endAddress": last,
            "fromDate": None if since is None else since.isoformat(),
            "toDate": None if until is None else until.isoformat(),
        }
        path = "/api/internal/Production/SerialNumbers/Count"
        return Call("GET", path, params=params, returns=int)

    @endpoint
    def serial_number_ranges(self, type_name: str | None = None) -> Call[list[SerialNumberRange]]:
        """The runs of consecutive taken numbers, of one type or of all."""
        params = {"serialNumberType": type_name}
        path = "/api/internal/Production/SerialNumbers/Ranges"
        return Call("GET", path, params=params, returns=list[SerialNumberRange])

    @endpoint
    def serial_number_statistics(
        self, type_name: str | None = None
    ) -> Call[list[SerialNumberStatistics]]:
        """Per type (one or all): taken, free and still available numbers."""
        params = {"serialNumberType": type_name}
        path = "/api/internal/Production/SerialNumbers/Statistics"
        return Call("GET", path, params=params, returns=list[SerialNumberStatistics])

    @endpoint
    def batches(
        self, part_number: str | None = None, batch_id: int | None = None
    ) -> Call[list[ProductionBatch]]:
        """Batches by number: all, those units of `part_number` name, or the one `batch_id`."""
        params: Params = {"partNumber": part_number, "batchId": batch_id}
        return Call("GET", "/api/Production/Batches", params=params, returns=list[ProductionBatch])

    @endpoint
    def save_batch(self, batch: ProductionBatch) -> Call[ProductionBatch]:
        """Create or update a batch (by `batch_id`, else by number); BadRequestError for an
        empty number or a size that is not a positive whole number."""
        return Call("PUT", "/api/Production/Batch", json=dump(batch), returns=ProductionBatch)

    @endpoint
    def save_batches(self, batches: Sequence[ProductionBatch]) -> Call[list[ProductionBatch]]:
        """Save several batches: all or none."""
        body = [dump(batch) for batch in batches]
        path = "/api/Production/Batches"
        return Call("PUT", path, json=body, returns=list[ProductionBatch])

    @endpoint
    def verify(
        self, serial_number: str, part_number: str, revision: str | None = None
    ) -> Call[UnitVerificationGrade]:
        """Has the unit passed its required operations? Graded from its stored reports."""
        params = {"serialNumber": serial_number, "partNumber": part_number, "revision": revision}
        path = "/api/Production/UnitVerification"
        return Call("GET", path, params=params, returns=UnitVerificationGrade)

    @endpoint
    def set_required_processes(self, part_number: str, process_codes: Sequence[int]) -> Call[None]:
        """Require these operations, in order, for units of `part_number` (administrator)."""
        body = {"partNumber": part_number, "processCodes": list(process_codes)}
        return Call("PUT", "/api/Production/UnitVerificationRules", json=body)
