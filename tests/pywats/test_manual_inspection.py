"""`client.manual_inspection` against the real server: async over the in-process server (SQLite
and PostgreSQL) for the whole family, and the sync twin over a live server."""

from __future__ import annotations

import uuid

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    ConflictError,
    InspectionDefinition,
    InspectionRelation,
    NotFoundError,
    UUTReport,
)


@pytest.mark.anyio
async def test_definition_lifecycle_relations_content_and_runs(
    aclient: AsyncWATS, unique: str
) -> None:
    mi = aclient.manual_inspection
    name = f"MI-{unique}"
    first = await mi.save(InspectionDefinition(name=name, description="joints"))
    assert (first.version, first.status) == (1, 0)
    assert first.test_sequence_definition_id is not None
    did = first.test_sequence_definition_id
    first.description = "joints and labels"
    assert (await mi.save(first)).description == "joints and labels"
    assert [d.name for d in await mi.list()].count(name) == 1

    relation = await mi.save_relation(
        InspectionRelation(test_sequence_definition_id=did, entity_value=f"PCB-{unique}-%")
    )
    other = await mi.save(InspectionDefinition(name=f"{name}-other"))
    assert other.test_sequence_definition_id is not None
    await mi.save_relation(
        InspectionRelation(
            test_sequence_definition_id=other.test_sequence_definition_id,
            entity_value=f"PCB-{unique}-1",
        )
    )
    for conflicts in (await mi.list_conflicts(did), await mi.list_conflicts_legacy(did)):
        assert [c.name for c in conflicts] == [f"{name}-other"]
    relation.entity_value = f"BOX-{unique}"
    await mi.save_relation(relation)
    assert await mi.list_conflicts(did) == []
    assert relation.test_sequence_relation_id is not None
    await mi.delete_relation(relation.test_sequence_relation_id)
    assert await mi.list_relations(did) == []

    await mi.save_sequence(did, "<Activity />")
    assert (await mi.get_xaml(did)).xaml == "<Activity />"
    assert await mi.get_workflow(did) == b"<Activity />"
    assert did in [s.test_sequence_definition_id for s in await mi.list_sequences()]
    await mi.delete_sequence(did)
    with pytest.raises(NotFoundError):
        await mi.get_workflow(did)
    await mi.save_xaml(did, "<Activity x:Class='B' />")

    report = UUTReport.new(
        part_number=f"PCB-{unique}", serial_number="MI-1", revision="A", process_code=10,
        station_name="MI", location="Lab", purpose="Inspection", operator="inspector",
        sequence_path=name, sequence_version="1",
    )  # fmt: skip
    await aclient.reports.submit(report)
    assert await mi.count_runs(did) == 1
    for run in (await mi.get_run(str(report.id)), await mi.get_run_legacy(str(report.id))):
        assert (run.test_sequence_definition_id, run.serial_number) == (did, "MI-1")

    await mi.set_status(did, 1)
    released = await mi.set_status(did, 2)
    assert released.released is not None
    copy = await mi.copy(did)
    assert (copy.version, copy.status, copy.xaml) == (2, 0, "<Activity x:Class='B' />")
    released.description = "too late"
    with pytest.raises(ConflictError, match="only a Draft is edited"):
        await mi.save(released)
    # A renamed Draft keeps its version, which must be free under the new name.
    await mi.copy(other.test_sequence_definition_id)  # f"{name}-other" version 2
    copy.name = f"{name}-other"
    with pytest.raises(ConflictError, match="version 2 exists already"):
        await mi.save(copy)
    copy.name = f"{name}-renamed"
    assert ((await mi.save(copy)).name, copy.version) == (f"{name}-renamed", 2)


@pytest.mark.anyio
async def test_checks(aclient: AsyncWATS) -> None:
    mi = aclient.manual_inspection
    check = await mi.check_misc_infos([("Slot", "3"), ("", "x")])
    assert not check.valid
    assert [p.path for p in check.problems] == ["miscInfos[1].description"]
    assert (await mi.evaluate_string_test("abc", "ABC", "IGNORECASE")).status == "P"


def test_the_sync_client_has_the_same_calls(client: WATS) -> None:
    mi = client.manual_inspection
    name = f"MI-sync-{uuid.uuid4().hex[:8]}"
    created = mi.save(InspectionDefinition(name=name, is_global=True))
    assert created.test_sequence_definition_id is not None
    assert mi.get(created.test_sequence_definition_id).name == name
    assert name in [d.name for d in mi.list(is_global=True)]
    assert mi.count_runs(created.test_sequence_definition_id) == 0
