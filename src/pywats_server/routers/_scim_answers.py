"""The SCIM JSON of `/api/SCIM/v2` (RFC 7643 users, RFC 7644 list responses): response models
built from the store's records (`of`), which the router writes as `application/scim+json`
itself, and `ScimUserBody`, the user a request sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr
from pydantic.alias_generators import to_camel

from ..storage.scim_users import ScimAttributes, ScimEmail, ScimName, ScimPage, ScimUserRecord
from ._answer import Answer

__all__ = ["USER_SCHEMA", "ScimJSON", "ScimList", "ScimUser", "ScimUserBody"]

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


class ScimJSON(JSONResponse):
    """A JSON answer of the SCIM media type."""

    media_type = "application/scim+json"


class ScimNameAnswer(Answer):
    """The name parts the user has (absent parts are left out)."""

    givenName: str | None = None
    familyName: str | None = None
    formatted: str | None = None


class ScimEmailAnswer(Answer):
    """An e-mail address (absent keys are left out)."""

    value: str
    type: str | None = None
    primary: bool | None = None


class ScimMeta(Answer):
    resourceType: str
    created: str
    lastModified: str
    location: str
    version: str


def _instant(moment: datetime) -> str:
    return moment.isoformat() + "Z"


def _name_keys(name: ScimName) -> dict[str, Any]:
    return {
        "givenName": name.given_name,
        "familyName": name.family_name,
        "formatted": name.formatted,
    }


def _email_keys(email: ScimEmail) -> dict[str, Any]:
    return {"value": email.value, "type": email.type, "primary": email.primary}


class _Resource(Answer):
    def wire(self) -> dict[str, Any]:
        """The JSON object; keys left unset (absent name parts, e-mail keys) are left out."""
        return self.model_dump(mode="json", exclude_unset=True)


class ScimUser(_Resource):
    schemas: list[str]
    id: str
    externalId: str | None
    userName: str
    displayName: str | None
    name: ScimNameAnswer
    emails: list[ScimEmailAnswer]
    active: bool
    meta: ScimMeta

    @classmethod
    def of(cls, user: ScimUserRecord) -> ScimUser:
        a = user.attributes
        name = _name_keys(a.name)
        emails = [
            ScimEmailAnswer(**{k: v for k, v in _email_keys(email).items() if v is not None})
            for email in a.emails
        ]
        return cls(
            schemas=[USER_SCHEMA],
            id=user.id,
            externalId=a.external_id,
            userName=a.user_name,
            displayName=a.display_name,
            name=ScimNameAnswer(**{k: v for k, v in name.items() if v is not None}),
            emails=emails,
            active=a.active,
            meta=ScimMeta(
                resourceType="User",
                created=_instant(user.created),
                lastModified=_instant(user.last_modified),
                location=f"/api/SCIM/v2/Users/{user.id}",
                version=f'W/"{user.version}"',
            ),
        )


class ScimList(_Resource):
    schemas: list[str]
    totalResults: int
    itemsPerPage: int
    startIndex: int
    Resources: list[ScimUser]

    @classmethod
    def of(cls, page: ScimPage) -> ScimList:
        return cls(
            schemas=[LIST_SCHEMA],
            totalResults=page.total,
            itemsPerPage=len(page.users),
            startIndex=page.start_index,
            Resources=[ScimUser.of(user) for user in page.users],
        )


class _Body(BaseModel):
    """A part of a user body: wire names, unknown attributes ignored (SCIM extensions)."""

    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True)


class _NameBody(_Body):
    given_name: StrictStr | None = None
    family_name: StrictStr | None = None
    formatted: StrictStr | None = None


class _EmailBody(_Body):
    value: StrictStr
    type: StrictStr | None = None
    primary: StrictBool | None = None


class ScimUserBody(_Body):
    """A user as a request sends it (POST, PUT, and the result of a PATCH's operations)."""

    user_name: StrictStr
    display_name: StrictStr | None = None
    external_id: StrictStr | None = None
    name: _NameBody | None = None
    emails: list[_EmailBody] | None = None
    active: StrictBool = True

    @classmethod
    def of(cls, attributes: ScimAttributes) -> dict[str, Any]:
        """The wire attributes of `attributes`, which a PATCH changes."""
        a = attributes
        return {
            "userName": a.user_name,
            "displayName": a.display_name,
            "externalId": a.external_id,
            "name": _name_keys(a.name),
            "emails": [_email_keys(email) for email in a.emails],
            "active": a.active,
        }

    def attributes(self) -> ScimAttributes:
        name = self.name or _NameBody()
        return ScimAttributes(
            user_name=self.user_name,
            display_name=self.display_name,
            external_id=self.external_id,
            name=ScimName(name.given_name, name.family_name, name.formatted),
            emails=[ScimEmail(e.value, e.type, e.primary) for e in self.emails or []],
            active=self.active,
        )
