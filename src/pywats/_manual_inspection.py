"""`client.manual_inspection`: manual inspection definitions (WATS's internal endpoints,
rest-api.md §14, PascalCase on the wire).

A definition is versioned by name (`save` of a new definition with a name in use, or `copy`,
makes the next version, as a Draft). `set_status` moves it Draft <-> Pending -> Released ->
Revoked; releasing revokes the name's previously released version. Only a Draft is changed
(fields, relations keep working, sequence content). A reported run of a definition is the UUT
report whose root sequence file is the definition's name and version its version.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_pascal

from pywats._service import Call, M, Service, endpoint
from pywats._wire import WireModel, dump, segment

__all__ = [
    "InspectionContent",
    "InspectionDefinition",
    "InspectionRelation",
    "InspectionRun",
    "InspectionSequence",
    "ManualInspectionService",
    "MiscInfoCheck",
    "MiscInfoProblem",
    "ProcessLink",
    "RelationConflict",
    "StringTestResult",
]

_ROOT = "/api/internal/ManualInspection"


class _Pascal(WireModel):
    model_config = ConfigDict(alias_generator=to_pascal)


class ProcessLink(_Pascal):
    """A process (by its id) a relation is limited to."""

    process_id: str
    test_sequence_process_relation_id: str | None = None
    test_sequence_relation_id: str | None = None


class InspectionRelation(_Pascal):
    """Which units a definition applies to: `entity_value` is a WATS wildcard pattern (e.g.
    part numbers `PCB-%`), limited to the processes linked (none: all)."""

    test_sequence_relation_id: str | None = None
    test_sequence_definition_id: str | None = None
    entity_schema: str = "product"
    entity_name: str = "product"
    entity_key: str | None = "partnumber"
    entity_value: str | None = None
    status: int = 1
    test_sequence_process_relations: builtins.list[ProcessLink] = Field(
        default_factory=builtins.list
    )


class InspectionDefinition(_Pascal):
    """A manual inspection definition; the server fills ids, version, status and dates."""

    test_sequence_definition_id: str | None = None
    name: str
    version: int | None = None
    description: str | None = None
    virtual_folder_id: str | None = None
    status: int | None = None
    is_global: bool = False
    on_fail_goto_cleanup: bool = False
    on_fail_require_submit: bool = False
    on_fail_require_repair: int = 0
    log_operator: bool = True
    log_description: bool = False
    create_unsubmitted_report_on_failed_step: bool = False
    repair_process_id: str | None = None
    add_child_units: bool = False
    include_uur_misc_info_in_uut: bool = Field(default=False, alias="IncludeUURMiscInfoInUUT")
    load_previous_misc_info: bool = False
    created: datetime | None = None
    modified: datetime | None = None
    released: datetime | None = None
    revoked: datetime | None = None
    instances_count: int = 0
    xaml: str | None = Field(default=None, alias="XAML")


class RelationConflict(_Pascal):
    """Another definition's relation that selects units this definition's relations select."""

    test_sequence_definition_id: str
    test_sequence_relation_id: str
    name: str
    entity_name: str
    entity_value: str | None = None
    status: int


class InspectionSequence(_Pascal):
    """A definition that has sequence content."""

    test_sequence_definition_id: str
    name: str
    version: int
    status: int


class InspectionRun(_Pascal):
    """A reported run of a definition; its id is the UUT report's id."""

    test_sequence_instance_id: str
    test_sequence_definition_id: str
    unit_id: str | None = None
    serial_number: str
    part_number: str
    revision: str | None = None
    created: datetime
    last_event_time: datetime


class MiscInfoProblem(_Pascal):
    path: str
    message: str


class MiscInfoCheck(_Pascal):
    """Whether misc infos meet WATS's report rules, and the problems when not."""

    valid: bool
    problems: builtins.list[MiscInfoProblem]


class StringTestResult(_Pascal):
    """`P` or `F`."""

    status: str


class InspectionContent(_Pascal):
    """A definition's sequence content (None: none yet)."""

    test_sequence_definition_id: str
    xaml: str | None = Field(default=None, alias="XAML")


# What a client sends of a definition (the server keeps the rest, and what a response adds).
_CLIENT_KEYS = frozenset(str(f.alias) for f in InspectionDefinition.model_fields.values()) - {
    "Version",
    "Status",
    "Created",
    "Modified",
    "Released",
    "Revoked",
    "InstancesCount",
    "XAML",
}


def _definition_body(definition: InspectionDefinition) -> dict[str, Any]:
    return {k: v for k, v in dump(definition).items() if k in _CLIENT_KEYS}


