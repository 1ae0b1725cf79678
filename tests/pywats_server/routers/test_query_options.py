"""OData paging options on every endpoint that takes them: values the databases cannot bind
are 400s naming the option, the largest they can bind is served."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("option", ["$top", "$skip"])
@pytest.mark.parametrize(
    "path", ["/api/Asset", "/api/Production/Units/Changes", "/api/Report/Query/Header"]
)
async def test_paging_past_what_the_database_binds_is_400_naming_the_option(
    api: httpx.AsyncClient, path: str, option: str
) -> None:
    response = await api.get(path, params={option: 2**31})
    assert response.status_code == 400
    assert f"query parameter '{option}'" in response.json()["Message"]
    # Report headers also cap a page at 10,000 rows.
    largest = 10_000 if (path, option) == ("/api/Report/Query/Header", "$top") else 2**31 - 1
    assert (await api.get(path, params={option: largest})).status_code == 200


@pytest.mark.parametrize(
    ("path", "option", "supported"),
    [
        ("/api/Report/Query/HeaderByMiscInfo", "$filter", "$top"),
        ("/api/Asset/Types", "$orderby", "$filter, $top"),
        ("/api/App/Processes", "$top", "no OData options"),
        ("/api/Product/Query", "$expand", "$filter, $orderby, $skip, $top"),
    ],
)
async def test_an_option_an_endpoint_does_not_take_is_400_naming_what_it_takes(
    api: httpx.AsyncClient, path: str, option: str, supported: str
) -> None:
    params = {option: "x", "description": "d", "stringValue": "v"}
    response = await api.get(path, params=params)
    assert response.status_code == 400
    message = response.json()["Message"]
    assert option in message
    assert supported in message
