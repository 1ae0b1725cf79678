"""What a server says about itself to a station: its heartbeat and its module versions."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from pydantic.alias_generators import to_pascal

from pywats._wire import WireModel

__all__ = ["ModuleVersion", "ServerPing"]


class ServerPing(WireModel):
    """The answer of the station heartbeat (PascalCase on the wire)."""

    model_config = ConfigDict(alias_generator=to_pascal)

    server_name: str
    server_time: datetime


class ModuleVersion(WireModel):
    model_config = ConfigDict(alias_generator=to_pascal)

    name: str
    version: str
