"""Response models of `/api/SCIM/v2` (RFC 7643 users, RFC 7644 list responses): they document
the answers, which the router writes as `application/scim+json` itself."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ._answer import Answer

__all__ = ["ScimJSON", "ScimList", "ScimUser"]


class ScimJSON(JSONResponse):
    """A JSON answer of the SCIM media type."""

    media_type = "application/scim+json"


class ScimName(Answer):
    """The name parts the user has (absent parts are left out)."""

    givenName: str | None = None
    familyName: str | None = None
    formatted: str | None = None


class ScimEmail(BaseModel):
    """An e-mail address as the identity provider sent it."""

    value: str
    type: str | None = None
    primary: bool | None = None


class ScimMeta(Answer):
    resourceType: str
    created: str
    lastModified: str
    location: str
    version: str


class ScimUser(Answer):
    schemas: list[str]
    id: str
    externalId: str | None
    userName: str
    displayName: str | None
    name: ScimName
    emails: list[ScimEmail]
    active: bool
    meta: ScimMeta


class ScimList(Answer):
    schemas: list[str]
    totalResults: int
    itemsPerPage: int
    startIndex: int
    Resources: list[ScimUser]
