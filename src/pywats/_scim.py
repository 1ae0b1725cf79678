"""`client.scim`: SCIM 2.0 users as WATS provisions them (list, get, create, update,
deactivate, delete). Needs an administrator token.

A uniqueness clash (a userName in any case) raises ConflictError with the server's detail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params, WireModel, dump, segment

__all__ = ["ScimEmail", "ScimName", "ScimService", "ScimToken", "ScimUser", "ScimUserPage"]

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
_HEADERS = {"Content-Type": "application/scim+json"}


class ScimName(WireModel):
    formatted: str | None = None
    given_name: str | None = None
    family_name: str | None = None


class ScimEmail(WireModel):
    value: str
    type: str | None = None
    primary: bool | None = None


class ScimUser(WireModel):
    """A SCIM user; the server assigns `id` and `meta`."""

    user_name: str
    display_name: str | None = None
    active: bool = True
    external_id: str | None = None
    name: ScimName | None = None
    emails: list[ScimEmail] = Field(default_factory=list)
    schemas: list[str] = Field(default_factory=lambda: [USER_SCHEMA])
    id: str | None = None
    meta: dict[str, Any] | None = None


class ScimToken(WireModel):
    """A provisioning token for an identity provider's SCIM connector (sent as Bearer)."""

    token: str
    expires_utc: datetime
    duration_days: int


class ScimUserPage(WireModel):
    """One page of a user listing (`start_index` is 1-based)."""

    model_config = ConfigDict(alias_generator=None, populate_by_name=True, extra="allow")

    total_results: int = Field(alias="totalResults")
    items_per_page: int = Field(alias="itemsPerPage")
    start_index: int = Field(alias="startIndex")
    resources: list[ScimUser] = Field(default_factory=list, alias="Resources")


def _patch(operations: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


class ScimService(Service[M]):
    """SCIM users. Unknown ids raise NotFoundError."""

    @endpoint
    def get_token(self, duration_days: int = 90) -> Call[ScimToken]:
        """A new JWT for an identity provider, valid `duration_days` days (1-3650)."""
        params: Params = {"duration": duration_days}
        return Call("GET", "/api/SCIM/v2/Token", params=params, returns=ScimToken)

    @endpoint
    def list(
        self, *, start_index: int = 1, count: int = 100, user_name: str | None = None
    ) -> Call[ScimUserPage]:
        """A page of users (optionally the one with `user_name`)."""
        params: Params = {"startIndex": start_index, "count": count}
        if user_name is not None:
            escaped = user_name.replace('"', '\\"')
            params["filter"] = f'userName eq "{escaped}"'
        return Call("GET", "/api/SCIM/v2/Users", params=params, returns=ScimUserPage)

    @endpoint
    def get(self, user_id: str) -> Call[ScimUser]:
        return Call("GET", f"/api/SCIM/v2/Users/{segment(user_id)}", returns=ScimUser)

    @endpoint
    def get_by_user_name(self, user_name: str) -> Call[ScimUser]:
        path = f"/api/SCIM/v2/Users/userName={segment(user_name)}"
        return Call("GET", path, returns=ScimUser)

    @endpoint
    def create(self, user: ScimUser) -> Call[ScimUser]:
        """Provision a user; ConflictError when the userName exists."""
        body = dump(user)
        body.pop("id", None)
        body.pop("meta", None)
        return Call("POST", "/api/SCIM/v2/Users", json=body, headers=_HEADERS, returns=ScimUser)

    @endpoint
    def replace(self, user: ScimUser) -> Call[ScimUser]:
        """Replace every attribute of user `user.id` (PUT)."""
        body = dump(user)
        body.pop("meta", None)
        path = f"/api/SCIM/v2/Users/{segment(user.id or '')}"
        return Call("PUT", path, json=body, headers=_HEADERS, returns=ScimUser)

    @endpoint
    def update(self, user_id: str, attributes: Mapping[str, Any]) -> Call[ScimUser]:
        """Replace the given attributes (SCIM names: `displayName`, `active`, `name.givenName`,
        `emails`, ...) with one PatchOp, e.g. `{"displayName": "Eve Smith"}`."""
        operations = [{"op": "replace", "path": k, "value": v} for k, v in attributes.items()]
        path = f"/api/SCIM/v2/Users/{segment(user_id)}"
        return Call("PATCH", path, json=_patch(operations), headers=_HEADERS, returns=ScimUser)

    @endpoint
    def deactivate(self, user_id: str) -> Call[ScimUser]:
        """Set `active` to false (the user stays in the directory)."""
        operations = [{"op": "replace", "path": "active", "value": False}]
        path = f"/api/SCIM/v2/Users/{segment(user_id)}"
        return Call("PATCH", path, json=_patch(operations), headers=_HEADERS, returns=ScimUser)

    @endpoint
    def delete(self, user_id: str) -> Call[None]:
        return Call("DELETE", f"/api/SCIM/v2/Users/{segment(user_id)}")
