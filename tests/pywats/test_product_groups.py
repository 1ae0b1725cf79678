"""Product-group CRUD as the WATS client calls it (`/api/Product/ProductGroup`), through
`client.products` against the in-process server (SQLite and PostgreSQL)."""

from __future__ import annotations

import httpx
import pytest

from pywats import AsyncWATS, ConflictError, NotFoundError, Product


@pytest.mark.anyio
async def test_group_lifecycle(aclient: AsyncWATS, unique: str) -> None:
    pn = f"GRP-{unique}"
    await aclient.products.save(Product(part_number=pn))
    group = await aclient.products.create_group(f"Radios-{unique}", [pn])
    assert group.product_group_name == f"Radios-{unique}"
    with pytest.raises(ConflictError, match="exists"):
        await aclient.products.create_group(f"Radios-{unique}")

    fetched = await aclient.products.get_group(group.product_group_id)
    assert fetched.model_extra is not None
    assert fetched.model_extra["partNumbers"] == [pn]
    renamed = await aclient.products.update_group(group.product_group_id, f"RF-{unique}")
    assert renamed.product_group_name == f"RF-{unique}"
    mine = await aclient.products.list_groups_by_product(pn)
    assert [g.product_group_name for g in mine] == [f"RF-{unique}"]

    await aclient.products.delete_group(group.product_group_id)
    with pytest.raises(NotFoundError, match=f"product group {group.product_group_id} not found"):
        await aclient.products.get_group(group.product_group_id)
    assert await aclient.products.list_groups_by_product(pn) == []
    with pytest.raises(NotFoundError):
        await aclient.products.delete_group(group.product_group_id)


@pytest.mark.anyio
async def test_what_a_group_cannot_keep_is_refused(
    asgi_transport: httpx.ASGITransport, server_token: str, unique: str
) -> None:
    headers = {"Authorization": f"Basic {server_token}"}
    async with httpx.AsyncClient(
        transport=asgi_transport, base_url="http://wats.test", headers=headers
    ) as http:
        body = {"name": f"G-{unique}", "description": "radio boards", "isPublic": True}
        answer = await http.post("/api/Product/ProductGroup", json=body)
        assert answer.status_code == 400
        assert "description" in answer.json()["Message"]
        answer = await http.post("/api/Product/ProductGroup", json={"colour": "red"})
        assert answer.status_code == 400
        assert "colour" in answer.json()["Message"]


@pytest.mark.anyio
async def test_a_revision_must_exist(aclient: AsyncWATS, unique: str) -> None:
    await aclient.products.save(Product(part_number=f"GRV-{unique}"))
    with pytest.raises(NotFoundError, match="has no revision 'Q'"):
        await aclient.products.list_groups_by_product(f"GRV-{unique}", "Q")
