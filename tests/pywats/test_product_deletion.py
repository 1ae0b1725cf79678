"""`client.products.delete` / `delete_revision` against the in-process server: deleted when
nothing refers to it, made inactive when units do, refused while another box build lists it."""

from __future__ import annotations

import pytest

from pywats import AsyncWATS, ConflictError, NotFoundError, Product, ProductRevision, Tag


async def _product(client: AsyncWATS, pn: str, *revisions: str) -> None:
    await client.products.save(
        Product(
            part_number=pn,
            revisions=[ProductRevision(revision=r) for r in revisions],
            tags=[Tag(key="owner", value="test")],
        )
    )


@pytest.mark.anyio
async def test_delete_removes_a_product_nothing_refers_to(aclient: AsyncWATS, unique: str) -> None:
    pn = f"DEL-{unique}"
    await _product(aclient, pn, "A", "B")
    await aclient.products.set_tags(pn, [Tag(key="k", value="v")], revision="A")

    gone = await aclient.products.delete_revision(pn, "A")
    assert (gone.deleted, gone.serial_numbers) == (True, [])
    assert [r.revision for r in (await aclient.products.get(pn)).revisions] == ["B"]
    assert (await aclient.products.delete(pn)).deleted
    with pytest.raises(NotFoundError, match=f"product '{pn}' not found"):
        await aclient.products.get(pn)
    with pytest.raises(NotFoundError, match=f"product '{pn}' not found"):
        await aclient.products.delete(pn)
    await _product(aclient, pn, "A")  # the part number is free again
    with pytest.raises(NotFoundError, match=f"product '{pn}' has no revision 'Z'"):
        await aclient.products.delete_revision(pn, "Z")


@pytest.mark.anyio
async def test_units_keep_a_product_inactive(aclient: AsyncWATS, unique: str) -> None:
    pn = f"DELU-{unique}"
    await _product(aclient, pn, "A", "B")
    await aclient.production.create_unit(f"U2-{unique}", pn, "A")
    await aclient.production.create_unit(f"U1-{unique}", pn, "A")

    kept = await aclient.products.delete_revision(pn, "A")
    assert (kept.deleted, kept.serial_numbers) == (False, [f"U1-{unique}", f"U2-{unique}"])
    revisions = {r.revision: r.state for r in (await aclient.products.get(pn)).revisions}
    assert revisions == {"A": 0, "B": 1}
    kept = await aclient.products.delete(pn)
    assert not kept.deleted
    product = await aclient.products.get(pn)
    assert product.state == 0
    assert {r.state for r in product.revisions} == {0}


@pytest.mark.anyio
async def test_a_box_build_child_is_not_deleted(aclient: AsyncWATS, unique: str) -> None:
    system, board = f"DSYS-{unique}", f"DPCB-{unique}"
    await _product(aclient, system, "1")
    await _product(aclient, board, "A")
    await aclient.products.add_relation((system, "1"), (board, "A"))

    with pytest.raises(ConflictError, match=f"is in the box build of '{system}' revision '1'"):
        await aclient.products.delete(board)
    assert (await aclient.products.delete(system)).deleted  # its box build goes with it
    assert (await aclient.products.delete(board)).deleted
