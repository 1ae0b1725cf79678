"""`client.production`'s internal unit views, child operations and serial-number release
against the in-process server (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pywats import (
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
    Product,
    ProductRevision,
    SerialNumberRangeSpec,
    SerialNumberType,
    UUTReport,
)


async def _system(client: AsyncWATS, unique: str) -> tuple[str, str]:
    system, board = f"ISYS-{unique}", f"IPCB-{unique}"
    for pn, revision in ((system, "1"), (board, "A")):
        await client.products.save(
            Product(part_number=pn, revisions=[ProductRevision(revision=revision)])
        )
    await client.products.add_relation((system, "1"), (board, "A"), quantity=2)
    return system, board


@pytest.mark.anyio
async def test_unit_views(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _system(aclient, unique)
    sn = f"IU-{unique}"
    await aclient.production.create_unit(sn, system, "1")
    await aclient.production.set_phase(sn, system, 16, comment="done")
    await aclient.production.set_process(sn, system, 50)
    uut = UUTReport.new(
        operator="operator",
        part_number=system,
        serial_number=sn,
        revision="1",
        process_code=50,
        station_name="ST",
        location="L",
        purpose="P",
        start=datetime(2026, 9, 1, 8, tzinfo=timezone.utc),
    )
    uut.root.add_sequence("Main").add_pass_fail("Ok", True)
    report_id = await aclient.reports.submit(uut)

    assert (await aclient.production.find_unit(sn)).part_number == system
    phase = await aclient.production.get_phase(sn, system)
    assert (phase.unit_phase_id, phase.name) == (16, "Finalized")
    process = await aclient.production.get_process(sn, system)
    assert (process.process_code, process.process_name) == (50, "PCBA test")
    history = await aclient.production.list_state_history(sn, system)
    assert [(c.unit_phase_id, c.comment) for c in history] == [(2, "created"), (16, "done")]
    info = await aclient.production.get_unit_info(sn, system)
    assert info.report_count == 1
    assert info.last_report is not None
    assert (info.last_report.report_id, info.last_report.result) == (str(report_id), "Passed")
    assert await aclient.production.is_connected() is True
    (site,) = await aclient.production.list_sites()
    assert site.site_id == 1

    # The same serial number for a second product: the lookup needs the part number then.
    await aclient.production.create_unit(sn, board, "A")
    with pytest.raises(BadRequestError, match=r"partNumber: serial number .* several products"):
        await aclient.production.find_unit(sn)
    assert (await aclient.production.find_unit(sn, board)).part_number == board
    with pytest.raises(NotFoundError, match=f"unit 'NONE-{unique}' not found"):
        await aclient.production.find_unit(f"NONE-{unique}")


@pytest.mark.anyio
async def test_child_operations(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _system(aclient, unique)
    parent = (f"P-{unique}", system)
    await aclient.production.create_unit(*parent, "1")
    for index in range(3):
        await aclient.production.create_unit(f"B{index}-{unique}", board, "A")

    added = await aclient.production.add_child_checked(parent, (f"B0-{unique}", board))
    assert added.success
    await aclient.production.add_child_checked(parent, (f"B1-{unique}", board))
    with pytest.raises(ConflictError, match="already holds 2 of 2"):
        await aclient.production.add_child_checked(parent, (f"B2-{unique}", board))
    contents = await aclient.production.list_contents(*parent, revision="1")
    assert sorted(u.serial_number for u in contents) == [f"B0-{unique}", f"B1-{unique}"]
    with pytest.raises(BadRequestError, match=r"revision: unit .* is revision '1', not '2'"):
        await aclient.production.list_contents(*parent, revision="2")
    check = await aclient.production.check_children_of(*parent)
    assert check.is_complete

    await aclient.production.remove_child_checked(parent, (f"B0-{unique}", board))
    assert len(await aclient.production.list_contents(*parent)) == 1
    cleared = await aclient.production.remove_all_children(*parent)
    assert cleared.message.startswith("1 sub-units removed")
    assert await aclient.production.list_contents(*parent) == []
    assert not (await aclient.production.check_children_of(*parent)).is_complete


@pytest.mark.anyio
async def test_freed_serial_numbers_are_issued_again(aclient: AsyncWATS, unique: str) -> None:
    name = f"FREE-{unique}"
    await aclient.production.create_serial_number_type(
        SerialNumberType(name=name, format="F-####", end=50)
    )
    taken = await aclient.production.take_serial_numbers(name, 5)
    assert taken == ["F-0001", "F-0002", "F-0003", "F-0004", "F-0005"]
    listed = await aclient.production.list_serial_numbers(name, "F-0002", "F-0004")
    assert [r.serial_number for r in listed] == ["F-0002", "F-0003", "F-0004"]

    freed = await aclient.production.free_serial_numbers(
        [
            SerialNumberRangeSpec(
                serial_number_type=name, start_address="F-0002", end_address="F-0003"
            )
        ]
    )
    assert freed == 2
    assert await aclient.production.list_serial_numbers(name, "F-0002", "F-0003") == []
    assert await aclient.production.take_serial_numbers(name, 1) == ["F-0002"]
    removed = await aclient.production.delete_free_serial_numbers(
        [
            SerialNumberRangeSpec(
                serial_number_type=name, start_address="F-0001", end_address="F-0010"
            )
        ]
    )
    assert removed == 1  # F-0003, still free
    assert await aclient.production.take_serial_numbers(name, 1) == ["F-0006"]
    with pytest.raises(BadRequestError, match="startAddress: 'X-1' is not a number"):
        await aclient.production.list_serial_numbers(name, "X-1", "F-0002")
    with pytest.raises(NotFoundError, match="serialNumberType: no serial-number type"):
        await aclient.production.list_serial_numbers(f"NO-{unique}", "F-0001", "F-0002")
