"""`/api/internal/ManualInspection`: manual inspection definitions, their relations, their
sequence content and their reported runs (rest-api.md §14; the shapes there are uncertain,
docs/domains.md says what was chosen)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from pywats import ReportValidationError
from pywats.report import report_from_json, string_passes

from .._context import CallerName, ServerContext, context
from .._errors import ApiError
from ..storage.manual_inspection import Definition, ManualInspectionStore, Relation
from ._answer import file_answer
from ._manual_inspection_answers import (
    ContentAnswer,
    ContentBody,
    DefinitionAnswer,
    DefinitionBody,
    DefinitionChange,
    InstanceAnswer,
    MiscInfoAnswer,
    MiscInfosBody,
    RelationAnswer,
    RelationBody,
    RelationConflict,
    RelationKey,
    SequenceAnswer,
    StringTestAnswer,
    StringTestBody,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/ManualInspection", tags=["Manual inspection"])
Context = Annotated[ServerContext, Depends(context)]


def _store(ctx: Context) -> ManualInspectionStore:
    return ManualInspectionStore(ctx.database)


Store = Annotated[ManualInspectionStore, Depends(_store)]


def _answer(store: ManualInspectionStore, definition: Definition) -> DefinitionAnswer:
    key = definition.definition_id
    return DefinitionAnswer.of(definition, store.relations(key), store.instances_count(key))


def _relation(body: RelationBody, relation_id: str = "", definition_id: str = "") -> Relation:
    return Relation(
        relation_id=relation_id,
        definition_id=definition_id,
        entity_schema=body.entity_schema,
        entity_name=body.entity_name,
        entity_key=body.entity_key,
        entity_value=body.entity_value,
        status=body.status,
        process_ids=tuple(p.process_id.lower() for p in body.test_sequence_process_relations or []),
        site_ids=tuple(s.site_id.lower() for s in body.test_sequence_site_relations or []),
    )


# Definitions


@router.get("/GetTestSequenceDefinitions", response_model=list[DefinitionAnswer])
def list_definitions(store: Store, isGlobalDefinitions: bool = False) -> Any:
    """The global (reusable) or the standard definitions, by name then version."""
    return [_answer(store, d) for d in store.definitions(isGlobalDefinitions)]


@router.get("/GetTestSequenceDefinition", response_model=DefinitionAnswer)
def get_definition(store: Store, definitionId: str) -> Any:
    return _answer(store, store.definition(definitionId))


@router.get("/GetDefinitionCopy/{id}", response_model=DefinitionAnswer)
def copy_definition(store: Store, id: str, user: CallerName) -> Any:
    """A copy as the name's next version, a Draft with the fields, content and relations."""
    return _answer(store, store.copy(id, user))


@router.get("/GetInstancesCount/{id}", response_model=int)
def instances_count(store: Store, id: str) -> Any:
    """How many runs of the definition were reported."""
    return store.instances_count(id)


@router.post("/PostDefinition", response_model=DefinitionAnswer)
def post_definition(store: Store, body: DefinitionBody, user: CallerName) -> Any:
    """A new Draft: version 1 of a new name, else the name's next version."""
    return _answer(store, store.create(body.draft(), user))


@router.put("/PutDefinitionNew", response_model=DefinitionAnswer)
def put_definition(store: Store, body: DefinitionChange, user: CallerName) -> Any:
    """Change the fields sent (a Draft only) and/or move `Status` along the lifecycle;
    releasing revokes the name's previously released version."""
    return _answer(
        store, store.update(body.test_sequence_definition_id, body.edit(), body.status, user)
    )


# Relations


@router.get("/GetRelations/{id}", response_model=list[RelationAnswer])
def relations(store: Store, id: str) -> Any:
    return [RelationAnswer.of(r) for r in store.relations(id)]


@router.get("/GetRelationConflicts/{id}", response_model=list[RelationConflict])
def relation_conflicts(store: Store, id: str) -> Any:
    """Active relations of other definitions that select units this one's select."""
    return [RelationConflict.of(c) for c in store.conflicts(id)]


@router.get("/GetRelationConflictsNew/{id}", response_model=list[RelationConflict])
def relation_conflicts_new(store: Store, id: str) -> Any:
    """As GetRelationConflicts (the newer route WATS's web application calls)."""
    return [RelationConflict.of(c) for c in store.conflicts(id)]


