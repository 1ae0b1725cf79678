"""What a server says about itself to a station: its heartbeat, its module versions and a
station's registration."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from pydantic.alias_generators import to_pascal

from pywats._wire import WireModel

__all__ = ["ModuleVersion", "Registration", "ServerPing"]


class ServerPing(WireModel):
    """The answer of the station heartbeat (PascalCase on the wire)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    server_name: str
    server_time: datetime


class ModuleVersion(WireModel):
    model_config = ConfigDict(alias_generator=to_pascal)

    name: str
    version: str


class Registration(WireModel):
    """A station's registration: a new token of the registering user, for the station to keep
    (and use instead of the user's password)."""

    token: str
    user: str
    server_name: str
