"""Request and response models of `/api/internal/ManualInspection` (PascalCase, rest-api.md §14)."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from ..storage.manual_inspection import (
    Definition,
    DefinitionDraft,
    DefinitionEdit,
    Instance,
    Relation,
    RelationOverlap,
)
from ._answer import Answer, Instant
from ._updates import NotNull, sent

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


#: The definition fields a client sets, by their names in the request models and the draft.
_SETTABLE = {f.name: f.name for f in fields(DefinitionDraft)}


class DefinitionBody(_Body):
    """The fields of a definition a client sets (`Name` is required to create one); a key whose
    column holds no NULL refuses an explicit null (400 naming it)."""

    name: Annotated[str | None, NotNull, Field(max_length=100)] = None
    description: str | None = Field(default=None, max_length=1000)
    virtual_folder_id: str | None = None
    is_global: Annotated[bool | None, NotNull] = None
    on_fail_goto_cleanup: Annotated[bool | None, NotNull] = None
    on_fail_require_submit: Annotated[bool | None, NotNull] = None
    on_fail_require_repair: Annotated[int | None, NotNull] = None
    log_operator: Annotated[bool | None, NotNull] = None
    log_description: Annotated[bool | None, NotNull] = None
    create_unsubmitted_report_on_failed_step: Annotated[bool | None, NotNull] = None
    repair_process_id: str | None = None
    add_child_units: Annotated[bool | None, NotNull] = None
    include_uur_misc_info_in_uut: Annotated[
        bool | None, NotNull, Field(alias="IncludeUURMiscInfoInUUT")
    ] = None
    load_previous_misc_info: Annotated[bool | None, NotNull] = None

    def _sent(self) -> dict[str, Any]:
        return sent(self, **_SETTABLE)

    def draft(self) -> DefinitionDraft:
        """The new definition: the keys sent, the draft's defaults for the rest."""
        values = self._sent()
        return DefinitionDraft(**{**values, "name": values.get("name", "")})


class DefinitionChange(DefinitionBody):
    """Changed fields of a definition (a Draft only) and/or its next `Status`."""

    test_sequence_definition_id: str
    status: int | None = None

    def edit(self) -> DefinitionEdit:
        """The keys sent; the others stay as stored."""
        return DefinitionEdit(**self._sent())


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

    @classmethod
    def of(cls, d: Definition, relations: list[Relation], instances_count: int) -> DefinitionAnswer:
        return cls(
            TestSequenceDefinitionId=d.definition_id,
            VirtualFolderId=d.virtual_folder_id,
            Name=d.name,
            Version=d.version,
            Description=d.description,
            Created=d.created,
            CreatedBy=d.created_by,
            CreatedBySite=None,
            Modified=d.modified,
            ModifiedBy=d.modified_by,
            Released=d.released,
            ReleasedBy=d.released_by,
            Revoked=d.revoked,
            RevokedBy=d.revoked_by,
            Status=d.status,
            IsGlobal=d.is_global,
            OnFailGotoCleanup=d.on_fail_goto_cleanup,
            OnFailRequireSubmit=d.on_fail_require_submit,
            OnFailRequireRepair=d.on_fail_require_repair,
            LogOperator=d.log_operator,
            LogDescription=d.log_description,
            CreateUnsubmittedReportOnFailedStep=d.create_unsubmitted_report_on_failed_step,
            RepairProcessId=d.repair_process_id,
            AddChildUnits=d.add_child_units,
            IncludeUURMiscInfoInUUT=d.include_uur_misc_info_in_uut,
            LoadPreviousMiscInfo=d.load_previous_misc_info,
            Relations=[RelationAnswer.of(r) for r in relations],
            InstancesCount=instances_count,
            XAML=d.xaml,
        )


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

    @classmethod
    def of(cls, relation: Relation) -> RelationAnswer:
        rid = relation.relation_id
        return cls(
            TestSequenceRelationId=rid,
            TestSequenceDefinitionId=relation.definition_id,
            EntitySchema=relation.entity_schema,
            EntityName=relation.entity_name,
            EntityKey=relation.entity_key,
            EntityValue=relation.entity_value,
            Status=relation.status,
            ProductName=None,
            # A link's id is the pair it links: stable, and nothing refers to it otherwise.
            TestSequenceProcessRelations=[
                ProcessRelationAnswer(TestSequenceProcessRelationId=f"{rid}:{p}",
                                      TestSequenceRelationId=rid, ProcessId=p)
                for p in relation.process_ids
            ],
            TestSequenceSiteRelations=[
                SiteRelationAnswer(TestSequenceSiteRelationId=f"{rid}:{s}",
                                   TestSequenceRelationId=rid, SiteId=s)
                for s in relation.site_ids
            ],
        )  # fmt: skip


class RelationConflict(Answer):
    """Another definition's relation selecting units this definition's relations select."""

    TestSequenceDefinitionId: str
    TestSequenceRelationId: str
    Name: str
    EntityName: str
    EntityValue: str | None
    Status: int

    @classmethod
    def of(cls, overlap: RelationOverlap) -> RelationConflict:
        return cls(
            TestSequenceDefinitionId=overlap.definition_id,
            TestSequenceRelationId=overlap.relation_id,
            Name=overlap.name,
            EntityName=overlap.entity_name,
            EntityValue=overlap.entity_value,
            Status=overlap.status,
        )


class SequenceAnswer(Answer):
    TestSequenceDefinitionId: str
    Name: str
    Version: int
    Status: int

    @classmethod
    def of(cls, d: Definition) -> SequenceAnswer:
        return cls(
            TestSequenceDefinitionId=d.definition_id, Name=d.name, Version=d.version,
            Status=d.status,
        )  # fmt: skip


class ContentAnswer(Answer):
    TestSequenceDefinitionId: str
    XAML: str | None

    @classmethod
    def of(cls, d: Definition) -> ContentAnswer:
        return cls(TestSequenceDefinitionId=d.definition_id, XAML=d.xaml)


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

    @classmethod
    def of(cls, instance: Instance) -> InstanceAnswer:
        return cls(
            TestSequenceInstanceId=instance.report_id,
            TestSequenceDefinitionId=instance.definition_id,
            UnitId=None,
            SerialNumber=instance.serial_number,
            PartNumber=instance.part_number,
            Revision=instance.revision,
            Created=instance.created,
            LastEventTime=instance.last_event_time,
        )


class MiscInfoProblem(Answer):
    Path: str
    Message: str


class MiscInfoAnswer(Answer):
    Valid: bool
    Problems: list[MiscInfoProblem]


class StringTestAnswer(Answer):
    Status: str


DefinitionAnswer.model_rebuild()