@router.post("/PostRelation", response_model=RelationAnswer)
def post_relation(store: Store, body: RelationBody) -> Any:
    if not body.test_sequence_definition_id:
        raise ApiError(400, "TestSequenceDefinitionId: required, the definition to relate")
    relation = _relation(body, definition_id=body.test_sequence_definition_id.lower())
    return RelationAnswer.of(store.add_relation(relation))


@router.put("/PutRelation", response_model=RelationAnswer)
def put_relation(store: Store, body: RelationBody) -> Any:
    if not body.test_sequence_relation_id:
        raise ApiError(400, "TestSequenceRelationId: required, the relation to replace")
    return RelationAnswer.of(store.update_relation(_relation(body, body.test_sequence_relation_id)))


@router.put("/DeleteRelationNew", response_model=RelationAnswer)
def delete_relation(store: Store, body: RelationKey) -> Any:
    """Remove a relation (a PUT, as WATS has it); answers the removed relation."""
    return RelationAnswer.of(store.delete_relation(body.test_sequence_relation_id))


# Sequence content


@router.get("/GetSequences", response_model=list[SequenceAnswer])
def sequences(store: Store) -> Any:
    """The definitions that have sequence content."""
    return [SequenceAnswer.of(d) for d in store.with_content()]


@router.put("/PutSequence", response_model=SequenceAnswer)
def put_sequence(store: Store, body: ContentBody, user: CallerName) -> Any:
    """Set a Draft definition's sequence content (`XAML`)."""
    return SequenceAnswer.of(store.set_content(body.test_sequence_definition_id, body.xaml, user))


@router.delete("/DeleteSequence/{id}", response_model=SequenceAnswer)
def delete_sequence(store: Store, id: str, user: CallerName) -> Any:
    """Remove a Draft definition's sequence content."""
    return SequenceAnswer.of(store.set_content(id, None, user))


@router.get("/GetTestSequenceDefinitionXaml", response_model=ContentAnswer)
def get_xaml(store: Store, definitionId: str) -> Any:
    return ContentAnswer.of(store.definition(definitionId))


@router.put("/PutTestSequenceDefinitionXaml", response_model=ContentAnswer)
def put_xaml(store: Store, body: ContentBody, user: CallerName) -> Any:
    return ContentAnswer.of(store.set_content(body.test_sequence_definition_id, body.xaml, user))


@router.get(
    "/GetWatswwfContent/{id}",
    response_class=Response,
    responses=file_answer("application/xaml+xml"),
)
def workflow_content(store: Store, id: str) -> Response:
    """The definition's sequence content as the workflow document; 404 when it has none."""
    definition = store.definition(id)
    if definition.xaml is None:
        raise ApiError(
            404, f"definition {definition.name!r} version {definition.version} has no sequence"
        )
    return Response(definition.xaml.encode("utf-8"), media_type="application/xaml+xml")


# Runs


@router.get("/GetMiDetails/{id}", response_model=InstanceAnswer)
def mi_details(store: Store, id: str) -> Any:
    """The run reported as report `id`."""
    return InstanceAnswer.of(store.instance(id))


@router.get("/GetMiDetailsNew/{id}", response_model=InstanceAnswer)
def mi_details_new(store: Store, id: str) -> Any:
    """As GetMiDetails (the newer route)."""
    return InstanceAnswer.of(store.instance(id))


# Checks


@router.put("/ValidateMiscInfo", response_model=MiscInfoAnswer)
def validate_misc_info(body: MiscInfosBody) -> Any:
    """Misc infos checked by the rules WATS applies to a report's misc infos."""
    document = {
        "type": "T",
        "miscInfos": [{"description": m.description, "text": m.value} for m in body.misc_infos],
    }
    problems = [
        {"Path": path, "Message": message}
        for path, message in report_from_json(document).problems()
        if path.startswith("miscInfos")
    ]
    return {"Valid": not problems, "Problems": problems}


@router.put("/PutStringTest", response_model=StringTestAnswer)
def string_test(body: StringTestBody) -> Any:
    """Evaluate a string test as a report's string step is evaluated: `P` or `F`."""
    try:
        passed = string_passes(body.comp_op, body.value, body.limit, where="body")
    except ReportValidationError as exc:
        path, message = exc.problems[0]
        raise ApiError(400, f"{path.removeprefix('body.')}: {message}") from None
    return {"Status": "P" if passed else "F"}
