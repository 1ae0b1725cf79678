"""`/api/SCIM/v2/Users`: SCIM 2.0 user provisioning (RFC 7644) for identity providers.

Errors carry the SCIM error shape (`schemas`, `status`, `detail`, `scimType`) plus the WATS
`Message`, so both SCIM connectors and WATS clients read them. Responses are
`application/scim+json`. Administrators only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from .._context import ServerContext, context, require_admin
from .._errors import ApiError, status_of
from .._json import JsonBodyError, StrictJsonRoute, load_json
from ..storage import DomainError
from ..storage.scim_users import ScimAttributes
from ._scim_answers import ScimJSON, ScimList, ScimUser, ScimUserBody

__all__ = ["router"]

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/SCIM/v2",
    tags=["SCIM"],
    dependencies=[Depends(require_admin)],
    default_response_class=ScimJSON,
)
Context = Annotated[ServerContext, Depends(context)]
_MEDIA = "application/scim+json"
_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
_SCIM_TYPES = {409: "uniqueness", 400: "invalidValue"}
_FILTER = re.compile(r'^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


class PatchOp(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schemas: list[str] = []
    Operations: list[dict[str, Any]] = Field(min_length=1)


# The attributes a PATCH path may name.
_PATHS = {"active", "displayName", "externalId", "userName", "emails", "name"} | {
    f"name.{part}" for part in ("givenName", "familyName", "formatted")
}


def _scim(status: int, content: Any) -> JSONResponse:
    return JSONResponse(content, status_code=status, media_type=_MEDIA)


async def _run(status: int, work: Callable[[], ScimUser | ScimList | None]) -> Response:
    """Run a store call in a thread; answer SCIM JSON, or a SCIM error for a refusal."""
    try:
        result = await run_in_threadpool(work)
    except (ApiError, DomainError) as exc:
        status = status_of(exc)
        body = {
            "schemas": [_ERROR],
            "status": str(status),
            "detail": exc.message,
            "Message": exc.message,
            "message": exc.message,
        }
        if status in _SCIM_TYPES:
            body["scimType"] = _SCIM_TYPES[status]
        return _scim(status, body)
    if result is None:
        return Response(status_code=204)
    return _scim(status, result.wire())


def _attributes(wire: Mapping[str, Any]) -> ScimAttributes:
    """The user a body describes; 400 naming the attribute that breaks the schema."""
    try:
        return ScimUserBody.model_validate(wire).attributes()
    except ValidationError as exc:
        said = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise ApiError(400, said) from None


async def _json(request: Request) -> dict[str, Any]:
    """The body as a JSON object (every SCIM request body is one); else a 400."""
    try:
        body = load_json(await request.body())
    except JsonBodyError as exc:
        raise ApiError(400, str(exc)) from None
    if not isinstance(body, dict):
        raise ApiError(400, "body: expected a SCIM JSON object")
    return body


def _changes(operations: list[dict[str, Any]]) -> list[tuple[str | None, Any]]:
    """(path, value) of each operation, None for a removed attribute; 400 for an operation
    this server does not apply."""
    changes: list[tuple[str | None, Any]] = []
    for index, operation in enumerate(operations):
        op = str(operation.get("op", "")).lower()
        path, value = operation.get("path"), operation.get("value")
        if op not in ("replace", "add", "remove"):
            raise ApiError(
                400, f"Operations[{index}].op: expected add, replace or remove, got {op!r}"
            )
        if path is None:
            if op == "remove" or not isinstance(value, Mapping):
                raise ApiError(400, f"Operations[{index}]: without a path, value must be an object")
            changes.extend(value.items())
        elif path in _PATHS:
            if path == "userName" and op == "remove":
                raise ApiError(400, "userName: cannot be removed")
            changes.append((str(path), None if op == "remove" else value))
        else:
            raise ApiError(400, f"Operations[{index}].path: unsupported attribute {path!r}")
    return changes


def _patched(operations: list[dict[str, Any]]) -> Callable[[ScimAttributes], ScimAttributes]:
    """The change PATCH makes: the operations applied in order to the current attributes (a
    removed `active` is false)."""
    changes = _changes(operations)

    def apply(current: ScimAttributes) -> ScimAttributes:
        wire = ScimUserBody.of(current)
        for path, value in changes:
            if path is not None and path.startswith("name."):
                wire["name"] = {**(wire["name"] or {}), path.removeprefix("name."): value}
            else:
                wire[str(path)] = value
        if wire.get("active", False) is None:
            wire["active"] = False
        if wire.get("userName", "") is None:
            raise ApiError(400, "userName: cannot be removed")
        return _attributes(wire)

    return apply


@router.get("/Users", responses={200: {"model": ScimList}})
async def list_users(
    ctx: Context, startIndex: int = 1, count: int = 100, filter: str | None = None
) -> Response:
    """A ListResponse page; `filter` supports `userName eq "name"`."""
    user_name = None
    if filter is not None:
        match = _FILTER.match(filter)
        if match is None:
            raise ApiError(400, f'filter: only userName eq "..." is supported, got {filter!r}')
        user_name = match.group(1).replace('\\"', '"')
    return await _run(200, lambda: ScimList.of(ctx.scim.page(startIndex, max(count, 0), user_name)))


@router.post("/Users", status_code=201, responses={201: {"model": ScimUser}})
async def create_user(ctx: Context, request: Request) -> Response:
    """Provision a user; 409 when the userName exists."""
    body = await _json(request)
    return await _run(201, lambda: ScimUser.of(ctx.scim.create(_attributes(body))))


@router.get("/Users/{id}", responses={200: {"model": ScimUser}})
async def get_user(ctx: Context, id: str) -> Response:
    """A user by id, or by name with the segment `userName=<name>`."""
    if id.startswith("userName="):
        name = id.removeprefix("userName=")
        return await _run(200, lambda: ScimUser.of(ctx.scim.get_by_user_name(name)))
    return await _run(200, lambda: ScimUser.of(ctx.scim.get(id)))


@router.put("/Users/{id}", responses={200: {"model": ScimUser}})
async def replace_user(ctx: Context, id: str, request: Request) -> Response:
    body = await _json(request)
    return await _run(200, lambda: ScimUser.of(ctx.scim.replace(id, _attributes(body))))


@router.patch("/Users/{id}", responses={200: {"model": ScimUser}})
async def patch_user(ctx: Context, id: str, patch: PatchOp) -> Response:
    """Apply a PatchOp; deactivation is `replace` of `active` with false."""
    return await _run(200, lambda: ScimUser.of(ctx.scim.change(id, _patched(patch.Operations))))


@router.delete("/Users/{id}", status_code=204)
async def delete_user(ctx: Context, id: str) -> Response:
    return await _run(204, lambda: ctx.scim.delete(id))
