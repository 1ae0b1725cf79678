"""The error boundary: numbers the database cannot bind or hold are the request's fault (400)."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("limit", [10**30, -(10**30)])
async def test_a_number_the_database_cannot_take_is_400(api: httpx.AsyncClient, limit: int) -> None:
    # The asset type's limits have no range check of their own: the boundary answers for them.
    name = f"Fixture-{uuid.uuid4().hex[:8]}"
    response = await api.put(
        "/api/Asset/Types", json={"typeName": name, "runningCountLimit": limit}
    )
    assert response.status_code == 400, response.text
    assert "expected integers from -2147483648 to 2147483647" in response.json()["Message"]
    listed = await api.get("/api/Asset/Types")
    assert name not in {item["typeName"] for item in listed.json()}
