"""`/api/internal/UnitFlow`: the paths units took through the operations (rest-api.md §7.1).

WATS keeps the unit-flow view per client session. Here the session is a cookie holding the
view's settings (compressed JSON), so any server process behind a balancer answers the GETs the
same way. A POST whose body selects units (any key but `splitBy`, `unitOrder`, `showList`,
`hideList`, `expandOperations`) starts a new selection; one with only those keys changes the
view of the current selection. The GETs answer the session's view, empty before any POST.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Cookie, Depends, Response
from pydantic import BaseModel, ValidationError

from .._context import ServerContext, context
from .._errors import ApiError
from ..analytics import AnalyticsError
from ..analytics._unit_flow import VIEW_KEYS, UnitFlowFilter, unit_flow

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/UnitFlow", tags=["Unit flow"])
Context = Annotated[ServerContext, Depends(context)]
COOKIE = "WATS_UnitFlow"
_MAX_COOKIE = 3800  # browsers and proxies drop cookies past 4 KiB


class UnitFlowNode(BaseModel):
    id: str
    name: str | None
    processCode: int
    processName: str | None
    stationName: str | None
    location: str | None
    purpose: str | None
    unitCount: int
    passCount: int
    failCount: int
    yieldPercent: float | None
    avgTime: float | None
    isExpanded: bool
    isVisible: bool
    level: int
    parentId: str | None


class UnitFlowLink(BaseModel):
    id: str
    sourceId: str
    targetId: str
    sourceName: str
    targetName: str
    unitCount: int
    passCount: int
    failCount: int
    avgTime: float
    isVisible: bool


class UnitFlowUnit(BaseModel):
    serialNumber: str
    partNumber: str
    revision: str
    status: str
    startTime: datetime
    endTime: datetime
    totalTime: float
    nodePath: list[str]
    currentNode: str


class UnitFlow(BaseModel):
    nodes: list[UnitFlowNode]
    links: list[UnitFlowLink]
    units: list[UnitFlowUnit]
    totalUnits: int


SessionCookie = Annotated[str | None, Cookie(alias=COOKIE)]
_EMPTY: dict[str, Any] = {"nodes": [], "links": [], "units": [], "totalUnits": 0}


def _load(cookie: str | None) -> dict[str, Any]:
    """The session's settings; a cookie this server did not write counts as no session."""
    if not cookie:
        return {}
    try:
        state = json.loads(zlib.decompress(base64.urlsafe_b64decode(cookie)))
    except (ValueError, zlib.error):
        return {}
    return state if isinstance(state, dict) else {}


def _filter(state: dict[str, Any]) -> UnitFlowFilter:
    try:
        return UnitFlowFilter.model_validate(state)
    except ValidationError as exc:
        problems = "; ".join(
            f"body field '{'.'.join(str(p) for p in e['loc']) or 'body'}': {e['msg']}"
            for e in exc.errors()
        )
        raise ApiError(400, problems) from None


def _merge(previous: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    if not body or any(key not in VIEW_KEYS for key in body):
        selection = {k: v for k, v in body.items() if k not in VIEW_KEYS}
    else:
        selection = {k: v for k, v in previous.items() if k not in VIEW_KEYS}
    view = {k: v for k, v in previous.items() if k in VIEW_KEYS}
    view.update({k: v for k, v in body.items() if k in VIEW_KEYS})
    return {**selection, **view}


def _flow(ctx: ServerContext, state: dict[str, Any]) -> dict[str, Any]:
    f = _filter(state)
    try:
        with ctx.database.engine.connect() as connection:
            return unit_flow(connection, f)
    except AnalyticsError as exc:
        raise ApiError(400, str(exc)) from None


def _post(
    ctx: ServerContext,
    response: Response,
    cookie: str | None,
    body: dict[str, Any] | None,
    required: str | None,
) -> dict[str, Any]:
    body = body or {}
    if required is not None and body.get(required) in (None, "", []):
        raise ApiError(400, f"body field '{required}': required by this endpoint")
    state = _merge(_load(cookie), body)
    flow = _flow(ctx, state)
    packed = base64.urlsafe_b64encode(zlib.compress(json.dumps(state).encode())).decode()
    if len(packed) > _MAX_COOKIE:
        raise ApiError(400, "body: the selection is too large to keep as a session; narrow it")
    response.set_cookie(COOKIE, packed, httponly=True, samesite="lax")
    return flow


Body_ = Annotated[dict[str, Any] | None, Body()]


@router.post("", response_model=UnitFlow)
def post_unit_flow(
    ctx: Context, response: Response, cookie: SessionCookie = None, body: Body_ = None
) -> Any:
    """Select units (a UnitFlowFilter) or change the view (visibility, expansion); the flow."""
    return _post(ctx, response, cookie, body, None)


@router.post("/SN", response_model=UnitFlow)
def post_serial_numbers(
    ctx: Context, response: Response, cookie: SessionCookie = None, body: Body_ = None
) -> Any:
    """The flow of the units with the given `serialNumbers`."""
    return _post(ctx, response, cookie, body, "serialNumbers")


@router.post("/SplitBy", response_model=UnitFlow)
def post_split_by(
    ctx: Context, response: Response, cookie: SessionCookie = None, body: Body_ = None
) -> Any:
    """Split each operation's node by `splitBy` (stationName, location or purpose)."""
    return _post(ctx, response, cookie, body, "splitBy")


@router.post("/UnitOrder", response_model=UnitFlow)
def post_unit_order(
    ctx: Context, response: Response, cookie: SessionCookie = None, body: Body_ = None
) -> Any:
    """Order the units by `unitOrder` (a unit field, then `asc` or `desc`)."""
    return _post(ctx, response, cookie, body, "unitOrder")


def _current(ctx: ServerContext, cookie: str | None) -> dict[str, Any]:
    state = _load(cookie)
    return _flow(ctx, state) if state else _EMPTY


@router.get("/Nodes", response_model=list[UnitFlowNode])
def get_nodes(ctx: Context, cookie: SessionCookie = None) -> Any:
    """The nodes of the session's flow."""
    return _current(ctx, cookie)["nodes"]


@router.get("/Links", response_model=list[UnitFlowLink])
def get_links(ctx: Context, cookie: SessionCookie = None) -> Any:
    """The links of the session's flow."""
    return _current(ctx, cookie)["links"]


@router.get("/Units", response_model=list[UnitFlowUnit])
def get_units(ctx: Context, cookie: SessionCookie = None) -> Any:
    """The units of the session's flow, in its unit order."""
    return _current(ctx, cookie)["units"]
