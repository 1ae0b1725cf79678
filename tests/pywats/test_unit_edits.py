"""Unit query with OData, one unit tag, moving a unit to another product and deleting a unit,
through `client.production` against the in-process server (SQLite and PostgreSQL)."""

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
    UUTReport,
)


async def _products(client: AsyncWATS, unique: str) -> tuple[str, str]:
    system, board = f"QSYS-{unique}", f"QPCB-{unique}"
    for pn, revisions in ((system, ["1"]), (board, ["A", "B"])):
        await client.products.save(
            Product(part_number=pn, revisions=[ProductRevision(revision=r) for r in revisions])
        )
    await client.products.add_relation((system, "1"), (board, "A"))
    return system, board


@pytest.mark.anyio
async def test_query_units_with_odata(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _products(aclient, unique)
    for index in range(3):
        await aclient.production.create_unit(f"Q{index}-{unique}", board, "A")
    await aclient.production.create_unit(f"S-{unique}", system, "1")
    await aclient.production.add_child((f"S-{unique}", system), (f"Q1-{unique}", board))
    await aclient.production.set_phase(f"Q2-{unique}", board, 16)

    boards = await aclient.production.query_units(
        f"partNumber eq '{board}'", orderby="serialNumber desc", top=2
    )
    assert [u.serial_number for u in boards] == [f"Q2-{unique}", f"Q1-{unique}"]
    finalized = await aclient.production.query_units(
        f"partNumber eq '{board}' and unitPhaseId eq 16"
    )
    assert [u.serial_number for u in finalized] == [f"Q2-{unique}"]
    holders = await aclient.production.query_units(
        f"subUnits/any(s: s/serialNumber eq 'Q1-{unique}')"
    )
    assert [(u.serial_number, [c.serial_number for c in u.sub_units]) for u in holders] == [
        (f"S-{unique}", [f"Q1-{unique}"])
    ]
    with pytest.raises(BadRequestError, match="colour"):
        await aclient.production.query_units("colour eq 'red'")
    with pytest.raises(BadRequestError, match=r"\$top"):
        await aclient.production.query_units(top=5000)


@pytest.mark.anyio
async def test_tag_change_and_delete(aclient: AsyncWATS, unique: str) -> None:
    system, board = await _products(aclient, unique)
    sn = f"T-{unique}"
    await aclient.production.create_unit(sn, board, "A")
    await aclient.production.set_unit_tag(sn, board, "colour", "red")
    await aclient.production.set_unit_tag(sn, board, "size", "L")
    await aclient.production.set_unit_tag(sn, board, "colour", "blue")
    tags = {t.key: t.value for t in (await aclient.production.get_unit(sn, board)).tags}
    assert tags == {"colour": "blue", "size": "L"}

    await aclient.production.change_unit(sn, board, board, "B")
    assert (await aclient.production.get_unit(sn, board)).revision == "B"
    with pytest.raises(NotFoundError, match=f"product '{board}' has no revision 'Z'"):
        await aclient.production.change_unit(sn, board, board, "Z")
    await aclient.production.change_unit(sn, board, system, "1")
    moved = await aclient.production.get_unit(sn, system)
    assert (moved.part_number, moved.revision) == (system, "1")
    changes = await aclient.production.changes(sn, system)
    assert [(c.new_part_number, c.new_revision) for c in changes][-2:] == [
        (board, "B"),
        (system, "1"),
    ]

    await aclient.production.create_unit(f"C-{unique}", board, "A")
    await aclient.production.add_child((sn, system), (f"C-{unique}", board))
    with pytest.raises(ConflictError, match="holds sub-units"):
        await aclient.production.delete_unit(sn, system)
    with pytest.raises(ConflictError, match="is inside another unit"):
        await aclient.production.delete_unit(f"C-{unique}", board)
    await aclient.production.remove_child((sn, system), (f"C-{unique}", board))
    await aclient.production.delete_unit(sn, system)
    with pytest.raises(NotFoundError, match=f"unit '{sn}' of product '{system}' not found"):
        await aclient.production.get_unit(sn, system)


@pytest.mark.anyio
async def test_a_reported_unit_is_registered_with_its_first_report(
    aclient: AsyncWATS, unique: str
) -> None:
    """A serial number known only from reports is a unit: query it, tag it (as WATS)."""
    pn, sn = f"RPT-{unique}", f"RSN-{unique}"
    first, later = (datetime(2026, 11, 2, h, tzinfo=timezone.utc) for h in (8, 9))
    for at, revision in ((later, "B"), (first, "A")):
        report = UUTReport.new(
            operator="operator",
            part_number=pn,
            serial_number=sn,
            revision=revision,
            process_code=10,
            location="Line 1",
            purpose="Production",
            start=at,
        )
        report.result = "P"
        await aclient.reports.submit(report)
    (unit,) = await aclient.production.query_units(f"serialNumber eq '{sn}'")
    # Registered by the first report submitted (the later run); the second one changes nothing.
    assert (unit.part_number, unit.revision, unit.unit_phase_id) == (pn, "B", 2)
    await aclient.production.set_unit_tag(sn, pn, "Line", "2")
    tagged = await aclient.production.get_unit(sn, pn)
    assert [(t.key, t.value) for t in tagged.tags] == [("Line", "2")]
