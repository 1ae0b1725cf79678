"""Station identity: who this service is, as written into reports and report ids."""

from __future__ import annotations

import socket
from dataclasses import dataclass

__all__ = ["Station"]


@dataclass(frozen=True)
class Station:
    """The station's name (`machineName` in reports), location and purpose."""

    name: str
    location: str = ""
    purpose: str = ""

    @classmethod
    def detect(cls, *, name: str | None = None, location: str = "", purpose: str = "") -> Station:
        """Use `name` when given, otherwise this computer's host name (without the domain)."""
        detected = name or socket.gethostname().split(".")[0] or "station"
        return cls(name=detected, location=location, purpose=purpose)
