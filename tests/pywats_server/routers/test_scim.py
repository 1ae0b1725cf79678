"""SCIM on the wire: the media type, ListResponse and error shapes identity providers read."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def test_scim_wire_shapes(api: httpx.AsyncClient) -> None:
    unique = uuid.uuid4().hex[:8]
    for index in range(2):
        created = await api.post(
            "/api/SCIM/v2/Users",
            json={"userName": f"page{index}-{unique}"},
            headers={"Content-Type": "application/scim+json"},
        )
        assert created.status_code == 201
    user_id = created.json()["id"]
    raw = await api.get("/api/SCIM/v2/Users", params={"count": 1})
    assert raw.headers["content-type"] == "application/scim+json"
    assert set(raw.json()) >= {"schemas", "totalResults", "itemsPerPage", "startIndex", "Resources"}
    clash = await api.post(
        "/api/SCIM/v2/Users",
        json={"userName": f"page0-{unique}"},
        headers={"Content-Type": "application/scim+json"},
    )
    assert clash.status_code == 409
    body = clash.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert (body["status"], body["scimType"]) == ("409", "uniqueness")
    patch = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False, "displayName": "Off"}}],
    }
    patched = await api.patch(f"/api/SCIM/v2/Users/{user_id}", json=patch)
    assert (patched.json()["active"], patched.json()["displayName"]) == (False, "Off")
    bad_filter = await api.get("/api/SCIM/v2/Users", params={"filter": 'displayName co "x"'})
    assert bad_filter.status_code == 400

    deleted = await api.delete(f"/api/SCIM/v2/Users/{user_id}")
    assert (deleted.status_code, deleted.content) == (204, b"")


async def test_paging_past_what_the_database_binds_is_clamped(api: httpx.AsyncClient) -> None:
    beyond = await api.get("/api/SCIM/v2/Users", params={"startIndex": 10**30})
    assert beyond.status_code == 200
    assert beyond.json()["Resources"] == []
    everyone = await api.get("/api/SCIM/v2/Users", params={"count": 10**30})
    assert everyone.status_code == 200
    assert len(everyone.json()["Resources"]) == everyone.json()["totalResults"]


@pytest.mark.parametrize("body", ["5", "null", "[]", '"alice"', "{"])
async def test_a_body_that_is_not_an_object_is_400(api: httpx.AsyncClient, body: str) -> None:
    for method, path in (("POST", "/api/SCIM/v2/Users"), ("PUT", "/api/SCIM/v2/Users/x")):
        response = await api.request(
            method, path, content=body, headers={"Content-Type": "application/scim+json"}
        )
        assert response.status_code == 400, response.text
        expected = "body: malformed JSON" if body == "{" else "body: expected a SCIM JSON object"
        assert response.json()["Message"].startswith(expected)


async def test_a_user_body_is_checked_against_the_schema(api: httpx.AsyncClient) -> None:
    """Every attribute is checked before anything is stored, and the 400 names it."""
    scim = {"Content-Type": "application/scim+json"}
    name = f"typed-{uuid.uuid4().hex[:8]}"
    for body, where in (
        ({"userName": name, "emails": [{"type": "work"}]}, "emails.0.value"),
        ({"userName": name, "displayName": 5}, "displayName"),
        ({"userName": name, "active": "yes"}, "active"),
        ({"userName": "  "}, "userName"),
        ({"displayName": "No name"}, "userName"),
    ):
        refused = await api.post("/api/SCIM/v2/Users", json=body, headers=scim)
        assert refused.status_code == 400, body
        assert refused.json()["detail"].startswith(where), refused.json()
    found = await api.get("/api/SCIM/v2/Users", params={"filter": f'userName eq "{name}"'})
    assert found.json()["totalResults"] == 0


async def test_patch_paths_change_one_part_and_remove_deactivates(api: httpx.AsyncClient) -> None:
    body = {
        "userName": f"parts-{uuid.uuid4().hex[:8]}",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": "ada@example.com", "primary": True}],
    }
    created = (await api.post("/api/SCIM/v2/Users", json=body)).json()
    assert created["emails"] == [{"value": "ada@example.com", "primary": True}]
    operations = [
        {"op": "replace", "path": "name.givenName", "value": "Augusta"},
        {"op": "remove", "path": "active"},
    ]
    patched = await api.patch(
        f"/api/SCIM/v2/Users/{created['id']}", json={"Operations": operations}
    )
    assert patched.status_code == 200, patched.text
    user = patched.json()
    assert user["name"] == {"givenName": "Augusta", "familyName": "Lovelace"}
    assert (user["active"], user["meta"]["version"]) == (False, 'W/"2"')
    assert user["meta"]["created"].endswith("Z")
    gone = [{"op": "remove", "path": "userName"}]
    refused = await api.patch(f"/api/SCIM/v2/Users/{created['id']}", json={"Operations": gone})
    assert (refused.status_code, refused.json()["detail"]) == (400, "userName: cannot be removed")
