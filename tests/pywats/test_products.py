"""`client.products` against the real server: in-process (async) and over a socket (sync)."""

from __future__ import annotations

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    BadRequestError,
    BomItem,
    ConflictError,
    NotFoundError,
    Product,
    ProductCategory,
    ProductRevision,
    Tag,
    Vendor,
)


async def _board(client: AsyncWATS, pn: str, *revisions: str) -> Product:
    product = Product(
        part_number=pn,
        name=f"Board {pn}",
        revisions=[ProductRevision(revision=r) for r in revisions],
        tags=[Tag(key="family", value="controllers")],
    )
    return await client.products.save(product)


@pytest.mark.anyio
async def test_product_revisions_tags_and_state(aclient: AsyncWATS, unique: str) -> None:
    pn = f"PCB-{unique}"
    saved = await _board(aclient, pn, "A", "B")
    assert saved.product_id
    assert [r.revision for r in saved.revisions] == ["A", "B"]
    assert saved.tags == [Tag(key="family", value="controllers")]

    saved.state = 0
    saved.tags = [Tag(key="family", change=3), Tag(key="owner", value="team-7")]
    updated = await aclient.products.save(saved)
    assert updated.product_id == saved.product_id
    assert updated.state == 0
    assert [t.key for t in updated.tags] == ["owner"]
    listed = {row.part_number: row for row in await aclient.products.query()}
    assert listed[pn].state == 0
    assert listed[pn].name == f"Board {pn}"

    revision = await aclient.products.get_revision(pn, "B")
    revision.description = "second spin"
    await aclient.products.save_revision(revision)
    await aclient.products.save_revision(ProductRevision(revision="C", part_number=pn))
    assert [r.revision for r in (await aclient.products.get(pn)).revisions] == ["A", "B", "C"]
    assert (await aclient.products.get_revision(pn, "B")).description == "second spin"

    await aclient.products.set_tags(pn, [Tag(key="ecn", value="42")], revision="C")
    assert await aclient.products.tags(pn, "C") == [Tag(key="ecn", value="42")]
    assert await aclient.products.tags(pn) == [Tag(key="owner", value="team-7")]


@pytest.mark.anyio
async def test_unknown_products_and_bad_input_are_typed_errors(
    aclient: AsyncWATS, unique: str
) -> None:
    with pytest.raises(NotFoundError, match=f"product 'NOPE-{unique}' not found"):
        await aclient.products.get(f"NOPE-{unique}")
    await _board(aclient, f"PCB-{unique}", "A")
    with pytest.raises(NotFoundError, match="has no revision 'Z'"):
        await aclient.products.get_revision(f"PCB-{unique}", "Z")
    with pytest.raises(BadRequestError, match=r"state: expected 0 \(inactive\) or 1"):
        await aclient.products.save(Product(part_number=f"PCB-{unique}", state=5))
    with pytest.raises(NotFoundError, match=f"product 'ORPHAN-{unique}' not found"):
        await aclient.products.save_revision(
            ProductRevision(revision="A", part_number=f"ORPHAN-{unique}")
        )
    bad = [Product(part_number=f"OK-{unique}"), Product(part_number=f"BAD-{unique}", state=9)]
    with pytest.raises(BadRequestError, match=r"\[1\]\.state"):
        await aclient.products.save_many(bad)
    with pytest.raises(NotFoundError):  # all or nothing: the first product was not stored
        await aclient.products.get(f"OK-{unique}")


