"""Request and response models of `/api/internal/ManualInspection` (PascalCase, rest-api.md §14)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from ._answer import Answer, Instant

__all__ = [
    "ContentAnswer",
    "ContentBody",
    "DefinitionAnswer",
    "DefinitionBody",
    "DefinitionChange",
    "InstanceAnswer",
    "MiscInfoAnswer",
    "MiscInfoCheck",
    "MiscInfoProblem",
    "MiscInfosBody",
    "ProcessRelation",
    "ProcessRelationAnswer",
    "RelationAnswer",
    "RelationBody",
    "RelationConflict",
    "RelationKey",
    "SequenceAnswer",
    "SiteRelation",
    "SiteRelationAnswer",
    "StringTestAnswer",
    "StringTestBody",
]


class _Body(BaseModel):
    """A PascalCase request body; a key it does not name is refused (400 naming it)."""

    model_config = ConfigDict(alias_generator=to_pascal, extra="forbid")


class DefinitionBody(_Body):
    """The fields of a definition a client sets (`Name` is required to create one)."""

    name: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    virtual_folder_id: str | None = None
    is_global: bool | None = None
    on_fail_goto_cleanup: bool | None = None
    on_fail_require_submit: bool | None = None
    on_fail_require_repair: int | None = None
    log_operator: bool | None = None
    log_description: bool | None = None
    create_unsubmitted_report_on_failed_step: bool | None = None
    repair_process_id: str | None = None
    add_child_units: bool | None = None
    include_uur_misc_info_in_uut: bool | None = Field(default=None, alias="IncludeUURMiscInfoInUUT")
    load_previous_misc_info: bool | None = None


class DefinitionChange(DefinitionBody):
    """Changed fields of a definition (a Draft only) and/or its next `Status`."""

    test_sequence_definition_id: str
    status: int | None = None


class ContentBody(_Body):
    """A definition's sequence content."""

    test_sequence_definition_id: str
    xaml: str | None = Field(default=None, alias="XAML")


class ProcessRelation(_Body):
    test_sequence_process_relation_id: str | None = None
    test_sequence_relation_id: str | None = None
    process_id: str


class SiteRelation(_Body):
    test_sequence_site_relation_id: str | None = None
    test_sequence_relation_id: str | None = None
    site_id: str


class RelationBody(_Body):
    """A relation to create (`TestSequenceDefinitionId`) or replace (`TestSequenceRelationId`)."""

    test_sequence_relation_id: str | None = None
    test_sequence_definition_id: str | None = None
    entity_schema: str = Field(max_length=100)
    entity_name: str = Field(max_length=100)
    entity_key: str | None = Field(default=None, max_length=100)
    entity_value: str | None = Field(default=None, max_length=200)
    status: int = 1
    product_name: str | None = None
    test_sequence_process_relations: list[ProcessRelation] | None = None
    test_sequence_site_relations: list[SiteRelation] | None = None


class RelationKey(_Body):
    """The relation a `DeleteRelationNew` removes (other keys of the relation are ignored)."""

    model_config = ConfigDict(alias_generator=to_pascal, extra="ignore")

    test_sequence_relation_id: str


class MiscInfoCheck(_Body):
    description: str | None = None
    value: str | None = None


class MiscInfosBody(_Body):
    """Misc infos to check against WATS's rules for report misc infos."""

    misc_infos: list[MiscInfoCheck]


class StringTestBody(_Body):
    """A string test to evaluate: `Value` against `Limit` by `CompOp` (as in WSJF)."""

    value: str
    limit: str | None = None
    comp_op: str = "CASESENSIT"


class DefinitionAnswer(Answer):
    TestSequenceDefinitionId: str
    VirtualFolderId: str | None
    Name: str
    Version: int
    Description: str | None
    Created: Instant
    CreatedBy: str | None
    CreatedBySite: str | None
    Modified: Instant
    ModifiedBy: str | None
    Released: Instant | None
    ReleasedBy: str | None
    Revoked: Instant | None
    RevokedBy: str | None
    Status: int
    IsGlobal: bool
    OnFailGotoCleanup: bool
    OnFailRequireSubmit: bool
    OnFailRequireRepair: int
    LogOperator: bool
    LogDescription: bool
    CreateUnsubmittedReportOnFailedStep: bool
    RepairProcessId: str | None
    AddChildUnits: bool
    IncludeUURMiscInfoInUUT: bool
    LoadPreviousMiscInfo: bool
    Relations: list[RelationAnswer]
    InstancesCount: int
    XAML: str | None


class ProcessRelationAnswer(Answer):
    TestSequenceProcessRelationId: str
    TestSequenceRelationId: str
    ProcessId: str


class SiteRelationAnswer(Answer):
    TestSequenceSiteRelationId: str
    TestSequenceRelationId: str
    SiteId: str


class RelationAnswer(Answer):
    TestSequenceRelationId: str
    TestSequenceDefinitionId: str
    EntitySchema: str
    EntityName: str
    EntityKey: str | None
    EntityValue: str | None
    Status: int
    ProductName: str | None
    TestSequenceProcessRelations: list[ProcessRelationAnswer]
    TestSequenceSiteRelations: list[SiteRelationAnswer]


class RelationConflict(Answer):
    """Another definition's relation selecting units this definition's relations select."""

    TestSequenceDefinitionId: str
    TestSequenceRelationId: str
    Name: str
    EntityName: str
    EntityValue: str | None
    Status: int


class SequenceAnswer(Answer):
    TestSequenceDefinitionId: str
    Name: str
    Version: int
    Status: int


class ContentAnswer(Answer):
    TestSequenceDefinitionId: str
    XAML: str | None


class InstanceAnswer(Answer):
    """A reported run of a definition (its id is the report's id)."""

    TestSequenceInstanceId: str
    TestSequenceDefinitionId: str
    UnitId: str | None
    SerialNumber: str
    PartNumber: str
    Revision: str | None
    Created: Instant
    LastEventTime: Instant


class MiscInfoProblem(Answer):
    Path: str
    Message: str


class MiscInfoAnswer(Answer):
    Valid: bool
    Problems: list[MiscInfoProblem]


class StringTestAnswer(Answer):
    Status: str


DefinitionAnswer.model_rebuild()
