"""SDK methods for endpoints the server already served without one (process internals, report
attachments and misc-info headers, product revisions in bulk and with relations, asset running
count, software folders and available packages), against the in-process server."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest

from pywats import (
    Asset,
    AssetType,
    AsyncWATS,
    NotFoundError,
    Product,
    ProductRevision,
    RepairOperation,
    UUTReport,
)


@pytest.mark.anyio
async def test_process_internals(aclient: AsyncWATS) -> None:
    records = await aclient.processes.list_records()
    repair = next(r for r in records if r.is_repair_operation)
    assert repair.process_id is not None
    assert (await aclient.processes.get(repair.process_id)).code == repair.code
    configs = await aclient.processes.list_repair_operations()
    assert str(repair.code) in configs
    one = await aclient.processes.get_repair_operation(repair.process_id)
    assert isinstance(one, RepairOperation)
    saved = await aclient.processes.save_repair_operation(repair.process_id, one)
    assert [c.description for c in saved.categories] == [c.description for c in one.categories]
    with pytest.raises(NotFoundError):
        await aclient.processes.get("no-such-process")


@pytest.mark.anyio
async def test_report_attachments_and_misc_info(aclient: AsyncWATS, unique: str) -> None:
    uut = UUTReport.new(
        operator="operator",
        part_number=f"ATT-{unique}",
        serial_number="A1",
        revision="A",
        process_code=50,
        station_name="ST",
        location="L",
        purpose="P",
        start=datetime(2026, 8, 1, 8, tzinfo=timezone.utc),
    )
    uut.add_misc_info("Lot", f"lot-{unique}")
    uut.attach(b"hello", name="note.txt", content_type="text/plain")
    uut.root.add_sequence("Main").add_pass_fail("Ok", True)
    report_id = await aclient.reports.submit(uut)

    (header,) = await aclient.reports.query_headers_by_misc_info("Lot", f"lot-{unique}")
    assert str(header.uuid) == str(report_id)
    archive = zipfile.ZipFile(io.BytesIO(await aclient.reports.get_attachments(report_id)))
    assert [archive.read(name) for name in archive.namelist()] == [b"hello"]


@pytest.mark.anyio
async def test_products_assets_and_software(aclient: AsyncWATS, unique: str) -> None:
    pn = f"REVS-{unique}"
    product = await aclient.products.save(Product(part_number=pn))
    saved = await aclient.products.save_revisions(
        [
            ProductRevision(revision="A", product_id=product.product_id),
            ProductRevision(revision="B", product_id=product.product_id),
        ]
    )
    assert [r.revision for r in saved] == ["A", "B"]
    with_relations = await aclient.products.get_with_relations(pn)
    assert sorted(r.revision for r in with_relations.revisions) == ["A", "B"]

    kind = await aclient.assets.save_type(AssetType(type_name=f"Probe-{unique}"))
    await aclient.assets.save(Asset(serial_number=f"AS-{unique}", type_id=kind.type_id))
    await aclient.assets.set_running_count(f"AS-{unique}", 7)
    assert (await aclient.assets.get(f"AS-{unique}")).running_count == 7

    assert await aclient.software.list_virtual_folders() == []
    available = await aclient.software.list_available()
    assert all(p.status == "Released" for p in available)