@pytest.mark.anyio
async def test_groups_hold_members(aclient: AsyncWATS, unique: str) -> None:
    first, second = f"PSU-{unique}", f"FAN-{unique}"
    await _board(aclient, first)
    await _board(aclient, second)
    group = await aclient.products.save_group(f"Power {unique}", part_numbers=[first])
    assert group.product_group_name == f"Power {unique}"
    renamed = await aclient.products.save_group(
        f"Power supplies {unique}", group_id=group.product_group_id, part_numbers=[first, second]
    )
    assert renamed.product_group_id == group.product_group_id
    assert [g.product_group_id for g in await aclient.products.groups_of(second)] == [
        group.product_group_id
    ]
    other = await aclient.products.save_group(f"Other {unique}")
    with pytest.raises(ConflictError, match=f"'Other {unique}' is product group"):
        await aclient.products.save_group(f"Other {unique}", group_id=group.product_group_id)
    assert other.product_group_id != group.product_group_id
    names = {g.product_group_name for g in await aclient.products.groups()}
    assert f"Power supplies {unique}" in names
    with pytest.raises(NotFoundError, match=f"'GHOST-{unique}'"):
        await aclient.products.save_group(f"X {unique}", part_numbers=[f"GHOST-{unique}"])


@pytest.mark.anyio
async def test_bom_upload_read_and_update(aclient: AsyncWATS, unique: str) -> None:
    pn = f"PCB-{unique}"
    await _board(aclient, pn, "C")
    items = [
        BomItem(part_number="RES-10K-0603", revision="A", quantity=3, component_ref="R4;R9;R12"),
        BomItem(part_number="CAP-100N", component_ref="C7", description="100 nF"),
    ]
    await aclient.products.upload_bom(pn, "C", items, description="Controller board")
    bom = await aclient.products.bom(pn, "C")
    assert [(i.part_number, i.quantity, i.component_ref) for i in bom] == [
        ("RES-10K-0603", 3, "R4;R9;R12"),
        ("CAP-100N", 1, "C7"),
    ]
    assert bom[0].revision == "A"
    assert bom[1].description == "100 nF"

    await aclient.products.update_bom(pn, "C", [BomItem(part_number="IC-7", vendor="Acme")])
    assert [(i.part_number, i.vendor) for i in await aclient.products.bom(pn, "C")] == [
        ("IC-7", "Acme")
    ]
    with pytest.raises(NotFoundError, match="has no revision 'Q'"):
        await aclient.products.upload_bom(pn, "Q", items)


@pytest.mark.anyio
async def test_box_build_relations(aclient: AsyncWATS, unique: str) -> None:
    system, board, psu = f"SYS-{unique}", f"PCB-{unique}", f"PSU-{unique}"
    await _board(aclient, system, "1")
    await _board(aclient, board, "A", "B")
    await _board(aclient, psu, "A")
    to_board = await aclient.products.add_relation(
        (system, "1"), (board, "A"), quantity=2, revision_mask="A;B"
    )
    assert (to_board.child_part_number, to_board.quantity) == (board, 2)
    await aclient.products.add_relation((board, "A"), (psu, "A"))
    tree = await aclient.products.box_build(system, "1")
    assert [(r.part_number, r.revision, r.level) for r in tree] == [
        (system, "1", 0),
        (board, "A", 1),
        (psu, "A", 2),
    ]
    assert tree[0].product_revision_relation_id is None
    assert tree[1].product_revision_relation_id == to_board.product_revision_relation_id

    with pytest.raises(ConflictError, match="already has a relation to this child product"):
        await aclient.products.add_relation((system, "1"), (board, "B"))
    with pytest.raises(BadRequestError, match="already contains the parent"):
        await aclient.products.add_relation((psu, "A"), (system, "1"))
    with pytest.raises(BadRequestError, match="cannot be built from itself"):
        await aclient.products.add_relation((board, "A"), (board, "B"))

    to_board.quantity = 4
    assert (await aclient.products.update_relation(to_board)).quantity == 4
    await aclient.products.delete_relation(to_board.product_revision_relation_id)
    assert [row.level for row in await aclient.products.box_build(system, "1")] == [0]
    with pytest.raises(NotFoundError, match="relation"):
        await aclient.products.delete_relation(to_board.product_revision_relation_id)


