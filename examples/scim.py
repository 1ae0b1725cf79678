"""Provision and retire a user the way an identity provider's SCIM connector does.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<admin token> python examples/scim.py

Safe to run again.
"""

from __future__ import annotations

from pywats import WATS, ScimEmail, ScimName, ScimUser, WATSError


def main() -> None:
    with WATS() as client:
        user_name = "ola.nordmann@example.com"
        existing = client.scim.list(user_name=user_name).resources
        if existing:
            user = existing[0]
        else:
            user = client.scim.create(
                ScimUser(
                    user_name=user_name,
                    display_name="Ola Nordmann",
                    name=ScimName(given_name="Ola", family_name="Nordmann"),
                    emails=[ScimEmail(value=user_name, type="work", primary=True)],
                )
            )
        assert user.id is not None
        client.scim.update(user.id, {"displayName": "Ola Nordmann (Test)", "active": True})
        print(f"provisioned {user.user_name} as {user.id}")
        retired = client.scim.deactivate(user.id)
        print(f"{retired.user_name}: active = {retired.active}")
        page = client.scim.list(count=10)
        print(f"{page.total_results} user(s) in the directory")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
