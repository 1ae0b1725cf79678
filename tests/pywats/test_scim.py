"""`client.scim` against the real server: provisioning as an identity provider does it."""

from __future__ import annotations

import pytest

from pywats import (
    WATS,
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ScimEmail,
    ScimName,
    ScimUser,
)


@pytest.mark.anyio
async def test_provision_update_deactivate_delete(aclient: AsyncWATS, unique: str) -> None:
    name = f"eve.{unique}@example.com"
    created = await aclient.scim.create(
        ScimUser(
            user_name=name,
            display_name="Eve",
            external_id=f"aad-{unique}",
            name=ScimName(given_name="Eve", family_name="Smith"),
            emails=[ScimEmail(value=name, type="work", primary=True)],
        )
    )
    assert created.id is not None
    assert created.active
    assert created.meta is not None
    assert created.meta["resourceType"] == "User"
    with pytest.raises(ConflictError, match="is already used by SCIM user"):
        await aclient.scim.create(ScimUser(user_name=name.upper()))

    by_name = await aclient.scim.get_by_user_name(name.upper())
    assert by_name.id == created.id
    page = await aclient.scim.list(user_name=name)
    assert (page.total_results, [u.id for u in page.resources]) == (1, [created.id])

    renamed = await aclient.scim.update(
        created.id, {"displayName": "Eve S.", "name.familyName": "Smythe"}
    )
    assert renamed.display_name == "Eve S."
    assert renamed.name is not None
    assert (renamed.name.given_name, renamed.name.family_name) == ("Eve", "Smythe")
    deactivated = await aclient.scim.deactivate(created.id)
    assert not deactivated.active
    assert not (await aclient.scim.get(created.id)).active
    with pytest.raises(BadRequestError, match="unsupported attribute 'password'"):
        await aclient.scim.update(created.id, {"password": "x"})

    renamed.user_name = f"eve.smythe.{unique}@example.com"
    renamed.display_name = None
    replaced = await aclient.scim.replace(renamed)
    assert (replaced.user_name, replaced.display_name) == (renamed.user_name, None)
    await aclient.scim.delete(created.id)
    with pytest.raises(NotFoundError, match=f"SCIM user '{created.id}' not found"):
        await aclient.scim.get(created.id)


@pytest.mark.anyio
async def test_paging(aclient: AsyncWATS, unique: str) -> None:
    for index in range(3):
        await aclient.scim.create(ScimUser(user_name=f"page{index}-{unique}"))
    first = await aclient.scim.list(count=2)
    assert first.items_per_page == 2
    assert first.total_results >= 3
    later = await aclient.scim.list(start_index=first.total_results, count=5)
    assert later.start_index == first.total_results
    assert later.items_per_page == 1


def test_scim_over_a_socket(client: WATS, unique: str) -> None:
    user = client.scim.create(ScimUser(user_name=f"socket-{unique}"))
    assert user.id is not None
    assert not client.scim.deactivate(user.id).active
    with pytest.raises(ConflictError, match="already used"):
        client.scim.create(ScimUser(user_name=f"SOCKET-{unique}"))
    with pytest.raises(NotFoundError, match="not found"):
        client.scim.get_by_user_name(f"nobody-{unique}")