@pytest.mark.anyio
async def test_categories_are_named_by_products_and_renamed_with_them(
    aclient: AsyncWATS, unique: str
) -> None:
    boards, cables = f"Boards {unique}", f"Cables {unique}"
    saved = await aclient.products.save_categories(
        [ProductCategory(name=boards, description="PCBAs"), ProductCategory(name=cables)]
    )
    assert [(c.name, c.description) for c in saved] == [(boards, "PCBAs"), (cables, None)]
    pn = f"PCB-{unique}"
    await aclient.products.save(Product(part_number=pn, product_category_name=boards))

    renamed = f"Assemblies {unique}"
    board_id = saved[0].category_id
    await aclient.products.save_categories([ProductCategory(category_id=board_id, name=renamed)])
    mine = [c for c in await aclient.products.categories() if unique in c.name]
    assert [(c.category_id, c.name) for c in mine] == [
        (board_id, renamed),
        (saved[1].category_id, cables),
    ]
    assert (await aclient.products.get(pn)).product_category_name == renamed
    row = next(p for p in await aclient.products.query() if p.part_number == pn)
    assert row.category == renamed

    with pytest.raises(ConflictError, match=rf"\[1\]\.name: a category named '{cables}'"):
        await aclient.products.save_categories(
            [
                ProductCategory(name=f"New {unique}"),
                ProductCategory(category_id=board_id, name=cables),
            ]
        )
    with pytest.raises(NotFoundError, match=r"\[0\]\.categoryId: category 'nope' not found"):
        await aclient.products.save_categories([ProductCategory(category_id="nope", name="X")])
    names = {c.name for c in await aclient.products.categories()}
    assert f"New {unique}" not in names, "a failed save stores nothing"


@pytest.mark.anyio
async def test_vendors_are_saved_renamed_and_deleted(aclient: AsyncWATS, unique: str) -> None:
    acme = await aclient.products.save_vendor(Vendor(name=f"Acme {unique}", description="PCBs"))
    assert acme.vendor_id
    again = await aclient.products.save_vendor(Vendor(name=f"Acme {unique}", description="PCBA"))
    assert (again.vendor_id, again.description) == (acme.vendor_id, "PCBA")
    other = await aclient.products.save_vendor(Vendor(name=f"Other {unique}"))
    with pytest.raises(ConflictError, match=f"a vendor named 'Other {unique}' already exists"):
        await aclient.products.save_vendor(Vendor(vendor_id=acme.vendor_id, name=f"Other {unique}"))
    renamed = await aclient.products.save_vendor(
        Vendor(vendor_id=acme.vendor_id, name=f"Acme Ltd {unique}")
    )
    assert renamed.name == f"Acme Ltd {unique}"
    mine = [v.name for v in await aclient.products.vendors() if unique in v.name]
    assert mine == [f"Acme Ltd {unique}", f"Other {unique}"]

    await aclient.products.delete_vendor(other.vendor_id or "")
    with pytest.raises(NotFoundError, match=f"vendor '{other.vendor_id}' not found"):
        await aclient.products.delete_vendor(other.vendor_id or "")
    with pytest.raises(BadRequestError, match="name"):
        await aclient.products.save_vendor(Vendor(name=""))
    assert [v.name for v in await aclient.products.vendors() if unique in v.name] == [
        f"Acme Ltd {unique}"
    ]


def test_products_over_a_socket(client: WATS, unique: str) -> None:
    pn = f"PCB-{unique}"
    client.products.save(Product(part_number=pn, revisions=[ProductRevision(revision="A")]))
    client.products.upload_bom(pn, "A", [BomItem(part_number="R1", quantity=2)])
    assert [(i.part_number, i.quantity) for i in client.products.bom(pn, "A")] == [("R1", 2)]
    with pytest.raises(NotFoundError, match=f"product 'NOPE-{unique}' not found"):
        client.products.get(f"NOPE-{unique}")
    vendor = client.products.save_vendor(Vendor(name=f"Vendor {unique}"))
    client.products.delete_vendor(vendor.vendor_id or "")
    with pytest.raises(NotFoundError, match="not found"):
        client.products.delete_vendor(vendor.vendor_id or "")
    client.products.save_categories([ProductCategory(name=f"Cat {unique}")])
    assert f"Cat {unique}" in {c.name for c in client.products.categories()}
