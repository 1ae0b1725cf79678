"""Product endpoints the SDK does not cover byte for byte: WSBF documents as uploaded, OData on
the product list and route names that are not part numbers."""

from __future__ import annotations

import uuid

import httpx
import pytest


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<BOM", "not well-formed XML"),
        (b'<Bill Partnumber="X" Revision="A"/>', "expected a <BOM> root element"),
        (b'<BOM Revision="A"/>', "needs the attributes Partnumber and Revision"),
        (b'<BOM Partnumber="X" Revision="A"><Component Number="R" Qty="two"/></BOM>', "Qty"),
    ],
)
async def test_bad_wsbf_names_the_problem(
    api: httpx.AsyncClient, document: bytes, message: str
) -> None:
    headers = {"Content-Type": "application/xml"}
    response = await api.put("/api/Product/BOM", content=document, headers=headers)
    assert response.status_code == 400
    assert message in response.json()["Message"]


@pytest.mark.anyio
async def test_product_query_takes_odata(api: httpx.AsyncClient) -> None:
    prefix = f"ODATA-{uuid.uuid4().hex[:6]}"
    for index, state in enumerate((1, 0, 1)):
        product = {"partNumber": f"{prefix}-{index}", "name": f"Board {index}", "state": state}
        assert (await api.put("/api/Product", json=product)).status_code == 200

    async def query(**params: object) -> list[str]:
        response = await api.get("/api/Product/Query", params=params)
        assert response.status_code == 200, response.text
        return [row["partNumber"] for row in response.json()]

    mine = f"startswith(partNumber,'{prefix}')"
    assert await query(**{"$filter": mine}) == [f"{prefix}-{i}" for i in range(3)]
    assert await query(**{"$filter": f"{mine} and state eq 1", "$orderby": "partNumber desc"}) == [
        f"{prefix}-2",
        f"{prefix}-0",
    ]
    assert await query(**{"$filter": mine, "$top": 1, "$skip": 1}) == [f"{prefix}-1"]
    bad = await api.get("/api/Product/Query", params={"$filter": "colour eq 'red'"})
    assert bad.status_code == 400
    assert "colour" in bad.json()["Message"]


@pytest.mark.anyio
async def test_route_names_win_over_part_numbers(api: httpx.AsyncClient) -> None:
    bom = await api.get("/api/Product/BOM")
    assert bom.status_code == 405
    assert "PUT" in bom.json()["Message"]
    unserved = await api.get("/api/Product/ProductGroupFilter")
    assert unserved.status_code == 404
    assert "does not serve" in unserved.json()["Message"]
    assert (await api.get("/api/Product/ProductGroup")).status_code == 200  # a served name
    # A real part number still reads as one.
    assert (await api.put("/api/Product", json={"partNumber": "BOMX-1"})).status_code == 200
    assert (await api.get("/api/Product/BOMX-1")).json()["partNumber"] == "BOMX-1"


@pytest.mark.anyio
async def test_product_info_rows_have_the_hierarchy_shape_wats_clients_read(
    api: httpx.AsyncClient,
) -> None:
    parent, child = f"BOX-{uuid.uuid4().hex[:6]}", f"CHILD-{uuid.uuid4().hex[:6]}"
    for part_number in (parent, child):
        product = {"partNumber": part_number, "revisions": [{"revision": "A"}]}
        assert (await api.put("/api/Product", json=product)).status_code == 200
    relation = {"ParentPartNumber": parent, "ParentRevision": "A"}
    relation |= {"ChildPartNumber": child, "ChildRevision": "A", "Quantity": 2}
    added = await api.post("/api/internal/Product/PostProductRevisionRelation", json=relation)
    assert added.status_code == 200, added.text
    info = await api.get(
        "/api/internal/Product/GetProductInfo", params={"partNumber": parent, "revision": "A"}
    )
    root, row = info.json()
    assert (root["hlevel"], root["PartNumber"], root["Revision"]) == (0, parent, "A")
    assert root["ProductRevisionRelationId"] is None
    assert (row["hlevel"], row["PartNumber"], row["Revision"], row["Quantity"]) == (
        1,
        child,
        "A",
        2,
    )
    assert row["ProductRevisionRelationId"] == added.json()["ProductRevisionRelationId"]
    assert row["ParentProductRevisionId"] == root["ProductRevisionId"]
    assert list(added.json()) == [
        "ProductRevisionRelationId", "ParentProductRevisionId", "ProductRevisionId", "Quantity",
        "ItemNumber", "ChildPartNumber", "ChildRevision", "RevisionMask",
    ]  # fmt: skip
    assert list(row) == ["hlevel", "PartNumber", "Revision", *list(added.json())]
    by_pn = (await api.get("/api/internal/Product/GetProductByPN", params={"PN": parent})).json()
    assert list(by_pn) == [
        "productId", "partNumber", "name", "description", "nonSerial", "state", "xmlData",
        "productCategoryName", "revisions", "tags",
    ]  # fmt: skip
    revision = by_pn["revisions"][0]
    assert list(revision)[-1] == "ProductRevisionRelations"
    assert revision["ProductRevisionRelations"] == [added.json()]


@pytest.mark.anyio
async def test_groups_bom_and_catalog_answers_keep_their_wire_names(
    api: httpx.AsyncClient,
) -> None:
    part = f"CAT-{uuid.uuid4().hex[:6]}"
    product = {"partNumber": part, "revisions": [{"revision": "A"}]}
    assert (await api.put("/api/Product", json=product)).status_code == 200
    group = {"productGroupName": f"G-{part}", "partNumbers": [part]}
    saved = (await api.put("/api/Product/Group", json=group)).json()
    assert list(saved) == ["productGroupId", "productGroupName", "partNumbers"]
    internal = await api.get("/api/Product/ProductGroupsByProduct", params={"partNumber": part})
    (listed,) = internal.json()
    assert list(listed) == ["productGroupId", "productGroupName", "name", "partNumbers"]
    assert listed == {**saved, "name": saved["productGroupName"]}
    bom = [{"partNumber": "R1", "quantity": 4, "manufacturerPn": "RC0603"}]
    key = {"partNumber": part, "revision": "A"}
    assert (await api.put("/api/internal/Product/BOM", params=key, json=bom)).status_code == 200
    item = (await api.get("/api/internal/Product/BOM", params=key)).json()[0]
    assert list(item) == [
        "bomItemId", "productRevisionId", "componentRef", "partNumber", "revision",
        "description", "quantity", "manufacturer", "manufacturerPn", "vendor", "vendorPn",
    ]  # fmt: skip
    assert (item["quantity"], item["manufacturerPn"]) == (4, "RC0603")
    vendor = await api.put("/api/Product/Vendors", json={"name": f"V-{part}"})
    assert list(vendor.json()) == ["vendorId", "name", "description"]
