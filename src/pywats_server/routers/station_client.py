"""`/api/internal/Client`: the registration, heartbeat and version calls the WATS station client
makes (rest-api.md §15)."""

from __future__ import annotations

import socket
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from .. import __version__
from .._context import Caller, ServerContext, context

__all__ = ["router"]

router = APIRouter(prefix="/api/internal/Client", tags=["Station client"])
Context = Annotated[ServerContext, Depends(context)]


class Ping(BaseModel):
    ServerName: str
    ServerTime: datetime


class Registration(BaseModel):
    """The client token a registered station stores, and whose it is."""

    token: str
    user: str
    serverName: str


class ModuleVersion(BaseModel):
    Name: str
    Version: str


@router.get("/Ping", response_model=Ping)
def ping() -> Any:
    """The server's host name and its clock (UTC): stations warn when theirs differs by more
    than 5 minutes."""
    return {"ServerName": socket.gethostname(), "ServerTime": datetime.now(timezone.utc)}


@router.get("/Version", response_model=list[ModuleVersion])
def versions(ctx: Context) -> Any:
    """The server's module versions: this server and the WATS API it speaks."""
    return [
        {"Name": "pyWATS server", "Version": __version__},
        {"Name": "WATS API", "Version": ctx.settings.api_version},
    ]


@router.post("/Register", response_model=Registration)
def register(ctx: Context, caller: Caller) -> Any:
    """Register a station: called with a user's name and password (or a token of theirs), it
    answers a new token of that user for the station to keep; revoking it
    (`pywats-server token revoke`) cuts off that station alone."""
    token = ctx.users.issue_token(caller.name)
    return {"token": token, "user": caller.name, "serverName": socket.gethostname()}
