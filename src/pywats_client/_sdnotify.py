"""systemd's notify protocol: READY, WATCHDOG, STOPPING and STATUS datagrams.

Without `NOTIFY_SOCKET` (not run by systemd with Type=notify) every call does nothing.
"""

from __future__ import annotations

import os
import socket

__all__ = ["Notifier"]


class Notifier:
    """Sends datagrams to the socket named by `NOTIFY_SOCKET` (read once, at the edge)."""

    def __init__(self, address: str | None, watchdog_usec: str | None = None) -> None:
        if address and address.startswith("@"):
            address = "\0" + address[1:]  # abstract socket namespace
        self.address = address or None
        self.watchdog_interval = int(watchdog_usec) / 2_000_000 if watchdog_usec else None

    @classmethod
    def from_environ(cls, environ: dict[str, str] | os._Environ[str]) -> Notifier:
        return cls(environ.get("NOTIFY_SOCKET"), environ.get("WATCHDOG_USEC"))

    def send(self, *fields: str) -> bool:
        """Send `KEY=value` fields; False when not under systemd or the socket is gone."""
        if not self.address or not hasattr(socket, "AF_UNIX"):
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto("\n".join(fields).encode(), self.address)
        except OSError:
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")
