"""Asset listing options on the wire: paging values the databases cannot bind are 400s."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("option", ["$top", "$skip"])
async def test_paging_past_what_the_database_binds_is_400_naming_the_option(
    api: httpx.AsyncClient, option: str
) -> None:
    response = await api.get("/api/Asset", params={option: 2**31})
    assert response.status_code == 400
    assert f"query parameter '{option}'" in response.json()["Message"]
    assert (await api.get("/api/Asset", params={option: 2**31 - 1})).status_code == 200