class ManualInspectionService(Service[M]):
    """Manual inspection definitions; an unknown id raises NotFoundError, a change the
    lifecycle forbids ConflictError."""

    @endpoint
    def list(self, *, is_global: bool = False) -> Call[builtins.list[InspectionDefinition]]:
        """The global (reusable) or the standard definitions, by name then version."""
        params = {"isGlobalDefinitions": "true" if is_global else "false"}
        path = f"{_ROOT}/GetTestSequenceDefinitions"
        return Call("GET", path, params=params, returns=builtins.list[InspectionDefinition])

    @endpoint
    def get(self, definition_id: str) -> Call[InspectionDefinition]:
        params = {"definitionId": definition_id}
        path = f"{_ROOT}/GetTestSequenceDefinition"
        return Call("GET", path, params=params, returns=InspectionDefinition)

    @endpoint
    def save(self, definition: InspectionDefinition) -> Call[InspectionDefinition]:
        """Create `definition` (no id: a Draft, the name's next version) or store its changed
        fields (a Draft only)."""
        body = _definition_body(definition)
        if definition.test_sequence_definition_id is None:
            return Call("POST", f"{_ROOT}/PostDefinition", json=body, returns=InspectionDefinition)
        return Call("PUT", f"{_ROOT}/PutDefinitionNew", json=body, returns=InspectionDefinition)

    @endpoint
    def set_status(self, definition_id: str, status: int) -> Call[InspectionDefinition]:
        """Move a definition to 0 Draft, 1 Pending, 2 Released or 3 Revoked."""
        body = {"TestSequenceDefinitionId": definition_id, "Status": status}
        return Call("PUT", f"{_ROOT}/PutDefinitionNew", json=body, returns=InspectionDefinition)

    @endpoint
    def copy(self, definition_id: str) -> Call[InspectionDefinition]:
        """The name's next version as a Draft copy (fields, content and relations)."""
        path = f"{_ROOT}/GetDefinitionCopy/{segment(definition_id)}"
        return Call("GET", path, returns=InspectionDefinition)

    @endpoint
    def count_runs(self, definition_id: str) -> Call[int]:
        """How many runs of the definition were reported."""
        return Call("GET", f"{_ROOT}/GetInstancesCount/{segment(definition_id)}", returns=int)

    @endpoint
    def list_relations(self, definition_id: str) -> Call[builtins.list[InspectionRelation]]:
        path = f"{_ROOT}/GetRelations/{segment(definition_id)}"
        return Call("GET", path, returns=builtins.list[InspectionRelation])

    @endpoint
    def list_conflicts(self, definition_id: str) -> Call[builtins.list[RelationConflict]]:
        """Relations of other definitions that select units this one's select."""
        path = f"{_ROOT}/GetRelationConflictsNew/{segment(definition_id)}"
        return Call("GET", path, returns=builtins.list[RelationConflict])

    @endpoint
    def list_conflicts_legacy(self, definition_id: str) -> Call[builtins.list[RelationConflict]]:
        """As `list_conflicts`, through the older route."""
        path = f"{_ROOT}/GetRelationConflicts/{segment(definition_id)}"
        return Call("GET", path, returns=builtins.list[RelationConflict])

    @endpoint
    def save_relation(self, relation: InspectionRelation) -> Call[InspectionRelation]:
        """Create `relation` (no id; names its definition) or replace the one with its id."""
        body = dump(relation)
        if relation.test_sequence_relation_id is None:
            return Call("POST", f"{_ROOT}/PostRelation", json=body, returns=InspectionRelation)
        return Call("PUT", f"{_ROOT}/PutRelation", json=body, returns=InspectionRelation)

    @endpoint
    def delete_relation(self, relation_id: str) -> Call[None]:
        body = {"TestSequenceRelationId": relation_id}
        return Call("PUT", f"{_ROOT}/DeleteRelationNew", json=body)

    @endpoint
    def list_sequences(self) -> Call[builtins.list[InspectionSequence]]:
        """The definitions that have sequence content."""
        return Call("GET", f"{_ROOT}/GetSequences", returns=builtins.list[InspectionSequence])

    @endpoint
    def save_sequence(self, definition_id: str, xaml: str) -> Call[InspectionSequence]:
        """Set a Draft definition's sequence content (XAML)."""
        body = {"TestSequenceDefinitionId": definition_id, "XAML": xaml}
        return Call("PUT", f"{_ROOT}/PutSequence", json=body, returns=InspectionSequence)

    @endpoint
    def delete_sequence(self, definition_id: str) -> Call[None]:
        """Remove a Draft definition's sequence content."""
        return Call("DELETE", f"{_ROOT}/DeleteSequence/{segment(definition_id)}")

    @endpoint
    def get_xaml(self, definition_id: str) -> Call[InspectionContent]:
        """The definition's sequence content."""
        params = {"definitionId": definition_id}
        path = f"{_ROOT}/GetTestSequenceDefinitionXaml"
        return Call("GET", path, params=params, returns=InspectionContent)

    @endpoint
    def save_xaml(self, definition_id: str, xaml: str) -> Call[None]:
        """As `save_sequence`, through the XAML route."""
        body = {"TestSequenceDefinitionId": definition_id, "XAML": xaml}
        return Call("PUT", f"{_ROOT}/PutTestSequenceDefinitionXaml", json=body)

    @endpoint
    def get_workflow(self, definition_id: str) -> Call[bytes]:
        """The sequence content as the workflow document (NotFoundError when none)."""
        return Call("GET", f"{_ROOT}/GetWatswwfContent/{segment(definition_id)}", returns=bytes)

    @endpoint
    def get_run(self, report_id: str) -> Call[InspectionRun]:
        """The run reported as UUT report `report_id`."""
        return Call("GET", f"{_ROOT}/GetMiDetailsNew/{segment(report_id)}", returns=InspectionRun)

    @endpoint
    def get_run_legacy(self, report_id: str) -> Call[InspectionRun]:
        """As `get_run`, through the older route."""
        return Call("GET", f"{_ROOT}/GetMiDetails/{segment(report_id)}", returns=InspectionRun)

    @endpoint
    def check_misc_infos(self, infos: Sequence[tuple[str, str | None]]) -> Call[MiscInfoCheck]:
        """Whether (description, value) misc infos meet WATS's report rules."""
        body = {"MiscInfos": [{"Description": d, "Value": v} for d, v in infos]}
        return Call("PUT", f"{_ROOT}/ValidateMiscInfo", json=body, returns=MiscInfoCheck)

    @endpoint
    def evaluate_string_test(
        self, value: str, limit: str | None, comp_op: str = "CASESENSIT"
    ) -> Call[StringTestResult]:
        """`P` or `F`: `value` against `limit` by `comp_op`, as a report's string step."""
        body = {"Value": value, "Limit": limit, "CompOp": comp_op}
        return Call("PUT", f"{_ROOT}/PutStringTest", json=body, returns=StringTestResult)
