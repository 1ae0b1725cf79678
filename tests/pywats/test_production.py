"""`client.production` against the real server: units, box build, phases, history, serial
numbers (including concurrent allocation over a socket) and unit verification from reports."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.etree import ElementTree

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
    Product,
    ProductionBatch,
    ProductRevision,
    SerialNumberType,
    Unit,
    UURReport,
    UUTReport,
)


async def _products(client: AsyncWATS, unique: str) -> tuple[str, str]:
    """A system built from two boards of revision A or B; returns (system PN, board PN)."""
    system, board = f"SYS-{unique}", f"PCB-{unique}"
    for pn, revisions in ((system, ["1"]), (board, ["A", "B", "C"])):
        await client.products.save(
            Product(part_number=pn, revisions=[ProductRevision(revision=r) for r in revisions])
        )
    await client.products.add_relation((system, "1"), (board, "A"), quantity=2, revision_mask="A;B")
    return system, board


@pytest.mark.anyio
async def test_units_phases_and_history(aclient: AsyncWATS, unique: str) -> None:
    system, _ = await _products(aclient, unique)
    sn = f"SN-{unique}"
    created = await aclient.production.create_unit(sn, system, "1", batch_number="B-7")
    assert (created.unit_phase, created.batch_number) == ("Under production", "B-7")
    with pytest.raises(ConflictError, match=f"unit '{sn}' of product '{system}' already exists"):
        await aclient.production.create_unit(sn, system, "1")
    with pytest.raises(NotFoundError, match=f"unit 'NOPE-{unique}' of product '{system}'"):
        await aclient.production.get_unit(f"NOPE-{unique}", system)
    with pytest.raises(NotFoundError, match=f"product 'NOPE-{unique}' not found"):
        await aclient.production.save_unit(Unit(serial_number=sn, part_number=f"NOPE-{unique}"))

    with pytest.raises(BadRequestError, match="unknown unit phase '5'"):
        await aclient.production.save_unit(
            Unit(serial_number=f"X-{unique}", part_number=system, unit_phase_id=5)
        )
    dated = await aclient.production.save_unit(
        Unit(
            serial_number=f"D-{unique}",
            part_number=system,
            unit_phase_id=1024,
            serial_date=datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=2))),
        )
    )
    assert dated.unit_phase == "In storage"
    assert dated.serial_date is not None
    assert dated.serial_date.replace(tzinfo=None) == datetime(2026, 3, 1, 8)

    created.current_location = "Line 2"
    updated = await aclient.production.save_unit(created)
    assert updated.current_location == "Line 2"
    await aclient.production.set_phase(sn, system, "finalized", comment="all tests passed")
    assert (await aclient.production.get_unit(sn, system)).unit_phase_id == 16
    await aclient.production.set_phase(sn, system, 32)
    with pytest.raises(ConflictError, match="is scrapped: its phase cannot change"):
        await aclient.production.set_phase(sn, system, "Under production")
    with pytest.raises(BadRequestError, match="unknown unit phase '3'; expected an id or name"):
        await aclient.production.set_phase(sn, system, 3)

    history = await aclient.production.changes(sn, system)
    assert [c.new_unit_phase_id for c in history] == [2, 16, 32]
    assert history[1].comment == "all tests passed"
    assert [c.id for c in await aclient.production.changes(sn, system, skip=1, top=1)] == [
        history[1].id
    ]
    await aclient.production.delete_change(history[0].id)
    assert len(await aclient.production.changes(sn, system)) == 2
    with pytest.raises(NotFoundError, match=f"unit change {history[0].id} not found"):
        await aclient.production.delete_change(history[0].id)


@pytest.mark.anyio
async def test_box_build_rules_are_checked(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _products(aclient, unique)
    await aclient.products.save(Product(part_number=f"FAN-{unique}"))
    units = [
        Unit(serial_number=f"S1-{unique}", part_number=system, revision="1"),
        Unit(serial_number=f"S2-{unique}", part_number=system, revision="1"),
        *(
            Unit(serial_number=f"B{i}-{unique}", part_number=board, revision=rev)
            for i, rev in enumerate(["A", "B", "A", "C"])
        ),
        Unit(serial_number=f"F-{unique}", part_number=f"FAN-{unique}"),
    ]
    await aclient.production.save_units(units)
    s1, s2 = (f"S1-{unique}", system), (f"S2-{unique}", system)
    b0, b1, b2, b3 = ((f"B{i}-{unique}", board) for i in range(4))

    check = await aclient.production.check_children(*s1)
    assert (check.is_complete, check.items[0].required, check.items[0].present) == (False, 2, 0)
    await aclient.production.add_child(s1, b0)
    await aclient.production.add_child(s1, b1)
    assert (await aclient.production.check_children(*s1)).is_complete

    with pytest.raises(ConflictError, match=f"unit 'B0-{unique}' is already in unit 'S1-{unique}'"):
        await aclient.production.add_child(s2, b0)
    with pytest.raises(ConflictError, match="already holds 2 of 2"):
        await aclient.production.add_child(s1, b2)
    with pytest.raises(BadRequestError, match=r"has revision 'C'; the box build .* accepts 'A;B'"):
        await aclient.production.add_child(s2, b3)
    with pytest.raises(BadRequestError, match=f"has no 'FAN-{unique}' sub-assembly"):
        await aclient.production.add_child(s2, (f"F-{unique}", f"FAN-{unique}"))
    with pytest.raises(NotFoundError, match=f"unit 'B9-{unique}'"):
        await aclient.production.add_child(s2, (f"B9-{unique}", board))

    tree = await aclient.production.hierarchy(*s1)
    assert sorted(u.serial_number for u in tree.sub_units) == [f"B0-{unique}", f"B1-{unique}"]
    assert (await aclient.production.get_unit(*b0)).parent_serial_number == f"S1-{unique}"
    await aclient.production.remove_child(s1, b0)
    await aclient.production.add_child(s2, b0)
    with pytest.raises(NotFoundError, match="is not a sub-unit"):
        await aclient.production.remove_child(s1, b0)


@pytest.mark.anyio
async def test_serial_number_allocation(aclient: AsyncWATS, unique: str) -> None:
    name = f"PCB-{unique}"
    created = await aclient.production.create_serial_number_type(
        SerialNumberType(name=name, format="PCB-####", start=7, end=11)
    )
    assert created.available == 5
    with pytest.raises(ConflictError, match=f"serial-number type '{name}' already exists"):
        await aclient.production.create_serial_number_type(
            SerialNumberType(name=name, format="X#", end=9)
        )
    with pytest.raises(BadRequestError, match="holds numbers up to 99"):
        await aclient.production.create_serial_number_type(
            SerialNumberType(name=f"{name}-2", format="X##", end=100)
        )
    first = await aclient.production.take_serial_numbers(
        name, 3, reference=(f"SYS-{unique}", "SYS"), station_name="ST-1"
    )
    assert first == ["PCB-0007", "PCB-0008", "PCB-0009"]
    with pytest.raises(ConflictError, match=f"'{name}' is exhausted: 2 left, 3 asked"):
        await aclient.production.take_serial_numbers(name, 3)
    assert await aclient.production.take_serial_numbers(name, 2) == ["PCB-0010", "PCB-0011"]
    with pytest.raises(ConflictError, match="exhausted: 0 left"):
        await aclient.production.take_serial_numbers(name)
    with pytest.raises(NotFoundError, match=f"'NOPE-{unique}' not found"):
        await aclient.production.take_serial_numbers(f"NOPE-{unique}")

    ranged = await aclient.production.serial_numbers_in_range(name, 8, 10)
    assert [r.serial_number for r in ranged] == ["PCB-0008", "PCB-0009", "PCB-0010"]
    mine = await aclient.production.serial_numbers_for(name, (f"SYS-{unique}", "SYS"))
    assert [(r.serial_number, r.station_name) for r in mine] == [
        ("PCB-0007", "ST-1"),
        ("PCB-0008", "ST-1"),
        ("PCB-0009", "ST-1"),
    ]
    mac = await aclient.production.create_serial_number_type(
        SerialNumberType(name=f"MAC-{unique}", format="001A2B$$$$$$", end=2**24 - 1, identifier=1)
    )
    assert mac.identifier_name == "MACAddress"
    assert await aclient.production.take_serial_numbers(mac.name, 1) == ["001A2B000001"]


def test_concurrent_allocation_over_a_socket_gives_distinct_numbers(
    live_server: Any, unique: str
) -> None:
    """8 clients x 100 single takes at once: 800 numbers, no duplicates, none skipped."""
    name = f"CONC-{unique}"
    with WATS(base_url=live_server.base_url, token=live_server.token) as admin:
        admin.production.create_serial_number_type(
            SerialNumberType(name=name, format="C######", end=10_000)
        )
    everything = _take_at_once(live_server, name, stations=8, takes=100)
    assert len(everything) == 800
    assert set(everything) == {f"C{n:06d}" for n in range(1, 801)}


def _take_at_once(live_server: Any, type_name: str, *, stations: int, takes: int) -> list[str]:
    """`stations` clients in threads, released together, each taking one number `takes` times
    over the socket; every number taken, in no particular order."""
    taken: list[list[str]] = [[] for _ in range(stations)]
    start = threading.Barrier(stations)

    def station(index: int) -> None:
        with WATS(base_url=live_server.base_url, token=live_server.token) as client:
            start.wait()
            for _ in range(takes):
                taken[index].extend(client.production.take_serial_numbers(type_name))

    threads = [threading.Thread(target=station, args=(i,)) for i in range(stations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [serial for numbers in taken for serial in numbers]


def _uut(pn: str, sn: str, code: int, at: datetime, passed: bool = True) -> UUTReport:
    report = UUTReport.new(
        operator="operator",
        part_number=pn,
        serial_number=sn,
        revision="1",
        process_code=code,
        location="Line 1",
        purpose="Production",
        start=at,
    )
    report.result = "P" if passed else "F"
    return report


@pytest.mark.anyio
async def test_verification_grades_units_from_their_reports(
    aclient: AsyncWATS, unique: str
) -> None:
    pn = f"SYS-{unique}"
    await aclient.products.save(Product(part_number=pn))
    await aclient.production.set_required_processes(pn, [50, 100])
    t0 = datetime(2026, 11, 1, 8, tzinfo=timezone.utc)
    clean, retested, repaired, missing = (f"{k}-{unique}" for k in ("A", "B", "C", "F"))
    runs = [
        _uut(pn, clean, 50, t0),
        _uut(pn, clean, 100, t0 + timedelta(hours=1)),
        _uut(pn, retested, 50, t0, passed=False),
        _uut(pn, retested, 50, t0 + timedelta(minutes=5)),
        _uut(pn, retested, 100, t0 + timedelta(hours=1)),
        _uut(pn, repaired, 50, t0, passed=False),
        _uut(pn, repaired, 50, t0 + timedelta(hours=2)),
        _uut(pn, repaired, 100, t0 + timedelta(hours=3)),
        _uut(pn, missing, 50, t0),
    ]
    for report in runs:
        await aclient.reports.submit(report)
    repair = UURReport.new(
        operator="operator",
        part_number=pn,
        serial_number=repaired,
        revision="1",
        process_code=500,
        test_process_code=50,
        location="Line 1",
        purpose="Production",
        start=t0 + timedelta(hours=1),
        ref_uut=str(runs[5].id),  # the failed run it repairs (repair 500 is UUTRequired, R7)
    )
    repair.main_unit.add_failure("Component", "Burned Component")  # WATS needs one (R18)
    await aclient.reports.submit(repair)

    grades = {sn: await aclient.production.verify(sn, pn) for sn in (clean, retested, repaired)}
    assert {sn: g.grade for sn, g in grades.items()} == {clean: "A", retested: "B", repaired: "C"}
    assert grades[retested].results[0].total_count == 2
    assert grades[retested].results[0].non_passed_count == 1
    assert grades[repaired].results[0].repair_count == 1
    assert not grades[repaired].no_repairs
    failed = await aclient.production.verify(missing, pn)
    assert (failed.status, failed.grade) == ("Failed", "F")
    assert [r.status for r in failed.results] == ["Passed", "Missing"]
    assert failed.results[1].process_name == "End of line test"
    with pytest.raises(BadRequestError, match=r"unknown process code\(s\) \[4242\]"):
        await aclient.production.set_required_processes(pn, [50, 4242])


def test_units_over_a_socket(client: WATS, unique: str) -> None:
    pn = f"SYS-{unique}"
    client.products.save(Product(part_number=pn))
    client.production.create_unit(f"SN-{unique}", pn)
    client.production.set_phase(f"SN-{unique}", pn, "Finalized")
    assert client.production.get_unit(f"SN-{unique}", pn).unit_phase == "Finalized"
    with pytest.raises(NotFoundError, match=f"unit 'NOPE-{unique}'"):
        client.production.get_unit(f"NOPE-{unique}", pn)
    with pytest.raises(ConflictError, match="already exists"):
        client.production.create_unit(f"SN-{unique}", pn)

    batch = client.production.save_batch(ProductionBatch(batch_number=f"L-{unique}", batch_size=3))
    client.production.create_unit(f"SN2-{unique}", pn, batch_number=f"L-{unique}")
    assert [(b.batch_id, b.unit_count) for b in client.production.batches(part_number=pn)] == [
        (batch.batch_id, 1)
    ]
    with pytest.raises(BadRequestError, match=r"\[0\]\.batchSize"):
        client.production.save_batch(ProductionBatch(batch_number=f"L-{unique}", batch_size=0))

    client.production.create_serial_number_type(
        SerialNumberType(name=f"SOCK-{unique}", format="K###", end=999)
    )
    xml = "<SerialNumbers><SN id='K007' state='free'/><SN id='K001'/></SerialNumbers>"
    imported = client.production.import_serial_numbers(f"SOCK-{unique}", xml)
    assert (imported.taken, imported.free) == (1, 1)
    with pytest.raises(ConflictError, match="SN #1: serial number 'K007' is already free"):
        client.production.import_serial_numbers(f"SOCK-{unique}", xml)
    assert client.production.take_serial_numbers(f"SOCK-{unique}", 2) == ["K007", "K002"]
    exported = client.production.export_serial_numbers(f"SOCK-{unique}", format="xml")
    assert [sn.get("id") for sn in ElementTree.fromstring(exported)] == ["K001", "K002", "K007"]


@pytest.mark.anyio
async def test_batches_group_units_by_batch_number(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _products(aclient, unique)
    first = await aclient.production.save_batch(
        ProductionBatch(batch_number=f"B1-{unique}", batch_size=10)
    )
    assert (first.batch_size, first.unit_count) == (10, 0)
    second, third = await aclient.production.save_batches(
        [
            ProductionBatch(batch_number=f"B2-{unique}", batch_size=2),
            ProductionBatch(batch_number=f"B3-{unique}", batch_size=5),
        ]
    )
    await aclient.production.save_units(
        [
            Unit(serial_number=f"S1-{unique}", part_number=system, batch_number=f"B1-{unique}"),
            Unit(serial_number=f"S2-{unique}", part_number=system, batch_number=f"B1-{unique}"),
            Unit(serial_number=f"P1-{unique}", part_number=board, batch_number=f"B2-{unique}"),
        ]
    )
    of_system = await aclient.production.batches(part_number=system)
    assert [(b.batch_number, b.unit_count) for b in of_system] == [(f"B1-{unique}", 2)]
    assert [b.batch_id for b in await aclient.production.batches(batch_id=third.batch_id)] == [
        third.batch_id
    ]
    resized = await aclient.production.save_batch(
        ProductionBatch(batch_number=f"B1-{unique}", batch_size=12)
    )
    assert (resized.batch_id, resized.batch_size) == (first.batch_id, 12)

    renamed = await aclient.production.save_batch(
        ProductionBatch(batch_id=second.batch_id, batch_number=f"B2b-{unique}", batch_size=2)
    )
    assert (renamed.batch_number, renamed.unit_count) == (f"B2b-{unique}", 1)
    unit = await aclient.production.get_unit(f"P1-{unique}", board)
    assert unit.batch_number == f"B2b-{unique}", "a renamed batch keeps its units"

    with pytest.raises(ConflictError, match=f"batchNumber: batch 'B1-{unique}' already exists"):
        await aclient.production.save_batch(
            ProductionBatch(batch_id=third.batch_id, batch_number=f"B1-{unique}", batch_size=1)
        )
    with pytest.raises(NotFoundError, match=r"batchId: batch 999999999 not found"):
        await aclient.production.save_batch(
            ProductionBatch(batch_id=999_999_999, batch_number="X", batch_size=1)
        )


@pytest.mark.anyio
async def test_invalid_batches_are_refused_whole(aclient: AsyncWATS, unique: str) -> None:
    for size in (0, -3):
        with pytest.raises(
            BadRequestError,
            match=rf"\[1\]\.batchSize: expected a positive whole number, got {size}",
        ):
            await aclient.production.save_batches(
                [
                    ProductionBatch(batch_number=f"OK-{unique}", batch_size=1),
                    ProductionBatch(batch_number=f"BAD-{unique}", batch_size=size),
                ]
            )
    with pytest.raises(BadRequestError, match=r"\[0\]\.batchNumber: expected a non-empty string"):
        await aclient.production.save_batch(ProductionBatch(batch_number=" ", batch_size=1))
    numbers = {b.batch_number for b in await aclient.production.batches()}
    assert f"OK-{unique}" not in numbers, "nothing of a refused list is stored"


async def _serial_type(client: AsyncWATS, name: str, end: int = 20) -> None:
    await client.production.create_serial_number_type(
        SerialNumberType(name=name, format="SN-####", end=end)
    )


@pytest.mark.anyio
async def test_imported_numbers_join_allocation(aclient: AsyncWATS, unique: str) -> None:
    name = f"IMP-{unique}"
    await _serial_type(aclient, name)
    csv_file = (
        "serialNumber,state,stationName\n"
        "SN-0002,taken,Legacy\n"
        "SN-0003,,\n"
        "SN-0050,free,\n"
        "SN-0004,Free,\n"
    )
    imported = await aclient.production.import_serial_numbers(name, csv_file)
    assert (imported.taken, imported.free) == (2, 2)
    (kind,) = [t for t in await aclient.production.serial_number_types() if t.name == name]
    assert kind.available == 19  # 20 in range, 2 taken, SN-0050 free outside the counter's way

    taken = await aclient.production.take_serial_numbers(name, 4)
    assert taken == ["SN-0004", "SN-0050", "SN-0001", "SN-0005"]
    (stats,) = await aclient.production.serial_number_statistics(name)
    assert (stats.taken, stats.free, stats.available, stats.next_value) == (6, 0, 15, 6)
    ranges = await aclient.production.serial_number_ranges(name)
    assert [(r.first, r.last, r.to_serial_number, r.count) for r in ranges] == [
        (1, 5, "SN-0005", 5),
        (50, 50, "SN-0050", 1),
    ]
    every = await aclient.production.serial_number_ranges()
    assert [r for r in every if r.type_name == name] == ranges
    assert await aclient.production.count_serial_numbers(name) == 6
    assert await aclient.production.count_serial_numbers(name, first="SN-0002", last="SN-0004") == 3
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert await aclient.production.count_serial_numbers(name, since=later) == 0
    with pytest.raises(BadRequestError, match="startAddress: 'X-1' is not a number of the format"):
        await aclient.production.count_serial_numbers(name, first="X-1")

    exported = (await aclient.production.export_serial_numbers(name, state="taken")).decode()
    lines = exported.splitlines()
    assert lines[0] == (
        "serialNumber,state,referenceSerialNumber,referencePartNumber,stationName,takenUtc,typeName"
    )
    assert [line.split(",")[:2] for line in lines[1:]] == [
        [f"SN-{n:04d}", "taken"] for n in (1, 2, 3, 4, 5, 50)
    ]
    assert lines[2].split(",")[4] == "Legacy"

    copy = f"IMP2-{unique}"
    await _serial_type(aclient, copy)
    xml = await aclient.production.export_serial_numbers(name, format="xml")
    root = ElementTree.fromstring(xml)
    assert root.tag == "SerialNumbers"
    assert [sn.get("id") for sn in root] == [f"SN-{n:04d}" for n in (1, 2, 3, 4, 5, 50)]
    again = await aclient.production.import_serial_numbers(copy, xml)
    assert (again.taken, again.free) == (6, 0)
    copied = (await aclient.production.export_serial_numbers(copy)).decode()
    assert copied.replace(copy, name) == (
        (await aclient.production.export_serial_numbers(name)).decode()
    ), "an export imports back unchanged (but for the type it names)"
    assert await aclient.production.take_serial_numbers(copy, 2) == ["SN-0006", "SN-0007"]


@pytest.mark.anyio
async def test_a_long_run_of_imported_taken_numbers_is_skipped(
    aclient: AsyncWATS, unique: str
) -> None:
    name = f"RUN-{unique}"
    await _serial_type(aclient, name, end=5000)
    rows = "".join(f"SN-{n:04d}\n" for n in range(1, 2501))
    await aclient.production.import_serial_numbers(name, "serialNumber\n" + rows)
    (kind,) = [t for t in await aclient.production.serial_number_types() if t.name == name]
    assert kind.available == 2500
    assert await aclient.production.take_serial_numbers(name, 2) == ["SN-2501", "SN-2502"]
    assert await aclient.production.count_serial_numbers(name, first="SN-2000") == 503


@pytest.mark.anyio
async def test_bad_imports_store_nothing(aclient: AsyncWATS, unique: str) -> None:
    name = f"BAD-{unique}"
    await _serial_type(aclient, name)
    await aclient.production.import_serial_numbers(name, "serialNumber\nSN-0001\n")
    refused = [
        ("serialNumber\nSN-0007\nSN-0007\n", BadRequestError, "line 3: serial number 'SN-0007' "
         "repeats line 2; nothing was imported"),
        ("serialNumber\nSN-0008\nSN-0001\n", ConflictError, f"line 3: serial number 'SN-0001' "
         f"is already taken in type '{name}'"),
        ("serialNumber,state\nSN-0008,free\nSN-0009,free,x\n", BadRequestError,
         "line 3: expected 2 values, got 3"),
        ("serialNumber,state\nSN-0008,spare\n", BadRequestError,
         "line 2: state: expected 'taken' or 'free', got 'spare'"),
        ("serialNumber\nSN-0008\nSN-12\n", BadRequestError,
         f"line 3: serial number 'SN-12' does not fit the format 'SN-####' of type '{name}'"),
        ("serial,state\nSN-0008,free\n", BadRequestError, "line 1: expected a header"),
        ("serialNumber,takenUtc\nSN-0008,yesterday\n", BadRequestError,
         "line 2: takenUtc: expected an ISO 8601 date"),
        ("<SerialNumbers><SN id='SN-0008'/><Serial id='SN-0009'/></SerialNumbers>",
         BadRequestError, "SN #2: expected an <SN> element, got <Serial>"),
        ("<SerialNumbers><SN id='SN-0008'>", BadRequestError, "not well-formed"),
        ("serialNumber\n", BadRequestError, "lists no serial numbers"),
    ]  # fmt: skip
    for body, error, message in refused:
        with pytest.raises(error, match=message):
            await aclient.production.import_serial_numbers(name, body)
    (stats,) = await aclient.production.serial_number_statistics(name)
    assert (stats.taken, stats.free) == (1, 0), "a refused file stores nothing"
    with pytest.raises(NotFoundError, match=f"typeName: serial-number type 'NO-{unique}' not"):
        await aclient.production.import_serial_numbers(f"NO-{unique}", "serialNumber\nSN-0001\n")
    with pytest.raises(NotFoundError, match=f"typeName: serial-number type 'NO-{unique}' not"):
        await aclient.production.export_serial_numbers(f"NO-{unique}")
    with pytest.raises(BadRequestError, match="format: expected 'csv' or 'xml', got 'json'"):
        await aclient.production.export_serial_numbers(name, format="json")
    with pytest.raises(BadRequestError, match="state: expected 'taken' or 'free'"):
        await aclient.production.export_serial_numbers(name, state="used")


def test_imported_numbers_under_concurrent_takes_over_a_socket(
    live_server: Any, unique: str
) -> None:
    """Imported free numbers are handed out first and imported taken ones never, however the
    takes of 4 stations interleave: 200 distinct numbers."""
    name = f"MIX-{unique}"
    taken_values = set(range(1, 300, 3))
    free_values = range(5000, 5050)
    rows = [f"SN-{n:04d},taken" for n in sorted(taken_values)]
    rows += [f"SN-{n:04d},free" for n in free_values]
    with WATS(base_url=live_server.base_url, token=live_server.token) as admin:
        admin.production.create_serial_number_type(
            SerialNumberType(name=name, format="SN-####", end=9999)
        )
        admin.production.import_serial_numbers(name, "serialNumber,state\n" + "\n".join(rows))
    everything = _take_at_once(live_server, name, stations=4, takes=50)
    counted = [n for n in range(1, 1000) if n not in taken_values][:150]
    assert len(everything) == 200
    assert set(everything) == {f"SN-{n:04d}" for n in [*free_values, *counted]}
